"""The outbound guard's rules one by one (core/outbound.py): which URL passes the URL gate and with which
refusal, which address is public, how a configured base is matched and rebased, and what the connection
gate does with the addresses a name resolves to. The attacks end to end are in
tests/monitoring/test_outbound.py. `make mutate` runs both against each change of the module.
"""

import socket
import ssl

import httpcore
import httpx
import pytest

from core.outbound import (
    GuardedBackend,
    OutboundRefused,
    check_url,
    guarded_client,
    is_public_address,
    origin_of,
    rebase,
)

pytestmark = pytest.mark.rules

HOSTS = ["x.com"]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://x.com:abc/komae_city", "URLとして読み取れません"),
        ("javascript://x.com/%0aalert(1)", "http(s) のURLではありません"),
        ("https:///komae_city", "http(s) のURLではありません"),
        ("https://komae@x.com/", "URLに利用者情報（@）が含まれています"),
        ("https://:secret@x.com/", "URLに利用者情報（@）が含まれています"),
        ("https://evil.example/", "このSNSのドメインではない接続先です（evil.example）"),
        ("http://x.com/komae_city", "https 以外の接続はできません"),
        ("https://x.com/a\\..\\admin", "URLに読み方の分かれる文字（%2F・%5C・%2E・%25・; など）が含まれています"),
        ("https://x.com:8443/komae_city", "標準以外のポートには接続できません（8443）"),
    ],
)
def test_the_url_gate_says_why_it_refuses(url, message):
    with pytest.raises(OutboundRefused) as refusal:
        check_url(url, hosts=HOSTS)
    assert str(refusal.value) == message


@pytest.mark.parametrize(
    ("url", "passes"),
    [
        ("http://base.internal:8080/api", True),  # the base itself
        ("http://base.internal:8080/api/v1/users", True),
        ("http://base.internal:8080/apiv1", False),  # a sibling path is not under the base
        ("http://base.internal:8080/", False),
        ("http://proxy.lg.jp:3128/X/komae_city", True),  # a base written with a trailing slash
        ("http://proxy.lg.jp:3128/X", True),
        ("http://proxy.lg.jp:3128/Y/komae_city", False),
        ("http://root.internal:9000", True),  # a base of the whole origin
        ("http://root.internal:9000/any/path", True),
        ("HTTP://Root.Internal.:9000/any", True),
        ("https://root.internal:9000/any", False),  # another scheme is another origin
    ],
)
def test_a_configured_base_admits_its_own_paths_only(url, passes):
    bases = ["http://base.internal:8080/api", "http://proxy.lg.jp:3128/X/", "http://root.internal:9000"]
    try:
        check_url(url, hosts=HOSTS, bases=bases)
    except OutboundRefused:
        assert not passes
    else:
        assert passes


def test_an_origin_is_scheme_host_and_port_with_the_default_made_explicit():
    assert origin_of("HTTPS://X.COM./komae_city") == ("https", "x.com", 443)
    assert origin_of("http://base.internal/api") == ("http", "base.internal", 80)
    assert origin_of("http://base.internal:8080/api") == ("http", "base.internal", 8080)
    assert origin_of("https:///komae_city") == ("https", "", 443)


def test_a_rebased_url_keeps_the_base_path_once():
    assert rebase("https://x.com/komae_city", "http://proxy.lg.jp:3128/X/") == "http://proxy.lg.jp:3128/X/komae_city"
    assert rebase("https://x.com", "http://proxy.lg.jp:3128/x") == "http://proxy.lg.jp:3128/x/"


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("2606:4700:4700::1111", True),  # its last 32 bits read as IPv4 would be 0.0.17.17
        ("2002:808:808::1", True),  # 6to4 of 8.8.8.8
        ("2002:a00:1::1", False),  # 6to4 of 10.0.0.1
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", False),  # Teredo of 127.0.0.1
        ("::ffff:8.8.8.8", False),  # IPv4-mapped: a reserved range, whatever it embeds
        ("64:ff9b::808:808", False),  # NAT64: reserved as well
        ("64:ff9b::7f00:1", False),
        ("fe80::1%eth0", False),
    ],
)
def test_public_addresses_whatever_they_embed(address, public):
    assert is_public_address(address) is public


