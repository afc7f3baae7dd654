"""YouTube: the channel's public Atom feed (no key), and the Data API v3 when the city has a key.

The channel ID (UC + 22 characters) is the account's permanent ID (`platform_account_id`); the
feed is asked about it, so the feed alone reads the name and the newest video but cannot see the
profile text or the @handle. With an API key (an ApiCredential of kind APIキー), channels.list adds
the description (P-3: operator, purpose, the city's link), the @handle, and — when the channel's
handle is no longer the registered one — which channel the registered @handle now belongs to
(G-4-3-カ: なりすまし or 乗っ取り).

The key goes only to the Data API's host (or the configured base), in the `key` parameter the
reference documents; the URL that carries it is never part of a message or a stored reading.

The posts (issue 22): with a key, the channel's uploads playlist (UU + the channel ID after "UC")
through playlistItems.list, page by page; without one, the feed's newest 15 videos (one page).
Every Data API call is counted against the project's daily quota first (platforms/quota.py): one
that would pass it is not made.
"""

import re
from dataclasses import dataclass, replace
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from .. import quota
from ..checks import (
    RESIDENTS_REPORT,
    ApiAdapter,
    Capability,
    CheckError,
    GenericAdapter,
    Gone,
    Http,
    ProfileState,
    Target,
    platform_base,
    register,
    registered_handle,
    segment,
    short_code,
)
from ..reads import (
    MAX_PAGE,
    FoundPage,
    PostPage,
    found_items,
    items_of,
    make_found,
    make_post,
    next_cursor,
    text_of,
)
from ._credential import kind_problem, token_for
from .feeds import feed_posts, newest_entry_time, parse_feed

FEED_BASE = "https://www.youtube.com"
API_BASE = "https://www.googleapis.com"
API_HOST = "www.googleapis.com"
CHANNEL_ID = re.compile(r"UC[0-9A-Za-z_-]{22}")
MAX_RESULTS = 50  # playlistItems.list's largest page
THUMBNAILS = ("maxres", "standard", "high", "medium", "default")  # the largest first
_URL = re.compile(r"https?://[^\s　）)」]+")
_WHERE = "アカウントの「SNS上の固有ID」にチャンネルIDを登録してください"
SEARCH_PURPOSE = "discovery"  # the lookalike search spends within DISCOVERY_YOUTUBE_DAILY_UNITS (platforms/quota.py)


@dataclass(frozen=True)
class YouTubeTarget(Target):
    """The feed's target, and the Data API's own (its hosts are the API's alone) when there is a key."""

    api: Target | None = None
    handle: str = ""  # the registered @handle, without "@"
    api_problem: str = ""  # why the Data API part is not made (no key, expired, …)


