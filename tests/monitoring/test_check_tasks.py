"""The scheduled checks through a real Celery worker and the real broker (Redis in the suite)."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection

from komae_sns.celery import app
from monitoring.models import StatusCheck
from monitoring.tasks import check_account, schedule_status_checks
from tests.page_platform import PAGE_PLATFORM, on_page_platform
from tests.platform_server import PlatformServer

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _wait_for(predicate, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_beat_queues_a_check_per_account_and_the_worker_records_each_once(
    account_a, pr_account, page_platform, settings
):
    with PlatformServer() as platform:
        settings.STATUS_CHECK_BASES = {PAGE_PLATFORM: platform.url}  # the local server plays まちSNS
        for account in (account_a, pr_account):
            on_page_platform(account, "profile/x?title=狛江市")
        with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=10):
            assert schedule_status_checks() == 2
            assert _wait_for(lambda: StatusCheck.objects.count() == 2)
            schedule_status_checks()  # the same slot again: the run keys are taken
            time.sleep(1.0)
    connection.close()
    assert StatusCheck.objects.count() == 2
    assert set(StatusCheck.objects.values_list("account_id", flat=True)) == {account_a.pk, pr_account.pk}


def test_a_task_delivered_twice_records_once(account_a, page_platform, settings):
    with PlatformServer() as platform:
        settings.STATUS_CHECK_BASES = {PAGE_PLATFORM: platform.url}
        on_page_platform(account_a, "gone")
        with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=10):
            check_account.delay(account_a.pk, "beat:test:1")
            check_account.delay(account_a.pk, "beat:test:1")
            assert _wait_for(lambda: StatusCheck.objects.exists())
            time.sleep(1.0)
    connection.close()
    assert StatusCheck.objects.filter(run_key="beat:test:1").count() == 1
    assert account_a.incidents.count() == 1


def _worker(env):
    import subprocess
    import sys

    return subprocess.Popen(  # our own worker, fixed arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "komae_sns",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker process needs a shared database")
def test_a_worker_killed_mid_check_leaves_the_check_to_be_done_again_and_recorded_once(
    account_a, page_platform, settings
):
    import os
    import signal

    from tests.platform_server import PlatformHandler

    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_VISIBILITY_TIMEOUT": "2",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    }
    app.control.purge()
    with PlatformServer(latency=2.0) as platform:
        env["STATUS_CHECK_BASE_MACHI"] = platform.url  # the worker process reads its base from the environment
        on_page_platform(account_a, "profile/x?title=狛江市")
        first = _worker(env)
        try:
            check_account.delay(account_a.pk, "kill:1")
            assert _wait_for(lambda: PlatformHandler.hits, seconds=30), "the first worker never started the check"
            os.kill(first.pid, signal.SIGKILL)  # dies in the middle of the check, before recording
            first.wait(timeout=10)
            assert not StatusCheck.objects.exists()
            second = _worker(env)
            try:
                assert _wait_for(lambda: StatusCheck.objects.filter(run_key="kill:1").exists(), seconds=60)
                time.sleep(3)  # room for any further redelivery
            finally:
                second.terminate()
                second.wait(timeout=20)
        finally:
            if first.poll() is None:
                first.kill()
    connection.close()
    assert StatusCheck.objects.filter(run_key="kill:1").count() == 1
    assert len(PlatformHandler.hits) >= 2  # the check was really done again
