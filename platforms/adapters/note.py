"""note: the creator's public RSS feed, https://note.com/<note ID>/rss (no key).

The channel carries the creator's name (title), profile text (description) and page (link); the
newest item's pubDate is the last post. note publishes no permanent ID other than the note ID
(the account's handle), so `id_changed` cannot be found here: a creator page that answers under
another note ID is said in the reading instead.
"""

import re
from dataclasses import replace
from urllib.parse import urlsplit

from accounts.handles import handle_problem

from ..checks import (
    RESIDENTS_REPORT,
    ApiAdapter,
    Capability,
    CheckError,
    Gone,
    Http,
    ProfileState,
    Target,
    register,
    segment,
    short_code,
)
from ..reads import PostPage
from .feeds import feed_posts, newest_entry_time, parse_feed

_URL = re.compile(r"https?://[^\s　）)」<>\"]+")


@register("note")
class NoteAdapter(ApiAdapter):
    name = "note"
    capabilities = frozenset({Capability.READ_PROFILE, Capability.READ_POSTS})
    interface = "クリエイターの公開RSS note.com/<note ID>/rss（キー不要）"
    plain = "noteの公開記事の一覧で確認"
    default_base = "https://note.com"
    media_hosts = ("assets.st-note.com",)  # the articles' header images
    search_unavailable = "noteには、名前でクリエイターを探す公開のAPIがありません"
    search_alternative = f"{RESIDENTS_REPORT}。note上で名前を検索して確かめることもできます"

    def target(self, account) -> Target:
        handle = (account.handle or "").strip().lstrip("@")
        if not handle:
            return self.api_target(account, actor="", problem="確認できず：note ID（ユーザー名）が登録されていません")
        return self.handle_target(account)  # note IDs' syntax: accounts/handles.py

    def _feed(self, target: Target, http: Http):
        reply = http.get(self.url(target, f"/{segment(target.actor)}/rss"))
        if reply.status in (404, 410):
            raise Gone(f"クリエイターのページがありません（RSS HTTP {reply.status}）")
        if reply.status != 200:
            raise CheckError(f"RSSを読めません（HTTP {reply.status}）")
        return reply, parse_feed(reply.text)

    def read_posts(self, target: Target, http: Http, *, cursor: str = "", limit: int = 50) -> PostPage:
        """The RSS's items (the newest articles; the feed is one page). An article's key (n…) in its URL is
        its ID: note publishes no other."""
        reply, feed = self._feed(target, http)
        return PostPage(feed_posts(feed, _article_key)[:limit], "", reply.content)

    def found_target(self, platform, url: str, *, account_id: str = "") -> Target:
        """The creator's RSS, for a page https://note.com/<note ID>[/…] that is not the city's."""
        page = super().found_target(platform, url, account_id=account_id)
        if page.refused:
            return page
        actor = urlsplit(url).path.strip("/").split("/")[0]
        if not actor or handle_problem("note", actor):
            return replace(page, refused="noteのクリエイターのページのURL（https://note.com/<note ID>）ではありません")
        return replace(self.platform_target(platform, token=""), actor=actor, public_url=url)

    def read_found(self, target: Target, http: Http, *, posts: int = 20):
        """The RSS once: the creator's name, profile text and newest articles."""
        try:
            reply, feed = self._feed(target, http)
        except Gone as exc:
            return ProfileState(reachable=False, gone=True, error=str(exc)), None, ""
        page = PostPage(feed_posts(feed, _article_key)[:posts], "", reply.content)
        return self._state(target, reply, feed), page, ""

    def read(self, target: Target, http: Http) -> ProfileState:
        reply, feed = self._feed(target, http)
        return self._state(target, reply, feed)

    @staticmethod
    def _state(target: Target, reply, feed) -> ProfileState:
        channel = feed.feed
        description = str(channel.get("subtitle") or channel.get("description") or "")
        link = str(channel.get("link") or "")
        links = [link] if link else []
        state = ProfileState(
            reachable=True,
            http_status=reply.status,
            display_name=str(channel.get("title") or "").strip()[:200],
            last_post=newest_entry_time(feed),
            profile_text=description[:2000],
            links=(links + _URL.findall(description))[:50],
        )
        answered_as = urlsplit(link).path.strip("/").split("/")[0] if link else ""
        if answered_as and answered_as.casefold() != target.actor.casefold():
            other = short_code(answered_as) or "別の名前"
            state.error = f"登録された note ID（{target.actor}）ではなく {other} のページとして答えました"
        return state


_ARTICLE = re.compile(r"/n/(n[0-9a-z]{6,40})(?:[/?#]|$)")


def _article_key(entry) -> str:
    """The article's key in its URL (https://note.com/<note ID>/n/<key>), or ""."""
    found = _ARTICLE.search(str(entry.get("link") or ""))
    return found.group(1) if found else ""
