"""YouTube through the channel's public feed (no key) and the Data API v3 (with a key), against the
local server playing both (STATUS_CHECK_BASE_YOUTUBE)."""

import datetime
import time

import pytest
import time_machine

from accounts.models import AccountStatus, OfficialAccount
from monitoring import status
from monitoring.models import StatusCheck
from platforms import checks
from platforms.credentials import NO_CREDENTIAL
from platforms.models import ApiCredential
from tests.platform_fixtures import (
    YT_CHANNEL_ID,
    YT_HANDLE,
    billion_laughs,
    external_entity_feed,
    google_api_error,
    youtube_channel_ids,
    youtube_channels,
    youtube_feed,
)
from tests.platform_server import PlatformServer
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db

FEED = "/feeds/videos.xml"
API = "/youtube/v3/channels"
KEY = "AIzaInventedKey-never-stored-0123456789"
ATOM = "application/atom+xml"
OTHER_CHANNEL = "UCs0me0neElseInvented000"


@pytest.fixture
def yt(settings, monkeypatch):
    monkeypatch.setattr(checks, "BACKOFF_SECONDS", 0.01)
    with PlatformServer() as server:
        settings.STATUS_CHECK_BASES = {"youtube": server.url}  # STATUS_CHECK_BASE_YOUTUBE
        yield server


@pytest.fixture
def no_key():
    """No API key registered: the feed alone is read."""


@pytest.fixture
def api_key(admin, account):
    """The city's Data API key for every YouTube account, as the sysadmin registers it."""
    return api.register_token(admin, account, KEY, kind=ApiCredential.Kind.API_KEY, for_platform=True)


@pytest.fixture
def account(dept_b, head_b):
    return api.city_account(dept_b, head_b, "youtube", YT_HANDLE, YT_CHANNEL_ID)


def _check(account) -> StatusCheck:
    return status.check_now([account])[0]


def _requests(server):
    return server.server.RequestHandlerClass.requests


def _suspend(account, on=datetime.date(2026, 3, 31)):
    OfficialAccount.objects.filter(pk=account.pk).update(status=AccountStatus.SUSPENDED, suspended_on=on)
    account.refresh_from_db()


def _stored_text(check: StatusCheck) -> str:
    return " ".join(str(getattr(check, f.attname)) for f in StatusCheck._meta.concrete_fields)


def test_with_a_key_a_matching_channel_is_ok_and_the_key_goes_only_to_the_api(yt, api_key, account):
    yt.answer(FEED, match={"channel_id": YT_CHANNEL_ID}, text=youtube_feed(), content_type=ATOM)
    yt.answer(API, match={"id": YT_CHANNEL_ID, "key": KEY, "part": "snippet,status"}, json=youtube_channels())
    check = _check(account)
    assert check.outcome == StatusCheck.Outcome.OK, check.error
    assert (check.display_name, check.platform_account_id) == ("狛江市", YT_CHANNEL_ID)  # "UC" restored
    assert check.last_post == "2026-11-20T09:00:00+00:00"
    assert check.profile_states_operator and check.profile_states_purpose and check.profile_links_city
    assert check.error == ""
    assert check.adapter.startswith("youtube：公開フィード")
    paths = [path for path, _ in _requests(yt)]
    assert [p.split("?")[0] for p in paths] == [FEED, API]
    assert KEY not in paths[0] and KEY in paths[1]  # the feed never sees the key
    assert KEY not in _stored_text(check)


def test_without_a_key_the_feed_alone_is_read_and_says_so(yt, no_key, account):
    """Decided: no key is not 確認できず. The feed still finds a gone channel, another ID, a new name and
    new videos; the reading says plainly that the profile text and the @handle were not seen."""
    yt.answer(FEED, text=youtube_feed(), content_type=ATOM)
    check = _check(account)
    assert (check.display_name, check.platform_account_id) == ("狛江市", YT_CHANNEL_ID)
    assert check.last_post == "2026-11-20T09:00:00+00:00"
    assert f"公開フィードだけで確認しました（{NO_CREDENTIAL}：プロフィール文・ハンドルは見ていません）" in check.error
    assert "id_changed" not in check.anomalies and "renamed" not in check.anomalies
    assert [p.split("?")[0] for p, _ in _requests(yt)] == [FEED]


