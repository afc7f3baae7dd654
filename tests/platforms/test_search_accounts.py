"""The lookalike search's platform part (issue 23): the accounts a search on Bluesky, YouTube and X finds,
with what the scoring needs (avatar, creation date), page by page within bounds; the YouTube quota and
the discovery budget counted in Redis and a search past either never sent; X's refusal for an access
level without user search; hostile answers bounded, loops and endless answers stopped with a reason."""

from urllib.parse import parse_qs, urlsplit

import pytest

from platforms import checks, quota, reads
from platforms.models import ApiCredential
from tests.factories import platform
from tests.platform_fixtures import (
    X_TOKEN,
    X_USER_ID,
    X_USERNAME,
    YT_CHANNEL_ID,
    YT_HANDLE,
    bluesky_actor,
    bluesky_actors,
    x_client_forbidden,
    x_search_user,
    x_unsupported_authentication,
    x_users_search,
    youtube_channel_handles,
    youtube_search,
    youtube_search_channel,
)
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db

SEARCH = "/xrpc/app.bsky.actor.searchActors"
YT_SEARCH = "/youtube/v3/search"
YT_CHANNELS = "/youtube/v3/channels"
X_SEARCH = "/2/users/search"
KEY = "AIzaInventedDiscoveryKey-0123456789abc"
FAKE_DID = "did:plc:lookalikeinvented00000000"
FAKE_CHANNEL = "UCfakeKomaeInvented00001"  # UC + 22 characters, made up


def _queries(server, path: str) -> list[dict]:
    sent = [urlsplit(p) for p in api.paths_of(server)]
    return [{k: v[0] for k, v in parse_qs(u.query).items()} for u in sent if u.path == path]


@pytest.fixture
def bsky(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "bluesky") as server:
        yield server


# --- Bluesky: searchActors, its avatars and creation dates, page by page --------------------------------


def test_bluesky_results_carry_the_avatar_and_creation_date_page_by_page(bsky):
    first = bluesky_actors(
        bluesky_actor(
            "did:plc:k0maecity7example2invented",
            "komae-city.bsky.social",
            "狛江市",
            "狛江市の公式アカウントです",
            avatar="https://cdn.bsky.app/img/avatar/plain/did:plc:k0maecity7example2invented/bafkinv1@jpeg",
            created_at="2024-04-01T00:00:00.000Z",
        ),
        bluesky_actor(
            FAKE_DID,
            "komae-clty.bsky.social",
            "狛江市（公式）",
            "狛江市の最新情報",
            avatar="https://cdn.bsky.app/img/avatar/plain/did:plc:lookalikeinvented00000000/bafkinv2@jpeg",
            created_at="2026-11-28T10:00:00.000Z",
        ),
        cursor="25",
    )
    second = bluesky_actors(
        bluesky_actor("did:plc:thirdinvented000000000000", "komae-news.bsky.social", "こまえニュース"), cursor=None
    )
    bsky.answer(SEARCH, match={"q": "狛江市", "cursor": "25"}, json=second)
    bsky.answer(SEARCH, match={"q": "狛江市"}, json=first)

    found = reads.search_accounts(platform("bluesky"), "狛江市", limit=50)

    assert [f.handle for f in found] == ["komae-city.bsky.social", "komae-clty.bsky.social", "komae-news.bsky.social"]
    fake = found[1]
    assert fake.platform_account_id == FAKE_DID
    assert fake.avatar_url == "https://cdn.bsky.app/img/avatar/plain/did:plc:lookalikeinvented00000000/bafkinv2@jpeg"
    assert fake.created_at == "2026-11-28T10:00:00.000Z"
    assert fake.profile_url == "https://bsky.app/profile/komae-clty.bsky.social"
    assert (found[2].avatar_url, found[2].created_at) == ("", "")  # the platform did not say: nothing invented
    assert [q.get("cursor") for q in _queries(bsky, SEARCH)] == [None, "25"]
    assert _queries(bsky, SEARCH)[0]["limit"] == "50"


def test_a_search_asks_no_more_pages_than_the_results_it_needs(bsky):
    bsky.answer(
        SEARCH,
        json=bluesky_actors(
            ("did:plc:aaaainvented0000000000000", "a.bsky.social", "狛江市A", ""),
            ("did:plc:bbbbinvented0000000000000", "b.bsky.social", "狛江市B", ""),
            cursor="2",
        ),
    )
    found = reads.search_accounts(platform("bluesky"), "狛江市", limit=2)
    assert len(found) == 2 and len(_queries(bsky, SEARCH)) == 1


