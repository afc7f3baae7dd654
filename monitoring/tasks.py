"""Scheduled status checks (SPEC §5). Tasks load the account and call the services."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from accounts.models import OfficialAccount
from platforms import checks

from . import status


@shared_task(
    acks_late=True,  # idempotent by its run key: a task redelivered after a lost worker records once
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    ignore_result=True,
)
def check_account(account_id: int, run_key: str) -> str:
    account = OfficialAccount.objects.select_related("platform").get(pk=account_id)
    with checks.new_client() as client:
        state = checks.check_profile(account, client=client)
    return status.status_check_record(account_id=account.pk, state=state, run_key=run_key).outcome


@shared_task(ignore_result=True)
def schedule_status_checks(group: str | None = None) -> int:
    """Queue one check per due account of the group (status.CHECK_GROUPS; None: all); the run key
    names the slot, so a repeated beat adds nothing."""
    slot = timezone.localtime().strftime("%Y-%m-%dT%H")
    ids = list(status.accounts_due_for_checks(group).values_list("pk", flat=True))
    for pk in ids:
        check_account.delay(pk, f"beat:{slot}:{pk}")
    return len(ids)


@shared_task(ignore_result=True)
def send_daily_reminders() -> int:
    from .reminders import send_reminders

    return send_reminders(timezone.localdate())
