"""LINE 公式アカウント: Messaging API "get bot info" (GET /v2/bot/info) with the channel access token.

The token belongs to one official account's channel, so the API answers about that account alone:
its `userId` is the permanent ID, `basicId` (@xxx) or `premiumId` must be the registered handle,
`displayName` is the name friends see. The Messaging API has no timeline of the account's own
messages: `last_post` stays empty, so dormancy and posts while 運用停止 cannot be checked for LINE
(only by the 管理者 in LINE Official Account Manager). Nor does it give the profile text: P-3's
operator, purpose and city link are read from the public profile page (page.line.me, Open Graph),
asked without the token.

Whether the account is 認証済 (P-7-3) is read nowhere: the bot info has no such field, and the public
page shows the badge as an image only, in markup LINE does not document — nothing reliable to read. The
reading says so (`verified` None), and the city records it by hand from LINE Official Account Manager.

An invalid or expired token (401) is 確認できず: the city must issue a new one (a deleted official
account also invalidates its tokens, which the API cannot tell apart).

Plain httpx through our Http, not line-bot-sdk: one GET, and the SDK's own client would bypass the
outbound guard, the size cap, the concurrency cap and the 429 handling.
"""

from core.outbound import rebase

from ..checks import (
    RESIDENTS_REPORT,
    ApiAdapter,
    CheckError,
    GenericAdapter,
    ProfileState,
    Target,
    register,
    short_code,
)
from ._credential import bearer, body_of, same_handle

NEED = "LINE公式アカウントのチャネルアクセストークン（Messaging API）"
NO_BADGE_READ = "LINEのAPI・公開ページは認証済アカウントかどうかを示しません（LINE Official Account Managerで確認）"


@register("line")
class LineAdapter(ApiAdapter):
    name = "line"
    interface = "Messaging API GET /v2/bot/info（チャネルアクセストークン）"
    plain = "LINE公式アカウントの情報（API）で確認"
    credential_kinds = ("channel_access_token",)
    default_base = "https://api.line.me"
    search_unavailable = "LINEのAPIには、名前で公式アカウントを探す機能がありません"
    search_alternative = f"{RESIDENTS_REPORT}。LINEアプリで名前を検索して確かめることもできます"

    def target(self, account) -> Target:
        return self.handle_target(account, need=NEED)

    def read(self, target: Target, http) -> ProfileState:
        reply = http.get(self.url(target, "/v2/bot/info"), headers=bearer(target))
        if reply.status == 401:
            raise CheckError(
                "チャネルアクセストークンが無効か期限切れです（HTTP 401）。"
                "LINE Developersで発行し直して登録してください"
            )
        if reply.status != 200:
            raise CheckError(f"APIがエラーを返しました（HTTP {reply.status}）")
        bot = body_of(reply)
        if not bot.get("userId"):
            raise CheckError("APIの応答にuserIdがありません")
        basic_id, premium_id = str(bot.get("basicId") or ""), str(bot.get("premiumId") or "")
        if not same_handle(target.actor, basic_id, premium_id):
            # The token answers for its own channel: a wrong token, not a changed account.
            raise CheckError(
                f"登録されたトークンは別のLINE公式アカウント（{short_code(basic_id or premium_id) or '不明'}）"
                "のものです。"
                "トークンかユーザー名の登録を確認してください"
            )
        page = self._public_page(target, http)
        return ProfileState(
            reachable=True,
            http_status=reply.status,
            display_name=str(bot.get("displayName") or "").strip()[:200],
            platform_account_id=str(bot["userId"])[:100],
            profile_text=page.profile_text,
            links=page.links,
            verification_note=NO_BADGE_READ,
        )

    @staticmethod
    def _public_page(target: Target, http) -> ProfileState:
        """The profile text and links citizens see, from the public page (no token sent there)."""
        url = rebase(target.public_url, target.bases[0]) if target.bases else target.public_url
        reply = http.get(url)
        if reply.status != 200:
            raise CheckError(f"公開プロフィールページが読めません（HTTP {reply.status}）")
        return GenericAdapter().parse(reply.text, target.public_url)
