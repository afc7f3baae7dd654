"""Rules that only a 人事異動 reaches (issue 20, item 24): the sysadmin changes a person's role or 課 in
管理画面 → 利用者, as the city does every April, and what that person did before keeps its rules.

Every test makes the change itself through the admin's user form (never by building another user),
then acts as the same person through the screens.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts import services as accounts
from accounts.models import FollowerSnapshot, PublicChange
from approvals import services as approvals
from approvals.models import RequestStatus, Vote
from core.models import AuditEvent, Notice
from org.models import User
from org.roles import Role
from tests.factories import DepartmentFactory, complete_request_fields

pytestmark = pytest.mark.django_db


def _reassign(client, admin, user, *, roles, department) -> User:
    """The sysadmin's 人事異動 of `user` in 管理画面 → 利用者: new roles and 所属課."""
    client.force_login(admin)
    user.refresh_from_db()
    data = {
        "username": user.username,
        "last_name": user.last_name,
        "first_name": user.first_name,
        "email": user.email,
        "department": department.pk if department else "",
        "title": user.title,
        "is_active": "on",
        "groups": [Group.objects.get_or_create(name=role)[0].pk for role in roles],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-04-01",
        "date_joined_1": "09:00:00",
    }
    response = client.post(reverse("admin:org_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    moved = User.objects.get(pk=user.pk)
    assert moved.roles == set(roles) and moved.department_id == (department.pk if department else None)
    return moved


def _decide_change(client, user, account, change, action="approve"):
    client.force_login(user)
    response = client.post(reverse("accounts:public_change", args=[account.pk, change.pk, action]), {"comment": ""})
    client.logout()
    return response


def _dashboard(client, user) -> str:
    client.force_login(user)
    page = client.get(reverse("dashboard")).content.decode()
    client.logout()
    return page


def test_a_clerk_promoted_to_section_head_cannot_approve_their_own_pending_change(
    client, admin, staff_a, head_a, account_a
):
    """SPEC §8 four eyes: April's 人事異動 makes the proposer the 課長 of the same 課; the change they
    proposed as a clerk still needs another 課長 (or the sysadmin)."""
    change = accounts.account_update(
        account_id=account_a.pk, actor=staff_a, fields={"profile_url": "https://x.com/komae_kodomo_new"}
    ).proposal
    promoted = _reassign(client, admin, staff_a, roles=[Role.SECTION_HEAD], department=staff_a.department)
    # head_a leaves the 課 in the same 人事異動: the promoted clerk is now its only 課長.
    _reassign(client, admin, head_a, roles=[Role.SECTION_HEAD], department=DepartmentFactory(code="KC"))

    client.force_login(promoted)
    page = client.get(reverse("accounts:detail", args=[account_a.pk])).content.decode()
    assert "課長の承認を待っている公開情報の変更" in page and "承認して公開する" not in page
    client.logout()
    response = _decide_change(client, promoted, account_a, change)
    assert response.status_code == 403
    account_a.refresh_from_db()
    change.refresh_from_db()
    assert account_a.profile_url == "https://x.com/komae_kodomo" and change.status == PublicChange.Status.PENDING
    client.logout()
    assert "komae_kodomo_new" not in client.get(reverse("registry:list")).content.decode()

    # The proposer may still take it back; the sysadmin decides it in their place.
    assert _decide_change(client, admin, account_a, change).status_code == 302
    change.refresh_from_db()
    assert (change.status, change.decided_by) == (PublicChange.Status.APPROVED, admin)


def test_a_section_head_moved_to_another_ka_decides_nothing_left_in_the_old_one(
    client, admin, staff_a, head_a, account_a, dept_b, head_b
):
    """A 課長 moved with decisions pending: the old 課's pending change and handed-over request are
    no longer theirs; the 課's new 課長 sees them on the dashboard and decides them."""
    change = accounts.account_update(
        account_id=account_a.pk, actor=staff_a, fields={"display_name": "こまえ子ども応援団"}
    ).proposal
    draft = approvals.request_create(actor=staff_a, fields=complete_request_fields(head_a))
    approvals.request_ask_submission(request_id=draft.pk, actor=staff_a)
    assert "承認を待っている公開情報の変更" in _dashboard(client, head_a)

    moved = _reassign(client, admin, head_a, roles=[Role.SECTION_HEAD], department=dept_b)
    successor = _reassign(client, admin, head_b, roles=[Role.SECTION_HEAD], department=staff_a.department)

    assert _decide_change(client, moved, account_a, change).status_code in (403, 404)
    client.force_login(moved)
    assert client.post(reverse("approvals:submit", args=[draft.pk])).status_code in (403, 404)
    # Their dashboard no longer asks them (the notice they were sent stays in their history).
    assert "承認を待っている公開情報の変更はありません" in client.get(reverse("dashboard")).content.decode()
    client.logout()
    change.refresh_from_db()
    draft.refresh_from_db()
    assert change.status == PublicChange.Status.PENDING and draft.status == RequestStatus.DRAFT

    dashboard = _dashboard(client, successor)
    assert account_a.display_name in dashboard and draft.title in dashboard
    assert _decide_change(client, successor, account_a, change).status_code == 302
    client.force_login(successor)
    # The request named the moved 課長 as the account's 管理者: the 課 names one of its own first.
    refused = client.post(reverse("approvals:submit", args=[draft.pk])).content.decode()
    assert "管理者は申請する課の職員から選んでください" in refused
    approvals.request_update(request_id=draft.pk, actor=successor, fields={"manager": successor})
    assert client.post(reverse("approvals:submit", args=[draft.pk])).status_code == 302
    change.refresh_from_db()
    draft.refresh_from_db()
    assert (change.status, change.decided_by) == (PublicChange.Status.APPROVED, successor)
    assert draft.status == RequestStatus.SUBMITTED


def test_a_contractor_made_staff_of_another_ka_keeps_nothing_of_the_contract(
    client, admin, contractor, head_a, account_a, dept_b
):
    """G-4-1: a contractor reaches only the accounts it is assigned to, and only while it is a contractor."""
    account_a.contractors.add(contractor)
    client.force_login(contractor)
    assert client.get(reverse("accounts:detail", args=[account_a.pk])).status_code == 200
    client.logout()

    staff = _reassign(client, admin, contractor, roles=[Role.STAFF], department=dept_b)
    client.force_login(staff)
    assert client.get(reverse("accounts:detail", args=[account_a.pk])).status_code == 404
    response = client.post(
        reverse("accounts:followers", args=[account_a.pk]), {"count": "999", "recorded_on": "2026-05-01"}
    )
    assert response.status_code in (403, 404)
    screening = client.get(reverse("screening:screen")).content.decode()
    assert account_a.display_name not in screening
    client.logout()
    assert not FollowerSnapshot.objects.filter(account=account_a, count=999).exists()


def test_a_contractors_assignments_end_with_the_role_and_do_not_come_back_with_it(
    client, admin, contractor, head_a, account_a, dept_b
):
    """Made staff, the former contractor is no longer listed as the account's 委託業者, the 課長's next
    edit does not drop them silently, and a later contract (the role granted again) starts with no
    account: assignments are the 課長's to make anew (SPEC §1)."""
    account_a.contractors.add(contractor)
    staff = _reassign(client, admin, contractor, roles=[Role.STAFF], department=dept_b)
    assert not account_a.contractors.exists()
    event = AuditEvent.objects.for_object(account_a).get()
    assert event.changes == {"委託業者の利用者": [[str(staff)], []]}
    assert (event.action, event.actor_job) == (AuditEvent.Action.UPDATED, AuditEvent.Job.ROLE_WITHDRAWN)
    client.force_login(head_a)
    page = client.get(reverse("accounts:detail", args=[account_a.pk])).content.decode()
    assert '委託業者</dt><dd class="col-sm-8">なし</dd>' in page
    assert "— 自動処理（役割の解除に伴う整理）" in page  # who took them off, in the account's 経過
    client.logout()

    again = _reassign(client, admin, staff, roles=[Role.CONTRACTOR], department=None)
    client.force_login(again)
    assert client.get(reverse("accounts:detail", args=[account_a.pk])).status_code == 404


def test_a_contractor_made_staff_of_the_accounts_own_ka_proposes_what_the_public_sees(
    client, admin, contractor, head_a, account_a, dept_a
):
    """Hired by the 課 it worked for, the former contractor edits the account as its clerks do: what
    the public sees waits for the 課長 (SPEC §8)."""
    account_a.contractors.add(contractor)
    staff = _reassign(client, admin, contractor, roles=[Role.STAFF], department=dept_a)
    result = accounts.account_update(account_id=account_a.pk, actor=staff, fields={"display_name": "新しい名前"})
    assert result.proposal is not None and result.proposal.status == PublicChange.Status.PENDING
    account_a.refresh_from_db()
    assert account_a.display_name == "こまえ子ども"
    assert _decide_change(client, staff, account_a, result.proposal).status_code == 403


def test_an_accounts_manager_moved_to_another_ka_is_its_manager_no_more(
    client, admin, staff_a, head_a, account_a, dept_b, head_b
):
    """The 管理者 (G-4-3-ア) is one of the 課's people (SPEC §4.2). Moved away, they no longer log its
    content checks or work on its incidents, hear nothing more of it, and the 課's new 課長 is asked to
    appoint another 管理者."""
    from datetime import date

    from monitoring import incidents, reminders, status

    assert account_a.manager == head_a
    moved = _reassign(client, admin, head_a, roles=[Role.SECTION_HEAD], department=dept_b)
    successor = _reassign(client, admin, head_b, roles=[Role.SECTION_HEAD], department=staff_a.department)
    account_a.refresh_from_db()

    with pytest.raises(PermissionDenied):
        reminders.content_check_log(account_id=account_a.pk, actor=moved)
    incident = incidents.incident_open(account_id=account_a.pk, actor=staff_a, kind="other", title="不審なDM")
    with pytest.raises(PermissionDenied):
        incidents.incident_step_done(incident_id=incident.pk, actor=moved, code=incident.steps.first().code)

    due = reminders.reminders_due(date(2026, 5, 1))
    assert not [line for line in due.get(moved, []) if account_a.display_name in line]
    asked = [line for line in due[successor] if str(account_a) in line]
    assert any("管理者" in line and "所管課にいません" in line for line in asked)
    assert any("発言内容の定期確認" in line for line in asked)  # the 管理者's reminders reach the 課長 meanwhile

    earlier = list(Notice.objects.values_list("pk", flat=True))
    status.notify_incident(account_a, incident)
    told = set(Notice.objects.exclude(pk__in=earlier).values_list("recipient__username", flat=True))
    assert moved.username not in told and successor.username in told

    dashboard = _dashboard(client, successor)
    assert "管理者が所管課にいないアカウント" in dashboard and account_a.display_name in dashboard


@pytest.fixture
def submitted_by_head_a(staff_a, head_a):
    draft = approvals.request_create(actor=staff_a, fields=complete_request_fields(head_a))
    return approvals.request_submit(request_id=draft.pk, actor=head_a)


@pytest.mark.parametrize("who", ["head_a", "staff_a"])
def test_whoever_applied_for_a_request_and_then_joins_the_committee_does_not_judge_it(
    request, client, admin, who, submitted_by_head_a, dept_b, member
):
    """G-4-2-ウ: the committee judges a 課's request from outside it. The 課長 who submitted it (or the
    clerk who drafted it), moved to another 課 and onto the committee, neither votes on it nor decides it."""
    applicant = request.getfixturevalue(who)
    judge = _reassign(client, admin, applicant, roles=[Role.COMMITTEE, Role.COMMITTEE_CHAIR], department=dept_b)
    pk = submitted_by_head_a.pk

    client.force_login(judge)
    page = client.get(reverse("approvals:detail", args=[pk])).content.decode()
    assert 'name="choice"' not in page and reverse("approvals:decide", args=[pk]) not in page
    assert client.post(reverse("approvals:vote", args=[pk]), {"choice": "for"}).status_code == 403
    assert client.get(reverse("approvals:decide", args=[pk])).status_code == 403
    response = client.post(
        reverse("approvals:decide", args=[pk]),
        {"decision": "approve", "reason": "特に必要", "chair_exception": "on"},
    )
    assert response.status_code == 403
    client.logout()
    submitted_by_head_a.refresh_from_db()
    assert submitted_by_head_a.status == RequestStatus.SUBMITTED
    assert not Vote.objects.filter(request=submitted_by_head_a).exists()

    # A member who had no part in it votes as before.
    approvals.request_vote(request_id=pk, actor=member, choice="for")
    assert Vote.objects.filter(request=submitted_by_head_a, member=member).exists()


def test_who_edited_or_handed_over_a_draft_is_read_from_the_trail_by_type_old_rows_too(
    client, admin, staff_a, head_a, dept_a, dept_b, member
):
    """Who applied is read from the request's audit trail by type: an edit naming its fields, handing
    the draft over — and the same in rows written before issue 21, when handing over, a comment and
    a vote were all UPDATED rows. A member who commented, then or now, still votes."""
    from django.contrib.contenttypes.models import ContentType

    from tests.factories import UserFactory

    editor, hander, hander_before = (
        UserFactory(username=f"clerk{i}", department=dept_a, roles=[Role.STAFF]) for i in range(3)
    )
    commenter_before = UserFactory(username="member_before", department=dept_b, roles=[Role.COMMITTEE])
    draft = approvals.request_create(actor=staff_a, fields={"title": "件名"})
    approvals.request_update(request_id=draft.pk, actor=editor, fields=complete_request_fields(head_a))
    approvals.request_ask_submission(request_id=draft.pk, actor=hander)
    approvals.request_submit(request_id=draft.pk, actor=head_a)
    approvals.request_comment(request_id=draft.pk, actor=member, body="目的を確認しました")
    kind = ContentType.objects.get_for_model(draft)
    for actor, summary in ((hander_before, "課長に提出を依頼"), (commenter_before, "審査会のコメント")):
        AuditEvent.objects.create(  # as 0.2.0 wrote them
            content_type=kind, object_id=draft.pk, action="updated", summary=summary, actor_kind="person", actor=actor
        )

    for applicant in (editor, hander, hander_before):
        judge = _reassign(client, admin, applicant, roles=[Role.COMMITTEE], department=dept_b)
        with pytest.raises(PermissionDenied):
            approvals.request_vote(request_id=draft.pk, actor=judge, choice="for")
    for voter in (member, commenter_before):
        approvals.request_vote(request_id=draft.pk, actor=voter, choice="for")
    assert set(Vote.objects.values_list("member__username", flat=True)) == {member.username, "member_before"}


def test_a_committee_member_moved_into_the_applying_ka_stops_voting_on_its_request(
    client, admin, submitted_by_head_a, member, staff_a
):
    """The own-課 rule follows the member's 課 at the time of the vote, not at the time of submission."""
    moved = _reassign(client, admin, member, roles=[Role.COMMITTEE], department=staff_a.department)
    client.force_login(moved)
    assert client.post(reverse("approvals:vote", args=[submitted_by_head_a.pk]), {"choice": "for"}).status_code == 403
    assert not Vote.objects.exists()
