"""Facebook page: Graph API GET /<page-id>?fields=… and /<page-id>/posts?limit=1, with a token.

The page ID is the account's permanent ID and what the API is asked about (a page's vanity name can
change or be taken): without a registered ID there is nothing to ask, and the check says so.
"""

from ..checks import ApiAdapter, CheckError, ProfileState, Target, register
from ._credential import bearer, body_of, credential_target, missing_id
from ._graph import GRAPH_VERSION, graph_error, links_in

NEED = "Facebookページのアクセストークン（pages_read_engagement）"
PAGE_FIELDS = "id,name,username,about,link,website"


@register("facebook")
class FacebookAdapter(ApiAdapter):
    name = "facebook"
    interface = f"Graph API {GRAPH_VERSION} ページ・/posts（アクセストークン）"
    default_base = "https://graph.facebook.com"

    def target(self, account) -> Target:
        if not account.platform_account_id.strip():
            return missing_id(self, account, what="ページID")
        return credential_target(self, account, actor=account.platform_account_id.strip(), need=NEED)

    def read(self, target: Target, http) -> ProfileState:
        base = f"/{GRAPH_VERSION}/{target.actor}"
        reply = http.get(self.url(target, base, fields=PAGE_FIELDS), headers=bearer(target))
        if reply.status != 200:
            raise graph_error(reply, service="Graph API")
        page = body_of(reply)
        if not page.get("id"):
            raise CheckError("APIの応答にページIDがありません")
        posts = http.get(self.url(target, f"{base}/posts", limit=1, fields="created_time"), headers=bearer(target))
        if posts.status != 200:
            raise graph_error(posts, service="Graph API")
        about, website = str(page.get("about") or ""), str(page.get("website") or "")
        return ProfileState(
            reachable=True,
            http_status=reply.status,
            display_name=str(page.get("name") or "").strip()[:200],
            platform_account_id=str(page["id"])[:100],
            last_post=_newest(body_of(posts), "created_time")[:100],
            profile_text=f"{about}\n{website}".strip()[:2000],
            links=links_in(website, about),
        )


def _newest(edge: dict, field: str) -> str:
    """The first item's date of a Graph edge ({"data": [...], "paging": …}); "" when empty."""
    items = edge.get("data")
    if not isinstance(items, list) or not items or not isinstance(items[0], dict):
        return ""
    return str(items[0].get(field) or "")
