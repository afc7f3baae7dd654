"""Reading through a platform beyond its profile (issue 21): an account's posts page by page, and the
accounts a search finds — asked by capability, never by platform name, against the local server
playing each platform's documented API."""

import hashlib

import pytest

from platforms import checks, reads
from platforms.checks import Capability
from tests.factories import platform
from tests.platform_fixtures import (
    BSKY_DID,
    LINE_USER_ID,
    NOTE_ID,
    YT_CHANNEL_ID,
    YT_HANDLE,
    bluesky_actors,
    bluesky_feed_page,
    bluesky_post,
    note_rss,
    xrpc_error,
    youtube_feed,
)
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db

FEED = "/xrpc/app.bsky.feed.getAuthorFeed"
SEARCH = "/xrpc/app.bsky.actor.searchActors"
HANDLE = "komae-city.bsky.social"


@pytest.fixture
def bsky(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "bluesky") as server:
        yield server


@pytest.fixture
def account(dept_b, head_b):
    return api.city_account(dept_b, head_b, "bluesky", HANDLE, BSKY_DID)


def _paths(server):
    return [path for path, _ in server.server.RequestHandlerClass.requests]


def test_posts_are_read_page_by_page_with_the_platforms_cursor(bsky, account):
    first = bluesky_feed_page(
        [
            bluesky_post(
                "3kinv0002",
                "防災訓練のお知らせ https://www.city.komae.tokyo.jp/bousai",
                "2026-11-20T09:00:00.000Z",
                links=["https://www.city.komae.tokyo.jp/bousai"],
                images=["https://cdn.example.invalid/img/bousai.jpg"],
            ),
            bluesky_post("3kinvrepo", "他の方の投稿", "2026-11-19T09:00:00.000Z", repost_by=BSKY_DID),
        ],
        cursor="2026-11-19T09:00:00.000Z",
    )
    older = bluesky_feed_page([bluesky_post("3kinv0001", "市からのお知らせです。", "2026-11-01T09:00:00.000Z")])
    bsky.answer(FEED, match={"actor": BSKY_DID, "cursor": "2026-11-19T09:00:00.000Z"}, json=older)
    bsky.answer(FEED, match={"actor": BSKY_DID}, json=first)

    page = reads.read_posts(account, limit=2)
    (post,) = page.posts  # the repost is someone else's post, not the account's
    assert post.post_id == f"at://{BSKY_DID}/app.bsky.feed.post/3kinv0002"
    assert post.url == f"https://bsky.app/profile/{BSKY_DID}/post/3kinv0002"
    assert (post.published, post.text) == ("2026-11-20T09:00:00.000Z", first["feed"][0]["post"]["record"]["text"])
    assert post.links == ("https://www.city.komae.tokyo.jp/bousai",)
    assert post.media == ("https://cdn.example.invalid/img/bousai.jpg",)
    # The answer is kept exactly as read, so the archive can prove what the platform said.
    assert page.raw and page.sha256 == hashlib.sha256(page.raw).hexdigest()
    assert b"3kinv0002" in page.raw

    second = reads.read_posts(account, cursor=page.cursor)
    assert [p.text for p in second.posts] == ["市からのお知らせです。"] and second.cursor == ""
    assert _paths(bsky)[0].startswith(f"{FEED}?actor={BSKY_DID.replace(':', '%3A')}&limit=2")


def test_a_cursor_that_repeats_ends_the_reading(bsky, account):
    """An endless feed (the same cursor again) must not keep a capture going for ever (issue 22)."""
    loop = bluesky_feed_page([bluesky_post("3kinv0001", "同じ投稿", "2026-11-01T09:00:00.000Z")], cursor="c1")
    bsky.answer(FEED, json=loop)
    assert reads.read_posts(account, cursor="c1").cursor == ""


def test_before_a_check_has_read_the_did_the_handle_is_asked(bsky, dept_b, head_b):
    account = api.city_account(dept_b, head_b, "bluesky", HANDLE)
    bsky.answer(FEED, match={"actor": HANDLE}, json=bluesky_feed_page([]))
    assert reads.read_posts(account).posts == ()


