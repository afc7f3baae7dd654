"""Bluesky: the public AppView, no key (app.bsky.actor.getProfile, app.bsky.feed.getAuthorFeed,
app.bsky.actor.searchActors).

The DID is the account's permanent ID: another DID behind the registered handle means the handle
now belongs to someone else (なりすまし) or was moved (乗っ取り) — G-4-3-カ.

Verification (P-7-3) is read from the profile itself: a handle that is a domain of the account's own (not
a name under the hosting service's bsky.social) is Bluesky's domain verification — the domain's DNS or
web server names the DID — and the profile view's `verification` (app.bsky.actor.defs#verificationState)
says `verifiedStatus: "valid"` when a trusted verifier has verified the account (the blue check).
"""

import re
from dataclasses import replace
from urllib.parse import quote, unquote, urlsplit

from accounts.handles import handle_problem

from ..checks import ApiAdapter, Capability, CheckError, Gone, ProfileState, Target, register, segment, short_code
from ..reads import (
    FoundPage,
    Post,
    PostPage,
    found_items,
    items_of,
    make_found,
    make_post,
    next_cursor,
    text_of,
    token_of,
)

# XRPC errors that mean the account itself is not there (the lexicon's error names).
GONE_ERRORS = {
    "AccountTakedown": "Blueskyにより停止されています（AccountTakedown）",
    "AccountDeactivated": "アカウントが無効化されています（AccountDeactivated）",
    "RepoTakendown": "Blueskyにより停止されています（RepoTakendown）",
    "RepoDeactivated": "アカウントが無効化されています（RepoDeactivated）",
    "RepoSuspended": "一時停止されています（RepoSuspended）",
}
_URL = re.compile(r"https?://[^\s　）)」]+")
# Handles under the hosting service's own domain prove nothing of who runs the account (P-7-3).
HOSTED_SUFFIXES = (".bsky.social",)
INVALID_HANDLE = "handle.invalid"  # what the AppView shows when the handle's domain no longer names the DID