def test_paging_stops_at_its_bound(bsky, monkeypatch):
    """A platform that always has one more page: at most MAX_SEARCH_PAGES requests, what they found kept."""
    monkeypatch.setattr(reads, "MAX_SEARCH_PAGES", 3)
    for n in reversed(range(6)):  # the first page's answer (no cursor) last: it would match any query
        page = bluesky_actors(
            (f"did:plc:page{n}invented000000000000", f"p{n}.bsky.social", f"狛江{n}", ""), cursor=f"c{n + 1}"
        )
        bsky.answer(SEARCH, match={"cursor": f"c{n}"} if n else {}, json=page)
    found = reads.search_accounts(platform("bluesky"), "狛江", limit=100)
    assert [f.handle for f in found] == ["p0.bsky.social", "p1.bsky.social", "p2.bsky.social"]
    assert len(_queries(bsky, SEARCH)) == 3


def test_an_answer_whose_cursor_comes_back_is_stopped_and_says_why(bsky):
    bsky.answer(
        SEARCH,
        match={"cursor": "B"},
        json=bluesky_actors(("did:plc:loop2invented0000000000000", "l2.bsky.social", "狛江市2", ""), cursor="A"),
    )
    bsky.answer(
        SEARCH,
        match={"cursor": "A"},
        json=bluesky_actors(("did:plc:loop1invented0000000000000", "l1.bsky.social", "狛江市1", ""), cursor="B"),
    )
    bsky.answer(
        SEARCH, json=bluesky_actors(("did:plc:loop0invented0000000000000", "l0.bsky.social", "狛江市0", ""), cursor="A")
    )
    with pytest.raises(reads.ReadFailed, match="同じ続きの位置（カーソル）を繰り返したため、打ち切りました") as failed:
        reads.search_accounts(platform("bluesky"), "狛江市", limit=100)
    assert [f.handle for f in failed.value.partial] == ["l0.bsky.social", "l1.bsky.social", "l2.bsky.social"]
    assert [q.get("cursor") for q in _queries(bsky, SEARCH)] == [None, "A", "B"]


def test_a_page_that_repeats_its_own_cursor_is_a_loop_too(bsky):
    bsky.answer(
        SEARCH, json=bluesky_actors(("did:plc:sameinvented00000000000000", "s.bsky.social", "狛江", ""), cursor="X")
    )
    with pytest.raises(reads.ReadFailed, match="繰り返した"):
        reads.search_accounts(platform("bluesky"), "狛江", limit=100)
    assert len(_queries(bsky, SEARCH)) == 2  # the first page, and the one that answered with the same cursor


def test_hostile_names_are_bounded_and_kept_not_rejected(bsky):
    rlo, zwsp, family = "\u202e", "\u200b", "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
    long_name = rlo + "市江狛" + zwsp * 50 + "狛" * 10_000
    bsky.answer(
        SEARCH,
        json=bluesky_actors(
            bluesky_actor(
                "did:plc:hostile1invented0000000000",
                "hostile.bsky.social",
                long_name,
                "説明\x00" * 20_000,
                avatar="javascript:alert(1)",
                created_at="きのう",
            ),
            bluesky_actor("did:plc:hostile2invented0000000000", "emoji.bsky.social", f"{family}狛江市{family}", ""),
            {"did": ["not", "a", "string"], "handle": "nodid.bsky.social"},  # no usable ID: left out
            bluesky_actor("did:plc:hostile3invented0000000000", "dated.bsky.social", "狛江", created_at=12345),
        ),
    )
    answer = bsky.server.RequestHandlerClass.answers[SEARCH][0]
    answer["body"] = answer["body"].replace('"actors": [', '"actors": ["not an actor", 42, null, ', 1)
    found = reads.search_accounts(platform("bluesky"), "狛江市")
    assert [f.handle for f in found] == ["hostile.bsky.social", "emoji.bsky.social", "dated.bsky.social"]
    hostile = found[0]
    assert len(hostile.display_name) == reads.MAX_NAME and hostile.display_name.startswith(rlo + "市江狛" + zwsp)
    assert len(hostile.description) == reads.MAX_DESCRIPTION and "\x00" not in hostile.description
    assert (hostile.avatar_url, hostile.created_at) == ("", "")  # a javascript: URL, a date that is none
    assert found[1].display_name == f"{family}狛江市{family}"  # emoji sequences whole
    assert found[2].created_at == ""


def test_an_answer_too_large_or_endless_or_not_json_is_a_reason(bsky, monkeypatch):
    bsky.answer(SEARCH, match={"q": "大きい"}, text="[" + " " * (3 * 1024 * 1024) + "]")
    with pytest.raises(reads.ReadFailed, match="大きすぎます"):
        reads.search_accounts(platform("bluesky"), "大きい")
    bsky.answer(SEARCH, match={"q": "壊れた"}, text="<html>not json</html>")
    with pytest.raises(reads.ReadFailed, match="JSONではありません"):
        reads.search_accounts(platform("bluesky"), "壊れた")
    bsky.answer(
        SEARCH,
        match={"q": "多すぎる"},
        json={"actors": [bluesky_actor(f"did:plc:{n:025d}", "a.b", "x") for n in range(101)]},
    )
    with pytest.raises(reads.ReadFailed, match="アカウントが多すぎます"):
        reads.search_accounts(platform("bluesky"), "多すぎる")
    monkeypatch.setattr(checks, "ANSWER_DEADLINE_SECONDS", -1.0)  # every answer is already past its deadline
    bsky.answer(SEARCH, match={"q": "終わらない"}, json=bluesky_actors())
    with pytest.raises(reads.ReadFailed, match="応答が終わりません"):
        reads.search_accounts(platform("bluesky"), "終わらない")


