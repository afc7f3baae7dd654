"""What callers read through a platform beyond its profile (issue 21): an account's posts, page by page,
the media files those posts name (issue 22), and the accounts a search on the platform finds.

A caller asks `checks.can(account, Capability.READ_POSTS)` first — yes, or why not in Japanese — and
never names a platform. The adapter does the platform's part (`read_posts`, `search_accounts`) in a worker
thread, HTTP only, through the same guard, caps, retries and 429 handling as the status checks; every
failure comes back as a `ReadFailed` with the reason to show, never as an exception from httpx.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, replace

import httpx

from .checks import (
    Capability,
    CheckError,
    Gone,
    Http,
    OutboundRefused,
    Reply,
    Target,
    adapter_for,
    can,
    new_client,
    scrub,
    secrets_of,
)
from .redact import REDACTED, secret_pieces

MAX_PAGE = 100  # posts or accounts asked for in one request; the platforms' own maxima are at least this
# What one post may hold, whatever the platform answered: a hostile or broken answer is bounded here.
MAX_TEXT = 10_000  # characters of a post's text
MAX_ID = 300  # characters of a post's ID (and of each earlier version's)
MAX_URL = 2_000
MAX_CURSOR = 2_000
MAX_LINKS = 50
MAX_MEDIA = 20
MAX_VERSIONS = 20  # X allows five edits: six IDs
MAX_MEDIA_BYTES = 20 * 1024 * 1024  # fetch_media's default cap


@dataclass(frozen=True)
class Post:
    """One post as the platform shows it. `post_id` is the platform's own ID, unique within the account."""

    post_id: str
    url: str
    published: str  # ISO 8601, as the platform gave it (the author's clock where it has one)
    text: str
    links: tuple[str, ...] = ()
    media: tuple[str, ...] = ()  # URLs of the images and videos it carries
    # The IDs of the post's versions, oldest first, where the platform keeps an edit history (X's
    # edit_history_tweet_ids: each edit is a post of its own, with the whole chain); () elsewhere.
    edit_history: tuple[str, ...] = ()

    @property
    def original_id(self) -> str:
        """The ID of the post's first version: what the versions of one post share."""
        return self.edit_history[0] if self.edit_history else self.post_id


@dataclass(frozen=True)
class PostPage:
    """One page of posts, newest first, with the platform's answer exactly as read."""

    posts: tuple[Post, ...]
    cursor: str = ""  # what asks for the next (older) page; "" when there is none
    raw: bytes = field(default=b"", repr=False)
    # What was asked and how it was answered, as a WARC record names them (issue 22): the URL with our
    # credentials removed, the answer's HTTP status and Content-Type.
    method: str = "GET"
    url: str = ""
    status: int = 200
    content_type: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()


@dataclass(frozen=True)
class FoundAccount:
    """An account a search on the platform found (not necessarily the city's)."""

    handle: str
    display_name: str
    platform_account_id: str
    profile_url: str
    description: str = ""


_SURROGATE = re.compile("[\ud800-\udfff]")


def text_of(value, limit: int = MAX_TEXT) -> str:
    """A text field of an answer: a string, else "" (a number, a list, null); NUL and lone surrogates,
    which PostgreSQL and UTF-8 refuse, as U+FFFD; at most `limit` characters. Markup and bidi
    controls stay: they are what was posted (a page shows the text escaped and isolated)."""
    if not isinstance(value, str):
        return ""
    return _SURROGATE.sub("\ufffd", value[:limit].replace("\x00", "\ufffd"))


