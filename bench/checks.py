"""1,000 status checks through the real adapters, against a local server that plays the nine
platforms' APIs and answers each request after 100 ms.

Run: `python bench/checks.py` (no database needed). Target (SPEC §7, issue 13): under 15 s, with the
ratio to doing them one by one (measured on a sample and scaled, since 1,000 checks of one to three
requests of 100 ms each take minutes one by one). Prints its figures; it never fails.

The accounts are spread over the platforms as a city's are. Each adapter makes the requests it makes
in production (Bluesky and X two, LINE its API and its public page, YouTube its feed, …) through the
outbound guard, the 429 handling and the per-platform concurrency cap
(STATUS_CHECK_PLATFORM_CONCURRENCY). The server answers with the hand-written fixtures of the
tests (tests/platform_fixtures.py: the documented shapes, invented data). API tokens come from a
stand-in for the credential store, which needs the database; YouTube is read without a key, from its
public feed.
`--small`: the few seconds' run of `make bench-small` (bench/small.py).
"""

import argparse
import contextlib
import os
import signal
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "komae_sns.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

from bench.small import fail, parse_args  # noqa: E402
from platforms import checks  # noqa: E402
from platforms.adapters import _credential, youtube  # noqa: E402
from platforms.adapters import tiktok as tiktok_adapter  # noqa: E402
from platforms.adapters.threads import THREADS_VERSION  # noqa: E402
from platforms.credentials import NO_CREDENTIAL, TokenLookup  # noqa: E402
from tests import platform_fixtures as fx  # noqa: E402
from tests.platform_server import PlatformHandler, PlatformServer  # noqa: E402

GRAPH = "/v26.0"
TOKEN = "bench-token-invented-0123456789abcdef"
ATOM, RSS, HTML = "application/atom+xml", "application/rss+xml", "text/html"


def _account(code: str, hosts: list[str], *, handle: str, profile_url: str, platform_id: str = ""):
    platform = SimpleNamespace(code=code, name=code, host_list=hosts)
    return SimpleNamespace(platform=platform, handle=handle, platform_account_id=platform_id, profile_url=profile_url)


def bluesky(server, i):
    handle, did = f"komae-{i}.bsky.social", f"did:plc:benchinvented{i:06d}"
    server.answer(
        "/xrpc/app.bsky.actor.getProfile", match={"actor": handle}, json=fx.bluesky_profile(handle=handle, did=did)
    )
    server.answer("/xrpc/app.bsky.feed.getAuthorFeed", match={"actor": did}, json=fx.bluesky_feed(did=did))
    return _account("bluesky", ["bsky.app"], handle=f"@{handle}", profile_url=f"https://bsky.app/profile/{handle}")


def youtube_feed(server, i):
    channel = f"UCbenchInvented{i:09d}"[:24]
    server.answer(
        "/feeds/videos.xml", match={"channel_id": channel}, text=fx.youtube_feed(channel_id=channel), content_type=ATOM
    )
    return _account(
        "youtube",
        ["www.youtube.com", "youtube.com"],
        handle=f"@komae_{i}",
        profile_url=f"https://www.youtube.com/channel/{channel}",
        platform_id=channel,
    )


def note(server, i):
    note_id = f"komae_note_{i}"  # note IDs: 3–16 characters
    server.answer(f"/{note_id}/rss", text=fx.note_rss(note_id=note_id), content_type=RSS)
    return _account("note", ["note.com"], handle=note_id, profile_url=f"https://note.com/{note_id}")


def facebook(server, i):
    page = f"1000000{i:08d}"
    server.answer(f"{GRAPH}/{page}", json=fx.graph_page(page_id=page))
    server.answer(f"{GRAPH}/{page}/posts", json=fx.graph_posts(page_id=page))
    return _account(
        "facebook",
        ["www.facebook.com"],
        handle=f"komae{i}",
        profile_url=f"https://www.facebook.com/{page}",
        platform_id=page,
    )


def instagram(server, i):
    user = f"1784100{i:08d}"
    server.answer(f"{GRAPH}/{user}", json=fx.ig_user(user_id=user, username=f"komae_{i}"))
    server.answer(f"{GRAPH}/{user}/media", json=fx.ig_media())
    return _account(
        "instagram",
        ["www.instagram.com"],
        handle=f"@komae_{i}",
        profile_url=f"https://www.instagram.com/komae_{i}/",
        platform_id=user,
    )


def x(server, i):
    username, user_id = f"komae_{i}", f"15000000{i:08d}"
    server.answer(f"/2/users/by/username/{username}", json=fx.x_user(user_id=user_id, username=username))
    server.answer(f"/2/users/{user_id}/tweets", json=fx.x_tweets())
    return _account("x", ["x.com", "twitter.com"], handle=f"@{username}", profile_url=f"https://x.com/{username}")


# LINE, Threads and TikTok answer about the token's own account (one token per account): the local
# server tells tokens apart no more than it needs to, so their accounts share one identity here.


