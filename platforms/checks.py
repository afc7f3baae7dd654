"""Public-profile status checks (G-4-5-エ, G-4-3-カ 常時監視, P-3): fetch, read, compare.

Checkers are per-platform adapters behind one interface. The generic adapter reads what profile
pages publish for search engines and link previews: schema.org JSON-LD (ProfilePage → mainEntity:
name, identifier, description, url; dateModified / the newest post), then Open Graph tags. A
platform whose page differs gets its own adapter in ADAPTERS.

HTTP rules: every request passes the outbound guard (core.outbound: https to the platform's own
hosts or the base configured for the platform in STATUS_CHECK_BASES, never an internal address,
checked again on every redirect hop and on the address actually connected); a timeout per request,
a cap on the body size, redirects followed only within the platform (an account that now redirects
elsewhere is itself an anomaly), retries with backoff on network errors, and bounded concurrency
when many accounts are checked at once.
"""

import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urljoin, urlsplit

import httpx
from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from accounts.handles import handle_problem
from core.outbound import OutboundRefused, check_url, guarded_client, rebase

from .redact import scrub, short_code  # noqa: F401  (short_code: the adapters take it from here)

TIMEOUT_SECONDS = 5.0
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 3
# An answer that keeps coming, a little at a time, is cut after this long (each read has its own
# TIMEOUT_SECONDS, which a trickle never reaches): issue 22's "answers that never end".
ANSWER_DEADLINE_SECONDS = 20.0
RETRIES = 2
BACKOFF_SECONDS = 0.5


def user_agent() -> str:
    """Who is asking, for the platforms' logs: the software and the city's own site (its profile)."""
    return f"komae-sns-status-check/1.0 (+{settings.CITY_HOMEPAGE_URL})"


@dataclass
class ProfileState:
    """What a public profile page shows now. `reachable` False means the page is gone or failed."""

    reachable: bool
    http_status: int | None = None
    display_name: str = ""
    platform_account_id: str = ""
    last_post: str = ""
    profile_text: str = ""
    links: list[str] = field(default_factory=list)
    error: str = ""
    adapter: str = ""  # which adapter and interface read it (stored with the reading)
    gone: bool = False  # the platform says the account is deleted, deactivated or suspended
    # False when the interface does not show the profile text and links (a feed alone): P-3's facts
    # are then unknown, neither stated nor missing.
    profile_seen: bool = True
    # P-7-3: the platform's verification badge as its interface states it (X's verified_type, a Bluesky
    # domain handle or verification): True or False; None when the platform or this interface does not
    # say. The note says what was read, in plain words (「政府・自治体の認証（X：government）」).
    verified: bool | None = None
    verification_note: str = ""
    # The registered handle the reading asked about (check_profile sets it): a permanent ID read for
    # another handle than the account's now is never proposed for it (G-4-3-カ).
    handle: str = ""


