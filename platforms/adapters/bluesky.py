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
from urllib.parse import quote

from ..checks import ApiAdapter, Capability, CheckError, Gone, ProfileState, Target, register, segment, short_code
from ..reads import FoundAccount, Post, PostPage, items_of, make_post, next_cursor

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
        description = str(profile.get("description") or "")
        verified, note = _verification(profile)
        return ProfileState(
            reachable=True,
            http_status=reply.status,
            display_name=str(profile.get("displayName") or "").strip()[:200],
            platform_account_id=did[:100],
            last_post=_latest_post(feed.json())[:100],
            profile_text=description[:2000],
            links=_URL.findall(description)[:50],
            verified=verified,
            verification_note=note,
        )

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

    def search_accounts(self, target: Target, http, query: str, *, limit: int = 25) -> list[FoundAccount]:
        reply = http.get(self.url(target, "/xrpc/app.bsky.actor.searchActors", q=query, limit=limit))
        if reply.status != 200:
            raise self._error(reply)
        body = reply.json()
        actors = body.get("actors") if isinstance(body, dict) else None
        if not isinstance(actors, list):
            raise CheckError("APIの応答にアカウントの一覧がありません")
        found = []
        for actor in actors:
            if isinstance(actor, dict) and actor.get("did") and actor.get("handle"):
                handle = _str(actor["handle"])[:253]
                found.append(
                    FoundAccount(
                        handle=handle,
                        display_name=_str(actor.get("displayName")).strip()[:200],
                        platform_account_id=_str(actor["did"])[:100],
                        profile_url=f"https://bsky.app/profile/{segment(handle)}",
                        description=_str(actor.get("description"))[:2000],
                    )
                )
        return found

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
