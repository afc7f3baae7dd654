"""X through API v2 (user lookup by username, the user's posts) with the app's bearer token."""

import datetime
import time

import pytest

from accounts.models import AccountStatus, OfficialAccount
from monitoring.models import StatusCheck
from platforms import checks
from platforms.models import ApiCredential
from tests.platform_fixtures import (
    X_TOKEN,
    X_USER_ID,
    X_USERNAME,
    x_not_found,
    x_problem,
    x_suspended,
    x_tweets,
    x_user,
)
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db

HANDLE = X_USERNAME
USER = f"/2/users/by/username/{HANDLE}"
TWEETS = f"/2/users/{X_USER_ID}/tweets"


@pytest.fixture
def x(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "x") as server:
        yield server


@pytest.fixture
def account(dept_b, head_b):
    return api.city_account(dept_b, head_b, "x", HANDLE, X_USER_ID)


@pytest.fixture
def token(admin, account):
    # X's app-only bearer token serves every account of the platform.
    return api.register_token(admin, account, X_TOKEN, kind=ApiCredential.Kind.BEARER_TOKEN, for_platform=True)


def test_a_matching_user_is_ok_and_names_the_interface(x, account, token):
    x.answer(USER, json=x_user())
    x.answer(TWEETS, json=x_tweets("2026-11-20T09:00:00.000Z"))
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.OK, check.error
    assert (check.display_name, check.platform_account_id) == ("狛江市", X_USER_ID)
    assert check.last_post == "2026-11-20T09:00:00.000Z"
    assert check.profile_states_operator and check.profile_links_city
    assert check.adapter.startswith("x：X API v2 users/by/username")
    paths = api.paths_of(x)
    assert paths[0].startswith(f"{USER}?user.fields=") and "most_recent_tweet_id" in paths[0]
    assert paths[1].startswith(f"{TWEETS}?max_results=5")
    api.assert_token_only_in_authorization(x, X_TOKEN)
    api.assert_token_not_stored(check, X_TOKEN)


def test_the_profile_url_counts_as_the_city_link(x, account, token):
    """P-3: the link in the profile's URL field (entities.url, expanded), even with a bio without it."""
    x.answer(USER, json=x_user(description="狛江市 の公式アカウントです。"))
    x.answer(TWEETS, json=x_tweets())
    check = api.check(account)
    assert check.profile_links_city, check.error


def test_another_id_behind_the_handle_is_an_anomaly(x, account, token):
    """G-4-3-カ: the handle now belongs to another account (なりすまし or 乗っ取り)."""
    x.answer(USER, json=x_user(user_id="1999999999999999999"))
    x.answer("/2/users/1999999999999999999/tweets", json=x_tweets())
    assert api.check(account).anomalies == ["id_changed"]


def test_a_post_after_the_suspension_date_is_an_anomaly(x, account, token):
    OfficialAccount.objects.filter(pk=account.pk).update(
        status=AccountStatus.SUSPENDED, suspended_on=datetime.date(2026, 3, 31)
    )
    account.refresh_from_db()
    x.answer(USER, json=x_user())
    x.answer(TWEETS, json=x_tweets("2026-03-30T12:00:00.000Z"), times=1)
    assert api.check(account).outcome == StatusCheck.Outcome.OK
    x.answer(TWEETS, json=x_tweets("2026-11-24T08:00:00.000Z"))
    assert api.check(account).anomalies == ["posts_while_suspended"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [(x_not_found(HANDLE), "アカウントが見つかりません"), (x_suspended(HANDLE), "Xにより凍結されています")],
)
def test_a_missing_or_suspended_user_is_gone_with_the_reason(x, account, token, body, reason):
    x.answer(USER, json=body)  # X answers these with HTTP 200 and errors instead of data
    check = api.check(account)
    assert check.anomalies == ["gone"]
    assert reason in check.error
    assert api.paths_of(x) == [p for p in api.paths_of(x) if p.startswith(USER)]  # no posts asked


def test_an_invalid_token_is_not_checked_and_says_renew(x, account, token):
    x.answer(USER, status=401, json=x_problem(401, "Unauthorized", "Unauthorized"))
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert "ベアラートークンが無効です" in check.error
    api.assert_token_not_stored(check, X_TOKEN)


