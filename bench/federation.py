"""Federation of registries (issue 24): reading 1,741 peers, and verify with 50,000 peer accounts.

Run: `python bench/federation.py` (DATABASE_URL on PostgreSQL; a throwaway database `<name>_bench_federation`).
Targets (issue 24): one fetch cycle of 1,741 peers answering 304 < 60 s; all answering 200 with 20
accounts each < 5 min; verify with 50,000 peer accounts loaded < 20 ms server time; the public pages
≥ 0.5× /healthz. Prints its figures; it never fails (--small fails only when the bench did not work).

- The peers: a local server in its own process (so that its threads do not share the fetcher's
  interpreter) serving /p<i>/registry/accounts.json for each peer, 20 accounts each, in format 2 with
  an ETag (a second cycle: 304 each), and the same under /nc/ ignoring If-None-Match (a cycle of 200s
  whose content did not change: read, checked and found the same). The cycles are `accounts.peers.fetch_peers`,
  as the hourly job and the command run them (PEER_FETCH_CONCURRENCY threads).
- Verify: peer accounts topped up to 50,000 rows; `accounts.registry.verify()` called directly (the
  server's work of an uncached lookup, without HTTP) for a peer's account by URL, by @handle, an
  account two peers claim, and one nobody lists; median and p95.
- Pages: gunicorn (DEBUG=false) and wrk as bench/public.py runs them, /healthz vs /registry/ and a
  /registry/verify of a peer's account (a kept answer after the first, as a rush meets it).
`--small`: the few seconds' run of `make bench-small` (bench/small.py).
"""

import argparse
import hashlib
import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "komae_sns.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402 - after the environment it reads

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from bench.small import fail, parse_args  # noqa: E402

ACCOUNTS_EACH = 20


def _payload(i: int) -> bytes:
    accounts = [
        {
            "department": f"部署{n}",
            "platform": "X",
            "platform_code": "x",
            "platform_account_id": "",
            "display_name": f"団体{i} アカウント{n}",
            "handle": f"@peer{i}_acct{n}",
            "profile_url": f"https://x.com/peer{i}_acct{n}",
            "status": "active",
            "status_label": "運用中",
        }
        for n in range(ACCOUNTS_EACH)
    ]
    if i in (0, 1):  # two bodies claiming one account: 要確認
        accounts[-1] = {**accounts[-1], "handle": "@shared_acct", "profile_url": "https://x.com/shared_acct"}
    return json.dumps(
        {
            "format": 2,
            "publisher": f"団体{i}",
            "publisher_code": "",
            "site": "",
            "accounts": accounts,
            "impersonations": [],
        },
        ensure_ascii=False,
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        honour = not self.path.startswith("/nc/")
        try:
            i = int(self.path.removeprefix("/nc").split("/")[1].removeprefix("p"))
        except (ValueError, IndexError):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = _payload(i)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if honour and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _serve(port_queue) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.request_queue_size = 256
    port_queue.put(server.server_address[1])
    server.serve_forever(0.05)


def _cycle(label: str, peers) -> tuple[float, dict]:
    from accounts.peers import fetch_peers

    start = time.perf_counter()
    results = fetch_peers(peers)
    seconds = time.perf_counter() - start
    outcomes = {}
    for r in results:
        outcomes[str(r.outcome)] = outcomes.get(str(r.outcome), 0) + 1
    print(f"  {label:<44} {seconds:7.1f} s   {outcomes}")
    return seconds, outcomes


def fetch_figures(args, base: str) -> None:
    from accounts.models import PeerRegistry

    rows = [PeerRegistry(url=f"{base}/p{i}/registry/accounts.json", source="page") for i in range(args.peers)]
    PeerRegistry.objects.bulk_create(rows)
    peers = list(PeerRegistry.objects.order_by("pk"))
    print(f"{args.peers} peers × {ACCOUNTS_EACH} accounts, {settings.PEER_FETCH_CONCURRENCY} at a time")
    _, outcomes = _cycle("all 200, new (goal < 300 s)", peers)
    if args.small and outcomes.get("updated", 0) != args.peers:
        fail(f"the first cycle did not read every peer: {outcomes}")
    peers = list(PeerRegistry.objects.order_by("pk"))
    _, outcomes = _cycle("all 304 (goal < 60 s)", peers)
    if args.small and outcomes.get("not_modified", 0) != args.peers:
        fail(f"the second cycle was not all 304: {outcomes}")
    for peer in PeerRegistry.objects.all():
        peer.url = peer.url.replace(base, base + "/nc")
        peer.save(update_fields=["url"])
    _cycle("all 200, content unchanged (no ETag honoured)", list(PeerRegistry.objects.order_by("pk")))


def _top_up(total: int) -> None:
    from accounts.models import PeerAccount, PeerRegistry

    have = PeerAccount.objects.count()
    n = 0
    while have < total:
        peer = PeerRegistry.objects.create(url=f"https://filler{n}.example.jp/registry/accounts.json", source="page")
        batch = min(1000, total - have)
        PeerAccount.objects.bulk_create(
            PeerAccount(
                peer=peer,
                platform_code="x",
                platform_name="X",
                handle=f"filler{n}_{k}",
                handle_key=f"filler{n}_{k}",
                profile_url=f"https://x.com/filler{n}_{k}",
            )
            for k in range(batch)
        )
        PeerRegistry.objects.filter(pk=peer.pk).update(body_name=f"補充{n}", account_count=batch)
        have += batch
        n += 1
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def verify_figures(args) -> None:
    from accounts.models import PeerAccount
    from accounts.registry import verify

    _top_up(args.total)
    print(f"verify() called directly with {PeerAccount.objects.count():,} peer accounts (goal < 20 ms)")
    queries = {
        "a peer's account by URL": ("https://x.com/peer7_acct3", "other_body"),
        "a peer's account by @handle": ("@peer5_acct2", "other_body"),
        "claimed by two peers": ("https://x.com/shared_acct", "disputed"),
        "listed nowhere": ("https://x.com/nobody_here", "not_found"),
    }
    for label, (query, expected) in queries.items():
        kind = verify(query).kind
        if kind != expected:
            print(f"  {label}: answered {kind}, expected {expected}")
            if args.small:
                fail(f"verify({query!r}) answered {kind}, not {expected}")
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            verify(query)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"  {label:<32} median {statistics.median(times):6.2f} ms   p95 {p95:6.2f} ms")