@register("youtube")
class YouTubeAdapter(ApiAdapter):
    name = "youtube"
    capabilities = frozenset({Capability.READ_PROFILE, Capability.READ_POSTS, Capability.SEARCH_ACCOUNTS})
    # The feed needs no key; with one, channels.list adds what the feed cannot see. A search needs the key.
    keyless = frozenset({Capability.READ_PROFILE, Capability.READ_POSTS})
    search_alternative = f"APIキーを登録すると検索できます。それまでは{RESIDENTS_REPORT}"
    interface = "公開フィード feeds/videos.xml（キー不要）＋ Data API v3 channels.list（APIキー）"
    plain = "YouTubeの公開動画の一覧と公開情報（API）で確認"
    credential_kinds = ("api_key",)
    default_base = API_BASE
    # The videos' thumbnails (the videos themselves are not files to fetch), and the channels' pictures.
    media_hosts = ("i.ytimg.com", "yt3.ggpht.com", "yt3.googleusercontent.com")

    @sensitive_variables()  # the API key (issue 20)
    def target(self, account) -> Target:
        code = account.platform.code
        hosts = tuple(account.platform.host_list)
        channel_id = (account.platform_account_id or "").strip()
        if not channel_id:
            return YouTubeTarget(
                "", hosts, platform=code, problem=f"確認できず：チャンネルID（UC…）が登録されていません。{_WHERE}"
            )
        if not CHANNEL_ID.fullmatch(channel_id):
            return YouTubeTarget(
                "",
                hosts,
                platform=code,
                problem=f"確認できず：登録されたチャンネルID（{channel_id[:40]}）がUCで始まる24文字ではありません。{_WHERE}",
            )
        handle, handle_problem = registered_handle(account)
        if handle_problem:  # the @handle goes into channels.list's forHandle
            return YouTubeTarget("", hosts, platform=code, problem=handle_problem)
        base = platform_base(code)
        bases = (base,) if base else ()
        feed_url = f"{base or FEED_BASE}/feeds/videos.xml?" + urlencode({"channel_id": channel_id})
        api, api_problem = None, ""
        found = token_for(account)  # the main thread: the database may be read here
        wrong_kind = kind_problem(found, ("api_key",))  # only an API key goes into the `key` parameter
        key = "" if wrong_kind else (found.token or "").strip()
        if key:
            api = Target(base or API_BASE, (API_HOST,), bases, platform=code, actor=channel_id, token=key)
        else:  # no key, or an expired or unreadable one: the feed alone is read, and the reading says why
            lapsed = found.problem.strip().removeprefix("確認できず：")
            api_problem = wrong_kind or lapsed or "APIキーが登録されていません"
        return YouTubeTarget(
            feed_url,
            hosts,
            bases,
            public_url=account.profile_url,
            platform=code,
            actor=channel_id,
            api=api,
            handle=handle,
            api_problem=api_problem,
        )

    def read(self, target: Target, http: Http) -> ProfileState:
        state, feed_failure = self._read_feed(target, http)
        if target.api is None:
            if isinstance(feed_failure, Gone):
                feed_failure = self._confirm_gone(target, http, feed_failure)
            if feed_failure:
                raise feed_failure
            state.error = (
                f"公開フィードだけで確認しました（{target.api_problem}：プロフィール文・ハンドルは見ていません）"
            )
            state.profile_seen = False
            return state
        api_http = Http(http.client, target.api)
        try:
            channel = self._channel(target.api, api_http, id=target.actor)  # Gone when the API has no such channel
        except Gone:
            raise
        except CheckError as exc:
            if feed_failure:
                raise feed_failure from exc
            state.error = f"公開フィードだけで確認しました（Data API：{exc}）"
            state.profile_seen = False
            return state
        notes = [] if not feed_failure else [f"フィードは読めませんでした（{feed_failure}）"]
        snippet = channel.get("snippet") or {}
        description = str(snippet.get("description") or "")
        state.reachable = True
        state.display_name = str(snippet.get("title") or state.display_name).strip()[:200]
        state.platform_account_id = state.platform_account_id or str(channel.get("id") or "")[:100]
        state.profile_text = description[:2000]
        state.links = _URL.findall(description)[:50]
        notes += self._compare_handle(target, api_http, state, str(snippet.get("customUrl") or ""))
        state.error = "；".join(notes)
        return state

    def read_posts(self, target: Target, http: Http, *, cursor: str = "", limit: int = 50) -> PostPage:
        """With a key, a page of the uploads playlist (playlistItems.list); without one, the channel
        feed's videos (its newest 15; the feed is one page)."""
        if target.api is not None:
            return self._uploads(target.api, Http(http.client, target.api), cursor=cursor, limit=limit)
        reply = http.get(target.url)
        if reply.status in (404, 410):
            raise Gone(f"チャンネルがありません（フィード HTTP {reply.status}）")
        if reply.status != 200:
            raise CheckError(f"フィードを読めません（HTTP {reply.status}）")
        videos = feed_posts(parse_feed(reply.text), lambda entry: str(entry.get("yt_videoid") or ""))
        return PostPage(videos[:limit], "", reply.content)

    def _read_feed(self, target: Target, http: Http) -> tuple[ProfileState, CheckError | None]:
        """The feed's reading, or why it failed (a hostile or unreadable feed is refused at once)."""
        reply = http.get(target.url)
        if reply.status in (404, 410):
            return ProfileState(reachable=False, http_status=reply.status), Gone(
                f"チャンネルがありません（フィード HTTP {reply.status}）"
            )
        if reply.status != 200:
            return ProfileState(reachable=False, http_status=reply.status), CheckError(
                f"フィードを読めません（HTTP {reply.status}）"
            )
        feed = parse_feed(reply.text)
        return (
            ProfileState(
                reachable=True,
                http_status=reply.status,
                display_name=str(feed.feed.get("title") or "").strip()[:200],
                platform_account_id=_channel_id(feed.feed.get("yt_channelid") or "")[:100],
                last_post=newest_entry_time(feed),
            ),
            None,
        )

    def _confirm_gone(self, target: Target, http: Http, gone: Gone) -> CheckError:
        """G-4-5-エ without a key: the feed is known to answer 404 now and then for a live channel, so
        the channel's own page decides before a missing feed becomes an incident."""
        page = http.get(target.url.split("/feeds/", 1)[0] + f"/channel/{segment(target.actor)}")
        if page.status in (404, 410):
            return Gone(f"{gone}（チャンネルのページも HTTP {page.status}）")
        if page.status == 200:
            return CheckError(
                "フィードが HTTP 404 を返しましたが、チャンネルのページはあります"
                "（フィードの一時的な不具合とみて、異常とはしません。次の確認で確かめます）"
            )
        return CheckError(f"フィードが HTTP 404、チャンネルのページも読めません（HTTP {page.status}）")

    @sensitive_variables()  # the URL carries the key
    def _api_get(self, api: Target, http: Http, method: str, path: str, *, purpose: str = "", **query):
        """A Data API call, counted against the daily quota before each try (none made past it); with a
        `purpose`, against that purpose's own daily budget as well (the lookalike search's)."""
        budget = settings.DISCOVERY_YOUTUBE_DAILY_UNITS if purpose == SEARCH_PURPOSE else None
        return http.get(
            self.url(api, path, **query, key=api.token),
            before_each_try=lambda: quota.spend(method, purpose=purpose, budget=budget),
        )

    @sensitive_variables()  # the URL carries the key
    def search_accounts(
        self, target: Target, http: Http, query: str, *, limit: int = 25, cursor: str = ""
    ) -> FoundPage:
        """search.list (part=snippet, type=channel; 100 units) within the discovery budget, then one
        channels.list (1 unit) for the results' @handles, which search results do not carry. Without the
        handles (that call refused or failed) the channels are still found."""
        reply = self._api_get(
            target,
            http,
            "search.list",
            "/youtube/v3/search",
            purpose=SEARCH_PURPOSE,
            part="snippet",
            type="channel",
            q=query,
            maxResults=min(limit, MAX_RESULTS),
            pageToken=cursor or None,
        )
        if reply.status != 200:
            raise CheckError(
                f"Data APIがエラーを返しました（HTTP {reply.status} {_reason(reply)}）".replace(" ）", "）")
            )
        body = reply.json()
        if not isinstance(body, dict):
            raise CheckError("APIの応答の形が違います（JSONのオブジェクトではありません）")
        channels = [_found_channel(item) for item in found_items(body.get("items"))]
        channels = [c for c in channels if c is not None]
        handles = self._handles(target, http, [c.platform_account_id for c in channels])
        channels = [replace(c, handle=handles.get(c.platform_account_id, "")) for c in channels]
        return FoundPage(tuple(channels), next_cursor(body.get("nextPageToken"), ""))

    @sensitive_variables()  # the URL carries the key
    def _handles(self, target: Target, http: Http, ids: list[str]) -> dict[str, str]:
        """The @handle (customUrl, without "@") of each channel, by ID; {} when they cannot be read."""
        ids = [i for i in ids if CHANNEL_ID.fullmatch(i)][:MAX_RESULTS]
        if not ids:
            return {}
        try:
            reply = self._api_get(
                target, http, "channels.list", "/youtube/v3/channels", purpose=SEARCH_PURPOSE, part="snippet",
                id=",".join(ids), maxResults=MAX_RESULTS,
            )  # fmt: skip
            body = reply.json() if reply.status == 200 else {}
        except CheckError:
            return {}
        items = body.get("items") if isinstance(body, dict) else None
        handles = {}
        for item in items if isinstance(items, list) else []:
            snippet = item.get("snippet") if isinstance(item, dict) and isinstance(item.get("snippet"), dict) else {}
            handle = text_of(snippet.get("customUrl"), 300).strip().lstrip("@")
            if handle and isinstance(item.get("id"), str):
                handles[item["id"]] = handle
        return handles

    def found_target(self, platform, url: str, *, account_id: str = "") -> Target:
        """The channel's public page; its channel ID (a search's, or the one in a /channel/UC… URL) asks
        the public feed for the newest videos."""
        page = super().found_target(platform, url, account_id=account_id)
        if page.refused:
            return page
        path_id = urlsplit(url).path.split("/")
        found_id = account_id if CHANNEL_ID.fullmatch(account_id or "") else ""
        if not found_id and len(path_id) > 2 and path_id[1] == "channel" and CHANNEL_ID.fullmatch(path_id[2]):
            found_id = path_id[2]
        return replace(page, actor=found_id)

    def read_found(self, target: Target, http: Http, *, posts: int = 20):
        state = GenericAdapter.read(self, target, http)
        if not target.actor:
            return state, None, "チャンネルID（UC…）がわからないため、動画の一覧は読んでいません"
        base = platform_base(target.platform) or FEED_BASE
        reply = http.get(f"{base}/feeds/videos.xml?" + urlencode({"channel_id": target.actor}))
        if reply.status != 200:
            return state, None, f"動画の一覧（公開フィード）を読めませんでした（HTTP {reply.status}）"
        try:
            feed = parse_feed(reply.text)
        except CheckError as exc:
            return state, None, f"動画の一覧（公開フィード）を読めませんでした（{exc}）"
        videos = feed_posts(feed, lambda entry: str(entry.get("yt_videoid") or ""))
        if not state.platform_account_id:
            state.platform_account_id = target.actor
        if not state.display_name:
            state.display_name = text_of(feed.feed.get("title"), 200).strip()
        state.last_post = state.last_post or newest_entry_time(feed)
        return state, PostPage(videos[:posts], "", reply.content), ""

    def _uploads(self, api: Target, http: Http, *, cursor: str, limit: int) -> PostPage:
        """One page of the channel's uploads playlist, newest first."""
        reply = self._api_get(
            api,
            http,
            "playlistItems.list",
            "/youtube/v3/playlistItems",
            part="snippet,contentDetails",
            playlistId="UU" + api.actor.removeprefix("UC"),
            maxResults=min(limit, MAX_RESULTS),
            pageToken=cursor or None,
        )
        reason = _reason(reply) if reply.status != 200 else ""
        if reply.status == 404 and reason == "playlistNotFound":
            raise Gone("チャンネルの動画の一覧がありません（Data API playlistItems.list：playlistNotFound）")
        if reply.status != 200:
            raise CheckError(f"Data APIがエラーを返しました（HTTP {reply.status} {reason}）".replace(" ）", "）"))
        body = reply.json()
        if not isinstance(body, dict):
            raise CheckError("APIの応答の形が違います（JSONのオブジェクトではありません）")
        videos = tuple(post for item in items_of(body.get("items"), limit=MAX_PAGE) if (post := _video(item)))
        return PostPage(videos, next_cursor(body.get("nextPageToken"), cursor), reply.content)

    @sensitive_variables()  # the URL carries the key
    def _channel(self, api: Target, http: Http, **query) -> dict:
        """channels.list for one channel (by id or forHandle); Gone when `items` is empty."""
        part = "snippet,status" if "id" in query else "id"
        reply = self._api_get(api, http, "channels.list", "/youtube/v3/channels", part=part, **query)
        if reply.status != 200:
            raise CheckError(
                f"Data APIがエラーを返しました（HTTP {reply.status} {_reason(reply)}）".replace(" ）", "）")
            )
        body = reply.json()
        items = body.get("items") if isinstance(body, dict) else None
        if not items or not isinstance(items[0], dict):
            raise Gone("チャンネルがありません（Data API channels.list に該当なし）")
        return items[0]

    def _compare_handle(self, target: YouTubeTarget, http: Http, state: ProfileState, custom_url: str) -> list[str]:
        """The registered @handle must still be this channel's; if not, whose it is now (G-4-3-カ)."""
        current = custom_url.strip().lstrip("@")
        if not target.handle or not current or current.casefold() == target.handle.casefold():
            return []
        try:
            owner = self._channel(target.api, http, forHandle=f"@{target.handle}")
        except Gone:
            return [
                f"ハンドルが @{target.handle} から @{current} に変わりました（@{target.handle} は今は使われていません）"
            ]
        except CheckError as exc:
            return [f"ハンドルが @{current} に変わりました（@{target.handle} の持ち主は確認できず：{exc}）"]
        owner_id = str(owner.get("id") or "")
        if owner_id and owner_id != target.actor:
            # What citizens reach through the registered @handle is another channel: its ID is the reading's.
            state.platform_account_id = owner_id[:100]
            return [f"登録されたハンドル @{target.handle} は別のチャンネル（{owner_id[:40]}）のものです"]
        return [f"ハンドルが @{current} に変わりました"]


