"""X: API v2 user lookup by username and the user's posts, with the app's bearer token.

GET /2/users/by/username/<handle> gives the permanent `id` behind the registered handle (another id
means the handle now belongs to someone else: なりすまし or 乗っ取り, G-4-3-カ), `name`,
`description` and the profile's `url`; GET /2/users/<id>/tweets gives the newest post's
`created_at`. X answers a missing or suspended user with HTTP 200 and an `errors` list instead of
`data`: both are `gone`, with X's reason.
"""

from ..checks import ApiAdapter, Capability, CheckError, Gone, ProfileState, Target, register, segment, short_code
from ._credential import bearer, body_of
from ._graph import links_in

NEED = "X API のベアラートークン（App-only、X Developer Portal）"
USER_FIELDS = "id,name,username,description,url,entities,created_at,most_recent_tweet_id,protected"
NOT_FOUND = "https://api.twitter.com/2/problems/resource-not-found"


@register("x")
class XAdapter(ApiAdapter):
    name = "x"
    capabilities = frozenset({Capability.READ_PROFILE})  # posts: their newest date, in the profile reading
    interface = "X API v2 users/by/username・users/:id/tweets（ベアラートークン）"
    plain = "Xの公開情報（API）で確認"
    credential_kinds = ("bearer_token",)
    default_base = "https://api.x.com"

    def target(self, account) -> Target:
        return self.handle_target(account, need=NEED)

    def read(self, target: Target, http) -> ProfileState:
        reply = http.get(
            self.url(target, f"/2/users/by/username/{segment(target.actor)}", **{"user.fields": USER_FIELDS}),
            headers=bearer(target),
        )
        body = body_of(reply)
        if reply.status != 200 or not isinstance(body.get("data"), dict):
            raise _error(reply, body)
        user = body["data"]
        if not user.get("id"):
            raise CheckError("APIの応答にユーザーIDがありません")
        tweets = http.get(
            self.url(target, f"/2/users/{segment(user['id'])}/tweets", max_results=5, **{"tweet.fields": "created_at"}),
            headers=bearer(target),
        )
        tweets_body = body_of(tweets)
        if tweets.status != 200:
            raise _error(tweets, tweets_body)
        description = str(user.get("description") or "")
        return ProfileState(
            reachable=True,
            http_status=reply.status,
            display_name=str(user.get("name") or "").strip()[:200],
            platform_account_id=str(user["id"])[:100],
            last_post=_newest(tweets_body)[:100],
            profile_text=description[:2000],
            links=_profile_links(user) + links_in(description),
        )


def _error(reply, body: dict) -> CheckError:
    """X's problem objects ({"errors": [{"title", "detail", "type"}]} or one {"title", "status", …})."""
    problems = body.get("errors") if isinstance(body.get("errors"), list) else [body]
    problem = problems[0] if problems and isinstance(problems[0], dict) else {}
    title, detail = str(problem.get("title") or ""), str(problem.get("detail") or "")
    if "suspended" in detail.lower():
        return Gone("Xにより凍結されています（User has been suspended）")
    if problem.get("type") == NOT_FOUND or title == "Not Found Error":
        return Gone("アカウントが見つかりません（Not Found Error）")
    if reply.status == 401:
        return CheckError("ベアラートークンが無効です（HTTP 401）。X Developer Portalで発行し直して登録してください")
    if reply.status == 403:
        return CheckError(
            "このトークンのアプリではこのAPIを使えません（HTTP 403）。X Developer Portalの設定を確認してください"
        )
    # Issue 20: never the title or detail themselves (a proxy may echo the request in them): the
    # problem type's last word (https://api.twitter.com/2/problems/<type>) when it is a short code.
    code = short_code(str(problem.get("type") or "").rsplit("/", 1)[-1])
    return CheckError(f"APIがエラーを返しました（HTTP {reply.status}{'・' + code if code else ''}）")


def _profile_links(user: dict) -> list[str]:
    """The profile's URL expanded (entities.url.urls[].expanded_url), else its t.co link."""
    urls = ((user.get("entities") or {}).get("url") or {}).get("urls") or []
    expanded = [str(u.get("expanded_url") or u.get("url") or "") for u in urls if isinstance(u, dict)]
    return [u for u in expanded if u] or ([str(user["url"])] if user.get("url") else [])


def _newest(body: dict) -> str:
    """The newest post's created_at; "" when the user has none (meta.result_count 0)."""
    posts = body.get("data")
    if not isinstance(posts, list) or not posts or not isinstance(posts[0], dict):
        return ""
    return str(posts[0].get("created_at") or "")
