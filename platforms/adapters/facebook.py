"""Facebook page: Graph API GET /<page-id>?fields=… and /<page-id>/posts?limit=1, with a token.

The page ID is the account's permanent ID and what the API is asked about (a page's vanity name can
change or be taken): without a registered ID there is nothing to ask, and the check says so.
"""

from ..checks import register
from ._graph import GRAPH_VERSION, GraphNodeAdapter


@register("facebook")
class FacebookAdapter(GraphNodeAdapter):
    name = "facebook"
    interface = f"Graph API {GRAPH_VERSION} ページ・/posts（アクセストークン）"
    plain = "Facebookページの公開情報（API）で確認"
    credential_kinds = ("access_token",)
    id_label = "ページID"
    need = "Facebookページのアクセストークン（pages_read_engagement）"
    fields = "id,name,username,about,link,website"
    edge, edge_time, text_field = "posts", "created_time", "about"
