"""Facebook page: Graph API GET /<page-id>?fields=… and /<page-id>/posts?limit=1, with a token.

The page ID is the account's permanent ID and what the API is asked about (a page's vanity name can
change or be taken): without a registered ID there is nothing to ask, and the check says so.
"""

from ..checks import RESIDENTS_REPORT, register
from ..reads import make_post
from ._graph import GRAPH_VERSION, GraphNodeAdapter, attachments_of, links_in


@register("facebook")
class FacebookAdapter(GraphNodeAdapter):
    name = "facebook"
    interface = f"Graph API {GRAPH_VERSION} ページ・/posts（アクセストークン）"
    plain = "Facebookページの公開情報（API）で確認"
    credential_kinds = ("access_token",)
    id_label = "ページID"
    search_unavailable = (
        "Facebookのページ検索はMetaの審査（Page Public Metadata Access）が要り、市のアプリでは使えません"
    )
    search_alternative = f"{RESIDENTS_REPORT}。Metaへはなりすましの報告窓口から知らせます"
    need = "Facebookページのアクセストークン（pages_read_engagement）"
    fields = "id,name,username,about,link,website"
    edge, edge_time, text_field = "posts", "created_time", "about"
    post_fields = "id,message,created_time,permalink_url,attachments{media,url}"

    def post(self, item: dict):
        """A page post: its message, the links in it and its attachments' targets, their images and videos."""
        attachments = attachments_of(item)
        media = [a.get("media") for a in attachments if isinstance(a.get("media"), dict)]
        images = [m.get("image") for m in media if isinstance(m.get("image"), dict)]
        message = item.get("message") if isinstance(item.get("message"), str) else ""
        return make_post(
            post_id=item.get("id"),
            url=item.get("permalink_url"),
            published=item.get("created_time"),
            text=message,
            links=[*links_in(message), *(a.get("url") for a in attachments)],
            media=[*(i.get("src") for i in images), *(m.get("source") for m in media)],
        )
