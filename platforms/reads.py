"""What callers read through a platform beyond its profile (issue 21): an account's posts, page by page,
the media files those posts name (issue 22), and — for the lookalike search (issue 23) — the accounts a
search on the platform finds (`search_accounts`, `can_search`, `search_alternative`), a found account's
public profile and posts kept as evidence (`capture_found`), and its avatar (`fetch_avatar`).

A caller asks `checks.can(account, Capability.READ_POSTS)` first — yes, or why not in Japanese — and
never names a platform. The adapter does the platform's part (`read_posts`, `search_accounts`) in a worker
thread, HTTP only, through the same guard, caps, retries and 429 handling as the status checks; every
failure comes back as a `ReadFailed` with the reason to show, never as an exception from httpx.
"""

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime

import httpx
from django.utils import timezone

from . import checks
from .checks import (
    Capability,
    CheckError,
    Gone,
    Http,
    OutboundRefused,
    ProfileState,
    Reply,
    Target,
    adapter_for,
    can,
    new_client,
    scrub,
    scrubbed,
    secrets_of,
)
from .redact import REDACTED, secret_pieces

logger = logging.getLogger(__name__)

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


MAX_NAME = 300  # characters of a found account's display name (a hostile one may run to thousands)
MAX_HANDLE = 300
MAX_DESCRIPTION = 2_000  # as ProfileState.profile_text keeps
MAX_FOUND = 500  # accounts one search returns, over all its pages
MAX_SEARCH_PAGES = 10  # requests one search makes at most, however the platform pages
MAX_AVATAR_BYTES = 1024 * 1024  # fetch_avatar's cap: a profile picture, not a video


@dataclass(frozen=True)
class FoundAccount:
    """An account a search on the platform found (not necessarily the city's). Every field is checked
    and bounded (`make_found`): whatever the platform answered, the scoring and the pages get text of
    known length, and URLs that are http(s) or ""."""

    handle: str  # as the platform writes it, without "@"; "" where the search does not give it (YouTube)
    display_name: str
    platform_account_id: str  # the platform's permanent ID (a DID, a channel ID, a user ID)
    profile_url: str
    description: str = ""
    avatar_url: str = ""  # the platform's URL of the profile picture (reads.fetch_avatar fetches it)
    created_at: str = ""  # when the account was made, ISO 8601, where the platform says; else ""


@dataclass(frozen=True)
class FoundPage:
    """One page of a search's answer; `cursor` asks for the next ("" when there is none)."""

    accounts: tuple[FoundAccount, ...]
    cursor: str = ""


def iso_time(value) -> str:
    """A time of an answer as the platform wrote it, when it is an ISO 8601 date and time; else ""."""
    text = text_of(value, 100).strip()
    if not text or not text[:1].isdigit():
        return ""
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return ""
    return text


def make_found(*, handle, display_name, platform_account_id, profile_url, description="", avatar_url="", created_at=""):
    """A FoundAccount from an answer's fields, each checked and bounded here (every adapter builds its
    results so); None when the item has no usable permanent ID (it cannot be told apart from others).
    Display names and descriptions are kept as written — bidi controls, zero-width characters, emoji —
    within their bounds: they are what the scoring looks at."""
    account_id = token_of(platform_account_id)
    if not account_id:
        return None
    return FoundAccount(
        handle=text_of(handle, MAX_HANDLE).strip().lstrip("@"),
        display_name=text_of(display_name, MAX_NAME).strip(),
        platform_account_id=account_id,
        profile_url=url_of(profile_url),
        description=text_of(description, MAX_DESCRIPTION),
        avatar_url=url_of(avatar_url),
        created_at=iso_time(created_at),
    )


def found_items(value, *, limit: int = MAX_PAGE) -> list:
    """The list of accounts in a search's answer; CheckError when it is not a list, or too long a page."""
    if not isinstance(value, list):
        raise CheckError("APIの応答にアカウントの一覧がありません")
    if len(value) > limit:
        raise CheckError(
            f"APIの応答のアカウントが多すぎます（{len(value)}件、1ページの上限 {limit}件）。読み取りません"
        )
    return value


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
    """Nothing (more) could be read; `str()` says why, in Japanese. `gone`: the account is not there.
    `partial`: what a search had found before it had to stop (its pages looped)."""

    def __init__(self, reason: str, *, gone: bool = False, partial: tuple = ()):
        super().__init__(reason)
        self.gone = gone
        self.partial = tuple(partial)