def token_of(value, limit: int = MAX_ID) -> str:
    """An ID or a cursor: a string (or an integer, as some APIs give IDs) of visible characters only
    — no space, control, bidi or zero-width character — of 1 to `limit` characters; else ""."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not 0 < len(value) <= limit:
        return ""
    return "" if any(unicodedata.category(c)[0] in "CZ" for c in value) else value


def url_of(value) -> str:
    """A URL of an answer: http(s) and visible characters only, at most MAX_URL; else "" (a javascript:
    or data: link, a URL with a bidi override in it, …)."""
    url = token_of(value, MAX_URL)
    return url if url.lower().startswith(("https://", "http://")) else ""


def _urls(values, limit: int) -> tuple[str, ...]:
    return tuple(dict.fromkeys(u for u in map(url_of, values) if u))[:limit]


def make_post(*, post_id, url, published, text, links=(), media=(), edit_history=()) -> "Post | None":
    """A Post from an answer's fields, each checked and bounded here (every adapter builds its posts so);
    None when the item has no usable ID (it cannot be kept apart from the others)."""
    post_id = token_of(post_id)
    if not post_id:
        return None
    return Post(
        post_id=post_id,
        url=url_of(url),
        published=text_of(published, 100).strip(),
        text=text_of(text),
        links=_urls(links, MAX_LINKS),
        media=_urls(media, MAX_MEDIA),
        edit_history=tuple(v for v in map(token_of, edit_history) if v)[:MAX_VERSIONS],
    )


def next_cursor(value, sent: str) -> str:
    """The next (older) page's cursor in an answer; "" when there is none, or when it is the one just
    sent (an endless feed must not keep a capture going for ever)."""
    if value is None or value == "":
        return ""
    cursor = token_of(value, MAX_CURSOR)
    if not cursor:
        raise CheckError("APIの応答の続きの位置（カーソル）が読み取れません")
    return "" if cursor == sent else cursor


def items_of(value, *, limit: int = MAX_PAGE) -> list:
    """The list of posts in an answer; CheckError when it is not a list, or longer than a page can be."""
    if not isinstance(value, list):
        raise CheckError("APIの応答に投稿の一覧がありません")
    if len(value) > limit:
        raise CheckError(f"APIの応答の投稿が多すぎます（{len(value)}件、1ページの上限 {limit}件）。読み取りません")
    return value


class ReadFailed(Exception):
    """Nothing (more) could be read; `str()` says why, in Japanese. `gone`: the account is not there."""

    def __init__(self, reason: str, *, gone: bool = False):
        super().__init__(reason)
        self.gone = gone


class _Recorded(Http):
    """The requests of one read, remembering each answer: the page of posts came from one of them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.answers: list[tuple[str, str, Reply]] = []  # (method, url, reply)

    def get(self, url: str, **options) -> Reply:
        reply = super().get(url, **options)
        self.answers.append(("GET", url, reply))
        return reply

    def post_json(self, url: str, **options) -> Reply:
        reply = super().post_json(url, **options)
        self.answers.append(("POST", url, reply))
        return reply


def _as_recorded(page: PostPage, http: _Recorded, secrets) -> PostPage:
    """The page with where it came from — the request whose answer it is, else the last — and our
    credentials never kept, neither in the URL nor in the answer (a Graph API paging link carries the
    access token back)."""
    if not http.answers:
        return page
    method, url, reply = next((a for a in reversed(http.answers) if a[2].content == page.raw), http.answers[-1])
    raw = page.raw
    for piece in secret_pieces(secrets):
        raw = raw.replace(piece.encode(), REDACTED.encode())
    return replace(
        page,
        raw=raw,
        method=method,
        url=scrub(url, secrets)[:2000],
        status=reply.status,
        content_type=str(reply.headers.get("content-type", ""))[:200],
    )


def _run(target: Target, call, secrets=(), http_class=Http):
    """The adapter's call under the same rules as a status check's reading; failures become ReadFailed
    with the platform's words bounded and our credentials removed (issue 20)."""
    if target.refused:
        raise ReadFailed(target.refused)
    if target.problem:
        raise ReadFailed(target.problem)
    try:
        with new_client() as client:
            return call(http_class(client, target))
    except OutboundRefused as exc:
        raise ReadFailed(f"接続先が許可されていません：{exc}") from None
    except Gone as exc:
        raise ReadFailed(scrub(str(exc), secrets, error=True), gone=True) from None
    except CheckError as exc:
        raise ReadFailed(scrub(str(exc), secrets, error=True)) from None
    except (httpx.InvalidURL, ValueError) as exc:
        raise ReadFailed(f"URLが読み取れません（{exc.__class__.__name__}）") from None


def read_posts(account, *, cursor: str = "", limit: int = 50) -> PostPage:
    """One page of the account's posts, newest first; `cursor` from the previous page asks for older ones."""
    answer = can(account, Capability.READ_POSTS)
    if not answer:
        raise ReadFailed(answer.reason)
    adapter = adapter_for(account.platform.code)
    target = adapter.posts_target(account)  # the database is read here, in the caller's thread
    limit = max(1, min(limit, MAX_PAGE))
    secrets = secrets_of(target)

    def call(http):
        return _as_recorded(adapter.read_posts(target, http, cursor=cursor, limit=limit), http, secrets)

    return _run(target, call, secrets, http_class=_Recorded)