# --- YouTube: search.list with the city's key, within the quota and the discovery budget ---------------


@pytest.fixture
def yt(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "youtube") as server:
        yield server


@pytest.fixture
def youtube_key(admin, dept_b, head_b):
    account = api.city_account(dept_b, head_b, "youtube", YT_HANDLE, YT_CHANNEL_ID)
    return api.register_token(admin, account, KEY, kind=ApiCredential.Kind.API_KEY, for_platform=True)


def _answer_youtube(yt):
    yt.answer(
        YT_SEARCH,
        match={"part": "snippet", "type": "channel", "q": "狛江市"},
        json=youtube_search(
            [
                youtube_search_channel(YT_CHANNEL_ID, "狛江市", published_at="2020-04-01T00:00:00Z"),
                youtube_search_channel(
                    FAKE_CHANNEL,
                    "狛江市 公式チャンネル",
                    description="狛江市の動画をお届けします",
                    published_at="2026-11-27T08:00:00Z",
                    avatar="https://yt3.ggpht.com/invented-fake-avatar=s88",
                ),
            ]
        ),
    )
    yt.answer(
        YT_CHANNELS,
        match={"part": "snippet", "id": f"{YT_CHANNEL_ID},{FAKE_CHANNEL}"},
        json=youtube_channel_handles((YT_CHANNEL_ID, YT_HANDLE), (FAKE_CHANNEL, "komaecity_official_jp")),
    )


def test_without_a_key_youtube_cannot_search_and_says_what_instead(yt):
    answer = checks.can_search(platform("youtube"))
    assert not answer and answer.reason.startswith("アカウントの検索はできません：APIの設定がありません")
    assert checks.search_alternative(platform("youtube")).startswith("APIキーを登録すると検索できます。")
    with pytest.raises(reads.ReadFailed, match="APIの設定がありません"):
        reads.search_accounts(platform("youtube"), "狛江市")
    assert api.paths_of(yt) == []


def test_youtube_channels_are_found_with_their_handles_and_the_units_counted(yt, youtube_key):
    _answer_youtube(yt)
    assert checks.can_search(platform("youtube"))
    found = reads.search_accounts(platform("youtube"), "狛江市", limit=25)

    fake = found[1]
    assert (fake.platform_account_id, fake.handle, fake.display_name) == (
        FAKE_CHANNEL,
        "komaecity_official_jp",
        "狛江市 公式チャンネル",
    )
    assert fake.profile_url == f"https://www.youtube.com/channel/{FAKE_CHANNEL}"
    assert fake.avatar_url == "https://yt3.ggpht.com/invented-fake-avatar=s88"
    assert fake.created_at == "2026-11-27T08:00:00Z"
    assert fake.description == "狛江市の動画をお届けします"
    search, channels = _queries(yt, YT_SEARCH), _queries(yt, YT_CHANNELS)
    assert search == [{"part": "snippet", "type": "channel", "q": "狛江市", "maxResults": "25", "key": KEY}]
    assert len(channels) == 1
    # search.list 100 units and channels.list 1, in the day's total and in the discovery's own count
    assert quota.spent_today() == 101 and quota.spent_today(purpose="discovery") == 101


def test_a_search_past_the_discovery_budget_is_not_sent(yt, youtube_key, settings):
    settings.DISCOVERY_YOUTUBE_DAILY_UNITS = 150
    _answer_youtube(yt)
    reads.search_accounts(platform("youtube"), "狛江市")
    assert quota.spent_today(purpose="discovery") == 101
    with pytest.raises(reads.ReadFailed) as refused:
        reads.search_accounts(platform("youtube"), "狛江市")
    assert "なりすまし探し（似たアカウントの検索）に割り当てた本日の分（150ユニット）を使い切った" in str(refused.value)
    assert KEY not in str(refused.value)
    assert len(_queries(yt, YT_SEARCH)) == 1  # the second search.list never left
    assert quota.spent_today() == 101 and quota.spent_today(purpose="discovery") == 101
    # The status checks keep their share of the day.
    assert quota.spend("channels.list") == 102