class _PageReader(HTMLParser):
    """Collect the meta tags, JSON-LD blocks and links of a page; tolerant of broken HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.json_ld: list[str] = []
        self.links: list[str] = []
        self.title = ""
        self._in_ld = False
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key and "content" in attrs:
                self.meta.setdefault(key.lower(), attrs["content"])
        elif tag == "script" and attrs.get("type", "").lower() == "application/ld+json":
            self._in_ld = True
            self.json_ld.append("")
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "link" and attrs.get("rel", "").lower() == "me" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld[-1] += data
        elif self._in_title:
            self.title += data


def _profile_entity(blocks: list[str]) -> dict:
    for raw in blocks:
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and item.get("@type") == "ProfilePage":
                entity = item.get("mainEntity") or {}
                if isinstance(entity, dict):
                    return {**entity, "dateModified": item.get("dateModified", "")}
    return {}


@dataclass(frozen=True)
class Target:
    """What one check may fetch: the first URL, and where it and every redirect may go."""

    url: str
    hosts: tuple[str, ...]
    bases: tuple[str, ...] = ()
    refused: str = ""  # why nothing may be fetched at all
    public_url: str = ""  # the profile as citizens open it; relative links resolve against it
    platform: str = ""  # the platform's code: its own cap on concurrent requests
    actor: str = ""  # what the API is asked about: the handle, or the permanent ID
    # The account's permanent ID on the platform when the city registered one (`platform_account_id`):
    # its posts are read by it, since a handle can pass to someone else (issue 22).
    account_id: str = ""
    token: str = field(default="", repr=False)  # an API credential; never logged or stored
    secrets: tuple[str, ...] = field(default=(), repr=False)  # the others this check used (an app secret, …)
    problem: str = ""  # why this check cannot be made at all (確認できず：…), e.g. no credential


def platform_base(code: str) -> str:
    """The API base or proxy the city configured for a platform (STATUS_CHECK_BASE_<CODE>), or ""."""
    return settings.STATUS_CHECK_BASES.get(code, "")


# --- what of a platform's answer may be kept (issue 20) ----------------------------------------------

MAX_TOKEN_LIFETIME = 10 * 366 * 24 * 3600  # seconds: a longer lifetime in a token answer is not one


def token_lifetime(value) -> int | None:
    """A token answer's lifetime in seconds, or None when it is not a plausible one."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_TOKEN_LIFETIME:
        return None
    return value


def secrets_of(target) -> tuple[str, ...]:
    """The decrypted credentials a check's target carries (its own, and its API part's)."""
    found = [target.token, *target.secrets]
    api = getattr(target, "api", None)
    if api is not None:
        found += [api.token, *api.secrets]
    return tuple(s for s in found if s)


def scrubbed(state: "ProfileState", secrets=()) -> "ProfileState":
    """The reading with no credential of ours in any field, before it is stored, shown or logged."""
    state.error = scrub(state.error, secrets, error=True)
    if secrets:
        for name in ("display_name", "platform_account_id", "last_post", "profile_text", "verification_note"):
            setattr(state, name, scrub(getattr(state, name), secrets))
        state.links = [scrub(link, secrets) for link in state.links]
    return state


def segment(value) -> str:
    """A value as one path segment of an API URL: every character that could end it or change the
    URL (/ ? # % ; . . and the rest) percent-encoded, whatever the value came from (issue 20)."""
    return quote(str(value), safe="")


def registered_handle(account) -> tuple[str, str]:
    """The account's handle as an API is asked about it, and "" — or "" and why it may not be asked
    (確認できず): a handle stored before its platform's syntax was checked (issue 20) is refused, and
    nothing is sent."""
    handle = (account.handle or "").strip().lstrip("@")
    problem = handle_problem(account.platform.code, handle, platform_name=account.platform.name)
    if problem:
        return "", f"確認できず：登録されたユーザー名{problem}。ユーザー名を直してください（何も送っていません）"
    return handle, ""


class CheckError(Exception):
    """A check that could not read the profile; the message is Japanese and shown in the history."""


class Gone(CheckError):
    """The platform says the account does not exist, or has been deactivated or suspended."""


@dataclass
class Reply:
    status: int
    text: str
    headers: httpx.Headers
    content: bytes = field(default=b"", repr=False)  # the answer exactly as read (the archive keeps it, issue 22)

    def json(self):
        try:
            return json.loads(self.text)
        except ValueError as exc:
            raise CheckError("APIの応答が読み取れません（JSONではありません）") from exc


_platform_gates: dict[str, threading.BoundedSemaphore] = {}
_gates_lock = threading.Lock()


def _gate(platform: str) -> threading.BoundedSemaphore:
    """At most STATUS_CHECK_PLATFORM_CONCURRENCY requests at a time to one platform (its rate limits)."""
    with _gates_lock:
        if platform not in _platform_gates:
            _platform_gates[platform] = threading.BoundedSemaphore(settings.STATUS_CHECK_PLATFORM_CONCURRENCY)
        return _platform_gates[platform]


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After in seconds, from either of its forms (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(when.tzinfo or UTC)).total_seconds())


