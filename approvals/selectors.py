"""Who sees and may act on new-account requests (SPEC §1, §4.1)."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import AccountStatus, OfficialAccount
from org.roles import DEPARTMENT_ROLES, Role, has_role

from .models import AccountRequest, RequestStatus, Vote
from .permissions import COMMITTEE_ROLES, UNDER_REVIEW


def requests_visible_to(*, user) -> QuerySet[AccountRequest]:
    """The 課's own requests; for the committee every request once submitted; all for the officers."""
    qs = AccountRequest.objects.select_related("department", "department__parent", "platform", "created_by")
    if has_role(user, Role.SYSADMIN, Role.SECURITY_OFFICER):
        return qs
    cond = Q(pk__in=[])
    if has_role(user, *COMMITTEE_ROLES):
        cond |= Q(round__gt=0)
    if has_role(user, *DEPARTMENT_ROLES) and user.department_id:
        cond |= Q(department_id=user.department_id)
    return qs.filter(cond)


def related_accounts(*, field: str, platform_id: int | None) -> QuerySet[OfficialAccount]:
    """G-4-2-ア: the city's existing accounts in the same 分野 or on the same platform."""
    cond = Q(field=field) if field else Q(pk__in=[])
    if platform_id:
        cond |= Q(platform_id=platform_id)
    return (
        OfficialAccount.objects.filter(cond, status__in=(AccountStatus.ACTIVE, AccountStatus.NOTICE))
        .select_related("platform", "department")
        .order_by("platform__sort_order", "department__sort_order")
    )


def requests_waiting_for(*, user) -> QuerySet[AccountRequest]:
    """What waits for this user's action, for the dashboard."""
    visible = requests_visible_to(user=user)
    cond = Q(pk__in=[])
    if has_role(user, Role.SECTION_HEAD) and user.department_id:
        cond |= Q(department_id=user.department_id, status=RequestStatus.DRAFT)
    if has_role(user, Role.STAFF) and user.department_id:
        cond |= Q(department_id=user.department_id, status=RequestStatus.DRAFT, returned=True)
    if has_role(user, Role.COMMITTEE_CHAIR):
        cond |= Q(status__in=UNDER_REVIEW)
    elif has_role(user, Role.COMMITTEE):
        voted = Vote.objects.filter(request=OuterRef("pk"), member=user, round=OuterRef("round"))
        cond |= Q(status__in=UNDER_REVIEW, has_voted=False)
        visible = visible.annotate(has_voted=Exists(voted))
    return visible.filter(cond)
