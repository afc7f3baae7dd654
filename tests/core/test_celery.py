"""The Celery app is wired: a real worker on the real broker runs the scheduled heartbeat."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.cache import cache

from core.tasks import HEARTBEAT_KEY, heartbeat
from komae_sns.celery import app

pytestmark = pytest.mark.integration


def test_the_beat_schedule_is_in_tokyo_time_and_names_real_tasks():
    assert app.conf.timezone == "Asia/Tokyo"
    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks, entry


@pytest.mark.smoke
def test_a_real_worker_runs_the_heartbeat_through_the_broker():
    """Redis in the suite; the embedded filesystem broker in the SQLite smoke run."""
    assert app.connection().transport_cls == ("redis" if settings.REDIS_URL else "filesystem")
    cache.delete(HEARTBEAT_KEY)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        heartbeat.delay()
        deadline = time.monotonic() + 20
        while cache.get(HEARTBEAT_KEY) is None and time.monotonic() < deadline:
            time.sleep(0.1)
    assert cache.get(HEARTBEAT_KEY) is not None, "the worker did not run core.tasks.heartbeat"
