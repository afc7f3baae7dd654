"""Who may do what with new-account requests (SPEC §1, §4.1): one predicate per action.

A predicate answers the right (role and object rule) and raises nothing; the `ensure_…` beside it
refuses with PermissionDenied (403) and the one message the user reads, asked by the service (and by
the view before it shows a form). The right person at the wrong moment gets TransitionError from the
service. `request_actions` is what a page offers: the right and the moment together.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from core.models import AuditEvent
from org.roles import Role, has_role

from .models import AccountRequest, RequestStatus, Vote

COMMITTEE_ROLES = (Role.COMMITTEE, Role.COMMITTEE_CHAIR)
UNDER_REVIEW = (RequestStatus.SUBMITTED, RequestStatus.IN_REVIEW)
# Before issue 21, handing a draft to the 課長 was an UPDATED row that said this; rows of that time
# are read by what they say (comments and votes were UPDATED rows too, without `changes`).
LEGACY_HANDED_OVER = "課長に提出を依頼"


def _own_section(user, request: AccountRequest) -> bool:
    return user.department_id is not None and user.department_id == request.department_id


def applied_for(user, request: AccountRequest) -> bool:
    """Whether `user` drafted, edited, handed over or submitted the request: its applicant, even after
    a 人事異動 took them to another 課 or onto the committee."""
    if user.pk in (request.created_by_id, request.submission_requested_by_id):
        return True
    Action = AuditEvent.Action
    steps = Q(action__in=(Action.CREATED, Action.HANDED_OVER))
    steps |= Q(action=Action.UPDATED) & ~Q(changes={})  # an edit names the fields it changed
    steps |= Q(action=Action.TRANSITION, to_state=RequestStatus.SUBMITTED)
    steps |= Q(action=Action.UPDATED, summary=LEGACY_HANDED_OVER)
    return AuditEvent.objects.for_object(request).filter(steps, actor_id=user.pk).exists()


def can_create_request(user) -> bool:
    """The 課's staff and 課長 draft a request for their own 課."""
    return has_role(user, Role.STAFF, Role.SECTION_HEAD) and user.department_id is not None


def ensure_can_create_request(user) -> None:
    if not can_create_request(user):
        raise PermissionDenied("新規アカウントの申請を作成できるのは課の職員です。")


def can_edit_request(user, request: AccountRequest) -> bool:
    """The 課's staff and 課長 edit its requests (a draft: see request_actions)."""
    return has_role(user, Role.STAFF, Role.SECTION_HEAD) and _own_section(user, request)


def ensure_can_edit_request(user, request: AccountRequest) -> None:
    if not can_edit_request(user, request):
        raise PermissionDenied("この申請を編集する権限がありません。")


def can_submit_request(user, request: AccountRequest) -> bool:
    """G-4-2-イ: the 課長 submits (課の長が提出)."""
    return has_role(user, Role.SECTION_HEAD) and _own_section(user, request)


def ensure_can_submit_request(user, request: AccountRequest) -> None:
    if not can_submit_request(user, request):
        raise PermissionDenied("申請を提出できるのは、申請する課の課長です。")


def can_ask_submission(user, request: AccountRequest) -> bool:
    """A clerk of the 課 (not its 課長, who submits) hands the draft to the 課長."""
    return has_role(user, Role.STAFF) and not has_role(user, Role.SECTION_HEAD) and _own_section(user, request)


def ensure_can_ask_submission(user, request: AccountRequest) -> None:
    if not can_ask_submission(user, request):
        raise PermissionDenied("提出の依頼は、申請する課の担当職員が行います。")


def can_comment(user, request: AccountRequest) -> bool:
    return has_role(user, *COMMITTEE_ROLES)


def ensure_can_comment(user, request: AccountRequest) -> None:
    if not can_comment(user, request):  # mutmut: equivalent — can_comment does not read the request
        city = settings.CITY
        raise PermissionDenied(f"コメントできるのは{city.committee_name}の{city.committee_member_title}です。")


def can_vote(user, request: AccountRequest) -> bool:
    """A committee member votes, but not on a request of their own 課, nor on one they applied for."""
    return has_role(user, *COMMITTEE_ROLES) and not _own_section(user, request) and not applied_for(user, request)


def ensure_can_vote(user, request: AccountRequest) -> None:
    """Refuse the vote, saying who votes in the committee's own words (the city profile)."""
    if not can_vote(user, request):
        city = settings.CITY
        raise PermissionDenied(
            f"賛否を表明できるのは、申請した課以外の{city.committee_name}の{city.committee_member_title}です。"
            "申請の作成・提出に関わった人は、異動の後も表明できません。"
        )


def can_decide(user, request: AccountRequest) -> bool:
    """G-4-2-ウ: the chair decides; never on a request of the chair's own 課, nor on one they applied for."""
    return has_role(user, Role.COMMITTEE_CHAIR) and not _own_section(user, request) and not applied_for(user, request)


def ensure_can_decide(user, request: AccountRequest) -> None:
    """Refuse the decision, saying who decides (G-4-2-ウ) in the committee's own words (the city profile)."""
    if not can_decide(user, request):
        city = settings.CITY
        raise PermissionDenied(
            f"決定できるのは{city.committee_name}の{city.committee_chair_title}です"
            f"（申請した課の{city.committee_chair_title}を除く）。申請の作成・提出に関わった人は、異動の後も決定できません。"
        )


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
        "comment": under_review and can_comment(user, request),  # mutmut: equivalent — (see ensure_can_comment)
        "vote": under_review and can_vote(user, request) and not has_voted(user, request),
        "decide": under_review and can_decide(user, request),
    }
