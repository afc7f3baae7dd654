"""Instagram professional account: Instagram Graph API GET /<ig-user-id>?fields=… and /media?limit=1.

The IG user ID is the account's permanent ID and what the API is asked about; without a registered
ID the check says so. Only business and creator accounts linked to a Facebook page are readable.
"""

from ..checks import RESIDENTS_REPORT, register
from ..reads import make_post
from ._graph import GRAPH_VERSION, GraphNodeAdapter, links_in


@register("instagram")
class InstagramAdapter(GraphNodeAdapter):
    name = "instagram"
    interface = f"Instagram Graph API {GRAPH_VERSION} IGユーザー・/media（アクセストークン）"
    plain = "Instagramの公開情報（API）で確認"
    credential_kinds = ("access_token",)
    id_label = "InstagramのユーザーID"
    search_unavailable = (
        "Instagram Graph APIには、名前でアカウントを探す機能がありません（ユーザー名を指定した照会だけ）"
    )
    search_alternative = f"{RESIDENTS_REPORT}。Metaへはなりすましの報告窓口から知らせます"
    need = "Instagramのアクセストークン（instagram_basic・pages_read_engagement）"
    fields = "id,username,name,biography,website,media_count"
    edge, edge_time, text_field = "media", "timestamp", "biography"
    post_fields = "id,caption,timestamp,permalink,media_url,media_type"

    def post(self, item: dict):
        """A media object: its caption, the links in it, its image or video (an album: its first)."""
        caption = item.get("caption") if isinstance(item.get("caption"), str) else ""
        return make_post(
            post_id=item.get("id"),
            url=item.get("permalink"),
            published=item.get("timestamp"),
            text=caption,
            links=links_in(caption),
            media=[item.get("media_url")],
        )
