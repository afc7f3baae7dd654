"""Who may do what with a new-account request (approvals/permissions.py, SPEC §1, §4.1, G-4-2).

課A's staff drafts, its 課長 submits (a clerk hands the draft to the 課長), the committee comments and
votes, its chair decides — never on a request of their own 課, nor on one they applied for, even after
a 人事異動 took them onto the committee. `make mutate` runs these against each change of the module.
"""

import pytest
from django.contrib.auth.models import Group

from approvals import services
from approvals.models import AccountRequest, RequestStatus, Vote
from approvals.permissions import (
    applied_for,
    can_ask_submission,
    can_comment,
    can_create_request,
    can_decide,
    can_edit_request,
    can_submit_request,
    can_vote,
    ensure_can_ask_submission,
    ensure_can_comment,
    ensure_can_create_request,
    ensure_can_decide,
    ensure_can_edit_request,
    ensure_can_submit_request,
    ensure_can_vote,
    has_voted,
    request_actions,
)
from core.audit import audit_record
from core.models import AuditEvent
from org.models import User
from org.roles import Role
from tests.conftest import _user, refused, who_may
from tests.factories import complete_request_fields

pytestmark = [pytest.mark.django_db, pytest.mark.rules]

COMMITTEE = {"member", "chair"}
VOTE_REFUSED = (
    "賛否を表明できるのは、申請した課以外の行政情報化推進委員会の委員です。"
    "申請の作成・提出に関わった人は、異動の後も表明できません。"
)
DECIDE_REFUSED = (
    "決定できるのは行政情報化推進委員会の委員長です（申請した課の委員長を除く）。"
    "申請の作成・提出に関わった人は、異動の後も決定できません。"
)


@pytest.fixture
def draft(staff_a):
    return services.request_create(actor=staff_a, fields={"title": "子育て情報LINEアカウントの開設"})


@pytest.fixture
def submitted(draft, staff_a, head_a):
    services.request_update(request_id=draft.pk, actor=staff_a, fields=complete_request_fields(head_a))
    return services.request_submit(request_id=draft.pk, actor=head_a)


def _moved_to_the_committee(user, department, *roles) -> User:
    """A 人事異動: `user` now works in `department` with `roles` (read afresh, as the next request would)."""
    user.department = department
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    return User.objects.get(pk=user.pk)


def test_staff_and_section_heads_draft_requests_for_their_section(people, db):
    assert who_may(people, can_create_request) == {"staff_a", "head_a", "staff_b", "head_b"}
    assert refused(people, ensure_can_create_request) == dict.fromkeys(
        {"contractor", "member", "chair", "security_officer", "pr_officer", "admin"},
        "新規アカウントの申請を作成できるのは課の職員です。",
    )
    assert not can_create_request(_user("clerk_without_section", None, Role.STAFF))


def test_the_section_edits_its_draft_and_its_section_head_submits_it(people, draft):
    assert who_may(people, lambda user: can_edit_request(user, draft)) == {"staff_a", "head_a"}
    assert refused(people, lambda user: ensure_can_edit_request(user, draft)) == dict.fromkeys(
        set(people) - {"staff_a", "head_a"}, "この申請を編集する権限がありません。"
    )
    assert who_may(people, lambda user: can_submit_request(user, draft)) == {"head_a"}
    assert refused(people, lambda user: ensure_can_submit_request(user, draft)) == dict.fromkeys(
        set(people) - {"head_a"}, "申請を提出できるのは、申請する課の課長です。"
    )


def test_a_clerk_of_the_section_hands_the_draft_to_the_section_head(people, draft, dept_a):
    assert who_may(people, lambda user: can_ask_submission(user, draft)) == {"staff_a"}
    assert refused(people, lambda user: ensure_can_ask_submission(user, draft)) == dict.fromkeys(
        set(people) - {"staff_a"}, "提出の依頼は、申請する課の担当職員が行います。"
    )
    # A 課長 who is also on the staff list submits the draft rather than asking themselves to.
    assert not can_ask_submission(_user("head_and_staff_a", dept_a, Role.STAFF, Role.SECTION_HEAD), draft)


