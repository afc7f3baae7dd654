import smtplib

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.utils import timezone

from .backup import backup_nightly

HEARTBEAT_KEY = "komae_sns:worker-heartbeat"


@shared_task(ignore_result=True)
def heartbeat() -> str:
    """Record that beat scheduled and a worker ran a task; /healthz shows its age."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, now, timeout=None)
    return now


@shared_task(
    acks_late=True,  # a worker lost in the middle: another writes a new folder; the cut-off one is pruned
    reject_on_worker_lost=True,
    ignore_result=True,
)
def nightly_backup() -> str:
    """Beat's nightly backup into BACKUP_DIR, keeping the newest BACKUP_KEEP (core.backup, issue 14).

    A refusal or an error is not retried: the worker logs it, and the sysadmin's dashboard warns once
    the last backup is two days old."""
    return backup_nightly().path


@shared_task(
    acks_late=True,  # at least once: a worker lost in the middle sends it again rather than never
    reject_on_worker_lost=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=30 * 60,  # below the broker's visibility timeout (PITFALLS)
    max_retries=12,
    ignore_result=True,
)
def send_mail(subject: str, body: str, to: list[str]) -> int:
    """Send one notice; a mail server that refuses (4xx, 5xx, down) is tried again with backoff."""
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to).send(fail_silently=False)
