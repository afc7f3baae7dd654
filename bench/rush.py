"""A clerk's dashboard during a rush on the public lookup (issue 20), against the production setup.

Run: `make bench` (or `python bench/rush.py --accounts 200 --rounds 3`). Fills a throwaway database
on DATABASE_URL (its own name, `<name>_bench_rush`) with `seed_demo` and `seed_bulk`, and starts what
a city's server runs, on loopback with DEBUG=false: nginx in front of the staff's gunicorn pool and
the public pages' own pool, 2 workers each (scripts/serve.sh, as `make run` does). A clerk (担当職員)
loads the dashboard one request after another, in turns alone and while 50 connections ask the
lookup distinct questions (every one a cache miss, as when everyone pastes a different URL during an
impersonation scare); turns, so that what else the machine does weighs on both alike.

The rush comes from many addresses, as residents do: each request opens its connection from its own
loopback address (127.x.y.z), so nginx passes the app a different client address each time and the
per-address limit on the lookup (LOOKUP_RATE) refuses none of them; the line counts the 429s.
The rush runs in a process of its own (so the clerk's timings share no interpreter lock with it),
at the same lower CPU priority as the public pool: the residents' browsers are not on the server.

Prints one line, ending with `ratio N.NN`: the larger of p50 and p95 under the rush over alone
(goal ≤ 2). It never fails.
`--small`: the few seconds' run of `make bench-small` (bench/small.py).
"""

import argparse
import http.client
import logging
import multiprocessing
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "komae_sns.settings")
os.environ.setdefault("DEBUG", "true")  # this process seeds; the servers run with DEBUG=false
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # the servers' too: they read our session

import django

django.setup()
logging.getLogger("axes").setLevel(logging.WARNING)

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from bench.public import _free_port, _wait_until_up, production_env  # noqa: E402
from bench.small import fail, parse_args  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = "/"


def _clerk_cookie() -> str:
    """The session of a 担当職員, as the clerk's browser sends it."""
    from django.test import Client

    from org.models import User

    clerk = User.objects.filter(groups__name="staff", is_active=True).order_by("username").first()
    client = Client()
    client.force_login(clerk)
    return f"sessionid={client.cookies['sessionid'].value}"


def _clerk_timings(port: int, cookie: str, count: int) -> list[float]:
    """Load the dashboard `count` times, one after another on one connection; ms each."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    for _ in range(count):
        start = time.perf_counter()
        conn.request("GET", DASHBOARD, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status == 200, response.status
    conn.close()
    return times


def _address(n: int) -> str:
    """The n-th resident's loopback address: 127.1.0.0, 127.1.0.1, … (never 127.0.0.1)."""
    return f"127.{1 + (n >> 16) % 254}.{(n >> 8) & 255}.{n & 255}"