def test_people_without_a_section_edit_and_submit_no_draft(draft, db):
    clerk = _user("clerk_without_section", None, Role.STAFF)
    head = _user("head_without_section", None, Role.SECTION_HEAD)
    assert not can_edit_request(clerk, draft)
    assert not can_submit_request(head, draft)


def test_the_committee_comments(people, submitted):
    assert who_may(people, lambda user: can_comment(user, submitted)) == COMMITTEE
    assert refused(people, lambda user: ensure_can_comment(user, submitted)) == dict.fromkeys(
        set(people) - COMMITTEE, "コメントできるのは行政情報化推進委員会の委員です。"
    )


def test_the_committee_votes_except_on_a_request_of_its_own_section(people, submitted, dept_a):
    assert who_may(people, lambda user: can_vote(user, submitted)) == COMMITTEE
    assert refused(people, lambda user: ensure_can_vote(user, submitted)) == dict.fromkeys(
        set(people) - COMMITTEE, VOTE_REFUSED
    )
    member_of_a = _user("member_of_a", dept_a, Role.COMMITTEE)
    assert not can_vote(member_of_a, submitted)


def test_the_chair_decides_except_on_a_request_of_their_own_section(people, submitted, dept_a):
    assert who_may(people, lambda user: can_decide(user, submitted)) == {"chair"}
    assert refused(people, lambda user: ensure_can_decide(user, submitted)) == dict.fromkeys(
        set(people) - {"chair"}, DECIDE_REFUSED
    )
    chair_of_a = _user("chair_of_a", dept_a, Role.COMMITTEE_CHAIR, Role.COMMITTEE)
    assert not can_decide(chair_of_a, submitted)


def test_the_refusals_name_the_committee_as_the_city_calls_it(another_city, people, submitted):
    assert refused(people, lambda user: ensure_can_comment(user, submitted))["staff_a"] == (
        "コメントできるのは広報戦略会議の構成員です。"
    )
    assert refused(people, lambda user: ensure_can_vote(user, submitted))["staff_a"].startswith(
        "賛否を表明できるのは、申請した課以外の広報戦略会議の構成員です。"
    )
    assert refused(people, lambda user: ensure_can_decide(user, submitted))["staff_a"].startswith(
        "決定できるのは広報戦略会議の議長です（申請した課の議長を除く）。"
    )


def test_who_drafted_or_submitted_a_request_neither_votes_nor_decides_after_moving(submitted, staff_a, head_a, dept_b):
    drafter = _moved_to_the_committee(staff_a, dept_b, Role.COMMITTEE)
    submitter = _moved_to_the_committee(head_a, dept_b, Role.COMMITTEE_CHAIR, Role.COMMITTEE)
    assert applied_for(drafter, submitted) and applied_for(submitter, submitted)
    assert not can_vote(drafter, submitted)
    assert not can_vote(submitter, submitted)
    assert not can_decide(submitter, submitted)


@pytest.mark.parametrize(
    "step",
    ["created_by", "submission_requested_by", "submitted", "drafted", "handed_over", "edited", "handed_over_in_0_2"],
)
def test_each_step_of_applying_counts_on_its_own(step, draft, dept_a, dept_b):
    """Whoever the record or the audit trail names for any one step applied for the request: the
    record keeps the drafter and the clerk who handed it over; the trail keeps every step."""
    someone = _user("someone", dept_a, Role.STAFF)
    assert not applied_for(someone, draft)
    if step in ("created_by", "submission_requested_by"):
        AccountRequest.objects.filter(pk=draft.pk).update(**{step: someone})
        draft.refresh_from_db()
    elif step == "submitted":
        audit_record(
            target=draft,
            actor=someone,
            action=AuditEvent.Action.TRANSITION,
            summary="提出",
            from_state=RequestStatus.DRAFT,
            to_state=RequestStatus.SUBMITTED,
        )
    else:
        Action = AuditEvent.Action
        action, summary, changes = {
            "drafted": (Action.CREATED, "申請の下書きを作成", {}),
            "handed_over": (Action.HANDED_OVER, "課長に提出を依頼", {}),
            "edited": (Action.UPDATED, "下書きを編集（件名）", {"subject": ["旧", "新"]}),
            # Before issue 21 handing over was written as a plain 変更 row with this summary.
            "handed_over_in_0_2": (Action.UPDATED, "課長に提出を依頼", {}),
        }[step]
        audit_record(target=draft, actor=someone, action=action, summary=summary, changes=changes)
    assert applied_for(someone, draft)
    assert not applied_for(_user("someone_else", dept_b, Role.COMMITTEE), draft)


