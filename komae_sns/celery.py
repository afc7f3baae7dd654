"""The Celery app: Redis broker when REDIS_URL is set, the embedded filesystem broker otherwise."""

import os

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "komae_sns.settings")

app = Celery("komae_sns")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

import core.logs  # noqa: E402,F401  (the request id into tasks; the worker logs as Django configures)

# A static schedule in Asia/Tokyo (CELERY_TIMEZONE); the heartbeat lets /healthz tell whether the
# worker and beat are alive.
app.conf.beat_schedule = {
    "heartbeat": {"task": "core.tasks.heartbeat", "schedule": 60.0},
    "reminders": {"task": "monitoring.tasks.send_daily_reminders", "schedule": crontab(minute=0, hour=8)},
    # G-4-3-カ: the accounts in use, twice a day; G-4-5-エ: the stopped ones, daily (Asia/Tokyo hours,
    # settings STATUS_CHECK_ACTIVE_HOURS / STATUS_CHECK_SUSPENDED_HOURS).
    "status-checks-active": {
        "task": "monitoring.tasks.schedule_status_checks",
        "schedule": crontab(minute=0, hour=settings.STATUS_CHECK_ACTIVE_HOURS),
        "args": ("active",),
    },
    "status-checks-suspended": {
        "task": "monitoring.tasks.schedule_status_checks",
        "schedule": crontab(minute=30, hour=settings.STATUS_CHECK_SUSPENDED_HOURS),
        "args": ("suspended",),
    },
    # Issue 14: the database and the media files, nightly into BACKUP_DIR (at BACKUP_HOUR, Asia/Tokyo),
    # keeping the newest BACKUP_KEEP; the sysadmin's dashboard warns when the last is two days old.
    # Threads' 60-day tokens, refreshed from themselves in their last CREDENTIAL_REFRESH_DAYS days.
    "token-renewals": {"task": "monitoring.tasks.renew_tokens", "schedule": crontab(minute=15, hour=3)},
    # Issue 22: every post of the accounts citizens may meet, kept as a record (hourly by default).
    "archive-capture": {
        "task": "archive.tasks.schedule_captures",
        "schedule": crontab(minute=settings.ARCHIVE_CAPTURE_MINUTE, hour=settings.ARCHIVE_CAPTURE_HOURS),
    },
    # Issue 23: accounts that imitate the city's, searched for daily; the listed impersonators read again.
    "discover-lookalikes": {
        "task": "discovery.tasks.discover_lookalikes",
        "schedule": crontab(minute=settings.DISCOVERY_MINUTE, hour=settings.DISCOVERY_HOUR),
    },
    # Issue 24: the peers' registries (other municipalities' accounts.json), hourly.
    "fetch-peer-registries": {
        "task": "accounts.tasks.fetch_peer_registries",
        "schedule": crontab(minute=settings.PEER_FETCH_MINUTE),
    },
    "backup-nightly": {"task": "core.tasks.nightly_backup", "schedule": crontab(minute=0, hour=settings.BACKUP_HOUR)},
}
