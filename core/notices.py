"""Telling people: an in-app notice for each recipient, and a mail with an absolute link, after commit.

Decisions, 差戻し, votes, anomalies and reminders used to reach people only by mail, with links that were
relative paths no mail client can open. `notify` writes a Notice (the dashboard lists the unread ones,
the menu counts them) and queues the mail (core.mail) with SITE_URL in front of the link.
"""

from collections.abc import Iterable

from django.conf import settings

from .mail import send_after_commit
from .models import Notice

MAIL_PREFIX = "[公式SNS] "


def absolute(path: str) -> str:
    """The link a mail client can open: SITE_URL + the app's path."""
    return settings.SITE_URL.rstrip("/") + path if path else settings.SITE_URL


def notify(users: Iterable, *, subject: str, body: str = "", path: str = "") -> list[Notice]:
    """Tell each active user once, in the app and by mail; call it inside the transaction of the change."""
    recipients = {u.pk: u for u in users if u is not None and u.is_active}.values()
    # Clause IDs written by the code (G-4-3-ア) reach people in the city's own numbering (its profile).
    subject, body = settings.CITY.cited(subject), settings.CITY.cited(body)
    notices = Notice.objects.bulk_create(
        Notice(recipient=user, subject=subject[:200], body=body, path=path) for user in recipients
    )
    # The prefix tells a mail apart in a mailbox; in the app, where every notice is ours, it is noise.
    mail_subject = f"{MAIL_PREFIX}{subject}"[:200]
    mail_body = f"{body}\n\n{absolute(path)}\n" if path else body
    send_after_commit((mail_subject, mail_body, [user.email]) for user in recipients if user.email)
    return notices
