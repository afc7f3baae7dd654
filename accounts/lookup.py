"""Read a pasted profile URL or @handle as a platform and handle (P-7: "is this account official?").

Pure Python on purpose: no Django, no database, so the parser can be tested and reused on its own.
A URL is read as a browser would open it (dot segments, percent-encoding, default ports, a trailing
dot in the host, backslashes), so an answer "official" is about the page the URL really opens.
Path rules are keyed by platform code; a host map taken from the Platform table works as long as
its codes are the ones below (x, facebook, instagram, line, youtube, tiktok, threads, bluesky, note).
A platform with any other code gets the generic rule: the first path segment, without "@", is the handle.
"""

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote

from core.urlnorm import remove_dot_segments

MAX_INPUT_LENGTH = 2000


@dataclass(frozen=True)
class ProfileRef:
    """What a pasted reference points at; any field may be None."""

    platform: str | None  # platform code, or None when only a bare handle was given
    handle: str | None  # canonical handle: NFKC, lower-case, without leading "@"
    account_id: str | None  # the platform's permanent id when the URL carries one, kept as written


DEFAULT_HOSTS: dict[str, str] = {
    "x.com": "x",
    "twitter.com": "x",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "instagram.com": "instagram",
    "line.me": "line",
    "page.line.me": "line",
    "lin.ee": "line",  # short links: the account cannot be read without following them
    "youtube.com": "youtube",
    "youtu.be": "youtube",  # video links: they name no channel
    "tiktok.com": "tiktok",
    "threads.net": "threads",
    "threads.com": "threads",
    "bsky.app": "bluesky",
    "note.com": "note",
}

_HOST_PREFIXES = ("www.", "m.", "mobile.", "web.")
_HANDLE_RE = re.compile(r"[a-z0-9._-]*[a-z0-9][a-z0-9._-]*")
_DIGITS_RE = re.compile(r"[0-9]+")
_YOUTUBE_CHANNEL_RE = re.compile(r"UC[A-Za-z0-9_-]{22}", re.IGNORECASE)
_DID_RE = re.compile(r"did:[a-z0-9]+:[a-z0-9._:%-]+")
# Quotes, brackets and sentence punctuation that come along when a URL is copied out of a text.
_WRAPPING = frozenset("\"'<>「」『』“”‘’。、,")


def canonical_host(host: str) -> str:
    """Return `host` lower-cased, without port, trailing dot or a leading www./m./mobile./web."""
    host = unicodedata.normalize("NFKC", host).strip().lower()
    if host.startswith("["):  # IPv6 literal: its colons are not a port
        host = host.partition("]")[0] + "]"  # mutmut: equivalent — rpartition: a second "]" is in no platform's host
    else:
        host = host.partition(":")[0]
    host = host.removesuffix(".")  # one trailing dot is the root; "x.com.." is no host at all
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def normalize_handle(text: str) -> str:
    """Return `text` as a handle key: NFKC, no surrounding spaces, no leading "@", lower-case."""
    return unicodedata.normalize("NFKC", text).strip().lstrip("@").strip().lower()


def parse_reference(text: str, hosts: Mapping[str, str] = DEFAULT_HOSTS) -> ProfileRef | None:
    """Return what a pasted URL or @handle points at, or None when it cannot be read. Never raise.

    A URL on a known host gives ProfileRef(platform, handle, account_id); handle and account_id are None when
    the link names no account (x.com/home, a video, a lin.ee short link). "@name", "＠name" and a bare "name"
    give ProfileRef(None, "name", None). Unknown hosts, other schemes and unreadable text give None.
    """
    if not isinstance(text, str) or len(text) > MAX_INPUT_LENGTH:
        return None
    if _wide_structure_in_path(text):
        return None
    text = _strip_wrapping(unicodedata.normalize("NFKC", text))
    if not text or len(text) > MAX_INPUT_LENGTH or any(_is_invisible(ch) for ch in text):
        return None
    if text.lower().startswith(("http://", "https://")):
        scheme, _, rest = text.partition("://")
        return _parse_url(rest, hosts, scheme=scheme.lower())
    if text.startswith("//"):
        return _parse_url(text[2:], hosts)
    if "://" in text:
        return None  # another scheme (ftp://, javascript://)
    # mutmut: equivalent — an "@…" read as a URL too: it has no scheme, so its "@" is user info (refused), and
    # a handle with / ? # in it is refused as well.
    if not text.startswith("@"):
        if re.search(r"[/?#]", text) or canonical_host(text) in _host_map(hosts):
            return _parse_url(text, hosts)  # a URL pasted without its scheme
    handle = _valid_handle(text)
    return ProfileRef(None, handle, None) if handle else None