def search_accounts(platform, query: str, *, limit: int = 25) -> list[FoundAccount]:
    """Accounts on `platform` matching `query`, best first (the platform's own order)."""
    query = query.strip()
    if not query:
        raise ReadFailed("検索する語を入力してください。")
    adapter = adapter_for(platform.code)
    answer = adapter.can(Capability.SEARCH_ACCOUNTS)
    if not answer:
        raise ReadFailed(answer.reason)
    target = adapter.search_target(platform)
    limit = max(1, min(limit, MAX_PAGE))
    return _run(target, lambda http: adapter.search_accounts(target, http, query, limit=limit), secrets_of(target))


# --- media files (issue 22: the archive keeps the images and videos of a post, not just their URLs) ---

_NOT_MP4 = {b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis", b"qt  "}
_SIGNATURES = (
    ("image/png", lambda b: b.startswith(b"\x89PNG\r\n\x1a\n")),
    ("image/jpeg", lambda b: b.startswith(b"\xff\xd8\xff")),
    ("image/gif", lambda b: b.startswith((b"GIF87a", b"GIF89a"))),
    ("image/webp", lambda b: b[:4] == b"RIFF" and b[8:12] == b"WEBP"),
    # An ISO media file ("ftyp" box) that is not a still image (HEIF, AVIF) nor QuickTime.
    ("video/mp4", lambda b: b[4:8] == b"ftyp" and b[8:12] not in _NOT_MP4),
    ("application/pdf", lambda b: b.startswith(b"%PDF-")),
)
# What a server may call a file without saying what it is: the bytes decide.
_UNDECLARED = {"", "application/octet-stream", "binary/octet-stream"}
_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "application/x-pdf": "application/pdf"}
_MEDIA_TYPE = re.compile(r"[a-z0-9.+-]{1,40}/[a-z0-9.+-]{1,60}")
_KINDS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WebP"}
_KINDS |= {"video/mp4": "MP4", "application/pdf": "PDF"}


@dataclass(frozen=True)
class Media:
    """A media file a post names, as fetched: its bytes, the type its bytes show, and their digest."""

    url: str
    content: bytes = field(repr=False)
    content_type: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def sniff(content: bytes) -> str:
    """The media type the bytes' signature shows (PNG, JPEG, GIF, WebP, MP4, PDF), or ""."""
    return next((kind for kind, matches in _SIGNATURES if matches(content[:16])), "")


def _declared(value: str | None) -> str:
    declared = (value or "").split(";", 1)[0].strip().lower()
    return _ALIASES.get(declared, declared)


def fetch_media(account, url: str, *, max_bytes: int = MAX_MEDIA_BYTES) -> Media:
    """A media file one of the account's posts names: only from the platform's own media hosts (or under
    its configured base), with no credential, through the same outbound guard, retries and 429 handling
    as every read; at most `max_bytes` (a larger one is dropped while it streams: nothing is kept), and
    only a PNG, JPEG, GIF, WebP, MP4 or PDF whose bytes are what the server says they are."""
    adapter = adapter_for(account.platform.code)
    target = adapter.media_target(account, url)
    reply = _run(target, lambda http: http.get(url, max_bytes=max(1, max_bytes), binary=True))
    if reply.status != 200:
        raise ReadFailed(f"ファイルを取得できません（HTTP {reply.status}）")
    kind, declared = sniff(reply.content), _declared(reply.headers.get("content-type"))
    said = declared if _MEDIA_TYPE.fullmatch(declared) else "形式の申告なし" if not declared else "読めない形式名"
    if not kind:
        raise ReadFailed(f"画像・動画・PDFとして読み取れないファイルです（{said}）。保存していません")
    if declared not in _UNDECLARED and declared != kind:
        raise ReadFailed(
            f"ファイルの中身（{_KINDS[kind]}）が申告された形式（{said}）と違います。偽装のおそれがあるため保存していません"
        )
    return Media(url=url, content=reply.content, content_type=kind)
