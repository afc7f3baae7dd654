"""Instagram professional account: Instagram Graph API GET /<ig-user-id>?fields=… and /media?limit=1.

The IG user ID is the account's permanent ID and what the API is asked about; without a registered
ID the check says so. Only business and creator accounts linked to a Facebook page are readable.
"""

from ..checks import ApiAdapter, CheckError, ProfileState, Target, register
from ._credential import bearer, body_of, credential_target, missing_id
from ._graph import GRAPH_VERSION, graph_error, links_in
from .facebook import _newest

NEED = "Instagramのアクセストークン（instagram_basic・pages_read_engagement）"
USER_FIELDS = "id,username,name,biography,website,media_count"


@register("instagram")
class InstagramAdapter(ApiAdapter):
    name = "instagram"
    interface = f"Instagram Graph API {GRAPH_VERSION} IGユーザー・/media（アクセストークン）"
    default_base = "https://graph.facebook.com"

    def target(self, account) -> Target:
        if not account.platform_account_id.strip():
            return missing_id(self, account, what="InstagramのユーザーID")
        return credential_target(self, account, actor=account.platform_account_id.strip(), need=NEED)

    def read(self, target: Target, http) -> ProfileState:
        base = f"/{GRAPH_VERSION}/{target.actor}"
        reply = http.get(self.url(target, base, fields=USER_FIELDS), headers=bearer(target))
        if reply.status != 200:
            raise graph_error(reply, service="Graph API")
        user = body_of(reply)
        if not user.get("id"):
            raise CheckError("APIの応答にユーザーIDがありません")
        media = http.get(self.url(target, f"{base}/media", limit=1, fields="timestamp"), headers=bearer(target))
        if media.status != 200:
            raise graph_error(media, service="Graph API")
        biography, website = str(user.get("biography") or ""), str(user.get("website") or "")
        return ProfileState(
            reachable=True,
            http_status=reply.status,
            display_name=str(user.get("name") or user.get("username") or "").strip()[:200],
            platform_account_id=str(user["id"])[:100],
            last_post=_newest(body_of(media), "timestamp")[:100],
            profile_text=f"{biography}\n{website}".strip()[:2000],
            links=links_in(website, biography),
        )
