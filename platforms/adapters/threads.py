"""Threads: Threads API GET /v1.0/me?fields=… and /v1.0/me/threads?limit=1, with the account's token.

A Threads token reads only its own user (the API's rule), so the answer is about the account whose
token the city registered: its username must be the registered handle, or the token is another
account's (確認できず, never a reading of the wrong account). The user ID is the permanent ID.

The posts (issue 22): GET /v1.0/<threads-user-id>/threads page by page, by the registered user ID
(else the one /me gives, after the same username check). Reposts of others' posts (REPOST_FACADE)
are left out, as Bluesky's are.
"""

from dataclasses import replace

from django.views.decorators.debug import sensitive_variables

from ..checks import (
    ApiAdapter,
    Capability,
    CheckError,
    ProfileState,
    Target,
    register,
    segment,
    short_code,
    token_lifetime,
)
from ..reads import PostPage, make_post, token_of
from ._credential import bearer, body_of, same_handle
from ._graph import META_MEDIA_HOSTS, graph_error, graph_page, links_in, newest

NEED = "Threadsのアクセストークン（threads_basic、長期トークン）"
THREADS_VERSION = "v1.0"
USER_FIELDS = "id,username,name,threads_biography"
POST_FIELDS = "id,text,timestamp,permalink,media_url,media_type"


@register("threads")
class ThreadsAdapter(ApiAdapter):
    name = "threads"
    capabilities = frozenset({Capability.READ_PROFILE, Capability.READ_POSTS})
    interface = f"Threads API {THREADS_VERSION} /me・/me/threads（アクセストークン）"
    plain = "Threadsの公開情報（API）で確認"
    credential_kinds = ("access_token",)
    default_base = "https://graph.threads.com"  # the reference's host (graph.threads.net is the former one)
    media_hosts = META_MEDIA_HOSTS
    search_unavailable = "Threads APIで読めるのはトークンの持ち主のアカウントだけで、名前で探す機能がありません"

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

    def _me(self, target: Target, http, fields: str) -> dict:
        """The token's own user (GET /me), which must be the registered account."""
        reply = http.get(self.url(target, f"/{THREADS_VERSION}/me", fields=fields), headers=bearer(target))
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
        return user

    def read(self, target: Target, http) -> ProfileState:
        base = f"/{THREADS_VERSION}/me"
        user = self._me(target, http, USER_FIELDS)
        posts = http.get(self.url(target, f"{base}/threads", limit=1, fields="id,timestamp"), headers=bearer(target))
        if posts.status != 200:
            raise graph_error(posts, service="Threads API")
        biography = str(user.get("threads_biography") or "")
        return ProfileState(
            reachable=True,
            http_status=posts.status,
            display_name=str(user.get("name") or "").strip()[:200],
            platform_account_id=str(user["id"])[:100],
            last_post=newest(body_of(posts), "timestamp")[:100],
            profile_text=biography[:2000],
            links=links_in(biography),
        )

    def posts_target(self, account) -> Target:
        target = self.target(account)
        user_id = (account.platform_account_id or "").strip()
        return replace(target, account_id=user_id) if user_id and not target.problem else target

    def read_posts(self, target: Target, http, *, cursor: str = "", limit: int = 50) -> PostPage:
        user_id = target.account_id or token_of(self._me(target, http, "id,username")["id"])
        if not user_id:
            raise CheckError("APIの応答のユーザーIDが読み取れません")
        path = f"/{THREADS_VERSION}/{segment(user_id)}/threads"
        items, next_page, reply = graph_page(
            self, target, http, path, fields=POST_FIELDS, limit=limit, cursor=cursor, service="Threads API"
        )
        posts = tuple(post for item in items if (post := _post(item)) is not None)
        return PostPage(posts, next_page, reply.content)


def _post(item: dict):
    """A thread of the account's own; None for a repost of someone else's (media_type REPOST_FACADE)."""
    if item.get("media_type") == "REPOST_FACADE":
        return None
    text = item.get("text") if isinstance(item.get("text"), str) else ""
    return make_post(
        post_id=item.get("id"),
        url=item.get("permalink"),
        published=item.get("timestamp"),
        text=text,
        links=links_in(text),
        media=[item.get("media_url")],
    )