def test_a_platform_error_is_the_reason_and_a_vanished_account_is_gone(bsky, account):
    bsky.answer(FEED, status=400, json=xrpc_error("AccountDeactivated", "Account is deactivated"), times=1)
    with pytest.raises(reads.ReadFailed) as gone:
        reads.read_posts(account)
    assert gone.value.gone and "無効化" in str(gone.value)
    bsky.answer(FEED, status=500, json=xrpc_error("InternalServerError", "Bearer leaked-into-message"))
    with pytest.raises(reads.ReadFailed) as failed:
        reads.read_posts(account)
    assert not failed.value.gone and "HTTP 500" in str(failed.value) and "Bearer" not in str(failed.value)


def test_a_platform_without_the_capability_says_why_and_sends_nothing(settings, monkeypatch, dept_b, head_b):
    with api.serve(settings, monkeypatch, "line") as server:
        account = api.city_account(dept_b, head_b, "line", "123komae", LINE_USER_ID)
        assert not checks.can(account, Capability.READ_POSTS)
        with pytest.raises(reads.ReadFailed, match="投稿の読み取りはできません"):
            reads.read_posts(account)
        assert _paths(server) == []


def test_note_articles_are_read_from_its_rss(settings, monkeypatch, dept_b, head_b):
    with api.serve(settings, monkeypatch, "note") as server:
        server.answer(f"/{NOTE_ID}/rss", text=note_rss(), content_type="application/rss+xml")
        account = api.city_account(dept_b, head_b, "note", NOTE_ID)
        page = reads.read_posts(account)
    assert [p.post_id for p in page.posts] == ["ninvented0000", "ninvented0001"]  # newest first
    assert page.posts[0].url == f"https://note.com/{NOTE_ID}/n/ninvented0000"
    assert page.posts[0].published == "2026-11-20T09:00:00+00:00" and "狛江の取り組み 0" in page.posts[0].text
    assert page.cursor == ""  # a feed is one page


def test_youtube_videos_are_read_from_the_channel_feed_without_a_key(settings, monkeypatch, dept_b, head_b):
    with api.serve(settings, monkeypatch, "youtube") as server:
        server.answer("/feeds/videos.xml", text=youtube_feed(), content_type="application/atom+xml")
        account = api.city_account(dept_b, head_b, "youtube", YT_HANDLE, YT_CHANNEL_ID)
        page = reads.read_posts(account)
    assert [p.post_id for p in page.posts] == ["inventedV000", "inventedV001"]
    assert page.posts[0].url == "https://www.youtube.com/watch?v=inventedV000"
    assert page.posts[0].media == ("https://i.example.invalid/vi/inventedV000/hqdefault.jpg",)


def test_accounts_are_searched_on_a_platform_that_can(bsky):
    lookalike = ("did:plc:lookalikeinvented00000000", "komae-clty.bsky.social", "狛江市（公式）", "なりすまし")
    bsky.answer(
        SEARCH,
        match={"q": "狛江市"},
        json=bluesky_actors(("did:plc:k0maecity7example2invented", HANDLE, "狛江市", "公式"), lookalike),
    )
    found = reads.search_accounts(platform("bluesky"), " 狛江市 ")
    assert [f.handle for f in found] == [HANDLE, "komae-clty.bsky.social"]
    assert found[1].profile_url == "https://bsky.app/profile/komae-clty.bsky.social"
    assert found[1].platform_account_id == "did:plc:lookalikeinvented00000000"


def test_a_search_needs_words_and_a_platform_that_can(bsky):
    with pytest.raises(reads.ReadFailed, match="検索する語"):
        reads.search_accounts(platform("bluesky"), "  ")
    with pytest.raises(reads.ReadFailed, match="アカウントの検索はできません"):
        reads.search_accounts(platform("x"), "狛江市")
    assert _paths(bsky) == []
