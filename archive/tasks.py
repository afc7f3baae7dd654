"""The archive's scheduled capture (issue 22): beat queues one task per account, so that a city adds
worker processes, or machines, to capture more."""

from celery import shared_task

from core.audit import Job

from .capture import accounts_to_capture, capture_account


@shared_task(
    acks_late=True,  # idempotent: a post already kept is compared, never kept twice
    reject_on_worker_lost=True,
    ignore_result=True,
)
def capture_posts(account_id: int) -> dict:
    outcome = capture_account(account_id, job=Job.ARCHIVE_CAPTURE)
    return {"new": outcome.new, "changed": outcome.changed, "gone": outcome.gone, "failed": outcome.failed}


@shared_task(ignore_result=True)
def schedule_captures() -> int:
    """Queue one capture per account whose posts are kept (運用中, 停止予告中, 運用停止)."""
    ids = list(accounts_to_capture().values_list("pk", flat=True))
    for pk in ids:
        capture_posts.delay(pk)
    return len(ids)
