"""The posts of the platforms read with the city's credential (issue 22): X's timeline with its edit
history, Threads, Facebook pages and Instagram through Meta's edges, TikTok's video list — what each
keeps of a post, what it asks, and that the token goes only where it must."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from platforms import reads
from platforms.models import ApiCredential
from tests.platform_fixtures import (
    FB_PAGE_ID,
    GRAPH_TOKEN,
    IG_USER_ID,
    THREADS_USER_ID,
    TIKTOK_OPEN_ID,
    TIKTOK_TOKEN,
    X_TOKEN,
    X_USER_ID,
    X_USERNAME,
    fb_post,
    graph_edge,
    ig_post,
    threads_post,
    threads_user,
    tiktok_user,
    tiktok_video,
    tiktok_videos,
    x_media,
    x_post,
    x_suspended,
    x_timeline,
    x_user,
)
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db

TWEETS = f"/2/users/{X_USER_ID}/tweets"


def _query(path: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}


@pytest.fixture
def x(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "x") as server:
        yield server


@pytest.fixture
def x_account(dept_b, head_b, admin):
    account = api.city_account(dept_b, head_b, "x", X_USERNAME, X_USER_ID)
    api.register_token(admin, account, X_TOKEN, kind=ApiCredential.Kind.BEARER_TOKEN, for_platform=True)
    return account


def test_x_posts_keep_the_edit_history_links_and_media(x, x_account):
    """An edit is a post of its own on X; `edit_history_tweet_ids` ties the versions together."""
    edited = x_post(
        "1860000000000000003",
        "【訂正】防災訓練は11月30日です https://t.co/invented0",
        "2026-11-20T10:00:00.000Z",
        edit_history=["1860000000000000002", "1860000000000000003"],
        urls=["https://www.city.komae.tokyo.jp/bousai"],
        media_keys=["3_1860000000000000001", "7_1860000000000000002"],
    )
    long_post = x_post(
        "1860000000000000001", "市からのお知らせ…", "2026-11-19T09:00:00.000Z", note_text="市からのお知らせ" * 50
    )
    media = [
        x_media("3_1860000000000000001", "photo", "https://pbs.example.invalid/media/bousai.jpg"),
        x_media("7_1860000000000000002", "video", "https://pbs.example.invalid/ext_tw_video_thumb/1.jpg"),
    ]
    x.answer(TWEETS, json=x_timeline([edited, long_post], media=media, next_token="7140dibdnow9c7btw3w29"))
    page = reads.read_posts(x_account, limit=2)

    first, second = page.posts
    assert first.post_id == "1860000000000000003" and first.url == "https://x.com/i/web/status/1860000000000000003"
    assert first.edit_history == ("1860000000000000002", "1860000000000000003")
    assert first.original_id == "1860000000000000002"  # the versions of one post share it
    assert first.links == ("https://www.city.komae.tokyo.jp/bousai",)  # the t.co link expanded
    assert first.media == (
        "https://pbs.example.invalid/media/bousai.jpg",
        "https://pbs.example.invalid/ext_tw_video_thumb/1.jpg",  # a video's still
    )
    assert second.text == "市からのお知らせ" * 50  # a long post's whole text (note_tweet)
    assert second.original_id == second.post_id
    assert page.cursor == "7140dibdnow9c7btw3w29"

    asked = _query(api.paths_of(x)[0])
    assert urlsplit(api.paths_of(x)[0]).path == TWEETS  # by the permanent ID: no username lookup
    assert asked["max_results"] == "5"  # X's least: a smaller limit still reads a page of 5
    assert asked["exclude"] == "retweets"  # others' posts reposted are not the city's
    assert asked["expansions"] == "attachments.media_keys"
    assert set(asked["tweet.fields"].split(",")) >= {"created_at", "entities", "attachments", "edit_history_tweet_ids"}
    assert asked["media.fields"] == "url,preview_image_url,type"
    api.assert_token_only_in_authorization(x, X_TOKEN)


def test_x_asks_the_next_page_with_its_pagination_token(x, x_account):
    x.answer(TWEETS, match={"pagination_token": "t2"}, json=x_timeline([]))
    x.answer(TWEETS, json=x_timeline([x_post("1860000000000000001", "新しい投稿", "2026-11-20T09:00:00.000Z")]))
    page = reads.read_posts(x_account, cursor="t2")
    assert (page.posts, page.cursor) == ((), "")
    assert _query(api.paths_of(x)[0])["pagination_token"] == "t2"
    assert _query(api.paths_of(x)[0])["max_results"] == "50"


def test_x_without_a_registered_id_asks_who_the_username_is_now(x, dept_b, head_b, admin):
    account = api.city_account(dept_b, head_b, "x", X_USERNAME)
    api.register_token(admin, account, X_TOKEN, kind=ApiCredential.Kind.BEARER_TOKEN, for_platform=True)
    x.answer(f"/2/users/by/username/{X_USERNAME}", json=x_user())
    x.answer(TWEETS, json=x_timeline([x_post("1860000000000000001", "お知らせ", "2026-11-20T09:00:00.000Z")]))
    assert [p.text for p in reads.read_posts(account).posts] == ["お知らせ"]
    assert [urlsplit(p).path for p in api.paths_of(x)] == [f"/2/users/by/username/{X_USERNAME}", TWEETS]


def test_x_a_suspended_account_is_gone(x, x_account):
    x.answer(TWEETS, json=x_suspended())
    with pytest.raises(reads.ReadFailed) as failed:
        reads.read_posts(x_account)
    assert failed.value.gone and "凍結" in str(failed.value)


def test_x_without_a_token_says_what_is_needed_and_sends_nothing(x, dept_b, head_b):
    account = api.city_account(dept_b, head_b, "x", X_USERNAME, X_USER_ID)
    with pytest.raises(reads.ReadFailed, match="投稿の読み取りはできません：APIの設定がありません"):
        reads.read_posts(account)
    assert api.paths_of(x) == []


# --- Threads ------------------------------------------------------------------------------------------


@pytest.fixture
def threads(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "threads") as server:
        yield server


def test_threads_posts_leave_out_reposts_and_follow_after(threads, dept_b, head_b, admin):
    account = api.city_account(dept_b, head_b, "threads", "komae_city_invented", THREADS_USER_ID)
    api.register_token(admin, account, GRAPH_TOKEN)
    path = f"/v1.0/{THREADS_USER_ID}/threads"
    threads.answer(
        path,
        match={"after": "QVFIafter1"},
        json=graph_edge([threads_post(3, "先週の投稿", "2026-11-13T09:00:00+0000")]),
    )
    threads.answer(
        path,
        json=graph_edge(
            [
                threads_post(
                    1,
                    "防災訓練のお知らせ https://www.city.komae.tokyo.jp/bousai",
                    "2026-11-20T09:00:00+0000",
                    media_type="IMAGE",
                    media_url="https://scontent.example.invalid/t/1.jpg",
                ),
                threads_post(2, "", "2026-11-19T09:00:00+0000", media_type="REPOST_FACADE"),
            ],
            after="QVFIafter1",
        ),
    )
    page = reads.read_posts(account)
    (post,) = page.posts  # the repost is someone else's post
    assert post.url == "https://www.threads.com/@komae_city_invented/post/Invented0001"
    assert post.links == ("https://www.city.komae.tokyo.jp/bousai",)
    assert post.media == ("https://scontent.example.invalid/t/1.jpg",)
    assert page.cursor == "QVFIafter1"
    older = reads.read_posts(account, cursor=page.cursor)
    assert [p.text for p in older.posts] == ["先週の投稿"] and older.cursor == ""  # no paging.next: the last page
    fields = _query(api.paths_of(threads)[0])["fields"]
    assert set(fields.split(",")) == {"id", "text", "timestamp", "permalink", "media_url", "media_type"}
    api.assert_token_only_in_authorization(threads, GRAPH_TOKEN)


def test_threads_without_a_registered_id_reads_the_tokens_own_user_once_it_is_the_account(
    threads, dept_b, head_b, admin
):
    account = api.city_account(dept_b, head_b, "threads", "komae_city_invented")
    api.register_token(admin, account, GRAPH_TOKEN)
    threads.answer("/v1.0/me", json=threads_user(username="someone_else"), times=1)
    with pytest.raises(reads.ReadFailed, match="別のThreadsアカウント（@someone_else）"):
        reads.read_posts(account)
    assert [urlsplit(p).path for p in api.paths_of(threads)] == ["/v1.0/me"]  # no posts of another account
    threads.answer("/v1.0/me", json=threads_user())
    threads.answer(
        f"/v1.0/{THREADS_USER_ID}/threads", json=graph_edge([threads_post(1, "本人の投稿", "2026-11-20T09:00:00+0000")])
    )
    assert [p.text for p in reads.read_posts(account).posts] == ["本人の投稿"]


# --- Facebook and Instagram ---------------------------------------------------------------------------


def test_facebook_page_posts_keep_their_attachments(settings, monkeypatch, dept_b, head_b, admin):
    with api.serve(settings, monkeypatch, "facebook") as fb:
        account = api.city_account(dept_b, head_b, "facebook", "komae.city.invented", FB_PAGE_ID)
        api.register_token(admin, account, GRAPH_TOKEN)
        fb.answer(
            f"/v26.0/{FB_PAGE_ID}/posts",
            json=graph_edge(
                [
                    fb_post(
                        1,
                        "市民まつりを開催します",
                        "2026-11-20T09:00:00+0000",
                        image="https://scontent.example.invalid/fb/1.jpg",
                    ),
                    fb_post(
                        2,
                        "詳しくは市のページへ",
                        "2026-11-19T09:00:00+0000",
                        link="https://www.city.komae.tokyo.jp/matsuri",
                    ),
                ],
                after="QVFIpage2",
            ),
        )
        page = reads.read_posts(account, limit=200)
        first, second = page.posts
        assert first.post_id == f"{FB_PAGE_ID}_900000000000001"
        assert first.url == "https://www.facebook.com/komae.city.invented/posts/pfbidInvented0001"
        assert first.media == ("https://scontent.example.invalid/fb/1.jpg",)
        assert (first.published, first.text) == ("2026-11-20T09:00:00+0000", "市民まつりを開催します")
        assert second.links == ("https://www.city.komae.tokyo.jp/matsuri",)
        assert page.cursor == "QVFIpage2"
        asked = _query(api.paths_of(fb)[0])
        assert asked["limit"] == "100"  # a page is never asked larger than the layer's bound
        assert asked["fields"] == "id,message,created_time,permalink_url,attachments{media,url}"
        api.assert_token_only_in_authorization(fb, GRAPH_TOKEN)


def test_instagram_media_are_read_by_the_ig_user_id(settings, monkeypatch, dept_b, head_b, admin):
    with api.serve(settings, monkeypatch, "instagram") as ig:
        account = api.city_account(dept_b, head_b, "instagram", "komae_city_invented", IG_USER_ID)
        api.register_token(admin, account, GRAPH_TOKEN)
        ig.answer(
            f"/v26.0/{IG_USER_ID}/media",
            json=graph_edge(
                [
                    ig_post(
                        1,
                        "狛江の秋 #komae",
                        "2026-11-20T09:00:00+0000",
                        media_type="VIDEO",
                        media_url="https://scontent.example.invalid/ig/1.mp4",
                    )
                ]
            ),
        )
        (post,) = reads.read_posts(account).posts
        assert (post.post_id, post.url) == ("18000000000000001", "https://www.instagram.com/p/Invented0001/")
        assert post.media == ("https://scontent.example.invalid/ig/1.mp4",) and post.text == "狛江の秋 #komae"


def test_a_graph_page_without_a_registered_id_asks_nothing(settings, monkeypatch, dept_b, head_b, admin):
    with api.serve(settings, monkeypatch, "facebook") as fb:
        account = api.city_account(dept_b, head_b, "facebook", "komae.city.invented")
        api.register_token(admin, account, GRAPH_TOKEN)
        with pytest.raises(reads.ReadFailed, match="SNS上の固有ID（ページID）が登録されていません"):
            reads.read_posts(account)
        assert api.paths_of(fb) == []


# --- TikTok -------------------------------------------------------------------------------------------

LIST = "/v2/video/list/"


@pytest.fixture
def tiktok(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "tiktok") as server:
        yield server


@pytest.fixture
def tiktok_account(dept_b, head_b, admin):
    account = api.city_account(dept_b, head_b, "tiktok", "komae_city_invented", TIKTOK_OPEN_ID)
    api.register_token(admin, account, TIKTOK_TOKEN)
    return account


def _posted(server) -> list[tuple[str, dict]]:
    return list(server.server.RequestHandlerClass.posted)


def test_tiktok_videos_are_listed_with_a_json_body_after_the_token_is_shown_to_be_the_accounts(tiktok, tiktok_account):
    tiktok.answer("/v2/user/info/", json=tiktok_user())
    tiktok.answer(LIST, match={"cursor": "1763000000000"}, json=tiktok_videos([tiktok_video(2, 1762000000)]))
    tiktok.answer(
        LIST,
        json=tiktok_videos(
            [
                tiktok_video(
                    1,
                    1763629200,
                    title="市民まつり",
                    description="市民まつり 今年も開催します https://www.city.komae.tokyo.jp/",
                )
            ],
            cursor=1763000000000,
            has_more=True,
        ),
    )
    page = reads.read_posts(tiktok_account)
    (post,) = page.posts
    assert post.post_id == "7300000000000000001"
    assert post.published == "2025-11-20T09:00:00+00:00"  # create_time, a Unix time, as ISO 8601 in UTC
    assert post.text == "市民まつり 今年も開催します https://www.city.komae.tokyo.jp/"  # the title is its beginning
    assert post.links == ("https://www.city.komae.tokyo.jp/",)
    assert post.media == ("https://p16.example.invalid/cover/00001.jpeg",)
    assert page.cursor == "1763000000000"
    assert reads.read_posts(tiktok_account, cursor=page.cursor).cursor == ""  # has_more false: the end

    lists = [(path, body) for path, body in _posted(tiktok) if path.startswith(LIST)]
    assert [body for _, body in lists] == [{"max_count": 20}, {"max_count": 20, "cursor": 1763000000000}]
    fields = _query(lists[0][0])["fields"]
    assert fields == "id,create_time,title,video_description,share_url,cover_image_url"
    sent = api.requests_of(tiktok)
    assert [urlsplit(p).path for p, _ in sent] == ["/v2/user/info/", LIST, "/v2/user/info/", LIST]
    assert all(TIKTOK_TOKEN not in json.dumps(body) for _, body in lists)
    api.assert_token_only_in_authorization(tiktok, TIKTOK_TOKEN)


def test_tiktok_a_token_of_another_open_id_lists_nothing(tiktok, tiktok_account):
    tiktok.answer("/v2/user/info/", json=tiktok_user(open_id="-000Invented-Someone-Else0000"))
    with pytest.raises(reads.ReadFailed, match="別のTikTokアカウント"):
        reads.read_posts(tiktok_account)
    assert _posted(tiktok) == []


def test_tiktok_without_the_video_list_scope_says_so(tiktok, tiktok_account):
    tiktok.answer("/v2/user/info/", json=tiktok_user())
    tiktok.answer(LIST, status=401, json={"error": {"code": "scope_not_authorized", "message": "x", "log_id": "1"}})
    with pytest.raises(reads.ReadFailed, match="権限が足りません（scope_not_authorized）"):
        reads.read_posts(tiktok_account)


def test_tiktok_a_cursor_that_is_not_a_number_is_not_sent(tiktok, tiktok_account):
    with pytest.raises(reads.ReadFailed, match="カーソル"):
        reads.read_posts(tiktok_account, cursor="1;DROP")
    assert api.paths_of(tiktok) == []


def test_a_read_post_is_retried_after_a_429_as_a_get_is(tiktok, tiktok_account):
    tiktok.answer("/v2/user/info/", json=tiktok_user())
    tiktok.answer(LIST, status=429, json={"error": {"code": "rate_limit_exceeded"}}, times=1)
    tiktok.answer(LIST, json=tiktok_videos([tiktok_video(1, 1763629200)]))
    assert len(reads.read_posts(tiktok_account).posts) == 1
    assert [urlsplit(path).path for path, _ in _posted(tiktok)] == [LIST, LIST]


def test_a_read_post_that_is_redirected_is_not_followed(tiktok, tiktok_account):
    tiktok.answer("/v2/user/info/", json=tiktok_user())
    tiktok.answer(LIST, status=307, text="", headers={"Location": "http://127.0.0.2:9/elsewhere"})
    with pytest.raises(reads.ReadFailed, match="HTTP 307"):
        reads.read_posts(tiktok_account)
    assert len(_posted(tiktok)) == 1