_STRUCTURAL = frozenset("./\\%?#;")


def _wide_structure_in_path(text: str) -> bool:
    """True when a non-ASCII character becomes ".", "/", … in the path only by NFKC ("‥" → "..").

    Full-width letters are read as their ASCII forms (a citizen may type ｋｏｍａｅ), but a browser
    percent-encodes a "‥" or "／" in a path rather than reading it as a dot segment or a separator:
    x.com/evil/‥/komae_city opens evil's page, so it must not be read as komae_city.
    """
    pieces = [(unicodedata.normalize("NFKC", ch), not ch.isascii()) for ch in text]
    chars = [(c, wide) for normalized, wide in pieces for c in normalized]
    normalized = "".join(c for c, _ in chars)
    at = normalized.find("://")
    # mutmut: equivalent — another start (at + 4, at > 0, 1, 3, …) moves the first separator only when one
    # sits where the host begins (or after a one-letter host): such a text names no platform's host and is
    # refused below whatever this says.
    at = at + 3 if at >= 0 else (2 if normalized.startswith("//") else 0)
    separators = [i for i in range(at, len(normalized)) if normalized[i] in "/\\?#"]
    if not separators:
        return False
    return any(wide and c in _STRUCTURAL for c, wide in chars[separators[0] + 1 :])


def _strip_wrapping(text: str) -> str:
    start, end = 0, len(text)
    while start < end and _is_padding(text[start]):
        start += 1
    while end > start and _is_padding(text[end - 1]):
        end -= 1
    return text[start:end]


def _is_padding(ch: str) -> bool:
    return ch.isspace() or ch in _WRAPPING or unicodedata.category(ch) == "Cf"


def _is_invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch).startswith("C")


def _valid_handle(raw: str | None) -> str | None:
    if raw is None:
        return None
    handle = normalize_handle(raw)
    return handle if _HANDLE_RE.fullmatch(handle) else None


def _digits(text: str | None) -> str | None:
    return text if text and _DIGITS_RE.fullmatch(text) else None


def _host_map(hosts: Mapping[str, str]) -> dict[str, str]:
    # Accept keys as an administrator may have typed them ("www.X.com").
    return {canonical_host(host): code for host, code in hosts.items()}


@dataclass(frozen=True)
class _Url:
    host: str
    segments: list[str]  # percent-decoded, empty segments dropped
    query: str
    fragment: str


_DEFAULT_PORTS = {"https": "443", "http": "80"}


def _parse_url(rest: str, hosts: Mapping[str, str], *, scheme: str = "https") -> ProfileRef | None:
    """Read the URL the way a browser opens it, so that the answer is about the page it shows."""
    rest = rest.replace("\\", "/")  # browsers read a backslash as a slash in http(s) URLs
    rest, _, fragment = rest.partition("#")
    rest, _, query = rest.partition("?")
    authority, _, path = rest.partition("/")
    # mutmut: equivalent — without this test a user-info host ("x.com@evil.example") is in no host map either.
    if "@" in authority:
        return None  # user info ("x.com@evil.example") is how phishing links hide the real host
    name, _, port = authority.partition(":")
    # mutmut: equivalent — another strip of the default ("443", "80", on the right) leaves it as it is.
    if port and port.lstrip("0") != _DEFAULT_PORTS[scheme].lstrip("0"):
        return None  # another port is another server, not the platform's page
    host = canonical_host(unquote(name))
    platform = _host_map(hosts).get(host) if host else None
    if platform is None:
        return None
    # x.com/komae_city/../someone_else opens someone_else: resolve dot segments before reading.
    path = remove_dot_segments("/" + path)
    url = _Url(host, [unquote(s) for s in path.split("/") if s], query, fragment)
    raw_handle, account_id = _RULES.get(platform, _generic_rule)(url)
    return ProfileRef(platform, _valid_handle(raw_handle), account_id)


def _first_unless_reserved(segments: list[str], reserved: frozenset[str]) -> str | None:
    if not segments or segments[0].lower() in reserved:
        return None
    return segments[0]


def _at_prefixed(segments: list[str]) -> str | None:
    return segments[0] if segments and segments[0].startswith("@") else None


_Rule = Callable[[_Url], tuple[str | None, str | None]]

_X_RESERVED = frozenset(
    "home search explore i intent share hashtag notifications messages settings compose login logout "
    "signup tos privacy account jobs download".split()
)


def _x_rule(url: _Url) -> tuple[str | None, str | None]:
    segments = url.segments
    if not segments and url.fragment.startswith("!/"):  # old twitter.com/#!/name links
        segments = [unquote(s) for s in url.fragment[2:].partition("?")[0].split("/") if s]
    return _first_unless_reserved(segments, _X_RESERVED), None