def test_without_a_key_an_active_channel_is_not_called_unofficial(yt, no_key, account, client, admin):
    """The feed shows no profile text: P-3's facts are unknown (見ていません), not missing."""
    yt.answer(FEED, text=youtube_feed(), content_type=ATOM)
    check = _check(account)
    assert check.outcome == StatusCheck.Outcome.OK, check.anomalies
    assert check.profile_states_operator is None and check.profile_links_city is None
    client.force_login(admin)
    page = client.get(f"/accounts/{account.pk}/").content.decode()
    assert "見ていません" in page
    assert "方法：YouTubeの公開動画の一覧と公開情報（API）で確認" in page
    assert "技術情報：youtube：公開フィード" in page  # the sysadmin's detail (issue 20)


def test_an_expired_key_is_named_and_the_feed_still_checks(yt, admin, account):
    with time_machine.travel("2026-11-25 09:00 +0900", tick=False):
        api.register_token(
            admin,
            account,
            KEY,
            kind=ApiCredential.Kind.API_KEY,
            for_platform=True,
            expires_on=datetime.date(2026, 11, 30),
        )
    problem = "APIのトークンの有効期限が切れています"
    _suspend(account)
    yt.answer(FEED, text=youtube_feed(published=("2026-03-01T00:00:00+00:00",)), content_type=ATOM)
    with time_machine.travel("2026-12-01 09:00 +0900", tick=False):
        check = _check(account)
    assert check.outcome == StatusCheck.Outcome.OK
    assert problem in check.error
    assert all(not p.startswith(API) for p, _ in _requests(yt))


def test_another_channel_behind_the_registered_handle_is_an_anomaly(yt, api_key, account):
    """G-4-3-カ: our channel's handle changed and the registered @handle now belongs to someone else."""
    yt.answer(FEED, text=youtube_feed(), content_type=ATOM)
    yt.answer(API, match={"id": YT_CHANNEL_ID}, json=youtube_channels(handle="komae_renamed_invented"))
    yt.answer(API, match={"forHandle": f"@{YT_HANDLE}"}, json=youtube_channel_ids(OTHER_CHANNEL))
    check = _check(account)
    assert "id_changed" in check.anomalies
    assert check.platform_account_id == OTHER_CHANNEL
    assert f"@{YT_HANDLE} は別のチャンネル" in check.error


def test_a_changed_handle_that_nobody_holds_is_said_but_is_no_anomaly(yt, api_key, account):
    yt.answer(FEED, text=youtube_feed(), content_type=ATOM)
    yt.answer(API, match={"id": YT_CHANNEL_ID}, json=youtube_channels(handle="komae_renamed_invented"))
    yt.answer(API, match={"forHandle": f"@{YT_HANDLE}"}, json=youtube_channel_ids(None))
    check = _check(account)
    assert check.outcome == StatusCheck.Outcome.OK
    assert "@komae_renamed_invented に変わりました" in check.error


def test_another_channel_id_in_the_feed_and_a_new_name_are_anomalies(yt, no_key, account):
    _suspend(account)  # (a 運用停止 account: the P-3 facts are not asked of it)
    yt.answer(
        FEED, text=youtube_feed(channel_id=OTHER_CHANNEL, title="狛江市（非公式）", published=()), content_type=ATOM
    )
    check = _check(account)
    assert set(check.anomalies) == {"id_changed", "renamed"}


def test_a_video_after_the_suspension_date_is_an_anomaly(yt, no_key, account):
    """G-4-5-エ: a 運用停止 channel is kept and checked; a video published after the stop is found."""
    _suspend(account)
    yt.answer(FEED, text=youtube_feed(published=("2026-03-30T12:00:00+00:00",)), content_type=ATOM, times=1)
    assert _check(account).outcome == StatusCheck.Outcome.OK  # the last video before the stop
    yt.answer(FEED, text=youtube_feed(published=("2026-11-24T08:00:00+00:00", "2026-03-30T12:00:00+00:00")))
    assert _check(account).anomalies == ["posts_while_suspended"]


def test_a_missing_feed_is_a_gone_channel(yt, no_key, account):
    yt.answer(FEED, status=404, text="<html>not found</html>", content_type="text/html")
    yt.answer(f"/channel/{YT_CHANNEL_ID}", status=404, text="<html>not found</html>", content_type="text/html")
    check = _check(account)
    assert check.anomalies == ["gone"]
    assert "フィード HTTP 404" in check.error and "チャンネルのページも HTTP 404" in check.error


def test_a_missing_feed_of_a_channel_whose_page_is_there_is_no_incident(yt, no_key, account):
    """Without a key the channel's page decides: the feed's occasional 404 is not a deleted channel."""
    yt.answer(FEED, status=404, text="<html>not found</html>", content_type="text/html")
    yt.answer(f"/channel/{YT_CHANNEL_ID}", text="<html><title>チャンネル</title></html>", content_type="text/html")
    check = _check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR and check.anomalies == []
    assert "チャンネルのページはあります" in check.error
    assert not account.incidents.exists()