class _Recorder:
    """An inner network backend that records what the guard asks it, and refuses the listed addresses."""

    def __init__(self, refuse=()):
        self.calls, self.slept, self.refuse = [], [], set(refuse)

    def connect_tcp(self, *args):
        self.calls.append(args)
        if args[0] in self.refuse:
            raise httpcore.ConnectError(f"[Errno 111] Connection refused ({args[0]})")
        return "stream"

    def sleep(self, seconds):
        self.slept.append(seconds)


def _resolving(monkeypatch, *addresses):
    def getaddrinfo(host, port, *args, **kwargs):
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_the_connection_keeps_the_callers_timeout_and_socket_options(monkeypatch):
    _resolving(monkeypatch, "93.184.215.14")
    backend = GuardedBackend()
    backend._inner = inner = _Recorder()
    options = [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)]
    assert backend.connect_tcp("example.com", 443, timeout=2.5, local_address="0.0.0.0", socket_options=options) == (
        "stream"
    )
    assert inner.calls == [("93.184.215.14", 443, 2.5, "0.0.0.0", options)]
    backend.sleep(0.25)
    assert inner.slept == [0.25]


def test_each_checked_address_is_tried_and_the_last_failure_is_reported(monkeypatch):
    _resolving(monkeypatch, "93.184.215.14", "2606:4700::6810:85e5", "93.184.215.14")
    backend = GuardedBackend()
    backend._inner = inner = _Recorder(refuse={"93.184.215.14", "2606:4700::6810:85e5"})
    with pytest.raises(httpcore.ConnectError, match=r"Connection refused \(2606:4700::6810:85e5\)"):
        backend.connect_tcp("example.com", 443)
    assert [call[0] for call in inner.calls] == ["93.184.215.14", "2606:4700::6810:85e5"]  # each address once


def test_a_name_without_addresses_is_a_failed_connection(monkeypatch):
    _resolving(monkeypatch)
    with pytest.raises(httpcore.ConnectError) as failure:
        GuardedBackend().connect_tcp("Example.COM.", 443)
    assert str(failure.value) == "接続できません（example.com）"


def test_a_name_that_does_not_resolve_is_a_failed_connection(monkeypatch):
    def unresolvable(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unresolvable)
    with pytest.raises(httpcore.ConnectError) as failure:
        GuardedBackend().connect_tcp("nowhere.example", 443)
    assert str(failure.value) == "名前を解決できません（nowhere.example）"


def test_no_unix_socket_is_opened():
    with pytest.raises(OutboundRefused) as refusal:
        GuardedBackend().connect_unix_socket("/run/postgresql/.s.PGSQL.5432")
    assert str(refusal.value) == "UNIXソケットには接続できません"


def test_the_client_follows_no_redirect_reads_no_proxy_from_the_environment_and_verifies_tls():
    with guarded_client(timeout=2.5, headers={"User-Agent": "komae-sns"}) as client:
        assert (client.follow_redirects, client.trust_env) == (False, False)
        assert client.timeout == httpx.Timeout(2.5)
        assert client.headers["User-Agent"] == "komae-sns"
        pool = client._transport._pool
        assert pool._ssl_context.verify_mode == ssl.CERT_REQUIRED and pool._ssl_context.check_hostname


def test_the_clients_connections_are_bounded():
    """1,000 status checks share a pool: at most 32 connections, 16 kept alive (or what the caller gives)."""
    with guarded_client(timeout=1.0) as client:
        pool = client._transport._pool
        assert (pool._max_connections, pool._max_keepalive_connections, pool._keepalive_expiry) == (32, 16, 5.0)
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=2, keepalive_expiry=1.5)
    with guarded_client(timeout=1.0, limits=limits) as client:
        pool = client._transport._pool
        assert (pool._max_connections, pool._max_keepalive_connections, pool._keepalive_expiry) == (4, 2, 1.5)
