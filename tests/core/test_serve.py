"""`make run` serves as a city's server does (issue 20): nginx in front of the staff's gunicorn pool and
the public pages' own (scripts/serve.sh), and the links in mails follow the address it was started on."""

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url: str, timeout: float) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _status(url, 2) == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not answer")


def _database_url(db: dict) -> str:
    """The test database, for the servers serve.sh starts."""
    if connection.vendor != "postgresql":
        return f"sqlite:///{db['NAME']}"
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    where = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{quote(db['USER'], safe='')}{password}@{where}/{db['NAME']}"


def _pool(run: Path, name: str) -> list[int]:
    """The master and workers of one gunicorn pool that serve.sh started."""
    master = int((run / f"{name}.pid").read_text())
    workers = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    return [master, *map(int, workers)]


@pytest.mark.skipif(not os.path.exists(NGINX), reason="nginx is a Debian package of `make setup`")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the migrations' rows come back after
def test_a_stuck_public_pool_leaves_the_staffs_pages_answering(tmp_path):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.skip("the servers need a database they can open")
    db = connection.settings_dict
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(db),
        "RUN_DIR": str(tmp_path),
        "WEB_WORKERS": "1",
        "PUBLIC_WORKERS": "1",
        "LOG_LEVEL": "ERROR",
    }
    server = subprocess.Popen(
        ["bash", "scripts/serve.sh", "127.0.0.1", str(port)], cwd=ROOT, env=env, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    stopped: list[int] = []
    try:
        _wait_until_up(base + "/login/")
        assert _status(base + "/registry/", 30) == 200
        # The public pool stops answering (a rush, a hang): the registry waits, the staff's pages do not.
        stopped = _pool(tmp_path, "public")
        for pid in stopped:
            os.kill(pid, signal.SIGSTOP)
        with pytest.raises(TimeoutError):
            _status(base + "/registry/verify?q=@komae_city", 2)
        assert _status(base + "/login/", 10) == 200
        assert _status(base + "/healthz", 10) in (200, 503)  # the broker is not this test's business
    finally:
        for pid in stopped:
            os.kill(pid, signal.SIGCONT)
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_make_run_mails_links_to_the_address_it_was_started_on(tmp_path):
    """`make run PORT=9301`: SITE_URL (links in mails and notices) follows HOST/PORT, for any city."""
    code = "import django; django.setup(); from core.notices import absolute; print(absolute('/requests/1/'))"
    for profile in ("komae_sns/profiles/komae.toml", "komae_sns/profiles/kakuuno.toml"):
        env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
        env["CITY_PROFILE"] = profile
        # run.sh up to where it starts the worker and the pools: the address they all read.
        script = (ROOT / "scripts/run.sh").read_text().split('mkdir -p "$var_dir/broker"')[0]
        out = subprocess.run(
            ["bash", "-c", script + f'\n.venv/bin/python -c "{code}"', "run.sh", "0.0.0.0", "9301"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip().splitlines()[-1] == "http://0.0.0.0:9301/requests/1/", profile
        # An address the city gives (a name behind its proxy) is kept.
        env["SITE_URL"] = "https://sns.example.lg.jp"
        out = subprocess.run(
            ["bash", "-c", script + f'\n.venv/bin/python -c "{code}"', "run.sh", "127.0.0.1", "9301"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.stdout.strip().splitlines()[-1] == "https://sns.example.lg.jp/requests/1/", profile
