"""What the status checks found: each account's last reading, the stopped accounts and those not checkable."""

from django.db.models import OuterRef, QuerySet, Subquery

from accounts.models import AccountStatus, OfficialAccount
from accounts.selectors import PANEL_LIMIT, Panel, accounts_visible_to
from org.roles import Role, has_role
from platforms.redact import scrub

from .models import PlatformProposal, StatusCheck


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


def platform_proposal_panel(*, user):
    """G-4-3-カ, P-7-3: the 課長's dashboard box of their 課's accounts with a reading of the platform to
    register (a permanent ID, 認証済), as the box of public changes waiting for them (accounts.selectors)."""
    if not has_role(user, Role.SECTION_HEAD) or user.department_id is None:
        return None
    qs = (
        OfficialAccount.objects.filter(
            department_id=user.department_id, platform_proposals__status=PlatformProposal.Status.PENDING
        )
        .distinct()
        .select_related("platform", "department")
    )
    return Panel(
        "SNSの読み取りから登録を待っている内容（固有ID・認証）",
        "G-4-3-カ",
        list(qs[:PANEL_LIMIT]),
        qs.count(),
        "登録を待っている読み取りはありません。",
    )