def test_an_empty_channel_list_is_a_gone_channel(yt, api_key, account):
    yt.answer(FEED, text=youtube_feed(), content_type=ATOM)
    yt.answer(API, json=youtube_channels(channel_id=None))
    check = _check(account)
    assert check.anomalies == ["gone"]
    assert "channels.list に該当なし" in check.error


def test_a_missing_feed_of_a_channel_the_api_still_lists_is_not_gone(yt, api_key, account):
    """The feed is known to answer 404 now and then; the API's word on the channel decides."""
    yt.answer(FEED, status=404, text="", content_type="text/html")
    yt.answer(API, json=youtube_channels())
    check = _check(account)
    assert check.outcome == StatusCheck.Outcome.OK
    assert "フィードは読めませんでした" in check.error


def test_an_api_error_leaves_the_feed_reading_and_never_shows_the_key(yt, api_key, account):
    _suspend(account)
    yt.answer(FEED, text=youtube_feed(published=("2026-03-01T00:00:00+00:00",)), content_type=ATOM)
    yt.answer(API, status=403, json=google_api_error(403, "quotaExceeded", f"quota exceeded for key {KEY}"))
    check = _check(account)
    assert check.outcome == StatusCheck.Outcome.OK
    assert "Data API：Data APIがエラーを返しました（HTTP 403 quotaExceeded）" in check.error
    assert KEY not in _stored_text(check)


def test_a_429_waits_for_retry_after_then_reads(yt, no_key, account):
    yt.answer(FEED, status=429, text="", content_type="text/html", headers={"Retry-After": "1"}, times=1)
    yt.answer(FEED, text=youtube_feed(), content_type=ATOM)
    started = time.monotonic()
    check = _check(account)
    assert check.display_name == "狛江市", check.error
    assert time.monotonic() - started >= 1.0
    assert [p.split("?")[0] for p, _ in _requests(yt)] == [FEED, FEED]


@pytest.mark.parametrize("body", [billion_laughs("feed"), external_entity_feed()])
def test_a_hostile_feed_is_refused_unread(yt, no_key, account, body):
    yt.answer(FEED, text=body, content_type=ATOM)
    started = time.monotonic()
    check = _check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert "文書型宣言" in check.error
    assert check.display_name == ""
    assert time.monotonic() - started < 2


def test_a_page_that_is_not_a_feed_is_not_checked(yt, no_key, account):
    yt.answer(FEED, text="<html><body>Before you continue to YouTube</body></html>", content_type="text/html")
    check = _check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert "フィードとして読み取れません" in check.error


@pytest.mark.parametrize(
    ("channel_id", "reason"), [("", "チャンネルID（UC…）が登録されていません"), ("komaecity", "UCで始まる24文字")]
)
def test_without_a_channel_id_it_says_why_it_cannot_check(yt, no_key, account, channel_id, reason):
    OfficialAccount.objects.filter(pk=account.pk).update(platform_account_id=channel_id)
    account.refresh_from_db()
    check = _check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert reason in check.error  # the outcome itself says 確認できず
    assert _requests(yt) == []


def test_the_feed_and_the_api_each_go_to_their_own_host(settings, api_key, account):
    settings.STATUS_CHECK_BASES = {}
    target = checks.adapter_for("youtube").target(account)
    assert target.url == f"https://www.youtube.com/feeds/videos.xml?channel_id={YT_CHANNEL_ID}"
    assert "youtube.com" in target.hosts and "www.googleapis.com" not in target.hosts
    assert target.api.url == "https://www.googleapis.com"
    assert target.api.hosts == ("www.googleapis.com",)  # a redirect off the API never carries the key
    assert KEY not in repr(target)


def test_only_an_api_key_goes_into_the_key_parameter(yt, admin, account):
    """Issue 20: an access token registered for YouTube is no API key; it never goes into a URL."""
    api.stored_before_the_kind_rule(
        admin, account, "ya29.invented-oauth-access-token-0001", kind=ApiCredential.Kind.ACCESS_TOKEN, for_platform=True
    )
    yt.answer(FEED, match={"channel_id": YT_CHANNEL_ID}, text=youtube_feed(), content_type="application/atom+xml")
    check = api.check(account)
    assert all("ya29." not in path for path in api.paths_of(yt))
    assert "アクセストークン" in check.error and "この確認には使えません" in check.error