class Http:
    """The requests of one check: the outbound guard on every hop, the size cap, retries with backoff
    on network errors, a 429's Retry-After honoured, and the platform's concurrency cap."""

    def __init__(self, client: httpx.Client, target: Target):
        self.client = client
        self.target = target

    @sensitive_variables()  # the URL or the headers carry a credential (issue 20)
    def get(self, url: str, *, headers: dict | None = None, before_each_try=None, **options) -> Reply:
        """GET within the rules above. `before_each_try()` runs before every try that would send a
        request (a quota counts it, or refuses it by raising CheckError); `options` go to `fetch`
        (`max_bytes`, `binary`)."""
        return self._send("GET", url, headers=headers, before_each_try=before_each_try, **options)

    @sensitive_variables()  # the headers carry a credential
    def post_json(self, url: str, *, body: dict, headers: dict | None = None, before_each_try=None) -> Reply:
        """A POST that only reads (TikTok's /v2/video/list/ takes its paging in a JSON body): the same
        guard, cap, concurrency cap and 429 handling as a GET, and retried like one since it changes
        nothing. A redirect is never followed: its answer is returned as it is."""
        return self._send("POST", url, headers=headers, before_each_try=before_each_try, json_body=body)

    @sensitive_variables()
    def _send(self, method: str, url: str, *, headers, before_each_try, **options) -> Reply:
        last_error = ""
        for attempt in range(RETRIES + 1):
            if before_each_try is not None:
                before_each_try()
            try:
                with _gate(self.target.platform):
                    reply = fetch(self.target, client=self.client, url=url, headers=headers, method=method, **options)
            except httpx.TimeoutException:
                last_error = "応答がありません（タイムアウト）"
            except httpx.HTTPError as exc:
                last_error = f"接続できません（{exc.__class__.__name__}）"
            else:
                if reply.status != 429:
                    return reply
                wait = _retry_after_seconds(reply.headers.get("retry-after"))
                if wait is None:
                    wait = BACKOFF_SECONDS * (2**attempt)
                if attempt == RETRIES or wait > settings.STATUS_CHECK_MAX_RETRY_AFTER:
                    raise CheckError("回数制限のため確認できませんでした（HTTP 429）。次回の確認で再び試します")
                last_error = "回数制限（HTTP 429）"
                time.sleep(wait)
                continue
            if attempt < RETRIES:
                time.sleep(BACKOFF_SECONDS * (2**attempt))
        raise CheckError(last_error)

    @sensitive_variables()  # the form carries an app secret and a refresh token
    def post(self, url: str, *, data: dict) -> Reply:
        """One form POST (an OAuth token endpoint), never retried nor redirected: a refresh that
        reached the platform may have rotated the token already, and a second one would spend it."""
        check_url(url, hosts=self.target.hosts, bases=self.target.bases)
        try:
            with _gate(self.target.platform):
                response = self.client.post(url, data=data, follow_redirects=False)
        except httpx.TimeoutException:
            raise CheckError("応答がありません（タイムアウト）") from None
        except httpx.HTTPError as exc:
            raise CheckError(f"接続できません（{exc.__class__.__name__}）") from None
        if len(response.content) > MAX_BODY_BYTES:
            raise CheckError("応答が大きすぎます（上限 2 MB）")
        return Reply(response.status_code, response.text, response.headers, response.content)


class Capability(StrEnum):
    """What a caller may ask of a platform (issue 21); each adapter declares the ones it does."""

    READ_PROFILE = "read_profile"
    # An account's posts, page by page (`read_posts`). The status check's newest-post date (dormancy, posts
    # while 運用停止, G-4-5-エ) is part of reading the profile, which more platforms can do.
    READ_POSTS = "read_posts"
    SEARCH_ACCOUNTS = "search_accounts"  # accounts on the platform matching words (`search_accounts`)