def page_figures(args) -> None:
    if not shutil.which("wrk"):
        message = "wrk is not installed (Debian package wrk; `make setup` installs it)"
        if args.small:
            fail(message)
        print(f"pages: {message}.")
        return
    from bench.public import _free_port, _wait_until_up, _wrk, production_env

    urls = ["/healthz", "/registry/", "/registry/verify?q=https://x.com/peer7_acct3"]
    with tempfile.TemporaryDirectory() as static_root:
        port = _free_port()
        env = production_env(port, STATIC_ROOT=static_root, LOG_LEVEL="WARNING", CITY_CODE="132195")
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
        )
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "komae_sns.wsgi",
                f"--workers={args.workers}",
                f"--bind=127.0.0.1:{port}",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base)
            for url in urls:
                for _ in range(10):
                    with urllib.request.urlopen(base + url, timeout=30) as response:
                        response.read()
            figures = {url: _wrk(base + url, args.seconds, args.connections) for url in urls}
        finally:
            server.terminate()
            server.wait(timeout=30)
    ceiling = figures["/healthz"][0] or 1.0
    print(
        f"gunicorn, {args.workers} workers, wrk {args.connections} connections × {args.seconds} s"
        " (goal ≥ 0.5× /healthz)"
    )
    for url, (rate, notes) in figures.items():
        print(f"  {url:<52} {rate:8.0f} req/s   ×{rate / ceiling:5.2f} of /healthz   {notes}")
    if args.small and (unmeasured := [url for url, (rate, _) in figures.items() if not rate]):
        fail(f"wrk measured nothing for {', '.join(unmeasured)}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--peers", type=int, default=1741, help="peers served by the local server")
    parser.add_argument("--total", type=int, default=50_000, help="peer accounts loaded for verify")
    parser.add_argument("--runs", type=int, default=200, help="verify() calls per query")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    args = parse_args(parser, peers=30, total=2_000, runs=20, seconds=1, connections=4, workers=1)
    ctx = multiprocessing.get_context("fork")
    ports = ctx.Queue()
    connections.close_all()  # the server's process must not share the bench's database connection
    server = ctx.Process(target=_serve, args=(ports,), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{ports.get(timeout=10)}"
    test_settings = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor != "sqlite":
        test_settings["NAME"] = f"{connection.settings_dict['NAME']}_bench_federation"
    old = setup_databases(verbosity=0, interactive=False)
    try:
        call_command("seed_demo", stdout=open(os.devnull, "w"))
        fetch_figures(args, base)
        verify_figures(args)
        page_figures(args)
    finally:
        server.terminate()
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
