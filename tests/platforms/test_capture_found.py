"""Evidence of an account that is not the city's (issue 23, G-4-3-カ): its public profile and newest posts read
through the guard and kept exactly as answered, never with a credential; a profile URL off the platform's
own hosts refused before anything is sent; its avatar fetched as an image from the platform's media hosts
only."""

import hashlib

import pytest

from platforms import reads
from platforms.models import ApiCredential
from tests.factories import platform
from tests.platform_fixtures import (
    JPEG_BYTES,
    MP4_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    X_TOKEN,
    X_USER_ID,
    X_USERNAME,
    YT_CHANNEL_ID,
    YT_HANDLE,
    bluesky_feed_page,
    bluesky_post,
    bluesky_profile,
    note_rss,
    profile_page,
    xrpc_error,
    youtube_feed,
)
from tests.platform_server import Listener
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db

FAKE_DID = "did:plc:lookalikeinvented00000000"
FAKE_HANDLE = "komae-clty.bsky.social"
PROFILE = "/xrpc/app.bsky.actor.getProfile"
FEED = "/xrpc/app.bsky.feed.getAuthorFeed"


@pytest.fixture
def bsky(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "bluesky") as server:
        yield server


def _answer_fake(bsky, actor):
    bsky.answer(
        PROFILE,
        match={"actor": actor},
        json=bluesky_profile(
            handle=FAKE_HANDLE,
            did=FAKE_DID,
            display_name="狛江市（公式）",
            description="狛江市の最新情報をお届けします",
        ),
    )
    bsky.answer(
        FEED,
        match={"actor": FAKE_DID},
        json=bluesky_feed_page(
            [
                bluesky_post(
                    "3kfake0002",
                    "【重要】給付金の申請はこちら https://komae-kyufu.example.invalid/",
                    "2026-11-29T09:00:00.000Z",
                    did=FAKE_DID,
                    links=["https://komae-kyufu.example.invalid/"],
                ),
                bluesky_post("3kfake0001", "狛江市の公式アカウントです", "2026-11-28T09:00:00.000Z", did=FAKE_DID),
            ],
            cursor="2026-11-28T09:00:00.000Z",
        ),
    )


def test_a_found_bluesky_account_is_captured_with_its_posts_as_answered(bsky):
    _answer_fake(bsky, FAKE_DID)
    found = reads.FoundAccount(FAKE_HANDLE, "狛江市（公式）", FAKE_DID, f"https://bsky.app/profile/{FAKE_HANDLE}")

    capture = reads.capture_found(platform("bluesky"), found, posts=10)

    assert capture.state.reachable and capture.state.display_name == "狛江市（公式）"
    assert capture.state.platform_account_id == FAKE_DID and capture.state.last_post == "2026-11-29T09:00:00.000Z"
    assert [p.post_id for p in capture.posts] == [
        f"at://{FAKE_DID}/app.bsky.feed.post/3kfake0002",
        f"at://{FAKE_DID}/app.bsky.feed.post/3kfake0001",
    ]
    assert capture.posts[0].links == ("https://komae-kyufu.example.invalid/",)
    # Asked by the DID the search gave (the handle may have moved on), the feed by the DID the profile gave.
    sent = api.paths_of(bsky)
    assert sent[0].startswith(f"{PROFILE}?actor=did%3Aplc%3A") and sent[1].startswith(f"{FEED}?actor=did%3Aplc%3A")
    assert "limit=10" in sent[1] and "cursor" not in sent[1]  # the newest posts only
    assert [(a.method, a.status) for a in capture.answers] == [("GET", 200), ("GET", 200)]
    for answer, path in zip(capture.answers, sent, strict=True):
        assert answer.url == bsky.url + path
        assert answer.sha256 == hashlib.sha256(answer.raw).hexdigest()
        assert answer.content_type.startswith("application/json") and answer.captured_at >= capture.captured_at
    assert b"komae-kyufu.example.invalid" in capture.answers[1].raw  # the bytes as the platform sent them
    assert all("authorization" not in {k.lower() for k in headers} for _, headers in api.requests_of(bsky))