def _rush(port: int, connections: int, seconds: float, limit: int, go, stop, in_flight, results) -> None:
    """Ask the lookup distinct questions from `connections` at once while `go` is set, until `stop`,
    `seconds` or `limit`; `in_flight` counts the questions not answered yet."""
    os.nice(19)
    counter = iter(range(limit))
    lock = threading.Lock()
    tally: dict[str, int] = {}
    deadline = time.monotonic() + seconds

    def one_connection() -> None:
        while not stop.is_set() and time.monotonic() < deadline:
            if not go.wait(0.1):
                continue
            with lock:
                n = next(counter, None)
                in_flight.value += n is not None
            if n is None:
                return
            query = f"https://x.com/komae_{secrets.token_hex(6)}"  # an impostor's URL nobody asked before
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(_address(n), 0))
                conn.request("GET", f"/registry/verify?q={query}", headers={"Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                conn.close()
                outcome = str(response.status)
            except OSError as exc:
                outcome = exc.__class__.__name__
            with lock:
                tally[outcome] = tally.get(outcome, 0) + 1
                in_flight.value -= 1

    threads = [threading.Thread(target=one_connection) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.update(tally)


def _percentiles(times: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(times, n=20)
    return statistics.median(times), cuts[18]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=200, help="bulk accounts besides the demo data")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=6, help="turns of alone, then under the rush")
    parser.add_argument("--requests", type=int, default=10, help="dashboard loads in each turn")
    parser.add_argument("--seconds", type=float, default=180, help="the longest the bench runs its rush")
    parser.add_argument("--limit", type=int, default=20000, help="the most lookups the rush sends")
    args = parse_args(parser, accounts=0, connections=4, rounds=1, requests=3, limit=200)

    test_settings = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor != "sqlite":
        test_settings["NAME"] = f"{connection.settings_dict['NAME']}_bench_rush"
    old = setup_databases(verbosity=0, interactive=False)
    server = None
    with tempfile.TemporaryDirectory() as tmp:
        try:
            call_command("seed_demo", stdout=open(os.devnull, "w"))
            if args.accounts:
                call_command("seed_bulk", accounts=args.accounts, years=1, stdout=open(os.devnull, "w"))
            port = _free_port()
            env = production_env(
                port,
                STATIC_ROOT=str(Path(tmp) / "static"),
                LOG_LEVEL="ERROR",
                RUN_DIR=str(Path(tmp) / "run"),
                WEB_WORKERS="2",
                PUBLIC_WORKERS="2",
            )
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
            )
            server = subprocess.Popen(
                ["bash", "scripts/serve.sh", "127.0.0.1", str(port)], cwd=ROOT, env=env, start_new_session=True
            )
            _wait_until_up(f"http://127.0.0.1:{port}")
            cookie = _clerk_cookie()
            _clerk_timings(port, cookie, 20)  # warm both staff workers: imports, templates

            # Turns of alone and under the rush, so that a change in what else the machine does
            # weighs on both alike.
            manager = multiprocessing.Manager()
            go, stop, results = manager.Event(), manager.Event(), manager.dict()
            in_flight = multiprocessing.Value("i", 0)
            rush = multiprocessing.Process(
                target=_rush, args=(port, args.connections, args.seconds, args.limit, go, stop, in_flight, results)
            )
            rush.start()
            alone_times: list[float] = []
            crowded_times: list[float] = []
            rushing = 0.0
            for _ in range(args.rounds):
                go.clear()
                calm = time.monotonic() + 60
                while in_flight.value and time.monotonic() < calm:  # the last questions are answered
                    time.sleep(0.05)
                alone_times += _clerk_timings(port, cookie, args.requests)
                go.set()
                started = time.monotonic()
                time.sleep(2)  # the rush is under way
                crowded_times += _clerk_timings(port, cookie, args.requests)
                rushing += time.monotonic() - started
            stop.set()
            go.set()
            rush.join()
            tally = dict(results)
            alone, crowded = _percentiles(alone_times), _percentiles(crowded_times)
        finally:
            if server:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
            teardown_databases(old, verbosity=0)
    elapsed = rushing or 1
    answered = tally.pop("200", 0)
    refused = tally.pop("429", 0)
    others = ", ".join(f"{n} {what}" for what, n in sorted(tally.items()))
    ratio = max(crowded[0] / alone[0], crowded[1] / alone[1])
    print(
        f"clerk's dashboard, nginx + staff pool (2 workers) + public pool (2 workers), {connection.vendor}: "
        f"alone p50 {alone[0]:.0f} ms / p95 {alone[1]:.0f} ms; under a rush of {answered + refused} distinct "
        f"lookups from {args.connections} connections ({answered / elapsed:.0f}/s answered, {refused} × 429"
        f"{', ' + others if others else ''}) p50 {crowded[0]:.0f} ms / p95 {crowded[1]:.0f} ms "
        f"(goal ≤ 2) ratio {ratio:.2f}"
    )
    if args.small and not answered + refused:
        fail(f"the lookup answered none of the rush's questions ({others or 'none asked'})")


if __name__ == "__main__":
    main()
