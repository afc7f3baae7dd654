"""What the status checks found: each account's last reading, the stopped accounts and those not checkable."""

from django.db.models import OuterRef, QuerySet, Subquery

from accounts.models import AccountStatus, OfficialAccount
from accounts.selectors import accounts_visible_to
from platforms.redact import scrub

from .models import StatusCheck


def with_last_check(accounts: QuerySet[OfficialAccount]) -> QuerySet[OfficialAccount]:
    """Each account with its newest status check's time, outcome, error and adapter (one query)."""
    last = StatusCheck.objects.filter(account=OuterRef("pk")).order_by("-checked_at", "-id")
    return accounts.annotate(
        last_checked_at=Subquery(last.values("checked_at")[:1]),
        last_outcome=Subquery(last.values("outcome")[:1]),
        last_error=Subquery(last.values("error")[:1]),
        last_adapter=Subquery(last.values("adapter")[:1]),
    )


def suspended_accounts_checked(*, user) -> list[OfficialAccount]:
    """G-4-5-エ: every 運用停止 account the user sees, with its last check (the year-end dashboard)."""
    qs = accounts_visible_to(user=user).filter(status=AccountStatus.SUSPENDED)
    return _shown(
        with_last_check(qs).select_related("platform", "department").order_by("department__sort_order", "handle_key")
    )


def _shown(accounts) -> list[OfficialAccount]:
    """The accounts with their last error as pages show it (no echoed credential, issue 20)."""
    rows = list(accounts)
    for account in rows:
        account.last_error = scrub(account.last_error, error=True) if account.last_error else account.last_error
    return rows


CHECKED_STATUSES = (AccountStatus.ACTIVE, AccountStatus.NOTICE, AccountStatus.SUSPENDED)


def accounts_not_checkable(*, user, limit: int = 50) -> list[OfficialAccount]:
    """The accounts the user sees whose last status check could not be made (確認できず), with why:
    a missing API credential, an expired token, a platform refusing (issue 13). Never a silent gap."""
    qs = with_last_check(accounts_visible_to(user=user).filter(status__in=CHECKED_STATUSES))
    return _shown(
        qs.filter(last_outcome=StatusCheck.Outcome.ERROR)
        .select_related("platform", "department")
        .order_by("platform__sort_order", "department__sort_order", "handle_key")[:limit]
    )
