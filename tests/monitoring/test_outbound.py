"""SSRF: a status check never reaches inside the city's network, whatever a user typed.

The attack (trust-boundaries issue §1): a 担当職員 sets プロフィールURL to http://127.0.0.1:9/anything and
presses 状態確認; the worker fetched it and the page's <title> appeared in the history. A bare TCP
`Listener` stands for the internal service: it must receive zero connections, for a direct URL, a
redirect to it, and a name that resolves to 127.0.0.1.
"""

import socket
from urllib.parse import urlencode

import httpx
import pytest
from django.core.management import call_command

from accounts.models import Platform
from core.outbound import OutboundRefused, check_url, guarded_client, is_public_address, rebase
from monitoring import status
from monitoring.models import StatusCheck
from monitoring.tasks import check_account
from platforms import checks
from tests.page_platform import PAGE_HOST, PAGE_PLATFORM, on_page_platform
from tests.platform_server import Listener, PlatformServer

pytestmark = [pytest.mark.django_db, pytest.mark.rules]  # `make mutate`: core/outbound.py


@pytest.fixture(autouse=True)
def _fast_http(monkeypatch):
    monkeypatch.setattr(checks, "TIMEOUT_SECONDS", 1.0)
    monkeypatch.setattr(checks, "BACKOFF_SECONDS", 0.01)


@pytest.fixture
def listener():
    with Listener() as internal:
        yield internal


@pytest.fixture(autouse=True)
def _page_platform(page_platform):
    """The accounts are on まちSNS, read from the public profile page: the URL the user typed is fetched."""


def _stored_profile_url(account, url):
    """A value written before the input rule existed (an upgraded city keeps its rows)."""
    return on_page_platform(account, url)


def _check(account) -> StatusCheck:
    return status.check_now([account])[0]


def test_a_profile_url_on_an_internal_address_is_never_fetched(listener, account_a):
    _stored_profile_url(account_a, f"http://127.0.0.1:{listener.port}/anything")
    check = _check(account_a)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert "接続先が許可されていません" in check.error
    assert listener.connections == 0


def test_the_worker_task_and_the_command_refuse_it_as_well(listener, account_a, capsys):
    _stored_profile_url(account_a, f"http://127.0.0.1:{listener.port}/anything")
    # What the 状態確認 button queues, run here as the worker would run it.
    assert check_account.apply(args=[account_a.pk, "manual:ssrf"]).get() == StatusCheck.Outcome.ERROR
    call_command("check_accounts", "--account", str(account_a.pk))
    assert "確認できず" in capsys.readouterr().out
    assert listener.connections == 0


def test_a_configured_base_does_not_open_any_other_internal_address(listener, account_a, settings):
    with PlatformServer() as platform:
        settings.STATUS_CHECK_BASES = {PAGE_PLATFORM: platform.url}
        _stored_profile_url(account_a, f"http://127.0.0.1:{listener.port}/anything")
        check = _check(account_a)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert listener.connections == 0


@pytest.mark.parametrize(
    "where",
    [
        "http://127.0.0.1:{port}/admin",
        "https://localhost:{port}/",
        "http://[::1]:{port}/",
        "http://169.254.169.254/latest/meta-data/",
        "https://machi-sns.example@127.0.0.1:{port}/",
    ],
)
def test_a_redirect_to_an_internal_address_is_not_followed(listener, account_a, settings, where):
    with PlatformServer() as platform:
        settings.STATUS_CHECK_BASES = {PAGE_PLATFORM: platform.url}  # the platform (the local server) redirects
        target = where.format(port=listener.port)
        _stored_profile_url(account_a, f"https://{PAGE_HOST}/to?" + urlencode({"url": target}))
        check = _check(account_a)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert "別のサイトへ転送されます" in check.error
    assert listener.connections == 0


