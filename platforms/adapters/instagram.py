"""Instagram professional account: Instagram Graph API GET /<ig-user-id>?fields=… and /media?limit=1.

The IG user ID is the account's permanent ID and what the API is asked about; without a registered
ID the check says so. Only business and creator accounts linked to a Facebook page are readable.
"""

from ..checks import register
from ._graph import GRAPH_VERSION, GraphNodeAdapter


@register("instagram")
class InstagramAdapter(GraphNodeAdapter):
    name = "instagram"
    interface = f"Instagram Graph API {GRAPH_VERSION} IGユーザー・/media（アクセストークン）"
    plain = "Instagramの公開情報（API）で確認"
    credential_kinds = ("access_token",)
    id_label = "InstagramのユーザーID"
    need = "Instagramのアクセストークン（instagram_basic・pages_read_engagement）"
    fields = "id,username,name,biography,website,media_count"
    edge, edge_time, text_field = "media", "timestamp", "biography"
