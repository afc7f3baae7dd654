"""Requests per second of the public pages under a rush (issue 12), against a real gunicorn server.

Run: `make bench` (or `python bench/public.py --accounts 200`). Fills a throwaway database on
DATABASE_URL (its own name, `<name>_bench_public`) with `seed_demo` and `seed_bulk`, starts gunicorn
with 2 workers as in production (DEBUG=false) on a free port, warms it, and drives each URL with
`wrk` (50 connections). /healthz — one database query and the broker — is the ceiling the others are
compared with (goal: ≥ 0.5× each). A signed-in person's /registry/, rendered for every request, shows
what the cache saves. Prints its figures; it never fails.
`--small`: the few seconds' run of `make bench-small` (bench/small.py).
"""

import argparse
import base64
import logging
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "komae_sns.settings")
os.environ.setdefault("DEBUG", "true")  # this process seeds; the server runs with DEBUG=false
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # the server's too: it reads our session

import django

django.setup()
logging.getLogger("axes").setLevel(logging.WARNING)  # the bench's own sign-in is no news

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from bench.small import fail, parse_args  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
URLS = [
    "/healthz",
    "/registry/",
    "/registry/verify?q=@komae_bousai",
    "/registry/accounts.json",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url(name: str) -> str:
    """DATABASE_URL with the throwaway database's name, for the server process."""
    url = os.environ.get("DATABASE_URL", "")
    if connection.vendor == "sqlite" or not url:
        return f"sqlite:///{name}"
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def production_env(port: int, **extra: str) -> dict:
    """The environment of the app as a city's server runs it (DEBUG off, its keys set), on the bench's
    database, at 127.0.0.1:port without TLS."""
    return {
        **os.environ,
        "DATABASE_URL": _database_url(connection.settings_dict["NAME"]),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "CREDENTIAL_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),  # a Fernet key
        "BACKUP_SIGNING_KEY": secrets.token_urlsafe(32),
        "SECURE_SSL_REDIRECT": "false",
        **extra,
    }


def _wait_until_up(base: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz")


def _signed_in_cookie() -> str:
    """A session of a 課長, as the browser of a signed-in member of staff sends it."""
    from django.test import Client

    from org.models import User

    client = Client()
    client.force_login(User.objects.get(username="koho_kacho"))
    return f"sessionid={client.cookies['sessionid'].value}"


def _wrk(url: str, seconds: int, connections: int, cookie: str = "") -> tuple[float, str]:
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout=10s", "--latency", *headers, url],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE)
    notes = []
    if p50:
        notes.append(f"p50 {p50.group(1)}")
    if errors:
        notes.append(f"{errors.group(1)} non-2xx")
    if socket_errors:
        notes.append(f"socket errors: {socket_errors.group(1)}")
    return (float(rate.group(1)) if rate else 0.0), ", ".join(notes)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=200, help="bulk accounts besides the demo data")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    args = parse_args(parser, accounts=0, seconds=1, connections=4, workers=1)
    if not shutil.which("wrk"):
        message = "wrk is not installed (Debian package wrk; `make setup` installs it)"
        if args.small:
            fail(message)
        print(f"bench/public.py: {message}.")
        return

    # Its own throwaway database, so the bench runs beside the test suite on the same server.
    test_settings = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor != "sqlite":
        test_settings["NAME"] = f"{connection.settings_dict['NAME']}_bench_public"
    old = setup_databases(verbosity=0, interactive=False)
    server = None
    with tempfile.TemporaryDirectory() as static_root:
        try:
            call_command("seed_demo", stdout=open(os.devnull, "w"))
            if args.accounts:
                call_command("seed_bulk", accounts=args.accounts, years=1, stdout=open(os.devnull, "w"))
            port = _free_port()
            env = production_env(port, STATIC_ROOT=static_root, LOG_LEVEL="WARNING")
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
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base)
            for url in URLS:  # warm every worker: imports, templates, the cache
                for _ in range(20):
                    with urllib.request.urlopen(base + url, timeout=30) as response:
                        response.read()
            figures = {url: _wrk(base + url, args.seconds, args.connections) for url in URLS}
            figures["/registry/ (signed in: rendered each time)"] = _wrk(
                base + "/registry/", args.seconds, args.connections, cookie=_signed_in_cookie()
            )
        finally:
            if server:
                server.terminate()
                server.wait(timeout=30)
            teardown_databases(old, verbosity=0)
    ceiling = figures["/healthz"][0] or 1.0
    print(
        f"gunicorn, {args.workers} workers, wrk {args.connections} connections × {args.seconds} s, "
        f"demo data + {args.accounts} accounts, {connection.vendor} (goal: ≥ 0.5× /healthz)"
    )
    for url, (rate, notes) in figures.items():
        print(f"  {url:<44} {rate:8.0f} req/s   ×{rate / ceiling:5.2f} of /healthz   {notes}")
    if args.small and (unmeasured := [url for url, (rate, _) in figures.items() if not rate]):
        fail(f"wrk measured nothing for {', '.join(unmeasured)}")


if __name__ == "__main__":
    main()
