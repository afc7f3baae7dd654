"""The daily lookalike pass (issue 23): beat's `discover-lookalikes`."""

from celery import shared_task

from core.audit import Job

from .services import discover, recheck_warnings


@shared_task(ignore_result=True)
def discover_lookalikes() -> dict:
    results = discover(job=Job.DISCOVERY)
    gone = recheck_warnings(job=Job.DISCOVERY)
    return {"new": sum(len(r.new) for r in results), "gone": len(gone)}