def _found_channel(item):
    """A channel of search.list (youtube#searchResult whose id.kind is youtube#channel), or None."""
    if not isinstance(item, dict):
        return None
    ids = item.get("id") if isinstance(item.get("id"), dict) else {}
    snippet = item.get("snippet") if isinstance(item.get("snippet"), dict) else {}
    channel_id = ids.get("channelId") or snippet.get("channelId")
    if ids.get("kind", "youtube#channel") != "youtube#channel" or not isinstance(channel_id, str):
        return None
    if not CHANNEL_ID.fullmatch(channel_id):
        return None
    thumbnails = snippet.get("thumbnails") if isinstance(snippet.get("thumbnails"), dict) else {}
    default = thumbnails.get("default") if isinstance(thumbnails.get("default"), dict) else {}
    return make_found(
        handle="",
        display_name=snippet.get("title") or snippet.get("channelTitle"),
        platform_account_id=channel_id,
        profile_url=f"https://www.youtube.com/channel/{channel_id}",
        description=snippet.get("description"),
        avatar_url=default.get("url"),
        created_at=snippet.get("publishedAt"),
    )


def _video(item):
    """An upload (youtube#playlistItem); None for a private or deleted one, which has no publication date."""
    if not isinstance(item, dict):
        return None
    snippet = item.get("snippet") if isinstance(item.get("snippet"), dict) else {}
    details = item.get("contentDetails") if isinstance(item.get("contentDetails"), dict) else {}
    if not details.get("videoPublishedAt"):
        return None
    resource = snippet.get("resourceId") if isinstance(snippet.get("resourceId"), dict) else {}
    video_id = details.get("videoId") or resource.get("videoId")
    title, description = text_of(snippet.get("title")), text_of(snippet.get("description"))
    thumbnails = snippet.get("thumbnails") if isinstance(snippet.get("thumbnails"), dict) else {}
    sizes = [thumbnails.get(size) for size in THUMBNAILS]
    return make_post(
        post_id=video_id,
        url=f"https://www.youtube.com/watch?v={segment(str(video_id)[:300])}",
        published=details.get("videoPublishedAt"),
        text="\n".join(part for part in (title, description) if part),
        links=_URL.findall(description),
        media=[next((size.get("url") for size in sizes if isinstance(size, dict) and size.get("url")), "")],
    )


def _channel_id(value: str) -> str:
    """The feed's yt:channelId; since late 2023 the feed may leave out the "UC" prefix."""
    value = str(value).strip()
    return f"UC{value}" if re.fullmatch(r"[0-9A-Za-z_-]{22}", value) else value


def _reason(reply) -> str:
    """The first error reason of a Google API error body (quotaExceeded, keyInvalid, …); never its message."""
    try:
        body = reply.json()
    except CheckError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    errors = error.get("errors") if isinstance(error, dict) else None
    if errors and isinstance(errors[0], dict):
        return short_code(errors[0].get("reason"))
    return ""