@register("bluesky")
class BlueskyAdapter(ApiAdapter):
    name = "bluesky"
    capabilities = frozenset({Capability.READ_PROFILE, Capability.READ_POSTS, Capability.SEARCH_ACCOUNTS})
    interface = "AppView app.bsky.actor.getProfile・app.bsky.feed.getAuthorFeed（キー不要）"
    plain = "Blueskyの公開情報（API）で確認"
    default_base = "https://public.api.bsky.app"
    media_hosts = ("cdn.bsky.app", "video.bsky.app")  # images (fullsize), videos (playlist)

    def target(self, account) -> Target:
        return self.handle_target(account)

    def read(self, target: Target, http) -> ProfileState:
        reply = http.get(self.url(target, "/xrpc/app.bsky.actor.getProfile", actor=target.actor))
        if reply.status != 200:
            raise self._error(reply)
        profile = reply.json()
        if not isinstance(profile, dict) or not profile.get("did"):
            raise CheckError("APIの応答にDIDがありません")
        did = str(profile["did"])
        feed = http.get(
            self.url(target, "/xrpc/app.bsky.feed.getAuthorFeed", actor=did, limit=1, filter="posts_no_replies")
        )
        if feed.status != 200:
            raise self._error(feed)
        return _state(reply.status, profile, _latest_post(feed.json()))

    def posts_target(self, account) -> Target:
        """By the DID once a check has read it: a handle can pass to someone else, the DID cannot (G-4-3-カ)."""
        target = self.handle_target(account)
        did = account.platform_account_id or ""
        if did.startswith("did:") and not target.problem:
            return replace(target, actor=did)
        return target

    def read_posts(self, target: Target, http, *, cursor: str = "", limit: int = 50) -> PostPage:
        feed = "/xrpc/app.bsky.feed.getAuthorFeed"
        reply = http.get(self.url(target, feed, actor=target.actor, limit=limit, cursor=cursor or None))
        if reply.status != 200:
            raise self._error(reply)
        body = reply.json()
        if not isinstance(body, dict):
            raise CheckError("APIの応答に投稿の一覧がありません")
        posts = tuple(post for item in items_of(body.get("feed")) if (post := _post(item)) is not None)
        return PostPage(posts, next_cursor(body.get("cursor"), cursor), reply.content)

    def search_accounts(self, target: Target, http, query: str, *, limit: int = 25, cursor: str = "") -> FoundPage:
        """One page of app.bsky.actor.searchActors (q, limit ≤ 100, cursor): app.bsky.actor.defs#profileView
        items, each with its avatar and createdAt."""
        path = "/xrpc/app.bsky.actor.searchActors"
        reply = http.get(self.url(target, path, q=query, limit=min(limit, 100), cursor=cursor or None))
        if reply.status != 200:
            raise self._error(reply)
        body = reply.json()
        if not isinstance(body, dict):
            raise CheckError("APIの応答にアカウントの一覧がありません")
        found = []
        for actor in found_items(body.get("actors")):
            if not isinstance(actor, dict) or not _str(actor.get("handle")):
                continue
            handle = _str(actor["handle"])[:253]
            account = make_found(
                handle=handle,
                display_name=actor.get("displayName"),
                platform_account_id=actor.get("did"),
                profile_url=f"https://bsky.app/profile/{segment(handle)}",
                description=actor.get("description"),
                avatar_url=actor.get("avatar"),
                created_at=actor.get("createdAt"),
            )
            if account is not None:
                found.append(account)
        return FoundPage(tuple(found), next_cursor(body.get("cursor"), ""))

    def found_target(self, platform, url: str, *, account_id: str = "") -> Target:
        """The AppView, asked about the account behind https://bsky.app/profile/<handle or DID> — by its DID
        when a search gave it (the handle may have moved on since)."""
        page = super().found_target(platform, url, account_id=account_id)
        if page.refused:
            return page
        actor = account_id if _DID.fullmatch(account_id or "") else _profile_actor(page.public_url)
        if not actor:
            return replace(page, refused="BlueskyのプロフィールのURL（https://bsky.app/profile/…）ではありません")
        return replace(self.platform_target(platform, token=""), actor=actor, public_url=page.public_url)

    def read_found(self, target: Target, http, *, posts: int = 20):
        """app.bsky.actor.getProfile, then the newest posts of app.bsky.feed.getAuthorFeed (replies included:
        an impersonator answers residents). A taken-down account is a reading too, with the answer that says so."""
        reply = http.get(self.url(target, "/xrpc/app.bsky.actor.getProfile", actor=target.actor))
        if reply.status != 200:
            error = self._error(reply)
            if isinstance(error, Gone):
                return ProfileState(reachable=False, http_status=reply.status, gone=True, error=str(error)), None, ""
            raise error
        profile = reply.json()
        if not isinstance(profile, dict) or not token_of(profile.get("did")):
            raise CheckError("APIの応答にDIDがありません")
        try:
            page = self.read_posts(replace(target, actor=profile["did"]), http, limit=posts)
        except CheckError as exc:  # the profile is evidence enough; the reading says what is missing
            return _state(reply.status, profile, ""), None, f"投稿は読めませんでした（{exc}）"
        page = PostPage(page.posts, "", page.raw)  # the newest posts only: the capture reads no further
        latest = page.posts[0].published if page.posts else ""
        return _state(reply.status, profile, latest), page, ""

    @staticmethod
    def _error(reply) -> CheckError:
        try:
            body = reply.json()
        except CheckError:
            body = {}
        code = body.get("error", "") if isinstance(body, dict) else ""
        message = body.get("message", "") if isinstance(body, dict) else ""
        if code in GONE_ERRORS:
            return Gone(GONE_ERRORS[code])
        if reply.status == 400 and code == "InvalidRequest" and "not found" in message.lower():
            return Gone("アカウントが見つかりません（Profile not found）")
        code = short_code(code)  # the XRPC error name; never its message (issue 20)
        return CheckError(f"APIがエラーを返しました（HTTP {reply.status} {code}）".replace(" ）", "）"))


_DID = re.compile(r"did:(plc|web):[A-Za-z0-9._:%-]{1,200}")


def _profile_actor(url: str) -> str:
    """The handle or DID of https://bsky.app/profile/<actor>[/…], if it is one; else ""."""
    parts = urlsplit(url).path.split("/")
    if len(parts) < 3 or parts[1] != "profile":
        return ""
    actor = unquote(parts[2])
    if _DID.fullmatch(actor):
        return actor
    return "" if handle_problem("bluesky", actor) else actor


