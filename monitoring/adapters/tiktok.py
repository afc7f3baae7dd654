"""TikTok: Display API GET /v2/user/info/ with the account's user access token (user.info.basic,
user.info.profile for username and bio).

A user token reads only its own user: its `username` must be the registered handle, or the token is
another account's (確認できず). The permanent ID is the `open_id` this app sees (TikTok gives each app
its own: the city registers that one as the account's SNS上の固有ID). The videos are not read
(/v2/video/list/ is a POST needing video.list): dormancy and posts while 運用停止 are not checked.
"""

from ..checks import ApiAdapter, CheckError, ProfileState, Target, register
from ._credential import bearer, body_of, credential_target, same_handle
from ._graph import links_in

NEED = "TikTokのユーザーアクセストークン（Login Kit、user.info.basic・user.info.profile）"
USER_FIELDS = "open_id,union_id,display_name,bio_description,profile_deep_link,username"


@register("tiktok")
class TiktokAdapter(ApiAdapter):
    name = "tiktok"
    interface = "Display API GET /v2/user/info/（ユーザーアクセストークン）"
    default_base = "https://open.tiktokapis.com"

    def target(self, account) -> Target:
        return credential_target(self, account, actor=account.handle.lstrip("@"), need=NEED)

    def read(self, target: Target, http) -> ProfileState:
        reply = http.get(self.url(target, "/v2/user/info/", fields=USER_FIELDS), headers=bearer(target))
        body = body_of(reply)
        error = body.get("error") if isinstance(body.get("error"), dict) else {}
        code = str(error.get("code") or ("ok" if reply.status == 200 else ""))
        if code in ("access_token_invalid", "scope_not_authorized", "scope_permission_missed"):
            raise CheckError(
                f"ユーザーアクセストークンが無効か権限が足りません（{code}）。TikTokで認可し直して登録してください"
            )
        if reply.status != 200 or code != "ok":
            raise CheckError(f"APIがエラーを返しました（HTTP {reply.status}{'・' + code if code else ''}）"[:200])
        user = (body.get("data") or {}).get("user") or {}
        if not user.get("open_id"):
            raise CheckError("APIの応答にopen_idがありません")
        if user.get("username") and not same_handle(target.actor, user.get("username")):
            raise CheckError(
                f"登録されたトークンは別のTikTokアカウント（@{user['username']}）のものです。"
                "トークンかユーザー名の登録を確認してください"
            )
        bio = str(user.get("bio_description") or "")
        return ProfileState(
            reachable=True,
            http_status=reply.status,
            display_name=str(user.get("display_name") or "").strip()[:200],
            platform_account_id=str(user["open_id"])[:100],
            profile_text=bio[:2000],
            links=links_in(bio),
        )