# What the city does where it cannot search a platform (issue 23): the residents' report form on /registry/.
RESIDENTS_REPORT = "住民からの通報（「なりすましを見つけたら」）で受け付けます"

CAPABILITY_WORDS = {
    Capability.READ_PROFILE: "プロフィールの読み取り",
    Capability.READ_POSTS: "投稿の読み取り",
    Capability.SEARCH_ACCOUNTS: "アカウントの検索",
}


@dataclass(frozen=True)
class Answer:
    """Whether a platform can do something here, and if not, why (in Japanese, for the page)."""

    ok: bool
    reason: str = ""
    needs: tuple[str, ...] = ()  # the kinds of credential (ApiCredential.Kind) it reads with

    def __bool__(self) -> bool:
        return self.ok


class GenericAdapter:
    """Reads what a public profile page publishes: schema.org ProfilePage JSON-LD, then Open Graph.

    Every adapter has the same two steps: `target(account)` in the calling thread (URLs, the
    credential, anything from the database) and `read(target, http)` in a worker thread (HTTP only).
    """

    name = "public_page"
    interface = "公開プロフィールページ（JSON-LD・Open Graph）"  # the sysadmin's detail (`label`)
    # How the reading was made, in words for everyone (issue 20): shown to the 課長 instead of `label`.
    plain = "公開プロフィールページで確認"
    # The kinds of API token (ApiCredential.Kind values) this adapter reads with; empty: it needs none.
    # The one rule of which kinds a platform takes: the token form's choices and its validation, and
    # the credential service, all ask `credential_kinds_for`.
    credential_kinds: tuple[str, ...] = ()
    # What this interface can do (issue 21): a public page shows the profile, not the posts.
    capabilities: frozenset[Capability] = frozenset({Capability.READ_PROFILE})
    # What it does without any credential although it takes one (YouTube's public feed without an API key).
    keyless: frozenset[Capability] = frozenset()
    # Where the platform serves the images and videos its posts name (reads.fetch_media; subdomains
    # included, as everywhere in the outbound guard). No credential is ever sent there.
    media_hosts: tuple[str, ...] = ()
    # Issue 23: why the platform offers no account search, when it declares none (a sentence for the
    # dashboard, after 「アカウントの検索はできません：」), and what the city does instead — shown beside
    # it, and beside a search that cannot be made today (no key, the X access tier).
    search_unavailable = "このSNSには、名前でアカウントを探す公開の仕組みがありません"
    search_alternative = RESIDENTS_REPORT

    @property
    def label(self) -> str:
        return f"{self.name}：{self.interface}"

    def can(self, capability: Capability, account=None, *, platform=None) -> Answer:
        """Can this platform do `capability` (for `account`, with the credentials registered — or, for
        what is not about one account such as a search, with the `platform`'s), and if not, why.
        Nothing is sent to the platform: it asks the declaration and the database only."""
        what = CAPABILITY_WORDS[Capability(capability)]
        if capability not in self.capabilities:
            if capability == Capability.SEARCH_ACCOUNTS:
                return Answer(False, f"{what}はできません：{self.search_unavailable}", self.credential_kinds)
            return Answer(False, f"{what}はできません（{self.plain}）", self.credential_kinds)
        if not self.credential_kinds or capability in self.keyless or (account is None and platform is None):
            return Answer(True, needs=self.credential_kinds)
        from .adapters._credential import kind_problem, token_for

        if account is None:
            from .credentials import search_token_for

            found = search_token_for(platform, self.credential_kinds)
        else:
            found = token_for(account)
        problem = found.problem.removeprefix("確認できず：") or kind_problem(found, self.credential_kinds)
        if problem:
            return Answer(False, f"{what}はできません：{problem}", self.credential_kinds)
        return Answer(True, needs=self.credential_kinds)

    def profile_url(self, account) -> str:
        return account.profile_url

    # What an adapter reads beyond the profile (platforms/reads.py calls these; an adapter that declares
    # the capability implements the method). Like `read`, they run in a worker thread: HTTP only.
    def posts_target(self, account) -> Target:
        """The target for reading the account's posts: the profile's, unless the adapter knows better."""
        return self.target(account)

    def read_posts(self, target: Target, http: Http, *, cursor: str = "", limit: int = 50):
        """One page of the account's posts, newest first: a `reads.PostPage` (its `cursor` asks for the next)."""
        raise CheckError(self.can(Capability.READ_POSTS).reason)

    def media_target(self, account, url: str) -> Target:
        """The target for fetching a media file one of the account's posts names: the platform's media
        hosts, or under its configured base (a proxy; the tests' server). Never a credential."""
        return self.platform_media_target(account.platform, url)

    def platform_media_target(self, platform, url: str) -> Target:
        """The same for a file the platform names outside the city's accounts (a found account's avatar)."""
        code = platform.code
        base = platform_base(code)
        if not self.media_hosts and not base:
            return Target(url, (), refused="このSNSの画像・動画は取得できません", platform=code)
        return Target(url, self.media_hosts, (base,) if base else (), platform=code)

    def search_target(self, platform) -> Target:
        """The target for searching the platform's accounts (not about one account)."""
        return Target("", (), refused=self.can(Capability.SEARCH_ACCOUNTS).reason, platform=platform.code)

    def search_accounts(self, target: Target, http: Http, query: str, *, limit: int = 25, cursor: str = ""):
        """One page of the accounts on the platform matching `query`, best first: a `reads.FoundPage`
        (its `cursor` asks for the next page; "" when there is none)."""
        raise CheckError(self.can(Capability.SEARCH_ACCOUNTS).reason)

    # Reading an account that is not the city's (issue 23: a lookalike a search found, or one a resident
    # reported), for the evidence of an incident. Never with a credential: only what everyone can see.
    def found_target(self, platform, url: str, *, account_id: str = "") -> Target:
        """The public profile page at `url`, which must be on the platform's own hosts (https, no port,
        no user info): anything else is refused here, before anything is sent. A configured base
        serves it, as it serves the city's own accounts' pages."""
        hosts = tuple(platform.host_list)
        code = platform.code
        try:
            check_url(url, hosts=hosts)
        except OutboundRefused as exc:
            return Target(url, hosts, refused=str(exc), platform=code)
        base = platform_base(code)
        if base:
            return Target(rebase(url, base), hosts, (base,), public_url=url, platform=code, account_id=account_id)
        return Target(url, hosts, public_url=url, platform=code, account_id=account_id)

    def read_found(self, target: Target, http: Http, *, posts: int = 20):
        """The found account's profile and, where the platform shows them without a token, its newest
        posts: (ProfileState, reads.PostPage or None, what was not read and why)."""
        state = GenericAdapter.read(self, target, http)
        return state, None, "このSNSの投稿は市のトークンがなければ読めないため、プロフィールのページだけを保存しました"

    def target(self, account) -> Target:
        """The public profile URL must be on the platform's own hosts; a configured base serves it."""
        url = self.profile_url(account)
        hosts = tuple(account.platform.host_list)
        code = account.platform.code
        base = platform_base(code)
        try:
            check_url(url, hosts=hosts)
        except OutboundRefused as exc:
            return Target(url, hosts, refused=str(exc), platform=code)
        if base:
            return Target(rebase(url, base), hosts, (base,), public_url=url, platform=code)
        return Target(url, hosts, public_url=url, platform=code)

    def read(self, target: Target, http: Http) -> ProfileState:
        reply = http.get(target.url)
        if reply.status in (404, 410):
            return ProfileState(
                reachable=False, http_status=reply.status, gone=True, error=f"ページがありません（HTTP {reply.status}）"
            )
        if reply.status >= 400:
            return ProfileState(
                reachable=False, http_status=reply.status, error=f"ページがありません（HTTP {reply.status}）"
            )
        state = self.parse(reply.text, target.public_url or target.url)
        state.http_status = reply.status
        return state

    def parse(self, html: str, base_url: str) -> ProfileState:
        reader = _PageReader()
        try:
            reader.feed(html)
            reader.close()
        except Exception as exc:  # any broken page is a result, not a crash
            return ProfileState(reachable=True, error=f"読み取れないページです（{exc.__class__.__name__}）")
        entity = _profile_entity(reader.json_ld)
        meta = reader.meta
        identifier = entity.get("identifier") or meta.get("profile:id") or ""
        if isinstance(identifier, dict):
            identifier = identifier.get("value", "")
        return ProfileState(
            reachable=True,
            display_name=str(entity.get("name") or meta.get("og:title") or reader.title).strip()[:200],
            platform_account_id=str(identifier).strip()[:100],
            last_post=str(entity.get("dateModified") or meta.get("article:modified_time") or "").strip()[:100],
            profile_text=str(entity.get("description") or meta.get("og:description") or "").strip()[:2000],
            links=[urljoin(base_url, href) for href in reader.links][:200],
        )


