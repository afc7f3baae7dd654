"""TikTok through the Display API (user info) with the account's user access token."""

import time

import pytest

from monitoring.models import StatusCheck
from platforms import checks
from tests.platform_fixtures import TIKTOK_OPEN_ID, TIKTOK_TOKEN, tiktok_error, tiktok_user
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db

HANDLE = "komae_city_invented"
INFO = "/v2/user/info/"


@pytest.fixture
def tiktok(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "tiktok") as server:
        yield server


@pytest.fixture
def account(dept_b, head_b):
    return api.city_account(dept_b, head_b, "tiktok", HANDLE, TIKTOK_OPEN_ID)


@pytest.fixture
def token(admin, account):
    return api.register_token(admin, account, TIKTOK_TOKEN)


def test_a_matching_user_is_ok_and_names_the_interface(tiktok, account, token):
    tiktok.answer(INFO, json=tiktok_user())
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.OK, check.error
    assert (check.display_name, check.platform_account_id) == ("狛江市", TIKTOK_OPEN_ID)
    assert check.profile_states_operator and check.profile_links_city
    assert check.last_post == ""  # the videos are not read
    assert check.adapter.startswith("tiktok：Display API GET /v2/user/info/")
    assert "bio_description" in api.paths_of(tiktok)[0]
    api.assert_token_only_in_authorization(tiktok, TIKTOK_TOKEN)
    api.assert_token_not_stored(check, TIKTOK_TOKEN)


def test_another_open_id_is_an_anomaly(tiktok, account, token):
    tiktok.answer(INFO, json=tiktok_user(open_id="-000Invented-Someone-Else0000"))
    assert api.check(account).anomalies == ["id_changed"]


def test_a_token_of_another_user_is_not_checked(tiktok, account, token):
    tiktok.answer(INFO, json=tiktok_user(username="someone_else"))
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert "別のTikTokアカウント（@someone_else）" in check.error


def test_an_invalid_token_is_not_checked_and_says_renew(tiktok, account, token):
    """A deleted or banned account's token stops working too: TikTok cannot tell us which."""
    tiktok.answer(INFO, status=401, json=tiktok_error())
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert "access_token_invalid" in check.error and "認可し直して" in check.error
    api.assert_token_not_stored(check, TIKTOK_TOKEN)


def test_a_429_waits_for_retry_after_then_reads(tiktok, account, token):
    tiktok.answer(
        INFO, status=429, json=tiktok_error("rate_limit_exceeded", "slow down"), headers={"Retry-After": "1"}, times=1
    )
    tiktok.answer(INFO, json=tiktok_user())
    started = time.monotonic()
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.OK, check.error
    assert time.monotonic() - started >= 0.9
    assert len(api.requests_of(tiktok)) == 2


def test_without_a_token_nothing_is_sent(tiktok, account):
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert check.error.startswith("APIの設定がありません")
    assert "ユーザーアクセストークン" in check.error
    assert api.requests_of(tiktok) == []


def test_the_api_host_is_the_only_place_the_token_goes(settings, account, token):
    settings.STATUS_CHECK_BASES = {}
    target = checks.adapter_for("tiktok").target(account)
    assert target.url == "https://open.tiktokapis.com"
    assert "open.tiktokapis.com" in target.hosts
    assert TIKTOK_TOKEN not in repr(target)


# --- the refresh token: TikTok's access token lasts 2 hours, the refresh token 180 days, rotated ---

TOKEN = "/v2/oauth/token/"
APP = "invented-client-key-0001:invented-client-secret-0001"
REFRESH = "rft.inventedRefreshToken-0001-aaaaaaaaaaaaaaaa"
ROTATED = "rft.inventedRefreshToken-0002-bbbbbbbbbbbbbbbb"
ACCESS = "act.inventedAccessTokenFromRefresh-0001-cccccccc"


def _token_answer():
    """POST /v2/oauth/token/ (grant_type=refresh_token): the reference's fields, invented values."""
    return {
        "access_token": ACCESS,
        "expires_in": 7200,
        "open_id": TIKTOK_OPEN_ID,
        "refresh_expires_in": 15552000,
        "refresh_token": ROTATED,
        "scope": "user.info.basic,user.info.profile",
        "token_type": "Bearer",
    }


@pytest.fixture
def refresh_token(admin, account):
    from platforms.models import ApiCredential

    api.register_token(admin, account, APP, kind=ApiCredential.Kind.CLIENT_CREDENTIALS, for_platform=True)
    return api.register_token(admin, account, REFRESH, kind=ApiCredential.Kind.REFRESH_TOKEN)


def test_a_refresh_token_gets_each_check_its_access_token_and_is_rotated(tiktok, account, refresh_token):
    from platforms.credentials import token_for

    tiktok.answer(TOKEN, json=_token_answer(), match={"grant_type": "refresh_token", "refresh_token": REFRESH})
    tiktok.answer(INFO, json=tiktok_user())
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.OK, check.error
    # The app's key and secret and the refresh token went in the token request's form, and only there.
    ((path, form),) = tiktok.server.RequestHandlerClass.posted
    assert path == TOKEN
    assert form == {
        "client_key": "invented-client-key-0001",
        "client_secret": "invented-client-secret-0001",
        "grant_type": "refresh_token",
        "refresh_token": REFRESH,
    }
    sent = dict(api.requests_of(tiktok))
    info = next(path for path in sent if path.startswith(INFO))
    assert sent[info].get("Authorization") == f"Bearer {ACCESS}" and "Authorization" not in sent[TOKEN]
    assert not [path for path in sent if ACCESS in path or REFRESH in path]
    # TikTok rotated the refresh token: the new one is in use, the spent one retired with its secret erased.
    refresh_token.refresh_from_db()
    assert refresh_token.retired_at is not None and refresh_token.secret == ""
    assert token_for(account).token == ROTATED
    for secret in (REFRESH, ROTATED, ACCESS, "invented-client-secret-0001"):
        api.assert_token_not_stored(check, secret)


