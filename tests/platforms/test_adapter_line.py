"""LINE 公式アカウント through the Messaging API (get bot info) with a channel access token."""

import datetime
import time

import pytest
import time_machine

from monitoring.models import StatusCheck
from platforms.models import ApiCredential
from tests.platform_fixtures import LINE_TOKEN, LINE_USER_ID, line_bot_info, line_error, line_public_page
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db

INFO = "/v2/bot/info"
PAGE = "/123komae"  # https://page.line.me/123komae under the configured base


@pytest.fixture
def line(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "line") as server:
        yield server


@pytest.fixture
def account(dept_b, head_b):
    return api.city_account(
        dept_b, head_b, "line", "@123komae", LINE_USER_ID, profile_url="https://page.line.me/123komae"
    )


@pytest.fixture
def token(admin, account):
    return api.register_token(admin, account, LINE_TOKEN, kind=ApiCredential.Kind.CHANNEL_ACCESS_TOKEN)


def _page(line):
    line.answer(PAGE, text=line_public_page(), content_type="text/html")


def test_a_matching_bot_is_ok_and_names_the_interface(line, account, token):
    line.answer(INFO, json=line_bot_info())
    _page(line)
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.OK, check.error
    assert (check.display_name, check.platform_account_id) == ("狛江市", LINE_USER_ID)
    assert check.profile_states_operator and check.profile_links_city
    assert check.last_post == ""  # LINE has no timeline to read
    assert check.adapter.startswith("line：Messaging API GET /v2/bot/info")
    api.assert_token_only_in_authorization(line, LINE_TOKEN, public_paths=(PAGE,))
    api.assert_token_not_stored(check, LINE_TOKEN)


def test_another_user_id_behind_the_channel_is_an_anomaly(line, account, token):
    line.answer(INFO, json=line_bot_info(user_id="U0000000000000000000000000another"))
    _page(line)
    check = api.check(account)
    assert check.anomalies == ["id_changed"]


def test_a_token_of_another_official_account_is_not_checked(line, account, token):
    """The token answers for its own channel: a wrong registration, never a reading of another account."""
    line.answer(INFO, json=line_bot_info(basic_id="@999other"))
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert "別のLINE公式アカウント（@999other）" in check.error
    assert check.anomalies == []


def test_the_premium_id_counts_as_the_handle(line, account, token):
    account.handle = "komae-city"
    account.save()
    line.answer(INFO, json=line_bot_info(premium_id="@komae-city"))
    _page(line)
    assert api.check(account).outcome == StatusCheck.Outcome.OK


def test_an_invalid_token_ends_as_not_checked_with_a_plain_reason(line, account, token):
    line.answer(INFO, status=401, json=line_error())
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert "チャネルアクセストークンが無効か期限切れです（HTTP 401）" in check.error
    api.assert_token_not_stored(check, LINE_TOKEN)


def test_a_429_waits_for_retry_after_then_reads(line, account, token):
    line.answer(
        INFO,
        status=429,
        json=line_error("The API rate limit has been exceeded."),
        headers={"Retry-After": "1"},
        times=1,
    )
    line.answer(INFO, json=line_bot_info())
    _page(line)
    started = time.monotonic()
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.OK, check.error
    assert time.monotonic() - started >= 0.9  # the Retry-After, not the (patched) backoff
    assert api.paths_of(line).count(INFO) == 2


def test_without_a_token_nothing_is_sent(line, account):
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert check.error.startswith("APIの設定がありません")
    assert "チャネルアクセストークン" in check.error
    assert api.requests_of(line) == []


def test_an_expired_token_is_not_used(line, account, admin):
    with time_machine.travel("2026-11-25 09:00 +0900", tick=False):
        api.register_token(admin, account, LINE_TOKEN, expires_on=datetime.date(2026, 11, 30))
    line.answer(INFO, json=line_bot_info())
    with time_machine.travel("2026-12-01 09:00 +0900", tick=False):
        check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert "有効期限が切れています" in check.error
    assert api.requests_of(line) == []


def test_the_api_host_is_the_only_place_the_token_goes(settings, account, token):
    settings.STATUS_CHECK_BASES = {}
    from platforms import checks

    target = checks.adapter_for("line").target(account)
    assert target.url == "https://api.line.me"
    assert "api.line.me" in target.hosts
    assert LINE_TOKEN not in repr(target)