def test_a_platform_host_that_resolves_to_an_internal_address_is_refused(account_a):
    machi = Platform.objects.get(code=PAGE_PLATFORM)
    machi.hosts = f"{PAGE_HOST} localhost"  # a name of the platform that resolves to 127.0.0.1
    machi.save()
    _stored_profile_url(account_a, "https://localhost/komae_kodomo")
    check = _check(account_a)
    assert check.outcome == StatusCheck.Outcome.ERROR
    # The gate refused before connecting: not a failed connection to port 443.
    assert "内部のアドレスには接続できません（localhost → 127.0.0.1）" in check.error


def test_the_connection_gate_refuses_a_name_that_resolves_to_loopback(listener):
    with guarded_client(timeout=1.0) as client, pytest.raises(OutboundRefused, match="内部のアドレス"):
        client.get(f"http://localhost:{listener.port}/")
    assert listener.connections == 0


def test_the_connection_goes_to_the_address_that_was_checked(listener, monkeypatch):
    """DNS rebinding: the name answers a public address for the check and 127.0.0.1 afterwards.

    Our resolver cannot be made to lie without a DNS server of our own, so this one test substitutes
    getaddrinfo: it answers a public address once and loopback on any later lookup. The gate must
    connect to the address it checked (and fail to reach it here, with no network) — never look up
    the name a second time and land on the listener.
    """
    real = socket.getaddrinfo
    answers = []

    def rebinding(host, port, *args, **kwargs):
        if host != "rebind.example":
            return real(host, port, *args, **kwargs)
        address = "203.0.114.10" if not answers else "127.0.0.1"
        answers.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with guarded_client(timeout=0.5) as client, pytest.raises((httpx.ConnectError, httpx.ConnectTimeout)):
        client.get(f"http://rebind.example:{listener.port}/")
    assert answers == ["203.0.114.10"]
    assert listener.connections == 0


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:4700::6810:85e5", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
        ("64:ff9b::a00:1", False),  # NAT64 of 10.0.0.1
        ("ff02::1", False),
        ("fec0::1", False),  # site-local
        ("not an address", False),
    ],
)
def test_only_globally_routable_addresses_are_public(address, public):
    assert is_public_address(address) is public


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("https://x.com/komae_city", ""),
        ("https://www.x.com/komae_city", ""),
        ("https://X.COM./komae_city", ""),
        ("https://x.com:443/komae_city", ""),
        ("http://x.com/komae_city", "https 以外"),
        ("https://x.com:8443/komae_city", "標準以外のポート"),
        ("https://evilx.com/komae_city", "ドメインではない"),
        ("https://x.com.evil.example/", "ドメインではない"),
        ("https://x.com@evil.example/", "利用者情報"),
        ("ftp://x.com/komae_city", "http(s) のURLではありません"),
        ("https://127.0.0.1/", "ドメインではない"),
        ("http://base.internal:8080/api/../../admin", "ドメインではない"),
        ("http://base.internal:8080/api/%2e%2e/admin", "ドメインではない"),
        ("http://base.internal:8080/api/v1/users", ""),
        ("https://x.com/..%2f..%2fadmin/users", "読み方の分かれる文字"),
        ("https://x.com/..%2F..%2Fadmin", "読み方の分かれる文字"),
        ("https://x.com/a%5c..%5cadmin", "読み方の分かれる文字"),
        ("https://x.com/%2e%2e/admin", "読み方の分かれる文字"),
        ("https://x.com/%252e%252e/admin", "読み方の分かれる文字"),
        ("https://x.com/..;/admin", "読み方の分かれる文字"),
        ("http://base.internal:8081/api/v1/users", "ドメインではない"),
    ],
)
def test_the_url_gate(url, refused):
    try:
        check_url(url, hosts=["x.com", "twitter.com"], bases=["http://base.internal:8080/api"])
    except OutboundRefused as exc:
        assert refused and refused in str(exc), exc
    else:
        assert not refused, f"{url} should be refused ({refused})"


def test_a_configured_base_serves_the_profile_path_without_dot_segments():
    assert rebase("https://x.com/komae_city?lang=ja", "http://proxy.lg.jp:3128/x") == (
        "http://proxy.lg.jp:3128/x/komae_city?lang=ja"
    )
    assert rebase("https://x.com/a/../../etc", "http://proxy.lg.jp/x") == "http://proxy.lg.jp/x/etc"
