"""New-account requests (SPEC §4.1): every transition allowed and refused per role, the reuse
questions, numbering per 年度, the 委員長特認 path, the account and policy created on 承認."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import AccountStatus
from approvals import services
from approvals.models import AccountRequest, RequestStatus, Vote
from core.errors import TransitionError
from core.models import AuditEvent
from org.roles import Role
from policies.models import PolicyVersion
from tests.factories import AccountFactory, UserFactory, complete_request_fields
from tests.pdf_reading import assert_archival_and_tagged, read_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(staff_a, head_a):
    return services.request_create(actor=staff_a, fields=complete_request_fields(head_a))


@pytest.fixture
def submitted(draft, head_a):
    return services.request_submit(request_id=draft.pk, actor=head_a)


def _steps(obj):
    events = AuditEvent.objects.for_object(obj).filter(action=AuditEvent.Action.TRANSITION).order_by("id")
    return [(e.from_state, e.to_state) for e in events]


# --- drafting and submitting ---------------------------------------------------------------------


def test_a_draft_saves_with_partial_data(staff_a):
    obj = services.request_create(actor=staff_a, fields={"title": "子育てLINE"})
    assert obj.status == RequestStatus.DRAFT
    assert "reuse_fits" in services.request_missing(obj)


@pytest.mark.parametrize("person", ["member", "chair", "security_officer", "contractor", "admin"])
def test_only_section_people_start_a_request(request, person):
    with pytest.raises(PermissionDenied):
        services.request_create(actor=request.getfixturevalue(person), fields={})


def test_staff_cannot_submit_only_the_section_head(draft, staff_a, head_b):
    """G-4-2-イ: the 課長 files the 第４号様式; a clerk or another 課's 課長 cannot."""
    with pytest.raises(PermissionDenied, match="課長です"):
        services.request_submit(request_id=draft.pk, actor=staff_a)
    with pytest.raises(PermissionDenied, match="課長です"):
        services.request_submit(request_id=draft.pk, actor=head_b)  # another 課's 課長
    draft.refresh_from_db()
    assert draft.status == RequestStatus.DRAFT and draft.fiscal_year is None


@pytest.mark.parametrize(
    "field", ["reuse_fits", "reuse_fits_reason", "reuse_too_light_reason", "reuse_crowds", "title", "manager"]
)
def test_submission_requires_the_reuse_answers_and_the_form(staff_a, head_a, field):
    """G-4-2-ア: (ア)(イ)(ウ) each need an answer and a reason before the request goes to the committee."""
    fields = complete_request_fields(head_a)
    fields[field] = None if field == "manager" else ""
    obj = services.request_create(actor=staff_a, fields=fields)
    with pytest.raises(services.SubmissionIncomplete) as info:
        services.request_submit(request_id=obj.pk, actor=head_a)
    assert field in info.value.missing
    assert "提出するには" in info.value.missing[field]


@time_machine.travel("2026-11-24 10:00 +0900", tick=False)
def test_submission_numbers_per_fiscal_year(staff_a, head_a):
    first = services.request_create(actor=staff_a, fields=complete_request_fields(head_a, handle="komae_a1"))
    second = services.request_create(actor=staff_a, fields=complete_request_fields(head_a, handle="komae_a2"))
    assert services.request_submit(request_id=first.pk, actor=head_a).reference == "令和8年度-001"
    assert services.request_submit(request_id=second.pk, actor=head_a).reference == "令和8年度-002"
    with time_machine.travel("2027-04-01 09:00 +0900", tick=False):
        third = services.request_create(actor=staff_a, fields=complete_request_fields(head_a, handle="komae_a3"))
        assert services.request_submit(request_id=third.pk, actor=head_a).reference == "令和9年度-001"


def test_nobody_edits_a_submitted_request(submitted, staff_a, head_a):
    for actor in (staff_a, head_a):
        with pytest.raises(TransitionError, match="提出済の申請は変更できません"):
            services.request_update(request_id=submitted.pk, actor=actor, fields={"title": "書き換え"})