def test_a_reported_bluesky_url_is_read_by_its_handle(bsky):
    _answer_fake(bsky, FAKE_HANDLE)
    capture = reads.capture_found(platform("bluesky"), f"  https://bsky.app/profile/{FAKE_HANDLE}  ")
    assert capture.profile_url == f"https://bsky.app/profile/{FAKE_HANDLE}"
    assert capture.state.platform_account_id == FAKE_DID and len(capture.posts) == 2
    assert api.paths_of(bsky)[0] == f"{PROFILE}?actor={FAKE_HANDLE}"


def test_a_taken_down_account_is_a_reading_with_the_answer_that_says_so(bsky):
    bsky.answer(PROFILE, status=400, json=xrpc_error("AccountTakedown", "Account has been suspended"))
    capture = reads.capture_found(platform("bluesky"), f"https://bsky.app/profile/{FAKE_HANDLE}")
    assert capture.state.gone and not capture.state.reachable
    assert capture.state.error == "Blueskyにより停止されています（AccountTakedown）"
    assert capture.posts == () and [a.status for a in capture.answers] == [400]
    assert b"AccountTakedown" in capture.answers[0].raw


@pytest.fixture
def x(settings, monkeypatch, admin, dept_b, head_b):
    with api.serve(settings, monkeypatch, "x") as server:
        account = api.city_account(dept_b, head_b, "x", X_USERNAME, X_USER_ID)
        api.register_token(admin, account, X_TOKEN, kind=ApiCredential.Kind.BEARER_TOKEN, for_platform=True)
        yield server


def test_a_page_platform_is_captured_from_its_public_page_without_the_citys_token(x):
    x.answer(
        "/komae_clty_inv",
        text=profile_page("狛江市【公式】", "狛江市の公式アカウントです（うそ）", identifier="1870000000000000009"),
        content_type="text/html",
    )
    capture = reads.capture_found(platform("x"), "https://x.com/komae_clty_inv")
    assert capture.state.display_name == "狛江市【公式】"
    assert capture.state.platform_account_id == "1870000000000000009"
    assert capture.state.profile_text == "狛江市の公式アカウントです（うそ）"
    assert capture.posts == () and "プロフィールのページだけを保存しました" in capture.note
    (answer,) = capture.answers
    assert answer.url == f"{x.url}/komae_clty_inv" and "狛江市【公式】".encode() in answer.raw
    (path, headers), *_ = api.requests_of(x)
    assert path == "/komae_clty_inv" and "authorization" not in {k.lower() for k in headers}
    assert all(X_TOKEN not in value for value in headers.values())


def test_a_youtube_channel_is_captured_from_its_page_and_public_feed(settings, monkeypatch):
    fake_id = "UCfakeKomaeInvented00001"
    with api.serve(settings, monkeypatch, "youtube") as yt:
        yt.answer(f"/channel/{fake_id}", text=profile_page("狛江市 公式", "狛江市の動画"), content_type="text/html")
        yt.answer(
            "/feeds/videos.xml",
            match={"channel_id": fake_id},
            text=youtube_feed(channel_id=fake_id, title="狛江市 公式"),
            content_type="application/atom+xml",
        )
        capture = reads.capture_found(platform("youtube"), f"https://www.youtube.com/channel/{fake_id}")
    assert capture.state.display_name == "狛江市 公式" and capture.state.platform_account_id == fake_id
    assert [p.post_id for p in capture.posts] == ["inventedV000", "inventedV001"]
    assert [a.url.removeprefix(yt.url) for a in capture.answers] == [
        f"/channel/{fake_id}",
        f"/feeds/videos.xml?channel_id={fake_id}",
    ]


def test_a_youtube_handle_url_is_captured_without_the_feed_and_says_why(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "youtube") as yt:
        yt.answer(f"/@{YT_HANDLE}x", text=profile_page("狛江市", "狛江市の動画"), content_type="text/html")
        capture = reads.capture_found(platform("youtube"), f"https://www.youtube.com/@{YT_HANDLE}x")
    assert capture.state.display_name == "狛江市" and capture.posts == ()
    assert capture.note == "チャンネルID（UC…）がわからないため、動画の一覧は読んでいません"
    assert YT_CHANNEL_ID not in capture.state.platform_account_id


def test_a_note_creator_is_captured_from_the_public_rss(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "note") as server:
        server.answer(
            "/komae_fake/rss", text=note_rss("komae_fake", title="狛江市（公式）"), content_type="application/rss+xml"
        )
        capture = reads.capture_found(platform("note"), "https://note.com/komae_fake", posts=1)
        assert api.paths_of(server) == ["/komae_fake/rss"]  # one request: the feed is profile and posts
    assert capture.state.display_name == "狛江市（公式）"
    assert [p.post_id for p in capture.posts] == ["ninvented0000"]
    assert capture.answers[0].raw.startswith(b"<?xml")


