"""What the Meta APIs (Facebook Graph API, Instagram Graph API, Threads API) share: the version, the
error object {"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}, and the reading
of a node asked by its ID with the newest item of one of its edges (a Facebook page and its posts,
an Instagram professional account and its media).

The platform's message text is never copied into our result: only its numeric code (and the trace
ID Meta's support asks for, when it is a short code), so nothing the API echoes back reaches the
history (issue 20).

The posts (issue 22) are the same edges read page by page: `limit`, and the `after` cursor of
`paging.cursors` while the answer has a `paging.next` (the reference: no `next`, no more pages).
"""

import re

from ..checks import ApiAdapter, Capability, CheckError, Gone, ProfileState, Target, segment, short_code
from ..reads import MAX_PAGE, PostPage, items_of, next_cursor
from ._credential import bearer, body_of, credential_target, missing_id

# The Graph API version asked (developers.facebook.com/docs/graph-api/changelog: v26.0 of
# 2026-07-29 is the newest). A version is served for about two years: move it forward yearly.
GRAPH_VERSION = "v26.0"

TOKEN_INVALID = 190  # OAuthException: expired, revoked or otherwise invalid access token
RATE_LIMITED = {4, 17, 32, 613}  # application, user, page and custom-level request limits
NOT_FOUND_SUBCODE = 33  # "Object with ID … does not exist, cannot be loaded due to missing permissions…"
_URL = re.compile(r"https?://[^\s　）)」]+")


def graph_error(reply, *, service: str) -> CheckError:
    """The CheckError (or Gone) for a Graph error answer; a rate limit is like a 429."""
    error = body_of(reply).get("error")
    error = error if isinstance(error, dict) else {}
    code, subcode = error.get("code"), error.get("error_subcode")
    code = code if isinstance(code, int) and not isinstance(code, bool) else None  # a number, or nothing
    trace = short_code(error.get("fbtrace_id"))
    where = f"{service} code {code}" + (f"・fbtrace_id {trace}" if trace else "") if code else f"HTTP {reply.status}"
    if code == TOKEN_INVALID:
        return CheckError(f"アクセストークンが無効か期限切れです（{where}）。トークンを発行し直して登録してください")
    if code in RATE_LIMITED:
        return CheckError(f"回数制限のため確認できませんでした（{where}）。次回の確認で再び試します")
    if code == 100 and (subcode == NOT_FOUND_SUBCODE or "does not exist" in str(error.get("message") or "")):
        return Gone(f"アカウントが見つかりません（{where}）")
    return CheckError(
        f"APIがエラーを返しました（HTTP {reply.status}・{where}）" if code else f"APIがエラーを返しました（{where}）"
    )


def links_in(*texts: str) -> list[str]:
    """The http(s) URLs in profile fields (website fields may hold several, separated by spaces)."""
    return [url for text in texts for url in _URL.findall(text or "")][:50]


def newest(edge: dict, field: str) -> str:
    """The first item's date of a Graph edge ({"data": [...], "paging": …}); "" when empty."""
    items = edge.get("data")
    if not isinstance(items, list) or not items or not isinstance(items[0], dict):
        return ""
    return str(items[0].get(field) or "")


# Where Meta serves the images and videos of posts (Facebook, Instagram and Threads alike): the
# scontent-*.cdninstagram.com and scontent-*.xx.fbcdn.net hosts (the guard admits their subdomains).
META_MEDIA_HOSTS = ("cdninstagram.com", "fbcdn.net")


def graph_page(
    adapter: ApiAdapter, target: Target, http, path: str, *, fields: str, limit: int, cursor: str, service: str
):
    """One page of an edge (GET <path>?fields=…&limit=…&after=…): its items, the next page's cursor
    ("" on the last page), and the answer as read. A hostile or broken answer is a CheckError."""
    reply = http.get(
        adapter.url(target, path, fields=fields, limit=min(limit, MAX_PAGE), after=cursor or None),
        headers=bearer(target),
    )
    if reply.status != 200:
        raise graph_error(reply, service=service)
    body = reply.json()
    if not isinstance(body, dict):
        raise CheckError("APIの応答の形が違います（JSONのオブジェクトではありません）")
    items = items_of(body.get("data"))
    paging = body.get("paging") if isinstance(body.get("paging"), dict) else {}
    cursors = paging.get("cursors") if isinstance(paging.get("cursors"), dict) else {}
    after = cursors.get("after") if paging.get("next") else None
    return [item for item in items if isinstance(item, dict)], next_cursor(after, cursor), reply


def attachments_of(item: dict) -> list[dict]:
    """A Facebook post's attachments ({"data": [{"media": {"image": {"src"}, "source"?}, "url"}]})."""
    found = item.get("attachments")
    found = found.get("data") if isinstance(found, dict) else None
    return [a for a in found[:20] if isinstance(a, dict)] if isinstance(found, list) else []


class GraphNodeAdapter(ApiAdapter):
    """GET /<id>?fields=… and /<id>/<edge>?limit=1 with the token. The registered ID is the account's
    permanent ID and what the API is asked about (a vanity name can change or be taken): without
    one there is nothing to ask, and the check says so."""

    default_base = "https://graph.facebook.com"
    capabilities = frozenset({Capability.READ_PROFILE, Capability.READ_POSTS})
    media_hosts = META_MEDIA_HOSTS
    id_label = ""  # what the registered ID is called (ページID, InstagramのユーザーID)
    need = ""  # the credential, as the check names it when there is none
    fields = ""
    edge = ""  # posts, media
    edge_time = ""  # the edge's date field
    text_field = ""  # the profile text (about, biography)
    post_fields = ""  # the edge's fields when its posts are read (issue 22)

    def target(self, account) -> Target:
        node_id = account.platform_account_id.strip()
        if not node_id:
            return missing_id(self, account, what=self.id_label)
        return credential_target(self, account, actor=node_id, need=self.need)

    def read(self, target: Target, http) -> ProfileState:
        base = f"/{GRAPH_VERSION}/{segment(target.actor)}"
        reply = http.get(self.url(target, base, fields=self.fields), headers=bearer(target))
        if reply.status != 200:
            raise graph_error(reply, service="Graph API")
        node = body_of(reply)
        if not node.get("id"):
            raise CheckError(f"APIの応答に{self.id_label}がありません")
        items = http.get(
            self.url(target, f"{base}/{self.edge}", limit=1, fields=self.edge_time), headers=bearer(target)
        )
        if items.status != 200:
            raise graph_error(items, service="Graph API")
        text, website = str(node.get(self.text_field) or ""), str(node.get("website") or "")
        return ProfileState(
            reachable=True,
            http_status=reply.status,
            display_name=str(node.get("name") or node.get("username") or "").strip()[:200],
            platform_account_id=str(node["id"])[:100],
            last_post=newest(body_of(items), self.edge_time)[:100],
            profile_text=f"{text}\n{website}".strip()[:2000],
            links=links_in(website, text),
        )

    def read_posts(self, target: Target, http, *, cursor: str = "", limit: int = 50) -> PostPage:
        path = f"/{GRAPH_VERSION}/{segment(target.actor)}/{self.edge}"
        items, next_page, reply = graph_page(
            self, target, http, path, fields=self.post_fields, limit=limit, cursor=cursor, service="Graph API"
        )
        return PostPage(
            tuple(post for item in items if (post := self.post(item)) is not None), next_page, reply.content
        )

    def post(self, item: dict):
        """A reads.Post of one item of the edge, or None for an item that is not one."""
        raise NotImplementedError
