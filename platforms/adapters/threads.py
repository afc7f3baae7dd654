"""Threads: Threads API GET /v1.0/me?fields=… and /v1.0/me/threads?limit=1, with the account's token.

A Threads token reads only its own user (the API's rule), so the answer is about the account whose
token the city registered: its username must be the registered handle, or the token is another
account's (確認できず, never a reading of the wrong account). The user ID is the permanent ID.
"""

from django.views.decorators.debug import sensitive_variables

from ..checks import ApiAdapter, Capability, CheckError, ProfileState, Target, register, short_code, token_lifetime
from ._credential import bearer, body_of, same_handle
from ._graph import graph_error, links_in, newest

NEED = "Threadsのアクセストークン（threads_basic、長期トークン）"
THREADS_VERSION = "v1.0"
USER_FIELDS = "id,username,name,threads_biography"


@register("threads")
class ThreadsAdapter(ApiAdapter):
    name = "threads"
    capabilities = frozenset({Capability.READ_PROFILE})  # posts: their newest date, in the profile reading
    interface = f"Threads API {THREADS_VERSION} /me・/me/threads（アクセストークン）"
    plain = "Threadsの公開情報（API）で確認"
    credential_kinds = ("access_token",)
    default_base = "https://graph.threads.com"  # the reference's host (graph.threads.net is the former one)

    def target(self, account) -> Target:
        return self.handle_target(account, need=NEED)

    @sensitive_variables()  # the token, in the URL and in the answer (issue 20)
    def refresh(self, target: Target, http) -> tuple[str, int]:
        """A long-lived token (60 days) for a new one, from the token itself: GET /refresh_access_token
        (the reference takes the token only in the query; no log here records URLs). Returns the new
        token and its lifetime in seconds."""
        reply = http.get(
            self.url(target, "/refresh_access_token", grant_type="th_refresh_token", access_token=target.token)
        )
        if reply.status != 200:
            raise graph_error(reply, service="Threads API")
        body = body_of(reply)
        token, lifetime = str(body.get("access_token") or "").strip(), token_lifetime(body.get("expires_in"))
        if not token or lifetime is None:
            raise CheckError("更新の応答に新しいトークンか有効期間がありません")
        return token, lifetime

    def read(self, target: Target, http) -> ProfileState:
        base = f"/{THREADS_VERSION}/me"
        reply = http.get(self.url(target, base, fields=USER_FIELDS), headers=bearer(target))
        if reply.status != 200:
            raise graph_error(reply, service="Threads API")
        user = body_of(reply)
        if not user.get("id"):
            raise CheckError("APIの応答にユーザーIDがありません")
        if not same_handle(target.actor, user.get("username")):
            raise CheckError(
                f"登録されたトークンは別のThreadsアカウント（@{short_code(user.get('username')) or '不明'}）"
                "のものです。"
                "トークンかユーザー名の登録を確認してください"
            )
        posts = http.get(self.url(target, f"{base}/threads", limit=1, fields="id,timestamp"), headers=bearer(target))
        if posts.status != 200:
            raise graph_error(posts, service="Threads API")
        biography = str(user.get("threads_biography") or "")
        return ProfileState(
            reachable=True,
            http_status=reply.status,
            display_name=str(user.get("name") or "").strip()[:200],
            platform_account_id=str(user["id"])[:100],
            last_post=newest(body_of(posts), "timestamp")[:100],
            profile_text=biography[:2000],
            links=links_in(biography),
        )
