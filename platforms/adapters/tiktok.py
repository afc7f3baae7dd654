"""TikTok: Display API GET /v2/user/info/ with the account's user access token (user.info.basic,
user.info.profile for username and bio).

A user token reads only its own user: its `username` must be the registered handle, or the token is
another account's (確認できず). The permanent ID is the `open_id` this app sees (TikTok gives each app
its own: the city registers that one as the account's SNS上の固有ID). The status check reads no
videos: dormancy and posts while 運用停止 are not checked.

The posts (issue 22) are the videos of /v2/video/list/ (a POST whose JSON body carries the paging:
`max_count` ≤ 20 and the `cursor` of the previous page; scope video.list), read with the same token
after /v2/user/info/ has shown that it is still the registered account's.
"""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from core.audit import Job
from core.errors import TransitionError

from ..checks import (
    ApiAdapter,
    Capability,
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
from ..reads import PostPage, items_of, make_post, next_cursor, text_of
from ._credential import bearer, body_of, credential_target, same_handle, token_for
from ._graph import links_in

NEED = (
    "TikTokのユーザーアクセストークンかリフレッシュトークン（Login Kit、user.info.basic・user.info.profile"
    "、投稿の読み取りには video.list も）"
)
NEED_APP = "TikTokアプリのクライアントキーとシークレット（「キー:シークレット」、TikTokの全アカウント用）"
TOKEN_PATH = "/v2/oauth/token/"
USER_FIELDS = "open_id,union_id,display_name,bio_description,profile_deep_link,username"
VIDEO_FIELDS = "id,create_time,title,video_description,share_url,cover_image_url"
MAX_COUNT = 20  # /v2/video/list/'s largest page
LAST_SECOND = 253402300799  # 9999-12-31T23:59:59Z: a create_time beyond it is not a date


@register("tiktok")
class TiktokAdapter(ApiAdapter):
    name = "tiktok"
    interface = "Display API GET /v2/user/info/（ユーザーアクセストークン）"
    plain = "TikTokの公開情報（API）で確認"
    credential_kinds = ("access_token", "refresh_token", "client_credentials")
    default_base = "https://open.tiktokapis.com"
    capabilities = frozenset({Capability.READ_PROFILE, Capability.READ_POSTS})
    search_unavailable = "TikTokの公開APIには、名前でアカウントを探す機能がありません（Research APIは研究者向けです）"
    # The covers' CDN (p16-sign-va.tiktokcdn.com, p19-sign.tiktokcdn-us.com, …; cover URLs expire in hours).
    media_hosts = ("tiktokcdn.com", "tiktokcdn-us.com")

    @sensitive_variables()
    def target(self, account) -> Target:
        from ..models import ApiCredential

        handle, problem = registered_handle(account)
        if problem:  # before a refresh spends the refresh token
            return self.api_target(account, actor="", problem=problem)
        found = token_for(account)
        # A refresh token in use (an expired or unreadable one is reported as any credential is).
        if found and found.credential is not None and found.credential.kind == ApiCredential.Kind.REFRESH_TOKEN:
            cached = _cached_access(account, found.credential.fingerprint)
            if cached:  # the access token of the last refresh, while it lasts: no refresh, no rotation
                return self.api_target(account, actor=handle, token=cached, secrets=[cached])
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
                access_lifetime = token_lifetime(body_of(reply).get("expires_in")) or 0
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
        _cache_access(account, credentials.fingerprint_of(fresh), access_token, access_lifetime)
        return self.api_target(account, actor=actor, token=access_token, secrets=used)

    def _answered(self, reply) -> dict:
        """The body of a Display API answer whose `error.code` is "ok"; CheckError with the code otherwise."""
        body = reply.json() if reply.status == 200 else body_of(reply)  # 200 and not JSON: said so
        body = body if isinstance(body, dict) else {}
        error = body.get("error") if isinstance(body.get("error"), dict) else {}
        code = short_code(error.get("code")) or ("ok" if reply.status == 200 and not error.get("code") else "")
        if code in ("access_token_invalid", "scope_not_authorized", "scope_permission_missed"):
            raise CheckError(
                f"ユーザーアクセストークンが無効か権限が足りません（{code}）。TikTokで認可し直して登録してください"
            )
        if reply.status != 200 or code != "ok":
            raise CheckError(f"APIがエラーを返しました（HTTP {reply.status}{'・' + code if code else ''}）")
        return body

    def _user(self, target: Target, http, fields: str) -> tuple[dict, int]:
        """The token's own user (GET /v2/user/info/), which must be the registered account."""
        reply = http.get(self.url(target, "/v2/user/info/", fields=fields), headers=bearer(target))
        data = self._answered(reply).get("data")
        user = data.get("user") if isinstance(data, dict) else None
        if not isinstance(user, dict) or not user.get("open_id"):
            raise CheckError("APIの応答にopen_idがありません")
        if user.get("username") and not same_handle(target.actor, user.get("username")):
            raise CheckError(
                f"登録されたトークンは別のTikTokアカウント（@{short_code(user['username']) or '不明'}）のものです。"
                "トークンかユーザー名の登録を確認してください"
            )
        return user, reply.status

    def read(self, target: Target, http) -> ProfileState:
        user, status = self._user(target, http, USER_FIELDS)
        bio = str(user.get("bio_description") or "")
        return ProfileState(
            reachable=True,
            http_status=status,
            display_name=str(user.get("display_name") or "").strip()[:200],
            platform_account_id=str(user["open_id"])[:100],
            profile_text=bio[:2000],
            links=links_in(bio),
        )

    def posts_target(self, account) -> Target:
        target = self.target(account)
        open_id = (account.platform_account_id or "").strip()
        return replace(target, account_id=open_id) if open_id and not target.problem else target

    def read_posts(self, target: Target, http, *, cursor: str = "", limit: int = 50) -> PostPage:
        """One page of the token's user's videos, newest first (POST /v2/video/list/), once the token is
        shown to be the registered account's: its username, and its open_id when one is registered."""
        if cursor and not cursor.isdigit():
            raise CheckError("続きの位置（カーソル）が読み取れません")
        user, _ = self._user(target, http, "open_id,username")
        if target.account_id and user["open_id"] != target.account_id:
            raise CheckError(
                "登録されたトークンは、登録されたSNS上の固有ID（open_id）とは別のTikTokアカウントのものです。"
                "トークンか固有IDの登録を確認してください"
            )
        paging = {"max_count": min(limit, MAX_COUNT), **({"cursor": int(cursor)} if cursor else {})}
        reply = http.post_json(
            self.url(target, "/v2/video/list/", fields=VIDEO_FIELDS), body=paging, headers=bearer(target)
        )
        data = self._answered(reply).get("data")
        if not isinstance(data, dict):
            raise CheckError("APIの応答に動画の一覧がありません")
        videos = tuple(post for item in items_of(data.get("videos")) if (post := _video(item)) is not None)
        after = data.get("cursor") if data.get("has_more") is True else None
        if after is not None and (isinstance(after, bool) or not isinstance(after, int) or after < 0):
            raise CheckError("APIの応答の続きの位置（カーソル）が読み取れません")
        return PostPage(videos, next_cursor(after, cursor), reply.content)


def _video(item):
    """A video of the list: its title and description (the description alone when it starts with the title)."""
    if not isinstance(item, dict):
        return None
    title, description = text_of(item.get("title")), text_of(item.get("video_description"))
    text = description if title and description.startswith(title) else "\n".join(p for p in (title, description) if p)
    created = item.get("create_time")
    valid = isinstance(created, int) and not isinstance(created, bool) and 0 <= created <= LAST_SECOND
    return make_post(
        post_id=item.get("id"),
        url=item.get("share_url"),
        published=datetime.fromtimestamp(created, UTC).isoformat() if valid else "",
        text=text,
        links=links_in(text),
        media=[item.get("cover_image_url")],
    )


ACCESS_MARGIN_SECONDS = 600  # an access token is used until this long before TikTok's expiry


def _access_key(account, fingerprint: str) -> str:
    # Tied to the refresh token in use: authorising again (a new one registered) starts afresh.
    return f"platforms:tiktok:access:{account.pk}:{fingerprint}"


@sensitive_variables()
def _cache_access(account, fingerprint: str, access_token: str, lifetime: int) -> None:
    """Keep a refreshed access token, encrypted as the credentials are, for its 2-hour life: the archive
    reads an account page by page every hour, and each refresh rotated the refresh token (issue 22)."""
    from .. import credentials

    seconds = lifetime - ACCESS_MARGIN_SECONDS
    if seconds > 0:
        cache.set(_access_key(account, fingerprint), credentials.encrypt(access_token), seconds)


@sensitive_variables()
def _cached_access(account, fingerprint: str) -> str:
    from .. import credentials

    kept = cache.get(_access_key(account, fingerprint))
    if not kept:
        return ""
    try:
        return credentials.decrypt(kept)
    except Exception:  # a key rotated since, or a value not ours: refresh as if nothing were kept
        return ""


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
