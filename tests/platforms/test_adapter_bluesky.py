"""Bluesky through the public AppView (no key), against the local server playing its API."""

import datetime

import pytest

from accounts.models import AccountStatus, OfficialAccount
from monitoring import status
from monitoring.models import StatusCheck
from platforms import checks
from tests.platform_fixtures import BSKY_DID, bluesky_feed, bluesky_profile, xrpc_error
from tests.platform_server import PlatformServer
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db

PROFILE = "/xrpc/app.bsky.actor.getProfile"
FEED = "/xrpc/app.bsky.feed.getAuthorFeed"
HANDLE = "komae-city.bsky.social"


@pytest.fixture
def bsky(settings, monkeypatch):
    monkeypatch.setattr(checks, "BACKOFF_SECONDS", 0.01)
    with PlatformServer() as server:
        settings.STATUS_CHECK_BASES = {"bluesky": server.url}  # STATUS_CHECK_BASE_BLUESKY
        yield server


@pytest.fixture
def account(dept_b, head_b):
    return api.city_account(dept_b, head_b, "bluesky", HANDLE, BSKY_DID)


def _check(account) -> StatusCheck:
    return status.check_now([account])[0]


def test_a_matching_profile_is_ok_and_names_the_interface(bsky, account):
    bsky.answer(PROFILE, match={"actor": HANDLE}, json=bluesky_profile())
    bsky.answer(FEED, match={"actor": BSKY_DID}, json=bluesky_feed("2026-11-20T09:00:00.000Z"))
    check = _check(account)
    assert check.outcome == StatusCheck.Outcome.OK, check.error
    assert (check.display_name, check.platform_account_id) == ("狛江市", BSKY_DID)
    assert check.last_post == "2026-11-20T09:00:00.000Z"
    assert check.profile_states_operator and check.profile_links_city
    assert check.adapter.startswith("bluesky：AppView app.bsky.actor.getProfile")
    # Asked about the registered handle, then about the DID it resolved to; no key sent anywhere.
    paths = [path for path, _ in bsky.server.RequestHandlerClass.requests]
    assert paths[0].startswith(f"{PROFILE}?actor={HANDLE}")
    assert all(
        "authorization" not in {k.lower() for k in headers} for _, headers in bsky.server.RequestHandlerClass.requests
    )


def test_another_did_behind_the_handle_is_an_anomaly(bsky, account):
    """G-4-3-カ: the handle now points at another account (なりすまし or 乗っ取り)."""
    bsky.answer(PROFILE, match={"actor": HANDLE}, json=bluesky_profile(did="did:plc:someoneelseinvented00000"))
    bsky.answer(FEED, json=bluesky_feed())
    check = _check(account)
    assert "id_changed" in check.anomalies
    assert check.outcome == StatusCheck.Outcome.ANOMALY


def test_a_post_after_the_suspension_date_is_an_anomaly(bsky, account):
    """G-4-5-エ: a 運用停止 account is kept and checked; a post dated after its suspension is found."""
    OfficialAccount.objects.filter(pk=account.pk).update(
        status=AccountStatus.SUSPENDED, suspended_on=datetime.date(2026, 3, 31)
    )
    account.refresh_from_db()
    bsky.answer(PROFILE, json=bluesky_profile())
    bsky.answer(FEED, json=bluesky_feed("2026-03-30T12:00:00.000Z"), times=1)
    assert _check(account).outcome == StatusCheck.Outcome.OK  # the last post before the stop
    bsky.answer(FEED, json=bluesky_feed("2026-11-24T08:00:00.000Z"))
    assert _check(account).anomalies == ["posts_while_suspended"]


@pytest.mark.parametrize(
    ("error", "message", "reason"),
    [
        ("AccountTakedown", "Account has been suspended", "Blueskyにより停止されています"),
        ("AccountDeactivated", "Account is deactivated", "アカウントが無効化されています"),
        ("InvalidRequest", "Profile not found", "アカウントが見つかりません"),
    ],
)
def test_a_gone_account_is_an_anomaly_with_the_platforms_reason(bsky, account, error, message, reason):
    bsky.answer(PROFILE, status=400, json=xrpc_error(error, message))
    check = _check(account)
    assert check.anomalies == ["gone"]
    assert reason in check.error


def test_a_429_waits_for_retry_after_then_reads(bsky, account):
    bsky.answer(
        PROFILE,
        status=429,
        json=xrpc_error("RateLimitExceeded", "Rate Limit Exceeded"),
        headers={"Retry-After": "1"},
        times=1,
    )
    bsky.answer(PROFILE, json=bluesky_profile())
    bsky.answer(FEED, json=bluesky_feed())
    check = _check(account)
    assert check.outcome == StatusCheck.Outcome.OK, check.error
    assert [p for p, _ in bsky.server.RequestHandlerClass.requests].count(f"{PROFILE}?actor={HANDLE}") == 2


def test_a_429_asking_for_a_long_wait_ends_as_not_checked(bsky, account, settings):
    settings.STATUS_CHECK_MAX_RETRY_AFTER = 5
    bsky.answer(
        PROFILE,
        status=429,
        json=xrpc_error("RateLimitExceeded", "Rate Limit Exceeded"),
        headers={"Retry-After": "3600"},
    )
    check = _check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert "回数制限" in check.error
    assert len(bsky.server.RequestHandlerClass.requests) == 1  # no hammering


def test_the_api_host_is_the_only_place_asked(settings, account):
    """Without a configured base the AppView's own host is used, and only https to it passes the guard."""
    settings.STATUS_CHECK_BASES = {}
    target = checks.adapter_for("bluesky").target(account)
    assert target.url == "https://public.api.bsky.app"
    assert "public.api.bsky.app" in target.hosts