class ApiAdapter(GenericAdapter):
    """An adapter that asks a platform's official API. The API's base is a setting
    (STATUS_CHECK_BASE_<CODE>, e.g. the city's outbound proxy or, in tests, the local server);
    without one it is the platform's own API host."""

    default_base = ""
    # The kinds of credential (ApiCredential.Kind) this API takes (`credential_kinds` above); any other
    # registered for the account is 確認できず, nothing sent (issue 20). An API read without a token
    # (Bluesky's AppView, note's feed) names none.

    def api_target(self, account, *, actor: str, token: str = "", problem: str = "", secrets=()) -> Target:
        code = account.platform.code
        base = platform_base(code) or self.default_base
        host = urlsplit(self.default_base).hostname or ""
        hosts = (host, *account.platform.host_list)
        bases = (base,) if platform_base(code) else ()
        return Target(
            base,
            hosts,
            bases,
            public_url=account.profile_url,
            platform=code,
            actor=actor,
            token=token,
            problem=problem,
            secrets=tuple(secrets),
        )

    @sensitive_variables()  # the key or token the search is made with
    def search_target(self, platform) -> Target:
        if Capability.SEARCH_ACCOUNTS not in self.capabilities:
            return super().search_target(platform)
        if not self.credential_kinds or Capability.SEARCH_ACCOUNTS in self.keyless:
            return self.platform_target(platform, token="")
        answer = self.can(Capability.SEARCH_ACCOUNTS, platform=platform)
        if not answer:
            return replace(self.platform_target(platform, token=""), problem=answer.reason)
        from .credentials import search_token_for

        token = search_token_for(platform, self.credential_kinds).token or ""
        return self.platform_target(platform, token=token)

    def platform_target(self, platform, *, token: str) -> Target:
        """A target for the platform's API itself, not about one account (a token's refresh)."""
        code = platform.code
        base = platform_base(code) or self.default_base
        hosts = (urlsplit(self.default_base).hostname or "", *platform.host_list)
        return Target(base, hosts, (base,) if platform_base(code) else (), platform=code, token=token)

    def handle_target(self, account, *, need: str = "") -> Target:
        """The API target about the account's registered handle; with `need`, with its credential."""
        from .adapters._credential import credential_target

        handle, problem = registered_handle(account)
        if problem:
            return self.api_target(account, actor="", problem=problem)
        if need:
            return credential_target(self, account, actor=handle, need=need, kinds=self.credential_kinds)
        return self.api_target(account, actor=handle)

    def url(self, target: Target, path: str, **params) -> str:
        """The API URL: `path` as written (values in it go through segment()), the query encoded."""
        query = urlencode({k: v for k, v in params.items() if v is not None})
        return f"{target.url.rstrip('/')}{path}" + (f"?{query}" if query else "")


