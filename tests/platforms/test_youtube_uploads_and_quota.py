"""YouTube's uploads read page by page with the city's API key, and the Data API's daily quota that every
call spends from (issue 22): counted in the shared cache (Redis in the suite), refused — the call not
made — when the next one would pass it, and back at midnight Pacific time."""

import threading
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine

from monitoring.models import StatusCheck
from platforms import quota, reads
from platforms.models import ApiCredential
from tests.platform_fixtures import (
    YT_CHANNEL_ID,
    YT_HANDLE,
    google_api_error,
    youtube_channels,
    youtube_feed,
    youtube_upload,
    youtube_uploads,
)
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db

UPLOADS = "/youtube/v3/playlistItems"
CHANNELS = "/youtube/v3/channels"
FEED = "/feeds/videos.xml"
KEY = "AIzaInventedKey-never-stored-0123456789"
PLAYLIST = "UU" + YT_CHANNEL_ID.removeprefix("UC")


@pytest.fixture
def yt(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "youtube") as server:
        yield server


@pytest.fixture
def account(dept_b, head_b):
    return api.city_account(dept_b, head_b, "youtube", YT_HANDLE, YT_CHANNEL_ID)


@pytest.fixture
def api_key(admin, account):
    return api.register_token(admin, account, KEY, kind=ApiCredential.Kind.API_KEY, for_platform=True)


def _paths(server) -> list[str]:
    return [urlsplit(path).path for path in api.paths_of(server)]


def test_with_a_key_the_uploads_playlist_is_read_page_by_page(yt, api_key, account):
    yt.answer(
        UPLOADS,
        match={"pageToken": "CDIQAA"},
        json=youtube_uploads([youtube_upload("inventedV0A", "去年の動画", "2025-11-01T00:00:00Z")]),
    )
    yt.answer(
        UPLOADS,
        match={"playlistId": PLAYLIST, "part": "snippet,contentDetails", "key": KEY},
        json=youtube_uploads(
            [
                youtube_upload(
                    "inventedV0C",
                    "市長の定例会見",
                    "2026-11-20T09:00:00Z",
                    description="詳しくは https://www.city.komae.tokyo.jp/kaiken をご覧ください",
                ),
                youtube_upload("inventedV0B", "", "2026-11-10T09:00:00Z", private=True),
            ],
            next_page_token="CDIQAA",
        ),
    )
    page = reads.read_posts(account, limit=80)
    (video,) = page.posts  # a private video has no publication date and is not the public record
    assert (video.post_id, video.url) == ("inventedV0C", "https://www.youtube.com/watch?v=inventedV0C")
    assert video.published == "2026-11-20T09:00:00Z"
    assert video.text == "市長の定例会見\n詳しくは https://www.city.komae.tokyo.jp/kaiken をご覧ください"
    assert video.links == ("https://www.city.komae.tokyo.jp/kaiken",)
    assert video.media == ("https://i.example.invalid/vi/inventedV0C/hqdefault.jpg",)  # the largest thumbnail
    assert page.cursor == "CDIQAA"
    older = reads.read_posts(account, cursor=page.cursor)
    assert [v.post_id for v in older.posts] == ["inventedV0A"] and older.cursor == ""

    asked = {k: v[0] for k, v in parse_qs(urlsplit(api.paths_of(yt)[0]).query).items()}
    assert asked["maxResults"] == "50"  # the API's largest page
    assert _paths(yt) == [UPLOADS, UPLOADS]  # the feed is not read when the key reads more
    assert quota.spent_today() == 2


def test_a_call_sent_again_after_a_429_is_counted_again(yt, api_key, account):
    """Google counts every request that reaches it: so does the counter, retries included."""
    yt.answer(UPLOADS, status=429, json=google_api_error(429, "rateLimitExceeded", "slow down"), times=1)
    yt.answer(UPLOADS, json=youtube_uploads([youtube_upload("inventedV0C", "動画", "2026-11-20T09:00:00Z")]))
    assert len(reads.read_posts(account).posts) == 1
    assert quota.spent_today() == 2


def test_without_a_key_the_feed_is_read_and_no_quota_is_spent(yt, account):
    yt.answer(FEED, text=youtube_feed(), content_type="application/atom+xml")
    assert len(reads.read_posts(account).posts) == 2
    assert quota.spent_today() == 0