def test_a_handle_already_official_cannot_be_requested(draft, head_a, dept_b, head_b):
    AccountFactory(department=dept_b, manager=head_b, handle="komae_kids_line", platform=draft.platform)
    with pytest.raises(services.SubmissionIncomplete) as info:
        services.request_submit(request_id=draft.pk, actor=head_a)
    assert "既に公式アカウントとして登録" in info.value.missing["desired_handle"]


@pytest.mark.parametrize("handle", ["komae/../../../../internal/admin", "komae?extra=1#", "komae_kosodate_info_x"])
def test_a_desired_handle_that_is_no_line_id_cannot_be_submitted(staff_a, head_a, handle):
    """Issue 20: the handle the account will have is the platform's syntax from the start."""
    draft = services.request_create(actor=staff_a, fields=complete_request_fields(head_a, handle=handle))
    with pytest.raises(services.SubmissionIncomplete) as info:
        services.request_submit(request_id=draft.pk, actor=head_a)
    assert "LINEのユーザー名の形ではありません" in info.value.missing["desired_handle"]
    draft.refresh_from_db()
    assert draft.status == RequestStatus.DRAFT


def test_a_request_submitted_before_the_rule_is_not_approved_with_its_handle(submitted, member, chair):
    AccountRequest.objects.filter(pk=submitted.pk).update(desired_handle="komae/../../internal")
    services.request_vote(request_id=submitted.pk, actor=member, choice="for")
    with pytest.raises(TransitionError, match="ユーザー名の形ではありません"):
        services.request_decide(request_id=submitted.pk, actor=chair, decision="approve")
    submitted.refresh_from_db()
    assert submitted.status == RequestStatus.IN_REVIEW and submitted.account is None


def test_submission_emails_the_committee(mailoutbox, django_capture_on_commit_callbacks, draft, head_a, member):
    member.email = "member@city.komae.lg.jp"
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_submit(request_id=draft.pk, actor=head_a)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["member@city.komae.lg.jp"]
    assert "提出されました" in mailoutbox[0].subject


# --- the committee --------------------------------------------------------------------------------


def test_a_member_votes_once_and_review_begins(submitted, member):
    services.request_vote(request_id=submitted.pk, actor=member, choice="for", comment="妥当")
    submitted.refresh_from_db()
    assert submitted.status == RequestStatus.IN_REVIEW
    with pytest.raises(TransitionError, match="既に賛否を表明しています"):
        services.request_vote(request_id=submitted.pk, actor=member, choice="against")
    assert Vote.objects.filter(request=submitted).count() == 1


def test_the_requesting_section_cannot_vote_or_decide(submitted, dept_a):
    from tests.factories import UserFactory

    insider = UserFactory(username="insider", department=dept_a, roles=["committee", "committee_chair"])
    with pytest.raises(PermissionDenied, match="申請した課以外"):
        services.request_vote(request_id=submitted.pk, actor=insider, choice="for")
    with pytest.raises(PermissionDenied, match="申請した課の委員長を除く"):
        services.request_decide(request_id=submitted.pk, actor=insider, decision="approve", reason="特認")


@pytest.mark.parametrize("person", ["staff_a", "head_a", "security_officer", "admin"])
def test_only_committee_members_vote(request, submitted, person):
    with pytest.raises(PermissionDenied):
        services.request_vote(request_id=submitted.pk, actor=request.getfixturevalue(person), choice="for")


def test_a_member_cannot_decide(submitted, member):
    services.request_vote(request_id=submitted.pk, actor=member, choice="for")
    with pytest.raises(PermissionDenied, match="委員長です"):
        services.request_decide(request_id=submitted.pk, actor=member, decision="approve")