def _state(status: int, profile: dict, latest: str) -> ProfileState:
    """A profile (app.bsky.actor.defs#profileViewDetailed) as a reading."""
    description = text_of(profile.get("description"), 2000)
    verified, note = _verification(profile)
    return ProfileState(
        reachable=True,
        http_status=status,
        display_name=text_of(profile.get("displayName"), 200).strip(),
        platform_account_id=str(profile["did"])[:100],
        last_post=str(latest or "")[:100],
        profile_text=description,
        links=_URL.findall(description)[:50],
        verified=verified,
        verification_note=note,
    )


def _verification(profile: dict) -> tuple[bool | None, str]:
    """P-7-3: what the profile view says of the account's verification (see the module's docstring)."""
    state = profile.get("verification") if isinstance(profile.get("verification"), dict) else {}
    status = state.get("verifiedStatus")
    if status == "valid":
        return True, "Blueskyの認証（青いチェックマーク：verifiedStatus valid）"
    handle = _str(profile.get("handle")).lower()
    if handle == INVALID_HANDLE:
        return False, "ハンドルのドメイン確認が切れています（handle.invalid）"
    if not handle:
        return None, ""
    if not handle.endswith(HOSTED_SUFFIXES):
        return True, f"ドメインによる確認（ハンドル {short_code(handle, limit=253) or '（読み取れません）'}）"
    if status == "invalid":
        return False, "Blueskyの認証が無効になっています（verifiedStatus invalid）"
    return False, "認証なし（bsky.socialのハンドル）"


def _str(value) -> str:
    """A string field of the answer, or "" for anything else (a number, a list, null)."""
    return value if isinstance(value, str) else ""


def _post(item) -> Post | None:
    """A post of the feed (app.bsky.feed.defs#feedViewPost), or None for what the account did not write:
    a repost (`reason`) is someone else's post."""
    if not isinstance(item, dict) or item.get("reason"):
        return None
    post = item.get("post")
    if not isinstance(post, dict) or not post.get("uri"):
        return None
    uri = _str(post["uri"])  # at://<did>/app.bsky.feed.post/<rkey>
    record = post.get("record") if isinstance(post.get("record"), dict) else {}
    author = post.get("author") if isinstance(post.get("author"), dict) else {}
    links = [
        _str(feature.get("uri"))
        for facet in record.get("facets") or []
        if isinstance(facet, dict)
        for feature in facet.get("features") or []
        if isinstance(feature, dict) and feature.get("$type") == "app.bsky.richtext.facet#link"
    ]
    return make_post(
        post_id=uri,
        # A DID's colons stay as they are in bsky.app's own links; anything else is percent-encoded.
        url=f"https://bsky.app/profile/{quote(_str(author.get('did') or author.get('handle'))[:300], safe=':')}"
        f"/post/{segment(uri.rsplit('/', 1)[-1][:300])}",
        published=record.get("createdAt") or post.get("indexedAt"),
        text=record.get("text"),
        links=links,
        media=_media(post.get("embed")),
    )


def _media(embed) -> list[str]:
    """The images, video and link card an embed view shows (app.bsky.embed.*#view)."""
    if not isinstance(embed, dict):
        return []
    kind = embed.get("$type", "")
    if kind == "app.bsky.embed.images#view":
        return [_str(i.get("fullsize")) for i in embed.get("images") or [] if isinstance(i, dict) and i.get("fullsize")]
    if kind == "app.bsky.embed.video#view" and embed.get("playlist"):
        return [_str(embed["playlist"])]
    if kind == "app.bsky.embed.external#view" and isinstance(embed.get("external"), dict):
        return [_str(embed["external"].get("uri"))] if embed["external"].get("uri") else []
    if kind == "app.bsky.embed.recordWithMedia#view":
        return _media(embed.get("media"))
    return []


def _latest_post(feed) -> str:
    """The newest post's createdAt (the author's clock), or its indexedAt; "" for an empty feed."""
    items = feed.get("feed") if isinstance(feed, dict) else None
    if not items or not isinstance(items[0], dict):
        return ""
    post = items[0].get("post") or {}
    record = post.get("record") or {}
    return str(record.get("createdAt") or post.get("indexedAt") or "")