ADAPTERS: dict[str, GenericAdapter] = {}


def register(*codes: str):
    """Class decorator: the adapter checks the accounts of these platform codes."""

    def decorator(cls):
        for code in codes:
            ADAPTERS[code] = cls()
        return cls

    return decorator


def adapter_for(platform_code: str) -> GenericAdapter:
    return ADAPTERS.get(platform_code, GenericAdapter())


def credential_kinds_for(platform_code: str) -> tuple[str, ...]:
    """The kinds of API token the platform's status check takes (none for a page or feed read)."""
    return adapter_for(platform_code).credential_kinds


def can(account, capability: Capability) -> Answer:
    """Can the account's platform do `capability` here, and if not, why (issue 21): a caller asks
    this instead of knowing platforms by name."""
    return adapter_for(account.platform.code).can(capability, account)


def can_search(platform) -> Answer:
    """Can the city search `platform`'s accounts now (issue 23: the lookalike search), and if not, why:
    the platform offers no search, or the key or token it needs is not registered or has lapsed."""
    return adapter_for(platform.code).can(Capability.SEARCH_ACCOUNTS, platform=platform)


def search_alternative(platform) -> str:
    """What the city does instead where it cannot search `platform` (a sentence for the dashboard)."""
    return adapter_for(platform.code).search_alternative