@time_machine.travel("2026-11-24 10:00 +0900", tick=False)
def test_approval_opens_the_account_with_policy_version_1(submitted, member, chair, head_a):
    """G-4-2-ウ: the committee's approval opens the account with its enacted policy."""
    services.request_vote(request_id=submitted.pk, actor=member, choice="for")
    services.request_decide(request_id=submitted.pk, actor=chair, decision="approve")
    submitted.refresh_from_db()
    account = submitted.account
    assert submitted.status == RequestStatus.APPROVED and not submitted.chair_exception
    assert (account.status, account.department, account.handle) == (
        AccountStatus.PREPARING,
        submitted.department,
        "komae_kids_line",
    )
    assert (account.manager, account.tone, account.registered_email) == (
        head_a,
        "friendly",
        "kosodate-line@city.komae.lg.jp",
    )
    version = PolicyVersion.objects.get(account=account)
    assert (version.number, version.kind, version.issued_on) == (1, "enact", date(2026, 11, 24))
    assert _steps(submitted) == [("draft", "submitted"), ("submitted", "in_review"), ("in_review", "approved")]


def test_rejection_needs_a_reason(submitted, member, chair):
    services.request_vote(request_id=submitted.pk, actor=member, choice="against")
    with pytest.raises(TransitionError, match="否認の理由を入力"):
        services.request_decide(request_id=submitted.pk, actor=chair, decision="reject")
    services.request_decide(request_id=submitted.pk, actor=chair, decision="reject", reason="既存アカウントで足りる")
    submitted.refresh_from_db()
    assert submitted.status == RequestStatus.REJECTED and submitted.account is None


def test_return_goes_back_to_draft_and_resubmission_keeps_the_number(submitted, member, chair, staff_a, head_a):
    number = submitted.reference
    services.request_comment(request_id=submitted.pk, actor=member, body="(ウ)の理由をもう少し具体的に")
    services.request_decide(request_id=submitted.pk, actor=chair, decision="return", reason="(ウ)を補足してください")
    submitted.refresh_from_db()
    assert (submitted.status, submitted.status_label) == (RequestStatus.DRAFT, "下書き（差戻し）")
    services.request_update(request_id=submitted.pk, actor=staff_a, fields={"reuse_crowds_reason": "週3回配信のため"})
    again = services.request_submit(request_id=submitted.pk, actor=head_a)
    assert again.reference == number and again.round == 2
    # A new round: the member may vote again.
    services.request_vote(request_id=submitted.pk, actor=member, choice="for")
    assert Vote.objects.filter(request=submitted, member=member).count() == 1


def test_the_chair_exception_from_submitted_is_recorded_as_such(client, submitted, chair):
    """G-4-2-ウ ただし書: the chair may approve without the committee's review (委員長特認), recorded as such."""
    with pytest.raises(TransitionError, match="委員長特認の理由を入力"):
        services.request_decide(request_id=submitted.pk, actor=chair, decision="approve")
    with pytest.raises(TransitionError, match="委員長特認による承認だけ"):
        services.request_decide(request_id=submitted.pk, actor=chair, decision="reject", reason="x")
    services.request_decide(request_id=submitted.pk, actor=chair, decision="approve", reason="災害対応で急を要する")
    submitted.refresh_from_db()
    assert submitted.chair_exception and submitted.status == RequestStatus.APPROVED
    decided = AuditEvent.objects.for_object(submitted).last()
    assert (decided.action, decided.from_state, decided.to_state, decided.actor, decided.comment) == (
        AuditEvent.Action.TRANSITION,
        "submitted",  # never 審査中: the chair's exception
        "approved",
        chair,
        "災害対応で急を要する",
    )
    opened = AuditEvent.objects.for_object(submitted.account).get(action=AuditEvent.Action.CREATED)
    assert (opened.actor, opened.to_state) == (chair, "preparing")
    client.force_login(chair)
    page = client.get(reverse("approvals:detail", args=[submitted.pk])).content.decode()
    assert "委員長特認" in page and "災害対応で急を要する" in page
    listing = client.get(reverse("approvals:list")).content.decode()
    assert "委員長特認" in listing