def test_other_rows_of_the_trail_do_not_make_an_applicant(draft, dept_b):
    member = _user("member_who_commented", dept_b, Role.COMMITTEE)
    audit_record(target=draft, actor=member, action=AuditEvent.Action.UPDATED, summary="コメント")
    audit_record(
        target=draft,
        actor=member,
        action=AuditEvent.Action.TRANSITION,
        summary="審査開始",
        from_state=RequestStatus.SUBMITTED,
        to_state=RequestStatus.IN_REVIEW,
    )
    assert not applied_for(member, draft)


def _offered(people, request) -> dict[str, list[str]]:
    actions = {name: request_actions(user, request) for name, user in people.items()}
    return {
        name: sorted(k for k, v in offered.items() if v) for name, offered in actions.items() if any(offered.values())
    }


def test_a_draft_offers_the_section_its_steps(people, draft):
    assert _offered(people, draft) == {"staff_a": ["ask_submission", "edit"], "head_a": ["edit", "submit"]}
    services.request_update(
        request_id=draft.pk, actor=people["staff_a"], fields=complete_request_fields(people["head_a"])
    )
    services.request_ask_submission(request_id=draft.pk, actor=people["staff_a"])
    draft.refresh_from_db()
    assert _offered(people, draft) == {"staff_a": ["edit"], "head_a": ["edit", "submit"]}


def test_a_request_under_review_offers_the_committee_its_steps(people, submitted):
    assert _offered(people, submitted) == {"member": ["comment", "vote"], "chair": ["comment", "decide", "vote"]}
    AccountRequest.objects.filter(pk=submitted.pk).update(status=RequestStatus.IN_REVIEW)
    submitted.refresh_from_db()
    services.request_vote(request_id=submitted.pk, actor=people["member"], choice=Vote.Choice.values[0])
    assert has_voted(people["member"], submitted)
    assert _offered(people, submitted) == {"member": ["comment"], "chair": ["comment", "decide", "vote"]}


def test_a_vote_on_another_request_or_an_earlier_submission_does_not_count_for_this_one(people, submitted):
    other = services.request_create(actor=people["staff_b"], fields={"title": "別の申請"})
    yes = Vote.Choice.values[0]
    Vote.objects.create(request=other, member=people["member"], round=submitted.round, choice=yes)
    Vote.objects.create(request=submitted, member=people["member"], round=submitted.round - 1, choice=yes)
    Vote.objects.create(request=submitted, member=people["chair"], round=submitted.round, choice=yes)
    assert not has_voted(people["member"], submitted)
    assert has_voted(people["chair"], submitted)


def test_a_decided_request_offers_nothing(people, submitted):
    AccountRequest.objects.filter(pk=submitted.pk).update(status=RequestStatus.APPROVED)
    submitted.refresh_from_db()
    assert _offered(people, submitted) == {}


def test_a_plain_change_or_a_state_named_outside_a_transition_is_not_applying(draft, dept_a):
    """Only the steps of applying count: a comment-like 変更 row without changed fields, or a row that
    names the submitted state without being the transition to it, does not make its author the applicant."""
    someone = _user("someone", dept_a, Role.STAFF)
    Action = AuditEvent.Action
    audit_record(target=draft, actor=someone, action=Action.UPDATED, summary="確認しました")
    audit_record(target=draft, actor=someone, action=Action.COMMENTED, summary="提出", to_state=RequestStatus.SUBMITTED)
    audit_record(
        target=draft, actor=someone, action=Action.COMMENTED, summary="課長に提出を依頼"
    )  # a comment so worded
    assert not applied_for(someone, draft)