def test_a_search_past_the_days_quota_is_not_sent(yt, youtube_key, settings):
    settings.YOUTUBE_DAILY_QUOTA = 150
    for _ in range(60):
        quota.spend("channels.list")  # the status checks spent 60 units today
    _answer_youtube(yt)
    with pytest.raises(reads.ReadFailed, match="1日の割り当て（150ユニット）を使い切った"):
        reads.search_accounts(platform("youtube"), "狛江市")
    assert _queries(yt, YT_SEARCH) == []
    assert quota.spent_today() == 60 and quota.spent_today(purpose="discovery") == 0


def test_youtube_without_handles_still_finds_the_channels(yt, youtube_key):
    """The channels.list that adds the @handles failing costs the handles, not the search."""
    yt.answer(
        YT_SEARCH, json=youtube_search([youtube_search_channel(FAKE_CHANNEL, "狛江市")], next_page_token="CBkQAA")
    )
    yt.answer(YT_CHANNELS, status=500, json={"error": {"code": 500, "errors": [{"reason": "backendError"}]}})
    found = reads.search_accounts(platform("youtube"), "狛江市", limit=1)
    assert [(f.platform_account_id, f.handle) for f in found] == [(FAKE_CHANNEL, "")]


def test_a_purpose_spends_within_its_own_budget_and_the_days_quota(settings):
    settings.YOUTUBE_DAILY_QUOTA = 10_000
    assert quota.spend("search.list", purpose="discovery", budget=200) == 100
    assert quota.spend("channels.list") == 101
    assert quota.spend("search.list", purpose="discovery", budget=200) == 201
    with pytest.raises(quota.QuotaExhausted, match="なりすまし探し"):
        quota.spend("search.list", purpose="discovery", budget=200)
    assert quota.spent_today() == 201 and quota.spent_today(purpose="discovery") == 200
    assert quota.spend("channels.list") == 202  # the others go on


# --- X: GET /2/users/search with the city's token, or why the city's access does not allow it ----------


@pytest.fixture
def x(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "x") as server:
        yield server


@pytest.fixture
def x_token(admin, dept_b, head_b):
    account = api.city_account(dept_b, head_b, "x", X_USERNAME, X_USER_ID)
    return api.register_token(admin, account, X_TOKEN, kind=ApiCredential.Kind.BEARER_TOKEN, for_platform=True)


def test_x_users_are_searched_with_the_citys_token(x, x_token):
    x.answer(
        X_SEARCH,
        match={"query": "狛江市"},
        json=x_users_search(
            [
                x_search_user(X_USER_ID, X_USERNAME, "狛江市", created_at="2012-04-01T00:00:00.000Z"),
                x_search_user(
                    "1870000000000000009",
                    "komae_clty_inv",
                    "狛江市【公式】",
                    description="狛江市の公式アカウントです（うそ）",
                    created_at="2026-11-29T01:02:03.000Z",
                    image="https://pbs.twimg.com/profile_images/1870000000000000009/invented_normal.jpg",
                ),
            ]
        ),
    )
    found = reads.search_accounts(platform("x"), "狛江市", limit=10)
    fake = found[1]
    assert (fake.handle, fake.display_name, fake.platform_account_id) == (
        "komae_clty_inv",
        "狛江市【公式】",
        "1870000000000000009",
    )
    assert fake.profile_url == "https://x.com/komae_clty_inv"
    assert fake.created_at == "2026-11-29T01:02:03.000Z"
    assert fake.avatar_url == "https://pbs.twimg.com/profile_images/1870000000000000009/invented_normal.jpg"
    (sent,) = _queries(x, X_SEARCH)
    assert sent["max_results"] == "10"
    assert {"created_at", "description", "profile_image_url"} <= set(sent["user.fields"].split(","))
    api.assert_token_only_in_authorization(x, X_TOKEN)


@pytest.mark.parametrize(
    ("body", "code"),
    [(x_client_forbidden(), "client-not-enrolled"), (x_unsupported_authentication(), "unsupported-authentication")],
)
def test_an_access_level_without_user_search_is_said_plainly(x, x_token, body, code):
    x.answer(X_SEARCH, status=403, json=body)
    with pytest.raises(reads.ReadFailed) as refused:
        reads.search_accounts(platform("x"), "狛江市")
    assert str(refused.value) == (
        f"市のX APIの利用（アクセスレベル・認証の種類）ではユーザー検索が使えません（HTTP 403・{code}）。"
        "X Developer Portalの契約を確認してください"
    )
    assert "invented text" not in str(refused.value)  # X's own words are never copied (issue 20)


def test_x_without_a_token_sends_nothing(x):
    answer = checks.can_search(platform("x"))
    assert not answer and "APIの設定がありません" in answer.reason
    with pytest.raises(reads.ReadFailed, match="APIの設定がありません"):
        reads.search_accounts(platform("x"), "狛江市")
    assert api.paths_of(x) == []
