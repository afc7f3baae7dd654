"""TikTok: Display API GET /v2/user/info/ with the account's user access token (user.info.basic,
user.info.profile for username and bio).

A user token reads only its own user: its `username` must be the registered handle, or the token is
another account's (確認できず). The permanent ID is the `open_id` this app sees (TikTok gives each app
its own: the city registers that one as the account's SNS上の固有ID). The videos are not read
(/v2/video/list/ is a POST needing video.list): dormancy and posts while 運用停止 are not checked.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from core.audit import Job
from core.errors import TransitionError

from ..checks import (
    ApiAdapter,
    CheckError,
    Http,
    ProfileState,
    Target,
    new_client,
    register,
    registered_handle,
    short_code,
    token_lifetime,
)
from ._credential import bearer, body_of, credential_target, same_handle, token_for
from ._graph import links_in

NEED = "TikTokのユーザーアクセストークンかリフレッシュトークン（Login Kit、user.info.basic・user.info.profile）"
NEED_APP = "TikTokアプリのクライアントキーとシークレット（「キー:シークレット」、TikTokの全アカウント用）"
TOKEN_PATH = "/v2/oauth/token/"
USER_FIELDS = "open_id,union_id,display_name,bio_description,profile_deep_link,username"


@register("tiktok")
class TiktokAdapter(ApiAdapter):
    name = "tiktok"
    interface = "Display API GET /v2/user/info/（ユーザーアクセストークン）"
    plain = "TikTokの公開情報（API）で確認"
    credential_kinds = ("access_token", "refresh_token", "client_credentials")
    default_base = "https://open.tiktokapis.com"

    @sensitive_variables()
    def target(self, account) -> Target:
        from ..models import ApiCredential

        handle, problem = registered_handle(account)
        if problem:  # before a refresh spends the refresh token
            return self.api_target(account, actor="", problem=problem)
        found = token_for(account)
        # A refresh token in use (an expired or unreadable one is reported as any credential is).
        if found and found.credential is not None and found.credential.kind == ApiCredential.Kind.REFRESH_TOKEN:
            return self._refreshed(account, found.credential, handle)
        # Only a user access token is sent to /v2/user/info/: never the app's "key:secret" (issue 20).
        return credential_target(self, account, actor=handle, need=NEED, kinds=(ApiCredential.Kind.ACCESS_TOKEN,))

    @sensitive_variables()  # the app's key and secret, the refresh and access tokens (issue 20)
    def _refreshed(self, account, credential, actor: str) -> Target:
        """An access token lasts 2 hours; the account's refresh token (180 days) gets one for this
        check: POST /v2/oauth/token/ with the app's key and secret. TikTok rotates the refresh token
        at each refresh, so the new one replaces the old (audited, the old one's secret erased) before
        the check reads anything; the row is locked meanwhile, so two checks never spend the same
        one. The access token lives only in this check's target."""
        from .. import credentials

        app = credentials.app_credentials_for(account.platform)
        if not app:
            return self.api_target(account, actor=actor, problem=f"確認できず：{app.problem}。必要なもの：{NEED_APP}")
        client_key, secret = app.token.split(":", 1)
        used = [app.token]  # every secret this check holds: none may reach the reading (issue 20)
        with transaction.atomic():
            locked = (
                type(credential).objects.select_for_update().filter(pk=credential.pk, retired_at__isnull=True).first()
            )
            if locked is None:  # replaced meanwhile: this check reads with what replaced it next time
                return self.api_target(
                    account,
                    actor=actor,
                    problem="確認できず：リフレッシュトークンが差し替えられました。次回の確認で読みます",
                    secrets=used,
                )
            try:
                refresh_token = credentials.decrypt(locked.secret)
                used.append(refresh_token)
                endpoint = self.platform_target(account.platform, token="")
                with new_client() as client:
                    reply = Http(client, endpoint).post(
                        self.url(endpoint, TOKEN_PATH),
                        data={
                            "client_key": client_key.strip(),
                            "client_secret": secret.strip(),
                            "grant_type": "refresh_token",
                            "refresh_token": refresh_token,
                        },
                    )
                access_token, fresh, lifetime = _token_answer(reply)
                used.append(fresh)
            except CheckError as exc:
                return self.api_target(account, actor=actor, problem=f"確認できず：{exc}", secrets=used)
            expires_on = timezone.localdate() + timedelta(seconds=lifetime) - timedelta(days=1)
            try:
                credentials.credential_renewed(
                    credential_id=locked.pk,
                    fingerprint=locked.fingerprint,
                    token=fresh,
                    expires_on=expires_on,
                    actor=Job.STATUS_CHECK,  # TikTok rotates the refresh token at every check
                )
            except TransitionError as exc:  # an answer we cannot keep: the sysadmin must authorise again
                return self.api_target(
                    account, actor=actor, problem=f"確認できず：更新したトークンを保存できません（{exc}）", secrets=used
                )
        return self.api_target(account, actor=actor, token=access_token, secrets=used)

    def read(self, target: Target, http) -> ProfileState:
        reply = http.get(self.url(target, "/v2/user/info/", fields=USER_FIELDS), headers=bearer(target))
        body = body_of(reply)
        error = body.get("error") if isinstance(body.get("error"), dict) else {}
        code = short_code(error.get("code")) or ("ok" if reply.status == 200 and not error.get("code") else "")
        if code in ("access_token_invalid", "scope_not_authorized", "scope_permission_missed"):
            raise CheckError(
                f"ユーザーアクセストークンが無効か権限が足りません（{code}）。TikTokで認可し直して登録してください"
            )
        if reply.status != 200 or code != "ok":
            raise CheckError(f"APIがエラーを返しました（HTTP {reply.status}{'・' + code if code else ''}）")
        user = (body.get("data") or {}).get("user") or {}
        if not user.get("open_id"):
            raise CheckError("APIの応答にopen_idがありません")
        if user.get("username") and not same_handle(target.actor, user.get("username")):
            raise CheckError(
                f"登録されたトークンは別のTikTokアカウント（@{short_code(user['username']) or '不明'}）のものです。"
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


def _token_answer(reply) -> tuple[str, str, int]:
    """The access token, the rotated refresh token and the latter's lifetime (s) of a token answer;
    an error answer names its code ({"error": "invalid_grant", …}), never what was sent."""
    body = body_of(reply)
    error = body.get("error")
    code = short_code(error.get("code") if isinstance(error, dict) else error)  # a code, never an echo
    if reply.status != 200 or (error and code != "ok"):
        if code == "invalid_grant":
            raise CheckError(
                "リフレッシュトークンが無効か期限切れです（invalid_grant）。TikTokで認可し直して登録してください"
            )
        if code == "invalid_client":
            raise CheckError("アプリのクライアントキーかシークレットが違います（invalid_client）")
        raise CheckError(f"トークンを更新できませんでした（HTTP {reply.status}{'・' + code if code else ''}）")
    access_token, refresh_token = str(body.get("access_token") or ""), str(body.get("refresh_token") or "")
    lifetime = token_lifetime(body.get("refresh_expires_in"))
    if not access_token or not refresh_token or lifetime is None:
        raise CheckError("トークンの更新の応答に必要な項目がありません")
    return access_token, refresh_token, lifetime
