"""The Celery app: Redis broker when REDIS_URL is set, the embedded filesystem broker otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "komae_sns.settings")

app = Celery("komae_sns")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A static schedule in Asia/Tokyo (CELERY_TIMEZONE). Status checks and reminders join it with
# the monitoring issue; the heartbeat lets /healthz tell whether the worker and beat are alive.
app.conf.beat_schedule = {
    "heartbeat": {"task": "core.tasks.heartbeat", "schedule": 60.0},
}