def test_a_channel_whose_uploads_are_gone_is_gone(yt, api_key, account):
    yt.answer(UPLOADS, status=404, json=google_api_error(404, "playlistNotFound", "The playlist cannot be found."))
    with pytest.raises(reads.ReadFailed) as failed:
        reads.read_posts(account)
    assert failed.value.gone and "playlistNotFound" in str(failed.value)


def test_googles_own_quota_refusal_is_named_without_its_message(yt, api_key, account):
    yt.answer(UPLOADS, status=403, json=google_api_error(403, "quotaExceeded", f"key={KEY} exceeded"))
    with pytest.raises(reads.ReadFailed) as failed:
        reads.read_posts(account)
    assert "HTTP 403 quotaExceeded" in str(failed.value) and KEY not in str(failed.value)


def test_the_status_check_spends_from_the_same_counter(yt, api_key, account):
    yt.answer(FEED, text=youtube_feed(), content_type="application/atom+xml")
    yt.answer(CHANNELS, json=youtube_channels())
    assert api.check(account).outcome == StatusCheck.Outcome.OK
    assert quota.spent_today() == 1  # channels.list: 1 unit


def test_a_read_that_would_pass_the_quota_is_not_made(yt, api_key, account, settings):
    settings.YOUTUBE_DAILY_QUOTA = 3
    yt.answer(UPLOADS, json=youtube_uploads([youtube_upload("inventedV0C", "動画", "2026-11-20T09:00:00Z")]))
    with time_machine.travel("2026-11-25 12:00 +0900", tick=False):  # 2026-11-24 19:00 in Pacific time
        for _ in range(3):
            reads.read_posts(account)
        with pytest.raises(reads.ReadFailed) as refused:
            reads.read_posts(account)
        assert quota.spent_today() == 3  # the refused call counted nothing
    assert str(refused.value) == (
        "YouTube Data APIの1日の割り当て（3ユニット）を使い切ったため、問い合わせていません。"
        "11月25日 17:00（日本時間）に戻ります"  # midnight in Pacific (standard) time
    )
    assert len(api.paths_of(yt)) == 3


def test_a_status_check_past_the_quota_reads_the_feed_alone_and_says_why(yt, api_key, account, settings):
    settings.YOUTUBE_DAILY_QUOTA = 0
    yt.answer(FEED, text=youtube_feed(), content_type="application/atom+xml")
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.OK
    assert (
        "公開フィードだけで確認しました（Data API：YouTube Data APIの1日の割り当て（0ユニット）を使い切った"
        in check.error
    )
    assert _paths(yt) == [FEED]


def test_the_quota_comes_back_at_midnight_pacific_time(settings):
    settings.YOUTUBE_DAILY_QUOTA = 1
    with time_machine.travel("2026-11-25 16:59 +0900", tick=False):  # 23:59 in Los Angeles
        quota.spend("channels.list")
        with pytest.raises(quota.QuotaExhausted):
            quota.spend("channels.list")
    with time_machine.travel("2026-11-25 17:00 +0900", tick=False):  # a new day in Los Angeles
        assert quota.spent_today() == 0
        assert quota.spend("channels.list") == 1
    with time_machine.travel("2026-07-01 16:00 +0900", tick=False):  # daylight saving time: 00:00 PDT
        assert quota.resets_at().isoformat() == "2026-07-02T00:00:00-07:00"


def test_a_caller_with_a_budget_stops_below_the_days_quota(settings):
    """A lookalike search (search.list, 100 units) may spend only what the status checks leave."""
    settings.YOUTUBE_DAILY_QUOTA = 10_000
    for _ in range(60):
        quota.spend("channels.list")
    assert quota.spend("search.list", budget=200) == 160
    with pytest.raises(quota.QuotaExhausted, match="この処理に割り当てた本日の分（200ユニット）を使い切った"):
        quota.spend("search.list", budget=200)
    assert quota.spent_today() == 160
    assert quota.spend("channels.list") == 161  # the others go on


def test_workers_together_never_pass_the_quota(settings):
    """The counter is one in Redis: eight workers racing for the last units take exactly the quota."""
    settings.YOUTUBE_DAILY_QUOTA = 50
    done, refused = [], []

    def worker():
        for _ in range(10):
            try:
                done.append(quota.spend("playlistItems.list"))
            except quota.QuotaExhausted:
                refused.append(1)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(done) == 50 and len(refused) == 30 and quota.spent_today() == 50
