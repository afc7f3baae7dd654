"""The archive's capture at scale (issue 22), for bench/archive.py.

The local server plays Bluesky's getAuthorFeed (app.bsky.feed.getAuthorFeed, the shapes of
tests/platform_fixtures.py) for `accounts` accounts of `posts` posts each, answering every request after
`latency` seconds. Real Celery workers — 1, 2 and 4 processes, each as the archive's worker runs in
production (the queue "archive", 16 threads) — take the fan-out of one task per account from Redis and
write into PostgreSQL; the figure is the time from queuing the tasks to the last account's capture
recorded. Then the same again with nothing new on the platform.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent
WORDS = ["防災訓練", "子育て支援", "イベント", "お知らせ", "ごみの出し方"]
WORDS += ["市役所", "図書館", "健康診断", "多摩川", "花火大会"]


def did(i: int) -> str:
    return f"did:plc:benchaccount{i:012d}"


class FeedServer:
    """getAuthorFeed for the bench's accounts: page k of account i holds its posts k*limit … newest first."""

    def __init__(self, *, accounts: int, posts: int, latency: float):
        from tests.platform_fixtures import bluesky_feed_page, bluesky_post

        @lru_cache(maxsize=4096)
        def page(account: int, offset: int, limit: int) -> bytes:
            items = []
            for n in range(offset, min(offset + limit, posts)):
                number = posts - n  # newest first
                when = EPOCH + timedelta(minutes=number * 7)
                stamp = when.strftime("%Y-%m-%dT%H:%M:00.000Z")
                text = f"{WORDS[number % len(WORDS)]}について：狛江市からのお知らせ第{number}号です。"
                text += "詳しくは市のホームページをご覧ください。"
                items.append(bluesky_post(f"b{account:04d}x{number:06d}", text, stamp, did=did(account)))
            following = str(offset + limit) if offset + limit < posts else None
            return json.dumps(bluesky_feed_page(items, cursor=following), ensure_ascii=False).encode()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                time.sleep(latency)
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                actor = query.get("actor", "")
                if parts.path != "/xrpc/app.bsky.feed.getAuthorFeed" or not actor.startswith("did:plc:benchaccount"):
                    body, status = b'{"error":"InvalidRequest","message":"Profile not found"}', 400
                else:
                    account = int(actor.removeprefix("did:plc:benchaccount"))
                    offset = int(query.get("cursor") or 0)
                    body, status = page(account, offset, int(query.get("limit", 50))), 200
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def make_accounts(count: int) -> list[int]:
    from django.contrib.auth.models import Group

    from accounts.models import OfficialAccount, Platform
    from org.models import Department, User

    bu = Department.objects.create(code="CAPBU", name="企画財政部（保存の試験）", kind="bu")
    ka = Department.objects.create(code="CAPKA", name="政策室（保存の試験）", parent=bu)
    head = User.objects.create(username="capture-head", department=ka)
    head.groups.add(Group.objects.get(name="section_head"))
    bluesky = Platform.objects.get(code="bluesky")
    ids = []
    for i in range(count):
        account = OfficialAccount.objects.create(
            department=ka,
            platform=bluesky,
            handle=f"komae-bench{i}.bsky.social",
            display_name=f"狛江市ベンチ{i}",
            profile_url=f"https://bsky.app/profile/komae-bench{i}.bsky.social",
            platform_account_id=did(i),
            profile_operator="狛江市政策室",
            profile_purpose="市政情報",
            manager=head,
            registered_email=f"bench{i}@city.komae.lg.jp",
            status="active",
        )
        ids.append(account.pk)
    return ids


def empty_archive() -> None:
    """Back to an archive that has never captured (the bench's own database, as its owner)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE archive_mediafile, archive_postversion, archive_postevidence, archive_tombstone,"
            " archive_retentiondecision_posts, archive_retentiondecision, archive_post, archive_rawanswer,"
            " archive_accountarchive, core_auditevent CASCADE"
        )


class Workers:
    """`processes` archive workers as deploy/systemd/komae-sns-archive-worker.service runs one (the queue
    "archive", a pool of `threads` threads), against the bench's database and Redis."""

    def __init__(self, processes: int, *, database_url: str, base: str, threads: int = 16):
        env = dict(os.environ, DATABASE_URL=database_url, STATUS_CHECK_BASE_BLUESKY=base, LOG_LEVEL="WARNING")
        celery = str(Path(sys.executable).parent / "celery")
        self.processes = [
            subprocess.Popen(
                [
                    *(celery, "-A", "komae_sns", "worker", "--queues=archive", "--pool=threads"),
                    *(f"--concurrency={threads}", "--without-gossip", "--without-mingle", "--without-heartbeat"),
                    *("--loglevel=WARNING", f"--hostname=bench-archive-{n}@%h"),
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            for n in range(processes)
        ]
        from komae_sns.celery import app

        deadline = time.monotonic() + 60
        while len(app.control.ping(timeout=0.5)) < processes:
            if time.monotonic() > deadline or any(p.poll() is not None for p in self.processes):
                self.stop()
                raise RuntimeError("the archive's Celery workers did not start")

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def fan_out_and_wait(ids: list[int], *, timeout: float = 900) -> float:
    """Queue one capture per account (as beat does) and wait for every account's run to be recorded."""
    from django.db import connection
    from django.utils import timezone

    from archive.models import AccountArchive
    from archive.tasks import capture_posts

    since = timezone.now()
    start = time.perf_counter()
    for pk in ids:
        capture_posts.delay(pk)
    while AccountArchive.objects.filter(account_id__in=ids, last_run_at__gte=since).count() < len(ids):
        if time.perf_counter() - start > timeout:
            raise RuntimeError("the capture did not end in time")
        time.sleep(0.1)
        connection.close()  # a fresh snapshot each poll
    return time.perf_counter() - start


def capture_figures(args, *, database_url: str, fail) -> list[str]:
    """The capture benchmark's lines: first capture with 1, 2 and 4 worker processes, then a run with
    nothing new."""
    from django.db import connection

    from archive.models import AccountArchive, Post

    server = FeedServer(accounts=args.capture_accounts, posts=args.capture_posts, latency=args.latency)
    lines = []
    try:
        ids = make_accounts(args.capture_accounts)
        for processes in args.workers:
            empty_archive()
            workers = Workers(processes, database_url=database_url, base=server.url)
            try:
                first = fan_out_and_wait(ids)
                kept = Post.objects.count()
                failed = AccountArchive.objects.filter(last_outcome="failed").count()
                # The next run comes an hour later, when autovacuum has long analyzed the tables the first
                # filled (it does within its one-minute nap of a load this size); without statistics the
                # planner takes the 100,000 posts for a few pages and scans. The bench analyzes at once.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE archive_post, archive_postversion, archive_rawanswer")
                again = fan_out_and_wait(ids)
                new_again = sum(a.last_counts.get("new", 0) for a in AccountArchive.objects.all())
            finally:
                workers.stop()
            expected = args.capture_accounts * args.capture_posts
            if kept != expected or failed or new_again:
                fail(f"capture kept {kept} of {expected} posts, {failed} accounts failed, {new_again} new again")
            lines.append(
                f"capture  first run, {args.capture_accounts} accounts × {args.capture_posts} posts at "
                f"{args.latency * 1000:.0f} ms, {processes} worker process(es): {first:6.1f} s (target < 60 s)"
            )
            lines.append(
                f"capture  next run, nothing new, {processes} worker process(es): {again:6.2f} s (target < 5 s)"
            )
    finally:
        server.close()
    return lines
