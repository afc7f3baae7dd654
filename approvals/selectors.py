"""Who sees and may act on new-account requests (SPEC §1, §4.1)."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import AccountStatus, OfficialAccount
from org.roles import DEPARTMENT_ROLES, Role, has_role

from .models import AccountRequest, RequestStatus, Vote

COMMITTEE_ROLES = (Role.COMMITTEE, Role.COMMITTEE_CHAIR)
UNDER_REVIEW = (RequestStatus.SUBMITTED, RequestStatus.IN_REVIEW)


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


def _own_section(user, request: AccountRequest) -> bool:
    return user.department_id is not None and user.department_id == request.department_id


def request_can_edit(*, user, request: AccountRequest) -> bool:
    """Only a 下書き is edited, by its 課's staff and 課長 (nobody edits a submitted request)."""
    return (
        request.status == RequestStatus.DRAFT
        and has_role(user, Role.STAFF, Role.SECTION_HEAD)
        and _own_section(user, request)
    )


def request_can_submit(*, user, request: AccountRequest) -> bool:
    """G-4-2-イ: the 課長 submits (課の長が提出)."""
    return request.status == RequestStatus.DRAFT and has_role(user, Role.SECTION_HEAD) and _own_section(user, request)


def request_can_vote(*, user, request: AccountRequest) -> bool:
    return (
        request.status in UNDER_REVIEW
        and has_role(user, *COMMITTEE_ROLES)
        and not _own_section(user, request)
        and not Vote.objects.filter(request=request, member=user, round=request.round).exists()
    )


def request_can_comment(*, user, request: AccountRequest) -> bool:
    return request.status in UNDER_REVIEW and has_role(user, *COMMITTEE_ROLES)


def request_can_decide(*, user, request: AccountRequest) -> bool:
    """The chair decides; never on a request of the chair's own 課."""
    return request.status in UNDER_REVIEW and has_role(user, Role.COMMITTEE_CHAIR) and not _own_section(user, request)


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