def platforms_taking_credentials() -> list[str]:
    """The platform codes whose status check reads with an API token."""
    return [code for code, adapter in ADAPTERS.items() if adapter.credential_kinds]


def plain_words_of(label: str) -> str:
    """How a stored reading was made (StatusCheck.adapter, 「x：X API v2 …」), in plain words."""
    if not label:
        return ""
    name = label.partition("：")[0]
    for adapter in (*ADAPTERS.values(), GenericAdapter()):
        if adapter.name == name:
            return adapter.plain
    return "公開されている情報で確認"  # an adapter since renamed or removed


def size_words(size: int) -> str:
    """A byte count as the cap is said (2 MB, 512 KB, 900 バイト)."""
    for unit, name in ((1024 * 1024, "MB"), (1024, "KB")):
        if size >= unit:
            return f"{size / unit:.3g} {name}"
    return f"{size} バイト"


@sensitive_variables()  # the URL or the headers carry a credential; so do the client's frames below
def fetch(
    target: Target,
    *,
    client: httpx.Client,
    url: str | None = None,
    headers: dict | None = None,
    method: str = "GET",
    json_body: dict | None = None,
    max_bytes: int = MAX_BODY_BYTES,
    binary: bool = False,
) -> Reply:
    """GET a URL of the target, following redirects only within the platform; the body within the cap.

    Every hop passes the URL gate before anything is sent; the client's backend checks the address.
    A POST (`json_body`) is never redirected: a 3xx is its answer. `max_bytes` caps the body while it
    streams (a declared Content-Length above it is refused before reading); `binary` leaves `text` empty.
    """
    url = url or target.url
    too_large = f"{'ファイル' if binary else 'ページ'}が大きすぎます（上限 {size_words(max_bytes)}）"
    check_url(url, hosts=target.hosts, bases=target.bases)
    for _ in range(MAX_REDIRECTS + 1):
        with client.stream(method, url, headers=headers, json=json_body, follow_redirects=False) as response:
            if response.is_redirect and method == "GET":
                try:
                    location = urljoin(url, response.headers.get("location", ""))
                    host = urlsplit(location).hostname
                except ValueError as exc:  # "https://[oops/": an unreadable Location is an answer too
                    raise CheckError("転送先のURLが読み取れません") from exc
                try:
                    check_url(location, hosts=target.hosts, bases=target.bases)
                except OutboundRefused as exc:
                    raise CheckError(f"別のサイトへ転送されます（{host}：{exc}）") from exc
                url = location
                continue
            declared = response.headers.get("content-length", "").strip()
            if declared.isdigit() and int(declared) > max_bytes:
                raise CheckError(too_large)  # nothing read: the platform said how much it would send
            chunks, size = [], 0
            deadline = time.monotonic() + ANSWER_DEADLINE_SECONDS
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise CheckError(too_large)
                if time.monotonic() > deadline:
                    raise CheckError(f"応答が終わりません（{ANSWER_DEADLINE_SECONDS:.0f}秒で打ち切りました）")
                chunks.append(chunk)
            body = b"".join(chunks)
            text = "" if binary else body.decode(response.encoding or "utf-8", errors="replace")
            return Reply(response.status_code, text, response.headers, body)
    raise CheckError("転送が多すぎます（転送の繰り返し）")