def test_a_decided_request_cannot_be_decided_again(submitted, chair):
    services.request_decide(request_id=submitted.pk, actor=chair, decision="approve", reason="特認")
    with pytest.raises(TransitionError, match="既に承認です"):
        services.request_decide(request_id=submitted.pk, actor=chair, decision="reject", reason="x")


# --- the screens ------------------------------------------------------------------------------------


def test_the_form_first_shows_related_existing_accounts(client, staff_a, pr_account, dept_b, head_b):
    """G-4-2-ア: the request first shows the city's existing accounts of the same 分野 or SNS."""
    AccountFactory(department=dept_b, manager=head_b, field="children", display_name="こまえ子ども応援X")
    client.force_login(staff_a)
    step1 = client.get(reverse("approvals:create")).content.decode()
    assert "分野" in step1 and "利用したいSNS" in step1
    page = client.get(reverse("approvals:create"), {"field": "children", "platform": pr_account.platform_id})
    body = page.content.decode()
    assert "関係する市の既存アカウント" in body
    assert "こまえ子ども応援X" in body  # same 分野
    assert pr_account.display_name in body  # same platform
    assert "(ア) 既存の公式アカウントでの情報集約になじむか" in body


def test_submitting_from_the_form_shows_each_missing_field(client, staff_a, head_a):
    client.force_login(staff_a)
    client.post(
        reverse("approvals:create") + "?field=children&platform=1",
        {"title": "子育てLINE", "field": "children"},
    )
    obj = AccountRequest.objects.get()
    client.force_login(head_a)
    response = client.post(reverse("approvals:edit", args=[obj.pk]), {"title": "子育てLINE", "submit": "1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "提出するには「(ア) 既存の公式アカウントでの情報集約になじむか」が必要です" in body
    assert "子育てLINE" in body
    obj.refresh_from_db()
    assert obj.status == RequestStatus.DRAFT and obj.title == "子育てLINE"


def test_the_section_head_submits_from_the_form(client, draft, head_a):
    client.force_login(head_a)
    data = {k: v for k, v in complete_request_fields(head_a).items() if v is not None}
    data.update(platform=data["platform"].pk, manager=head_a.pk, start_on="令和9年4月1日", submit="1")
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(reverse("approvals:edit", args=[draft.pk]), data, follow=True)
    # Saved, then a confirmation before it goes to the committee.
    assert response.redirect_chain[-1][0] == reverse("approvals:submit", args=[draft.pk])
    page = response.content.decode()
    assert "行政情報化推進委員会への提出の確認" in page and "既存のアカウントでの発信を示しています" not in page
    draft.refresh_from_db()
    assert draft.status == RequestStatus.DRAFT
    response = client.post(reverse("approvals:submit", args=[draft.pk]), follow=True)
    draft.refresh_from_db()
    assert draft.status == RequestStatus.SUBMITTED
    assert f"{draft.reference} として行政情報化推進委員会に提出しました" in response.content.decode()


def test_the_confirmation_warns_when_the_answers_point_to_an_existing_account(client, draft, head_a):
    """G-4-2-ア: (ア)=はい, (イ)=はい or (ウ)=いいえ means an existing account could carry it."""
    services.request_update(
        request_id=draft.pk, actor=head_a, fields={**complete_request_fields(head_a), "reuse_fits": "yes"}
    )
    client.force_login(head_a)
    page = client.get(reverse("approvals:submit", args=[draft.pk])).content.decode()
    assert "既存のアカウントでの発信を示しています" in page and "提出する" in page


def test_a_start_date_in_the_past_is_refused(client, draft, head_a):
    from datetime import date

    services.request_update(
        request_id=draft.pk, actor=head_a, fields={**complete_request_fields(head_a), "start_on": date(2020, 4, 1)}
    )
    with pytest.raises(services.SubmissionIncomplete) as refused:
        services.request_submit(request_id=draft.pk, actor=head_a)
    assert refused.value.missing == {"start_on": "開始予定日が過ぎています。今日以降の日付にしてください。"}
    client.force_login(head_a)
    page = client.get(reverse("approvals:submit", args=[draft.pk])).content.decode()
    assert "開始予定日が過ぎています" in page and "提出する</button>" not in page


def test_a_clerk_hands_the_draft_to_the_section_head(client, draft, staff_a, head_a):
    """G-4-2-イ: the 課長 submits; the clerk asks them to, and the 課長 sees it on the dashboard."""
    services.request_update(request_id=draft.pk, actor=staff_a, fields=complete_request_fields(head_a))
    client.force_login(staff_a)
    page = client.get(reverse("approvals:detail", args=[draft.pk])).content.decode()
    assert "提出は課長が行います" in page and "課長に提出を依頼" in page
    response = client.post(reverse("approvals:ask_submission", args=[draft.pk]), follow=True)
    assert "課長に提出を依頼しました" in response.content.decode()
    with pytest.raises(TransitionError, match="既に課長に提出を依頼しています"):
        services.request_ask_submission(request_id=draft.pk, actor=staff_a)
    client.force_login(head_a)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "提出の依頼あり" in dashboard and "申請の提出依頼" in dashboard
    services.request_submit(request_id=draft.pk, actor=head_a)
    draft.refresh_from_db()
    assert draft.submission_requested_at is None  # asked again after a 差戻し, if it comes to that


def test_the_clerk_who_handed_the_draft_hears_that_the_section_head_submitted_it(
    mailoutbox, django_capture_on_commit_callbacks, client, head_a, staff_a, dept_a
):
    """Issue 20 #14: the clerk learns, in the app and by mail, that the 課長 sent it to the committee."""
    writer = UserFactory(department=dept_a, roles=[Role.STAFF], email="writer@city.komae.lg.jp")
    draft = services.request_create(actor=writer, fields=complete_request_fields(head_a))
    staff_a.email = "staff@city.komae.lg.jp"
    staff_a.save()
    services.request_ask_submission(request_id=draft.pk, actor=staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_submit(request_id=draft.pk, actor=head_a)
    draft.refresh_from_db()
    told = [m for m in mailoutbox if "を課長が提出しました" in m.subject]
    assert sorted(a for m in told for a in m.to) == ["staff@city.komae.lg.jp", "writer@city.komae.lg.jp"]
    assert draft.reference in told[0].subject and f"/requests/{draft.pk}/" in told[0].body
    client.force_login(staff_a)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert f"申請 {draft.reference} を課長が提出しました" in dashboard
    assert not head_a.notices.filter(subject__contains="を課長が提出しました").exists()


def test_the_form4_prints_as_pdf_with_number_and_wareki(client, submitted, member):
    """G-4-2-イ: the 電子計算組織処理計画書 (第４号様式) prints with the draft policy."""
    import io

    from pypdf import PdfReader

    client.force_login(member)
    response = client.get(reverse("approvals:form4_pdf", args=[submitted.pk]))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert text.count("電子計算組織処理計画書") == 1  # the title, not a section inside the form itself
    assert "（第４号様式）" not in text
    assert "件名" in text and "1　申請するアカウント" in text
    assert submitted.reference in text
    assert "令和9年4月1日" in text  # 開始予定日 in 和暦
    assert "子育て情報LINEアカウントの開設" in text


def test_section_b_does_not_see_section_a_requests(client, submitted, staff_b):
    client.force_login(staff_b)
    assert client.get(reverse("approvals:detail", args=[submitted.pk])).status_code == 404
    assert submitted.title not in client.get(reverse("approvals:list")).content.decode()


def test_the_committee_sees_submitted_requests_not_drafts(client, draft, member, head_a):
    client.force_login(member)
    assert client.get(reverse("approvals:detail", args=[draft.pk])).status_code == 404
    services.request_submit(request_id=draft.pk, actor=head_a)
    assert client.get(reverse("approvals:detail", args=[draft.pk])).status_code == 200
    assert draft.title in client.get(reverse("dashboard")).content.decode()


def test_everyone_concerned_is_emailed_at_each_step(
    mailoutbox, django_capture_on_commit_callbacks, draft, head_a, staff_a, member, chair
):
    for user, address in ((head_a, "head"), (staff_a, "staff"), (member, "member"), (chair, "chair")):
        user.email = f"{address}@city.komae.lg.jp"
        user.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_submit(request_id=draft.pk, actor=head_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_vote(request_id=draft.pk, actor=member, choice="for")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_decide(request_id=draft.pk, actor=chair, decision="approve")
    # One mail per person, each with an absolute link to the request (a mail client opens it).
    by_subject = {}
    for m in mailoutbox:
        by_subject.setdefault(m.subject, set()).update(m.to)
    submitted, went_on, voted, approved = by_subject
    assert {"chair@city.komae.lg.jp", "member@city.komae.lg.jp"} <= by_subject[submitted]
    assert by_subject[went_on] == {"staff@city.komae.lg.jp"} and "課長が提出しました" in went_on
    assert by_subject[voted] == {"chair@city.komae.lg.jp"} and "賛成" in voted
    assert {"head@city.komae.lg.jp", "staff@city.komae.lg.jp"} <= by_subject[approved]
    assert "承認されました" in approved
    approval = next(m for m in mailoutbox if m.subject == approved)
    assert "認証（公式マーク）を申請する" in approval.body
    assert f"http://127.0.0.1:8000/requests/{draft.pk}/" in approval.body
    # The same reached them in the app: a notice each, unread, without the mail's prefix (issue 20 #18).
    assert approved.startswith("[公式SNS] ")
    assert staff_a.notices.filter(subject=approved.removeprefix("[公式SNS] "), read_at__isnull=True).exists()


def _form4(client, person, obj):
    client.force_login(person)
    response = client.get(reverse("approvals:form4_pdf", args=[obj.pk]))
    assert response["Content-Type"] == "application/pdf"
    return read_pdf(response.content)


def test_the_form4_is_a_tagged_pdfa_whose_values_are_read_with_their_labels(client, submitted, member):
    """The 第４号様式 is kept with the request: PDF/A-2a; each value cell is announced with its label."""
    doc = _form4(client, member, submitted)
    assert_archival_and_tagged(doc, title=f"電子計算組織処理計画書　{submitted.reference}")
    assert [h.text for h in doc.root.find("H1")] == ["電子計算組織処理計画書"]
    from approvals.views import request_sections

    legends = [legend for i, (legend, _) in enumerate(request_sections(submitted)) if i != AccountRequest.FORM_SECTION]
    sections = [h.text for h in doc.root.find("H2")]
    assert sections == [f"{n}　{legend}" for n, legend in enumerate(legends, start=1)]
    assert sections[0] == "1　申請するアカウント"
    labelled = {}
    for row in doc.root.find("TR"):
        header, cell = row.children
        assert (header.tag, cell.tag) == ("TH", "TD")
        assert list(cell.attrs["/Headers"]) == [header.id]  # the label is the header of its row's value
        labelled[header.text] = cell.text
    assert labelled["件名"] == "子育て情報LINEアカウントの開設"
    assert labelled["対象者"] == "市内の子育て世帯"
    assert submitted.reference in doc.reading and "令和9年4月1日" in doc.reading
    assert doc.artifacts == [""] * doc.pages
    assert doc.untagged == [f"－ {n} －" for n in range(1, doc.pages + 1)]


def test_a_draft_form4_says_it_is_a_draft_in_words_and_watermark(client, draft, staff_a):
    doc = _form4(client, staff_a, draft)
    assert_archival_and_tagged(doc, title="電子計算組織処理計画書（案）")
    assert doc.reading.startswith("（案）")  # a screen reader hears what the watermark shows
    assert doc.artifacts == ["案"] * doc.pages