class _Recorded(Http):
    """The requests of one read, remembering each answer: the page of posts came from one of them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.answers: list[tuple[str, str, Reply]] = []  # (method, url, reply)
        self.times: list[datetime] = []  # when each answer was read

    def get(self, url: str, **options) -> Reply:
        reply = super().get(url, **options)
        self.answers.append(("GET", url, reply))
        self.times.append(timezone.now())
        return reply

    def post_json(self, url: str, **options) -> Reply:
        reply = super().post_json(url, **options)
        self.answers.append(("POST", url, reply))
        self.times.append(timezone.now())
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
    except ReadFailed:
        raise
    except Exception as exc:  # an answer of a shape no adapter foresaw: a reason, never a crash of the caller
        logger.exception("platform read of %s failed", target.platform)
        raise ReadFailed(f"応答を読み取れませんでした（{exc.__class__.__name__}）") from None


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
    """Accounts on `platform` matching `query`, best first (the platform's own order), at most `limit`
    (≤ MAX_FOUND), each once. Pages are followed by the platform's cursor up to MAX_SEARCH_PAGES
    requests; a page that brings nothing new ends the search. A cursor that comes back (the answers
    loop) stops it with ReadFailed, its `partial` holding what was found until then."""
    query = (query or "").strip() if isinstance(query, str) else ""
    if not query:
        raise ReadFailed("検索する語を入力してください。")
    adapter = adapter_for(platform.code)
    answer = adapter.can(Capability.SEARCH_ACCOUNTS, platform=platform)
    if not answer:
        raise ReadFailed(answer.reason)
    target = adapter.search_target(platform)
    limit = max(1, min(limit, MAX_FOUND))
    query = query[:500]

    def call(http):
        found: dict[str, FoundAccount] = {}
        cursor, sent = "", set()
        for _ in range(MAX_SEARCH_PAGES):
            want = min(limit - len(found), MAX_PAGE)
            page = adapter.search_accounts(target, http, query, limit=want, cursor=cursor)
            before = len(found)
            for account in page.accounts:
                found.setdefault(account.platform_account_id, account)
            if len(found) >= limit or not page.cursor:
                break
            sent.add(cursor)
            if page.cursor in sent:
                raise ReadFailed(
                    "検索の応答が同じ続きの位置（カーソル）を繰り返したため、打ち切りました"
                    f"（{len(found)}件まで読み取り済み）",
                    partial=tuple(found.values())[:limit],
                )
            if len(found) == before:  # a page of nothing new: the rest would be the same
                break
            cursor = page.cursor
        return list(found.values())[:limit]

    return _run(target, call, secrets_of(target))


def can_search(platform):
    """checks.can_search: whether the city can search `platform` now, and if not, why."""
    return checks.can_search(platform)


def search_alternative(platform) -> str:
    """checks.search_alternative: what the city does instead where it cannot search `platform`."""
    return checks.search_alternative(platform)


# --- an account that is not the city's, captured as evidence (issue 23, G-4-3-カ) ---


@dataclass(frozen=True)
class ReadAnswer:
    """One of the platform's answers exactly as read: the bytes, where from (our credentials removed:
    none is sent for these reads) and when."""

    method: str
    url: str
    status: int
    content_type: str
    raw: bytes = field(repr=False)
    captured_at: datetime

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()


@dataclass(frozen=True)
class FoundCapture:
    """A found account's public profile and newest posts as read, for an incident's evidence."""

    platform_code: str
    profile_url: str  # the URL asked about, as residents open it
    state: ProfileState  # the profile as read (display name, ID, text, links; gone when the platform says so)
    posts: tuple[Post, ...]
    answers: tuple[ReadAnswer, ...]  # every answer read, in order
    captured_at: datetime
    note: str = ""  # what was not read, and why (no posts without a token, …)


def capture_found(platform, found, *, posts: int = 20) -> FoundCapture:
    """Read a found (non-official) account's public profile and, where the platform shows them without a
    token, its newest `posts`, keeping every answer exactly as read. `found` is a FoundAccount or a
    profile URL (a resident's report): a URL that is not https on the platform's own hosts — a lookalike
    domain, an internal address — is refused with the reason, and nothing is fetched."""
    if isinstance(found, FoundAccount):
        url, account_id = found.profile_url, found.platform_account_id
    elif isinstance(found, str):
        url, account_id = found.strip(), ""
    else:
        raise ReadFailed("アカウントのURLを指定してください。")
    if not url or len(url) > MAX_URL:
        raise ReadFailed("アカウントのURLが空か長すぎます（2,000文字まで）。")
    adapter = adapter_for(platform.code)
    target = adapter.found_target(platform, url, account_id=account_id)
    if target.refused:
        raise ReadFailed(f"{platform.name}のアカウントのURLではないため、読みに行きません（{target.refused}）")
    posts = max(1, min(posts, MAX_PAGE))
    secrets = secrets_of(target)
    started = timezone.now()

    def call(http):
        state, page, note = adapter.read_found(target, http, posts=posts)
        return state, page, note, http

    state, page, note, http = _run(target, call, secrets, http_class=_Recorded)
    answers = tuple(
        ReadAnswer(
            method=method,
            url=scrub(answer_url, secrets)[:MAX_URL],
            status=reply.status,
            content_type=str(reply.headers.get("content-type", ""))[:200],
            raw=reply.content,
            captured_at=when,
        )
        for (method, answer_url, reply), when in zip(http.answers, http.times, strict=True)
    )
    state = scrubbed(state, secrets)
    return FoundCapture(
        platform_code=platform.code,
        profile_url=url,
        state=state,
        posts=page.posts if page is not None else (),
        answers=answers,
        captured_at=started,
        note=note,
    )


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
    target = adapter_for(account.platform.code).media_target(account, url)
    return _fetch_file(target, url, max_bytes=max_bytes)


def fetch_avatar(platform, url: str, *, max_bytes: int = MAX_AVATAR_BYTES) -> Media:
    """A profile picture `platform` names (a found account's `avatar_url`), for comparing it with the
    city's own: under the same rules as fetch_media — the platform's media hosts or its configured base,
    no credential, capped while it streams (1 MB) — and an image only (PNG, JPEG, GIF, WebP)."""
    if not url_of(url):
        raise ReadFailed("画像のURLが読み取れません（http(s)のURLではありません）")
    target = adapter_for(platform.code).platform_media_target(platform, url)
    return _fetch_file(target, url, max_bytes=max_bytes, images_only=True)


def _fetch_file(target: Target, url: str, *, max_bytes: int, images_only: bool = False) -> Media:
    reply = _run(target, lambda http: http.get(url, max_bytes=max(1, max_bytes), binary=True))
    if reply.status != 200:
        raise ReadFailed(f"ファイルを取得できません（HTTP {reply.status}）")
    kind, declared = sniff(reply.content), _declared(reply.headers.get("content-type"))
    said = declared if _MEDIA_TYPE.fullmatch(declared) else "形式の申告なし" if not declared else "読めない形式名"
    if images_only and not kind.startswith("image/"):
        shown = f"{_KINDS[kind]}のファイル" if kind else said
        raise ReadFailed(f"画像（PNG・JPEG・GIF・WebP）として読み取れないファイルです（{shown}）。保存していません")
    if not kind:
        raise ReadFailed(f"画像・動画・PDFとして読み取れないファイルです（{said}）。保存していません")
    if declared not in _UNDECLARED and declared != kind:
        raise ReadFailed(
            f"ファイルの中身（{_KINDS[kind]}）が申告された形式（{said}）と違います。偽装のおそれがあるため保存していません"
        )
    return Media(url=url, content=reply.content, content_type=kind)
