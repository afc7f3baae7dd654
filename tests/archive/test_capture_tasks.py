"""Beat's capture with a real Celery worker (issue 22): one task per account, each account's posts
kept once however often the task runs."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection

from archive.models import AccountArchive, Post
from archive.tasks import schedule_captures
from komae_sns.celery import app
from tests.platform_fixtures import BSKY_DID, bluesky_feed_page, bluesky_post
from tests.platforms import api_support as api

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FEED = "/xrpc/app.bsky.feed.getAuthorFeed"
OTHER_DID = "did:plc:anothercityaccount0000"


def _wait_for(predicate, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def archive_queue_only():
    """A worker started with `queues` selects them on the app itself, for every later worker of the
    suite: put the app's choice back afterwards."""
    queues = app.amqp.queues
    before = queues._consume_from
    yield
    queues._consume_from = before


def test_beat_fans_out_one_capture_per_account_and_a_second_run_keeps_nothing_twice(
    settings, monkeypatch, dept_a, head_a, dept_b, head_b, archive_queue_only
):
    with api.serve(settings, monkeypatch, "bluesky") as bsky:
        first = api.city_account(dept_a, head_a, "bluesky", "komae-a.bsky.social", BSKY_DID)
        second = api.city_account(dept_b, head_b, "bluesky", "komae-b.bsky.social", OTHER_DID)
        api.city_account(dept_b, head_b, "bluesky", "komae-c.bsky.social", status="preparing")  # not yet public
        for did, word in ((BSKY_DID, "防災"), (OTHER_DID, "子育て")):
            posts = [
                bluesky_post(f"{word}{n}", f"{word}のお知らせ{n}", f"2026-11-0{n}T09:00:00Z", did=did) for n in (2, 1)
            ]
            bsky.answer(FEED, match={"actor": did}, json=bluesky_feed_page(posts))
        # The archive's own queue, as komae-sns-archive-worker takes it: a pool of threads.
        with start_worker(
            app, pool="threads", concurrency=4, queues=["archive"], perform_ping_check=False, shutdown_timeout=10
        ):
            assert schedule_captures() == 2
            assert _wait_for(lambda: AccountArchive.objects.filter(last_run_at__isnull=False).count() == 2)
            schedule_captures()  # an hour later, nothing new
            assert _wait_for(lambda: AccountArchive.objects.filter(last_counts__new=0).count() == 2)
    connection.close()
    assert Post.objects.filter(account=first).count() == 2 and Post.objects.filter(account=second).count() == 2
    assert set(AccountArchive.objects.values_list("last_outcome", flat=True)) == {"ok"}
