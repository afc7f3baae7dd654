import smtplib

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.utils import timezone

HEARTBEAT_KEY = "komae_sns:worker-heartbeat"


@shared_task(ignore_result=True)
def heartbeat() -> str:
    """Record that beat scheduled and a worker ran a task; /healthz shows its age."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, now, timeout=None)
    return now


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
