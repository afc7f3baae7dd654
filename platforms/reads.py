"""What callers read through a platform beyond its profile (issue 21): an account's posts, page by page,
and the accounts a search on the platform finds.

A caller asks `checks.can(account, Capability.READ_POSTS)` first — yes, or why not in Japanese — and
never names a platform. The adapter does the platform's part (`read_posts`, `search_accounts`) in a worker
thread, HTTP only, through the same guard, caps, retries and 429 handling as the status checks; every
failure comes back as a `ReadFailed` with the reason to show, never as an exception from httpx.
"""

import hashlib
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


@dataclass(frozen=True)
class Post:
    """One post as the platform shows it. `post_id` is the platform's own ID, unique within the account."""

    post_id: str
    url: str
    published: str  # ISO 8601, as the platform gave it (the author's clock where it has one)
    text: str
    links: tuple[str, ...] = ()
    media: tuple[str, ...] = ()  # URLs of the images and videos it carries


@dataclass(frozen=True)
class PostPage:
    """One page of posts, newest first, with the platform's answer exactly as read."""

    posts: tuple[Post, ...]
    cursor: str = ""  # what asks for the next (older) page; "" when there is none
    raw: bytes = field(default=b"", repr=False)
    # What was asked and how it was answered, as a WARC record names them (issue 22): the URL with our
    # credentials removed, the answer's HTTP status and Content-Type.
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


class ReadFailed(Exception):
    """Nothing (more) could be read; `str()` says why, in Japanese. `gone`: the account is not there."""

    def __init__(self, reason: str, *, gone: bool = False):
        super().__init__(reason)
        self.gone = gone


class _Recorded(Http):
    """The requests of one read, remembering the last answer (what a page of posts came from)."""

    last: tuple[str, Reply] | None = None

    def get(self, url: str, *, headers: dict | None = None) -> Reply:
        reply = super().get(url, headers=headers)
        self.last = (url, reply)
        return reply


def _as_recorded(page: PostPage, http: _Recorded, secrets) -> PostPage:
    """The page with where it came from; our credentials never kept, neither in the URL nor in the
    answer (a Graph API paging link carries the access token back)."""
    if http.last is None:
        return page
    url, reply = http.last
    raw = page.raw
    for piece in secret_pieces(secrets):
        raw = raw.replace(piece.encode(), REDACTED.encode())
    return replace(
        page,
        raw=raw,
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