def check_profile(account, *, client: httpx.Client) -> ProfileState:
    """Read one account's profile through its platform's adapter."""
    adapter = adapter_for(account.platform.code)
    state = _check_one(adapter.target(account), adapter, client=client)
    state.handle = account.handle
    return state


def check_target(target: Target, adapter: GenericAdapter, *, client: httpx.Client) -> ProfileState:
    state = scrubbed(_read(target, adapter, client=client), secrets_of(target))
    state.adapter = adapter.label
    return state


def _read(target: Target, adapter: GenericAdapter, *, client: httpx.Client) -> ProfileState:
    if target.refused:
        return ProfileState(reachable=False, error=f"接続先が許可されていません：{target.refused}")
    if target.problem:  # e.g. no credential: said plainly, never a silent success
        return ProfileState(reachable=False, error=target.problem)
    try:
        return adapter.read(target, Http(client, target))
    except OutboundRefused as exc:  # nothing was sent; retrying would not change the answer
        return ProfileState(reachable=False, error=f"接続先が許可されていません：{exc}")
    except Gone as exc:
        return ProfileState(reachable=False, gone=True, error=str(exc))
    except CheckError as exc:
        return ProfileState(reachable=False, error=str(exc))
    except (httpx.InvalidURL, ValueError) as exc:
        return ProfileState(reachable=False, error=f"URLが読み取れません（{exc.__class__.__name__}）")


def new_client() -> httpx.Client:
    """A client that connects only to checked addresses; configured bases may be internal."""
    return guarded_client(
        trusted_bases=settings.STATUS_CHECK_BASES.values(),
        timeout=TIMEOUT_SECONDS,
        headers={"User-Agent": user_agent()},
        limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
    )


def _check_one(target: Target, adapter: GenericAdapter, *, client: httpx.Client) -> ProfileState:
    """One account of many: whatever goes wrong is that account's result, never the whole run's."""
    try:
        return check_target(target, adapter, client=client)
    except Exception as exc:  # recorded as 確認できず; the other accounts go on
        return ProfileState(reachable=False, error=f"確認中にエラーが起きました（{exc.__class__.__name__}）")


def check_profiles(accounts: list, *, concurrency: int = 16) -> list[tuple[object, ProfileState]]:
    """Check many accounts with bounded concurrency; results in the order given."""
    # Resolve adapters and targets here: the worker threads do HTTP only, never the database.
    jobs = [(adapter_for(a.platform.code), a) for a in accounts]
    jobs = [(adapter.target(a), adapter) for adapter, a in jobs]
    with new_client() as client, ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        states = list(pool.map(lambda job: _check_one(*job, client=client), jobs))
    for account, state in zip(accounts, states, strict=True):
        state.handle = account.handle  # the handle each target was made from
    return list(zip(accounts, states, strict=True))


_URL_HOST = re.compile(r"^https?://", re.I)


def names_city_site(state: ProfileState, city_url: str) -> bool:
    """P-3 / G-4-2-イ: the profile links to the city's own site."""
    city_host = urlsplit(city_url).hostname or ""
    hosts = {urlsplit(link).hostname or "" for link in state.links if _URL_HOST.match(link)}
    return any(h == city_host or h.endswith("." + city_host.removeprefix("www.")) for h in hosts) or (
        city_host in state.profile_text
    )


from . import adapters  # noqa: E402,F401  (registers the platforms' adapters)