_FACEBOOK_RESERVED = frozenset(
    "sharer share dialog groups events watch login home photo photos plugins hashtag help policies "
    "privacy settings marketplace gaming stories story reel reels search notifications messages friends "
    "bookmarks permalink legal business ads l pages people pg".split()
)


def _facebook_rule(url: _Url) -> tuple[str | None, str | None]:
    segments = url.segments
    if not segments:
        return None, None
    first = segments[0].lower()
    if first == "profile.php":
        return None, _digits(parse_qs(url.query).get("id", [None])[0])
    if first in ("pages", "people") and len(segments) >= 3:  # /pages/<name>/<id>, /people/<name>/<id>
        return None, _digits(segments[2])
    if first == "pg" and len(segments) >= 2:  # old page links: /pg/<name>/posts
        return segments[1], None
    if first.endswith(".php") or first in _FACEBOOK_RESERVED:
        return None, None
    if _digits(first):  # facebook.com/<numeric id> opens the profile by its id
        return None, first
    return segments[0], None


_INSTAGRAM_RESERVED = frozenset(
    "p reel reels tv explore accounts direct about developer legal web stories challenge emails".split()
)


def _instagram_rule(url: _Url) -> tuple[str | None, str | None]:
    segments = url.segments
    if len(segments) >= 2 and segments[0].lower() == "stories" and segments[1].lower() != "highlights":
        return segments[1], None
    return _first_unless_reserved(segments, _INSTAGRAM_RESERVED), None


def _line_rule(url: _Url) -> tuple[str | None, str | None]:
    segments = url.segments
    if url.host == "page.line.me":
        return (segments[0] if segments else None), None
    if url.host != "line.me":
        return None, None  # lin.ee short links
    if segments[:1] in (["R"], ["r"]):
        segments = segments[1:]
    if [s.lower() for s in segments[:2]] == ["ti", "p"] and len(segments) >= 3:
        return segments[2], None  # line.me/R/ti/p/@basic_id
    return None, None


_YOUTUBE_RESERVED = frozenset(
    "watch shorts playlist results feed embed live hashtag redirect premium gaming account t s about post "
    "channel c user signin logout kids music trending attribution_link v e source show movies upload "
    "supported_browsers".split()
)


def _youtube_rule(url: _Url) -> tuple[str | None, str | None]:
    segments = url.segments
    if url.host == "youtu.be" or not segments:
        return None, None
    first = segments[0].lower()
    if first.startswith("@"):  # mutmut: equivalent — else the legacy rule below reads "@name" the same
        return segments[0], None
    if first == "channel":
        channel_id = segments[1] if len(segments) >= 2 else ""  # mutmut: equivalent — "XXXX" is no channel id either
        return None, channel_id if _YOUTUBE_CHANNEL_RE.fullmatch(channel_id) else None
    if first in ("c", "user"):
        return (segments[1] if len(segments) >= 2 else None), None
    return _first_unless_reserved(segments, _YOUTUBE_RESERVED), None  # legacy youtube.com/<name>


def _tiktok_rule(url: _Url) -> tuple[str | None, str | None]:
    return _at_prefixed(url.segments), None


def _threads_rule(url: _Url) -> tuple[str | None, str | None]:
    return _at_prefixed(url.segments), None


def _bluesky_rule(url: _Url) -> tuple[str | None, str | None]:
    segments = url.segments
    if len(segments) < 2 or segments[0].lower() != "profile":
        return None, None
    actor = segments[1]
    if actor.lower().startswith("did:"):  # the DID is the permanent id; the handle can change
        did = actor.lower()
        return None, did if _DID_RE.fullmatch(did) else None
    return actor, None


_NOTE_RESERVED = frozenset(
    "n m hashtag search topic topics login signup settings notifications sitesettings info contests "
    "premium api explore interests".split()
)


def _note_rule(url: _Url) -> tuple[str | None, str | None]:
    return _first_unless_reserved(url.segments, _NOTE_RESERVED), None


def _generic_rule(url: _Url) -> tuple[str | None, str | None]:
    return (url.segments[0] if url.segments else None), None


_RULES: dict[str, _Rule] = {
    "x": _x_rule,
    "facebook": _facebook_rule,
    "instagram": _instagram_rule,
    "line": _line_rule,
    "youtube": _youtube_rule,
    "tiktok": _tiktok_rule,
    "threads": _threads_rule,
    "bluesky": _bluesky_rule,
    "note": _note_rule,
}
