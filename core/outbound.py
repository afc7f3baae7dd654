"""Outbound HTTP that cannot be turned against the city's own network (SSRF).

The status checks fetch URLs that users type. Every fetch goes through two gates:

1. The URL gate (`check_url`): https to one of the allowed hosts on the default port, or any URL
   under a base the operator configured (an API base, the city's outbound proxy, a test server).
   No user info, no other scheme, no other port. Every redirect hop passes the same gate.
2. The connection gate (`GuardedBackend`): the host name is resolved here, every address is checked
   (loopback, private, link-local, multicast, reserved, … are refused), and the socket connects to
   the address that was checked — so a name cannot resolve to a public address for the check and to
   127.0.0.1 for the connection (DNS rebinding). TLS still verifies the certificate of the name.

A configured base is the operator's decision: its own host and port may be private (a proxy inside
LGWAN, the local test server), and nothing else is.
"""

import functools
import ipaddress
import re
import socket
from collections.abc import Iterable
from urllib.parse import SplitResult, urlsplit, urlunsplit

import httpcore
import httpx

from .urlnorm import remove_dot_segments

__all__ = [
    "GuardedBackend",
    "OutboundRefused",
    "check_url",
    "guarded_client",
    "is_public_address",
    "origin_of",
    "rebase",
]


class OutboundRefused(Exception):
    """A fetch the guard refused before sending anything; the message is Japanese, for the history."""


_AMBIGUOUS_PATH = re.compile(r"%(2f|5c|2e|25|00)|;", re.IGNORECASE)


def _host_key(host: str) -> str:
    return host.strip().lower().rstrip(".")  # mutmut: equivalent — "XX.XX" strips X too, none left after lower()


def origin_of(url: str) -> tuple[str, str, int]:
    """Return (scheme, host, port) of an http(s) URL, the port made explicit."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return scheme, _host_key(parts.hostname or ""), port


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in ipaddress.IPv6Network("64:ff9b::/96"):  # NAT64 well-known prefix; mutmut: equivalent — as "64:FF9B::/96"
        # mutmut: equivalent — another mask: NAT64 is inside ::/8, which `is_reserved` refuses below whatever
        # it embeds (Python 3.11's table); reading the IPv4 address keeps the rule if that table changes.
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(address: str) -> bool:
    """True only for a globally routable unicast address."""
    try:
        # mutmut: equivalent — any other split: getaddrinfo adds a %scope to IPv6 link-local addresses only,
        # and ipaddress reads that itself (Python ≥ 3.9); the split is for the reader.
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None and not is_public_address(str(embedded)):
            return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:  # fec0::/10, deprecated yet routed inside
        return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback  # mutmut: equivalent — `and` here or on the next line: no global address is either
        or ip.is_link_local  # mutmut: equivalent — (see the line above); the list names every class refused
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _within_base(parts: SplitResult, base: str) -> bool:
    if origin_of(urlunsplit(parts)) != origin_of(base):
        return False
    prefix = urlsplit(base).path.rstrip("/")
    path = remove_dot_segments(parts.path or "/")  # mutmut: equivalent — "XX/XX" is under no base path either
    return not prefix or path == prefix or path.startswith(prefix + "/")


def check_url(url: str, *, hosts: Iterable[str], bases: Iterable[str] = ()) -> None:
    """Raise OutboundRefused unless `url` may be fetched: https on an allowed host (or a subdomain of
    one: www.instagram.com is Instagram's), or anything under a configured base."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise OutboundRefused("URLとして読み取れません") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise OutboundRefused("http(s) のURLではありません")
    # mutmut: equivalent — `and`, or no "@" test: urlsplit gives a username whenever the netloc has an "@";
    # the last test is a second lock should that change.
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise OutboundRefused("URLに利用者情報（@）が含まれています")
    if any(_within_base(parts, base) for base in bases):
        return
    host = _host_key(parts.hostname)
    if not any(host == h or host.endswith("." + h) for h in map(_host_key, hosts) if h):
        raise OutboundRefused(f"このSNSのドメインではない接続先です（{host}）")
    if scheme != "https":
        raise OutboundRefused("https 以外の接続はできません")
    if _AMBIGUOUS_PATH.search(parts.path) or "\\" in url:
        # A proxy or API base may decode %2F or read ";": the path must mean the same to all of them.
        raise OutboundRefused("URLに読み方の分かれる文字（%2F・%5C・%2E・%25・; など）が含まれています")
    if port not in (None, 443):
        raise OutboundRefused(f"標準以外のポートには接続できません（{port}）")


def rebase(url: str, base: str) -> str:
    """Return `url`'s path and query under `base` (a configured API base or proxy), dot segments removed."""
    parts = urlsplit(url)
    base_parts = urlsplit(base)
    path = base_parts.path.rstrip("/") + remove_dot_segments(parts.path or "/")
    return urlunsplit((base_parts.scheme, base_parts.netloc, path, parts.query, ""))


class GuardedBackend(httpcore.NetworkBackend):
    """Resolve, check every address, connect to a checked one (no second lookup to rebind)."""

    def __init__(self, *, trusted_origins: Iterable[tuple[str, int]] = ()):
        self._inner = httpcore.SyncBackend()
        self._trusted = {(_host_key(h), p) for h, p in trusted_origins}

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        name = _host_key(host)
        try:
            # mutmut: equivalent — without the port or the socket type: only the addresses are read, deduplicated.
            infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(f"名前を解決できません（{name}）") from exc
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
        if (name, port) not in self._trusted:
            refused = [a for a in addresses if not is_public_address(a)]
            if refused:
                # One internal address among several is enough to refuse: the resolver may hand it out.
                raise OutboundRefused(f"内部のアドレスには接続できません（{name} → {refused[0]}）")
        last_error: Exception | None = None  # mutmut: equivalent — "" reads as None in the `or` below
        for address in addresses:
            try:
                return self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last_error = exc
        raise last_error or httpcore.ConnectError(f"接続できません（{name}）")

    def connect_unix_socket(self, *args, **kwargs):
        raise OutboundRefused("UNIXソケットには接続できません")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


@functools.cache
def _ssl_context():
    """One TLS context per process: loading the CA store takes ~20 ms of CPU, and every status check
    and every page of a capture made its own (issue 22). A context is shared safely between threads."""
    return httpx.create_ssl_context()


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, *, backend: GuardedBackend, limits: httpx.Limits):
        # httpx builds its connection pool in __init__; ours is the same pool with the guarded backend.
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


def guarded_client(
    *,
    trusted_bases: Iterable[str] = (),
    timeout: float,
    headers: dict[str, str] | None = None,
    limits: httpx.Limits | None = None,
) -> httpx.Client:
    """An httpx client whose every connection passes the connection gate.

    Environment proxies are ignored (trust_env=False): a proxy is configured as a base instead.
    Redirects are not followed by the client; the caller checks each hop with `check_url`.
    """
    origins = [origin_of(base)[1:] for base in trusted_bases]
    limits = limits or httpx.Limits(max_connections=32, max_keepalive_connections=16)
    return httpx.Client(
        transport=_GuardedTransport(backend=GuardedBackend(trusted_origins=origins), limits=limits),
        timeout=httpx.Timeout(timeout),
        headers=headers or {},
        follow_redirects=False,  # mutmut: equivalent — left out: httpx's default is False as well
        trust_env=False,
    )
