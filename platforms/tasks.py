"""Scheduled work of the platform layer. The task keeps the name it had in monitoring (issue 21): beat
entries and messages already queued under it still reach it."""

from celery import shared_task


@shared_task(name="monitoring.tasks.renew_tokens", ignore_result=True)
def renew_tokens() -> int:
    """Refresh the tokens that renew themselves (Threads) in the last days of their life."""
    from .renewals import renew_tokens as renew

    return renew().renewed
