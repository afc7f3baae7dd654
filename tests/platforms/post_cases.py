"""The platforms that read posts page by page, each described once for the tests that every one of them
must pass (tests/platforms/test_posts_every_platform.py): where its page is answered, how a page and
an item of it look (tests/platform_fixtures.py), which parameter carries the cursor, and its credential."""

from collections.abc import Callable
from dataclasses import dataclass, field

from platforms.models import ApiCredential
from tests.platform_fixtures import (
    BSKY_DID,
    FB_PAGE_ID,
    GRAPH_TOKEN,
    IG_USER_ID,
    THREADS_USER_ID,
    TIKTOK_OPEN_ID,
    TIKTOK_TOKEN,
    X_TOKEN,
    X_USER_ID,
    X_USERNAME,
    YT_CHANNEL_ID,
    YT_HANDLE,
    bluesky_feed_page,
    bluesky_post,
    fb_post,
    graph_edge,
    ig_post,
    threads_post,
    tiktok_user,
    tiktok_video,
    tiktok_videos,
    x_post,
    x_timeline,
    youtube_upload,
    youtube_uploads,
)
from tests.platforms import api_support as api

YT_KEY = "AIzaInventedKey-never-stored-0123456789"
WHEN = "2026-11-20T09:00:00+0000"


@dataclass
class Case:
    code: str
    handle: str
    account_id: str
    path: str  # where its posts page is answered
    page: Callable  # page(items, cursor=None): a page of these items, with the next page's cursor
    item: Callable  # item(post_id, text): one post as the platform gives it
    cursor_param: str  # the request's field that carries the cursor (a query parameter, or TikTok's JSON body)
    token: str = ""
    kind: str = ""
    for_platform: bool = False
    other_answers: dict = field(default_factory=dict)  # what else it asks (TikTok's user info)
    first_cursor: str = "c1"  # a cursor as the platform gives them

    def answer(self, server) -> None:
        for path, body in self.other_answers.items():
            server.answer(path, json=body)

    def register(self, admin, account) -> None:
        if self.token:
            api.register_token(admin, account, self.token, kind=self.kind, for_platform=self.for_platform)


def _tiktok_item(post_id, text):
    return {**tiktok_video(1, 1763629200), "id": post_id, "video_description": text}


CASES = {
    "bluesky": Case(
        "bluesky",
        "komae-city.bsky.social",
        BSKY_DID,
        "/xrpc/app.bsky.feed.getAuthorFeed",
        lambda items, cursor=None: bluesky_feed_page(items, cursor=cursor),
        lambda post_id, text: bluesky_post(post_id, text, "2026-11-20T09:00:00.000Z"),
        "cursor",
    ),
    "x": Case(
        "x",
        X_USERNAME,
        X_USER_ID,
        f"/2/users/{X_USER_ID}/tweets",
        lambda items, cursor=None: x_timeline(items, next_token=cursor),
        lambda post_id, text: x_post(post_id, text, "2026-11-20T09:00:00.000Z"),
        "pagination_token",
        X_TOKEN,
        ApiCredential.Kind.BEARER_TOKEN,
        True,
    ),
    "threads": Case(
        "threads",
        "komae_city_invented",
        THREADS_USER_ID,
        f"/v1.0/{THREADS_USER_ID}/threads",
        lambda items, cursor=None: graph_edge(items, after=cursor),
        lambda post_id, text: {**threads_post(1, text, WHEN), "id": post_id},
        "after",
        GRAPH_TOKEN,
        ApiCredential.Kind.ACCESS_TOKEN,
    ),
    "facebook": Case(
        "facebook",
        "komae.city.invented",
        FB_PAGE_ID,
        f"/v26.0/{FB_PAGE_ID}/posts",
        lambda items, cursor=None: graph_edge(items, after=cursor),
        lambda post_id, text: {**fb_post(1, text, WHEN), "id": post_id},
        "after",
        GRAPH_TOKEN,
        ApiCredential.Kind.ACCESS_TOKEN,
    ),
    "instagram": Case(
        "instagram",
        "komae_city_invented",
        IG_USER_ID,
        f"/v26.0/{IG_USER_ID}/media",
        lambda items, cursor=None: graph_edge(items, after=cursor),
        lambda post_id, text: {**ig_post(1, text, WHEN), "id": post_id},
        "after",
        GRAPH_TOKEN,
        ApiCredential.Kind.ACCESS_TOKEN,
    ),
    "tiktok": Case(
        "tiktok",
        "komae_city_invented",
        TIKTOK_OPEN_ID,
        "/v2/video/list/",
        lambda items, cursor=None: tiktok_videos(items, cursor=int(cursor or 0), has_more=bool(cursor)),
        _tiktok_item,
        "cursor",
        TIKTOK_TOKEN,
        ApiCredential.Kind.ACCESS_TOKEN,
        other_answers={"/v2/user/info/": tiktok_user()},
        first_cursor="1763000000000",
    ),
    "youtube": Case(
        "youtube",
        YT_HANDLE,
        YT_CHANNEL_ID,
        "/youtube/v3/playlistItems",
        lambda items, cursor=None: youtube_uploads(items, next_page_token=cursor),
        lambda post_id, text: youtube_upload(post_id, text, "2026-11-20T09:00:00Z", description=""),
        "pageToken",
        YT_KEY,
        ApiCredential.Kind.API_KEY,
        True,
    ),
}
