from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "komae_sns:worker-heartbeat"


@shared_task(ignore_result=True)
def heartbeat() -> str:
    """Record that beat scheduled and a worker ran a task; /healthz shows its age."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, now, timeout=None)
    return now
