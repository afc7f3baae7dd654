"""E-mail that survives a mail server that is down: queued after commit, sent by a worker with retries.

A notice used to be sent inside the web request after commit; when the mail server refused, it was
logged and lost. Now each message is one Celery task (core.tasks.send_mail) that retries with
backoff for about an hour and a half; the page never waits for the mail server.
"""

from collections.abc import Iterable

from django.db import transaction


def send_after_commit(messages: Iterable[tuple[str, str, Iterable[str]]]) -> None:
    """Queue (subject, body, recipients) messages for when the current transaction commits."""
    from .tasks import send_mail

    queued = [(subject, body, sorted({a for a in to if a})) for subject, body, to in messages]
    queued = [m for m in queued if m[2]]
    for subject, body, to in queued:
        # robust: a broker that is down must not turn a committed decision into an error page.
        transaction.on_commit(lambda s=subject, b=body, t=to: send_mail.delay(s, b, t), robust=True)