def test_a_spent_refresh_token_says_authorise_again_and_changes_nothing(tiktok, account, refresh_token):
    from platforms.credentials import token_for

    tiktok.answer(
        TOKEN,
        status=400,
        json={"error": "invalid_grant", "error_description": "Refresh token is invalid or expired.", "log_id": "x"},
    )
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert "リフレッシュトークンが無効か期限切れです（invalid_grant）" in check.error
    assert token_for(account).token == REFRESH  # still the one registered
    assert INFO not in " ".join(api.paths_of(tiktok))


def test_a_refresh_token_without_the_apps_key_and_secret_sends_nothing(tiktok, admin, account):
    from platforms.models import ApiCredential

    api.register_token(admin, account, REFRESH, kind=ApiCredential.Kind.REFRESH_TOKEN)
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert "クライアントキーとシークレットが登録されていません" in check.error
    assert api.paths_of(tiktok) == []


def test_a_lapsed_refresh_token_is_named_and_nothing_is_sent(tiktok, admin, account):
    import datetime

    import time_machine

    from platforms.models import ApiCredential

    api.register_token(admin, account, APP, kind=ApiCredential.Kind.CLIENT_CREDENTIALS, for_platform=True)
    api.register_token(
        admin, account, REFRESH, kind=ApiCredential.Kind.REFRESH_TOKEN, expires_on=datetime.date(2027, 5, 1)
    )
    with time_machine.travel("2027-05-02 09:00 +0900"):
        check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR and "有効期限が切れています" in check.error
    assert api.paths_of(tiktok) == []


# --- issue 20: a credential goes only where its kind belongs ---


def test_the_apps_key_and_secret_are_never_sent_as_a_bearer_token(tiktok, admin, account):
    """The attack: with only the platform-wide `key:secret`, the check sent `Authorization: Bearer
    key:secret` to the user-info endpoint. Now it names what is missing and sends nothing."""
    from platforms.models import ApiCredential

    api.register_token(admin, account, APP, kind=ApiCredential.Kind.CLIENT_CREDENTIALS, for_platform=True)
    tiktok.answer(INFO, json=tiktok_user())
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert "クライアントキー:クライアントシークレット" in check.error
    assert "必要なもの：TikTokのユーザーアクセストークンかリフレッシュトークン" in check.error
    assert api.requests_of(tiktok) == []
    api.assert_token_not_stored(check, APP)


@pytest.mark.parametrize("handle", ["komae/../../internal", "komae?x=1#"])
def test_a_stored_handle_that_is_no_tiktok_username_spends_no_refresh_token(tiktok, account, refresh_token, handle):
    from accounts.models import OfficialAccount
    from platforms.credentials import token_for

    OfficialAccount.objects.filter(pk=account.pk).update(handle=handle)
    account.refresh_from_db()
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR and "TikTokのユーザー名の形ではありません" in check.error
    assert api.requests_of(tiktok) == [] and token_for(account).token == REFRESH


def test_a_token_answer_that_echoes_the_form_keeps_no_secret(tiktok, account, refresh_token):
    """Issue 20: the token endpoint's error code is kept only if it is a code, never what was sent."""
    tiktok.answer(TOKEN, status=400, json={"error": "invented-client-secret-0001", "error_description": REFRESH})
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    api.assert_no_piece_stored(check, REFRESH, "invented-client-secret-0001")


def test_a_token_answer_with_an_impossible_lifetime_is_no_crash(tiktok, account, refresh_token):
    """Bad input from the platform is 確認できず, never a 500 of the 今すぐ確認 page; nothing changes."""
    from platforms.credentials import token_for

    tiktok.answer(TOKEN, json={**_token_answer(), "refresh_expires_in": 10**20})
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR and "必要な項目がありません" in check.error
    assert token_for(account).token == REFRESH and INFO not in " ".join(api.paths_of(tiktok))


def test_an_access_token_serves_its_two_hours_so_the_refresh_token_is_rotated_once(tiktok, account, refresh_token):
    """The archive reads an account page by page every hour, and the checks twice a day: one refresh
    (one rotation of the refresh token) for the access token's life, not one per request (issue 22)."""
    from platforms.credentials import token_for

    tiktok.answer(TOKEN, json=_token_answer(), match={"grant_type": "refresh_token", "refresh_token": REFRESH})
    tiktok.answer(INFO, json=tiktok_user())
    assert api.check(account).outcome == StatusCheck.Outcome.OK
    assert api.check(account).outcome == StatusCheck.Outcome.OK
    assert [path for path, _ in tiktok.server.RequestHandlerClass.posted] == [TOKEN]
    sent = [headers.get("Authorization") for path, headers in api.requests_of(tiktok) if path.startswith(INFO)]
    assert sent == [f"Bearer {ACCESS}"] * 2 and token_for(account).token == ROTATED
    # Authorised again (another refresh token registered): the kept access token is not used for it.
    from platforms.models import ApiCredential

    api.register_token(refresh_token.registered_by, account, REFRESH, kind=ApiCredential.Kind.REFRESH_TOKEN)
    api.check(account)
    assert [path for path, _ in tiktok.server.RequestHandlerClass.posted] == [TOKEN, TOKEN]
