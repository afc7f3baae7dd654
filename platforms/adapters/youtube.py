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
from dataclasses import dataclass
from urllib.parse import urlencode

from django.views.decorators.debug import sensitive_variables

from .. import quota
from ..checks import (
    ApiAdapter,
    Capability,
    CheckError,
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
from ..reads import MAX_PAGE, PostPage, items_of, make_post, next_cursor, text_of
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


@dataclass(frozen=True)
class YouTubeTarget(Target):
    """The feed's target, and the Data API's own (its hosts are the API's alone) when there is a key."""

    api: Target | None = None
    handle: str = ""  # the registered @handle, without "@"
    api_problem: str = ""  # why the Data API part is not made (no key, expired, …)


@register("youtube")
class YouTubeAdapter(ApiAdapter):
    name = "youtube"
    capabilities = frozenset({Capability.READ_PROFILE, Capability.READ_POSTS})
    keyless = capabilities  # the feed needs no key; with one, channels.list adds what the feed cannot see
    interface = "公開フィード feeds/videos.xml（キー不要）＋ Data API v3 channels.list（APIキー）"
    plain = "YouTubeの公開動画の一覧と公開情報（API）で確認"
    credential_kinds = ("api_key",)
    default_base = API_BASE
    media_hosts = ("i.ytimg.com",)  # the videos' thumbnails (the videos themselves are not files to fetch)

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
    def _api_get(self, api: Target, http: Http, method: str, path: str, **query):
        """A Data API call, counted against the daily quota before each try (none made past it)."""
        return http.get(self.url(api, path, **query, key=api.token), before_each_try=lambda: quota.spend(method))

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