def line(server, i):
    if i < 9:  # registered once; the same answers serve every LINE account
        server.answer("/v2/bot/info", json=fx.line_bot_info())
        server.answer("/123komae", text=fx.line_public_page(), content_type=HTML)
    return _account(
        "line", ["page.line.me", "line.me"], handle="@123komae", profile_url="https://page.line.me/123komae"
    )


def threads(server, i):
    if i < 9:
        server.answer(f"/{THREADS_VERSION}/me", json=fx.threads_user())
        server.answer(f"/{THREADS_VERSION}/me/threads", json=fx.threads_posts())
    return _account(
        "threads",
        ["www.threads.com"],
        handle="@komae_city_invented",
        profile_url="https://www.threads.com/@komae_city_invented",
    )


def tiktok(server, i):
    if i < 9:
        server.answer("/v2/user/info/", json=fx.tiktok_user())
    return _account(
        "tiktok",
        ["www.tiktok.com"],
        handle="@komae_city_invented",
        profile_url="https://www.tiktok.com/@komae_city_invented",
    )


PLATFORMS = (bluesky, youtube_feed, note, facebook, instagram, x, line, threads, tiktok)
# The requests each adapter makes for one check (profile and newest post; LINE's API and public page).
REQUESTS = {
    "bluesky": 2,
    "youtube": 1,
    "note": 1,
    "facebook": 2,
    "instagram": 2,
    "x": 2,
    "line": 2,
    "threads": 2,
    "tiktok": 1,
}


def accounts(server, n: int) -> list:
    """n accounts, the platforms taking turns, each with its answers registered on the server."""
    return [PLATFORMS[i % len(PLATFORMS)](server, i) for i in range(n)]


def use_bench_tokens() -> None:
    """The credential store needs the database: a stand-in gives every token adapter a token, and
    YouTube none (it reads its public feed)."""
    _credential.token_for = lambda account: TokenLookup(token=TOKEN)
    tiktok_adapter.token_for = _credential.token_for  # it looks the token up itself (a refresh token?)
    youtube.token_for = lambda account: TokenLookup(problem=NO_CREDENTIAL)


@contextlib.contextmanager
def served_elsewhere(server: PlatformServer):
    """Serve the registered answers from a process of its own, as the real platforms are elsewhere:
    the server's work does not compete with the checks for this interpreter. HTTP/1.1 keeps
    connections open, as the platforms' APIs do."""
    server.server.RequestHandlerClass.protocol_version = "HTTP/1.1"
    server.server.RequestHandlerClass.disable_nagle_algorithm = True  # headers and body are two writes
    pid = os.fork()
    if pid == 0:  # the child serves until it is told to stop
        signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
        server.server.handle_error = lambda *_: None  # a client closing a kept-alive connection
        server.server.serve_forever()
        os._exit(0)
    try:
        yield server
    finally:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        server.server.server_close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--checks", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--sample", type=int, default=45, help="accounts checked one by one for the ratio")
    args = parse_args(parser, checks=18, latency=0.01, sample=9)
    use_bench_tokens()
    server = PlatformServer(latency=args.latency)
    PlatformHandler.answers = {}
    # Every adapter's base points at the server, as a city's outbound proxy would (STATUS_CHECK_BASE_<CODE>).
    settings.STATUS_CHECK_BASES = {p.__name__.removesuffix("_feed"): server.url for p in PLATFORMS}
    targets = accounts(server, args.checks)
    requests = sum(REQUESTS[a.platform.code] for a in targets)
    with served_elsewhere(server):
        start = time.perf_counter()
        results = checks.check_profiles(targets, concurrency=args.concurrency)
        together = time.perf_counter() - start
        read = sum(1 for _, state in results if state.reachable and state.display_name and state.adapter)
        failed = [(a.platform.code, s.error) for a, s in results if not s.reachable]

        start = time.perf_counter()
        checks.check_profiles(targets[: args.sample], concurrency=1)
        one_by_one = (time.perf_counter() - start) / args.sample * args.checks
    cap = settings.STATUS_CHECK_PLATFORM_CONCURRENCY
    print(
        f"{args.checks} status checks over {len(PLATFORMS)} platforms' adapters, {requests} requests of "
        f"{args.latency * 1000:.0f} ms, concurrency {args.concurrency} (at most {cap} per platform)"
    )
    print(f"  all at once (bounded)      {together:7.2f} s   (target < 15 s), {read} read correctly")
    print(f"  one by one (scaled from {args.sample}) {one_by_one:7.2f} s")
    print(f"  ratio bounded / one by one {together / one_by_one:7.3f}")
    for code, error in failed[:5]:
        print(f"  not read: {code}: {error}")
    if args.small and read < args.checks:
        fail(f"{args.checks - read} of {args.checks} accounts not read correctly")


if __name__ == "__main__":
    main()