@pytest.mark.parametrize(
    "url",
    [
        f"https://bsky.app.komae-clty.example/profile/{FAKE_HANDLE}",  # a lookalike domain
        f"https://bsky-app.example.invalid/profile/{FAKE_HANDLE}",
        f"http://bsky.app/profile/{FAKE_HANDLE}",  # not https
        f"https://bsky.app:8443/profile/{FAKE_HANDLE}",  # another port
        f"https://user@bsky.app/profile/{FAKE_HANDLE}",  # user info
        "javascript:alert(1)",
        "https://bsky.app/search?q=狛江市",  # on the platform, but no account's page
        "https://bsky.app/profile/..%2F..%2Fxrpc",
    ],
)
def test_a_url_off_the_platform_is_refused_and_nothing_is_fetched(bsky, url):
    with pytest.raises(reads.ReadFailed, match=r"^BlueskyのアカウントのURLではないため、読みに行きません（"):
        reads.capture_found(platform("bluesky"), url)
    assert api.paths_of(bsky) == []


def test_an_internal_address_is_refused_before_any_connection(bsky):
    with Listener() as listener:
        for url in (
            f"http://127.0.0.1:{listener.port}/profile/{FAKE_HANDLE}",
            f"https://127.0.0.1:{listener.port}/profile/{FAKE_HANDLE}",
            f"{bsky.url}/xrpc/app.bsky.actor.getProfile?actor={FAKE_HANDLE}",  # the configured base itself
        ):
            with pytest.raises(reads.ReadFailed, match="読みに行きません"):
                reads.capture_found(platform("bluesky"), url)
        assert listener.connections == 0
    assert api.paths_of(bsky) == []


def test_a_found_account_with_a_foreign_profile_url_is_refused_too(bsky):
    found = reads.FoundAccount(FAKE_HANDLE, "狛江市", FAKE_DID, "https://evil.example.invalid/profile/x")
    with pytest.raises(reads.ReadFailed, match="読みに行きません"):
        reads.capture_found(platform("bluesky"), found)
    assert api.paths_of(bsky) == []


# --- a found account's avatar --------------------------------------------------------------------------


def test_an_avatar_is_fetched_as_an_image_with_no_credential(x):
    x.answer("/profile_images/1870000000000000009/a.jpg", body=JPEG_BYTES, content_type="image/jpeg")
    media = reads.fetch_avatar(platform("x"), f"{x.url}/profile_images/1870000000000000009/a.jpg")
    assert media.content == JPEG_BYTES and media.content_type == "image/jpeg"
    (_, headers), *_ = api.requests_of(x)
    assert "authorization" not in {k.lower() for k in headers}


@pytest.mark.parametrize(("body", "kind"), [(PDF_BYTES, "application/pdf"), (MP4_BYTES, "video/mp4")])
def test_an_avatar_that_is_not_an_image_is_not_kept(x, body, kind):
    x.answer("/avatar", body=body, content_type=kind)
    with pytest.raises(reads.ReadFailed, match=r"画像（PNG・JPEG・GIF・WebP）として読み取れないファイルです"):
        reads.fetch_avatar(platform("x"), f"{x.url}/avatar")


def test_an_avatar_larger_than_a_megabyte_is_dropped(x):
    x.answer("/big.png", body=PNG_BYTES + b"\x00" * (1024 * 1024), content_type="image/png")
    with pytest.raises(reads.ReadFailed, match="大きすぎます（上限 1 MB）"):
        reads.fetch_avatar(platform("x"), f"{x.url}/big.png")


def test_an_avatar_off_the_platforms_media_hosts_is_not_fetched(x):
    with Listener() as listener:
        for url in (
            "https://evil.example.invalid/a.jpg",
            f"http://127.0.0.1:{listener.port}/a.jpg",
            "https://pbs.twimg.com.evil.example/a.jpg",
            "data:image/png;base64,AAAA",
        ):
            with pytest.raises(reads.ReadFailed):
                reads.fetch_avatar(platform("x"), url)
        assert listener.connections == 0
    assert api.paths_of(x) == []
