"""Who may do what with new-account requests (SPEC §1, §4.1): one predicate per action.

A predicate answers the right (role and object rule) and raises nothing; the services refuse
with PermissionDenied (403) when it is False, and with TransitionError when the right person acts
at the wrong moment. `request_actions` is what a page offers: the right and the moment together.
"""

from django.db.models import Q

from core.models import AuditEvent
from org.roles import Role, has_role

from .models import AccountRequest, RequestStatus, Vote

COMMITTEE_ROLES = (Role.COMMITTEE, Role.COMMITTEE_CHAIR)
UNDER_REVIEW = (RequestStatus.SUBMITTED, RequestStatus.IN_REVIEW)
# What the 課 does with a request, as its audit trail says (the services write these summaries).
DRAFTED, EDITED, HANDED_OVER = "申請の下書きを作成", "下書きを編集", "課長に提出を依頼"


def _own_section(user, request: AccountRequest) -> bool:
    return user.department_id is not None and user.department_id == request.department_id


def applied_for(user, request: AccountRequest) -> bool:
    """Whether `user` drafted, edited, handed over or submitted the request: its applicant, even after
    a 人事異動 took them to another 課 or onto the committee."""
    if user.pk in (request.created_by_id, request.submission_requested_by_id):
        return True
    steps = Q(to_state=RequestStatus.SUBMITTED) | Q(summary=DRAFTED) | Q(summary=HANDED_OVER)
    steps |= Q(summary__startswith=EDITED)
    return AuditEvent.objects.for_object(request).filter(steps, actor_id=user.pk).exists()


def can_create_request(user) -> bool:
    """The 課's staff and 課長 draft a request for their own 課."""
    return has_role(user, Role.STAFF, Role.SECTION_HEAD) and user.department_id is not None


def can_edit_request(user, request: AccountRequest) -> bool:
    """The 課's staff and 課長 edit its requests (a draft: see request_actions)."""
    return has_role(user, Role.STAFF, Role.SECTION_HEAD) and _own_section(user, request)


def can_submit_request(user, request: AccountRequest) -> bool:
    """G-4-2-イ: the 課長 submits (課の長が提出)."""
    return has_role(user, Role.SECTION_HEAD) and _own_section(user, request)


def can_ask_submission(user, request: AccountRequest) -> bool:
    """A clerk of the 課 (not its 課長, who submits) hands the draft to the 課長."""
    return has_role(user, Role.STAFF) and not has_role(user, Role.SECTION_HEAD) and _own_section(user, request)


def can_comment(user, request: AccountRequest) -> bool:
    return has_role(user, *COMMITTEE_ROLES)


def can_vote(user, request: AccountRequest) -> bool:
    """A committee member votes, but not on a request of their own 課, nor on one they applied for."""
    return has_role(user, *COMMITTEE_ROLES) and not _own_section(user, request) and not applied_for(user, request)


def can_decide(user, request: AccountRequest) -> bool:
    """G-4-2-ウ: the chair decides; never on a request of the chair's own 課, nor on one they applied for."""
    return has_role(user, Role.COMMITTEE_CHAIR) and not _own_section(user, request) and not applied_for(user, request)


def has_voted(user, request: AccountRequest) -> bool:
    return Vote.objects.filter(request=request, member=user, round=request.round).exists()


def request_actions(user, request: AccountRequest) -> dict[str, bool]:
    """What the request's pages offer this user now: the right and the moment together."""
    draft = request.status == RequestStatus.DRAFT
    under_review = request.status in UNDER_REVIEW
    return {
        "edit": draft and can_edit_request(user, request),
        "submit": draft and can_submit_request(user, request),
        "ask_submission": draft and can_ask_submission(user, request) and request.submission_requested_at is None,
        "comment": under_review and can_comment(user, request),
        "vote": under_review and can_vote(user, request) and not has_voted(user, request),
        "decide": under_review and can_decide(user, request),
    }