def test_a_429_waits_for_retry_after_then_reads(x, account, token):
    x.answer(USER, status=429, json=x_problem(), headers={"Retry-After": "1"}, times=1)
    x.answer(USER, json=x_user())
    x.answer(TWEETS, json=x_tweets())
    started = time.monotonic()
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.OK, check.error
    assert time.monotonic() - started >= 0.9
    assert [p.split("?")[0] for p in api.paths_of(x)].count(USER) == 2


def test_without_a_bearer_token_nothing_is_sent(x, account):
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert check.error.startswith("APIの設定がありません")
    assert "ベアラートークン" in check.error
    assert api.requests_of(x) == []


def test_the_api_host_is_the_only_place_the_token_goes(settings, account, token):
    settings.STATUS_CHECK_BASES = {}
    target = checks.adapter_for("x").target(account)
    assert target.url == "https://api.x.com"
    assert "api.x.com" in target.hosts
    assert X_TOKEN not in repr(target)


# --- issue 20: what reaches the API's path is one segment, and only a handle of X's syntax ---


@pytest.mark.parametrize("handle", ["komae/../../../../internal/admin", "komae?extra=1#"])
def test_a_stored_handle_that_is_no_x_username_sends_nothing(x, account, token, handle):
    """The attack: `GET /2/internal/admin` with the city's bearer token, or the query replaced."""
    OfficialAccount.objects.filter(pk=account.pk).update(handle=handle)  # stored before the rule
    account.refresh_from_db()
    x.answer("/2/internal/admin", json=x_user())
    x.answer(f"/2/users/by/username/{handle}", json=x_user())
    x.answer("/2/users/by/username/komae", json=x_user())
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert f"登録されたユーザー名「{handle}」はXのユーザー名の形ではありません" in check.error
    assert api.requests_of(x) == []


def test_an_id_in_the_answer_stays_one_path_segment(x, account, token):
    """An answer (or a proxy) cannot steer the next request, which carries the token, elsewhere."""
    x.answer(USER, json=x_user(user_id="1/../../../internal/admin?x="))
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    tweets = "/2/users/1%2F..%2F..%2F..%2Finternal%2Fadmin%3Fx%3D/tweets"
    assert [p.split("?")[0] for p in api.paths_of(x)] == [USER, tweets]


# --- issue 20: a platform's (or a proxy's) error text is not stored verbatim ---


def test_an_error_that_echoes_the_request_keeps_no_credential(x, account, token):
    """The attack: an API or proxy that echoes the request put `Authorization: Bearer …` in the reading."""
    echo = f"GET /2/users/by/username/{HANDLE} Authorization: Bearer {X_TOKEN}"
    x.answer(USER, status=502, json={"title": echo, "detail": echo, "type": "about:blank", "status": 502})
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert check.error.startswith("APIがエラーを返しました（HTTP 502")
    assert "Bearer" not in check.error
    api.assert_no_piece_stored(check, X_TOKEN)


def test_a_reading_that_echoes_the_token_does_not_store_it(x, account, token):
    x.answer(USER, json=x_user(name=f"狛江市 Authorization: Bearer {X_TOKEN}"))
    x.answer(TWEETS, json=x_tweets())
    check = api.check(account)
    api.assert_no_piece_stored(check, X_TOKEN)
    assert check.display_name.startswith("狛江市")


@pytest.mark.parametrize(
    "kind", [ApiCredential.Kind.CHANNEL_ACCESS_TOKEN, ApiCredential.Kind.API_KEY, ApiCredential.Kind.CLIENT_CREDENTIALS]
)
def test_a_credential_of_another_kind_is_never_sent(x, admin, account, kind):
    """Issue 20: a credential goes only where its kind belongs (X takes a bearer token), even one
    registered before the form refused other kinds."""
    api.stored_before_the_kind_rule(admin, account, X_TOKEN, kind=kind, for_platform=True)
    x.answer(USER, json=x_user())
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR and "この確認には使えません" in check.error
    assert "必要なもの：X API のベアラートークン" in check.error
    assert api.requests_of(x) == []
