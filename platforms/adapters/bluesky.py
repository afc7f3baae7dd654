"""Bluesky: the public AppView, no key (app.bsky.actor.getProfile, app.bsky.feed.getAuthorFeed).

The DID is the account's permanent ID: another DID behind the registered handle means the handle
now belongs to someone else (なりすまし) or was moved (乗っ取り) — G-4-3-カ.
"""

import re

from ..checks import ApiAdapter, Capability, CheckError, Gone, ProfileState, Target, register, short_code

# XRPC errors that mean the account itself is not there (the lexicon's error names).
GONE_ERRORS = {
    "AccountTakedown": "Blueskyにより停止されています（AccountTakedown）",
    "AccountDeactivated": "アカウントが無効化されています（AccountDeactivated）",
    "RepoTakendown": "Blueskyにより停止されています（RepoTakendown）",
    "RepoDeactivated": "アカウントが無効化されています（RepoDeactivated）",
    "RepoSuspended": "一時停止されています（RepoSuspended）",
}
_URL = re.compile(r"https?://[^\s　）)」]+")


@register("bluesky")
class BlueskyAdapter(ApiAdapter):
    name = "bluesky"
    capabilities = frozenset({Capability.READ_PROFILE, Capability.READ_POSTS})
    interface = "AppView app.bsky.actor.getProfile・app.bsky.feed.getAuthorFeed（キー不要）"
    plain = "Blueskyの公開情報（API）で確認"
    default_base = "https://public.api.bsky.app"

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
        return ProfileState(
            reachable=True,
            http_status=reply.status,
            display_name=str(profile.get("displayName") or "").strip()[:200],
            platform_account_id=did[:100],
            last_post=_latest_post(feed.json())[:100],
            profile_text=description[:2000],
            links=_URL.findall(description)[:50],
        )

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


def _latest_post(feed) -> str:
    """The newest post's createdAt (the author's clock), or its indexedAt; "" for an empty feed."""
    items = feed.get("feed") if isinstance(feed, dict) else None
    if not items or not isinstance(items[0], dict):
        return ""
    post = items[0].get("post") or {}
    record = post.get("record") or {}
    return str(record.get("createdAt") or post.get("indexedAt") or "")
