"""Every status change is one TRANSITION row old → new on the record itself; every edit of a draft is
an UPDATED row naming what changed (SPEC §7: who did what, when, from which state to which).

A few tests read the summary: it is what people read on the record's page (経過)."""

from datetime import date

import pytest

from approvals import services as approvals
from core.models import AuditEvent
from monitoring import incidents
from policies import services as policies
from policies.models import PolicyDraft
from reviews import services as reviews
from tests.factories import complete_request_fields
from tests.reviews.test_reviews import complete_review

pytestmark = [pytest.mark.django_db, pytest.mark.rules]  # `make mutate`: core/audit.py


def _rows(obj, action=None):
    rows = AuditEvent.objects.for_object(obj)
    return list(rows.filter(action=action) if action else rows)


def test_a_reviews_sign_off_is_a_transition_of_the_review(account_a, staff_a, head_a, pr_account):
    review = reviews.review_start(account_id=account_a.pk, actor=staff_a, fiscal_year=2025)
    reviews.review_update(review_id=review.pk, actor=staff_a, fields=complete_review(pr_account))
    reviews.review_sign_off(review_id=review.pk, actor=head_a)
    (row,) = _rows(review, AuditEvent.Action.TRANSITION)
    assert (row.from_state, row.to_state, row.actor) == ("draft", "signed", head_a)
    assert row.summary == "課長の確認（結論：継続）：作成中 → 課長確認済"


def test_an_edit_of_a_review_names_what_changed(account_a, staff_a, pr_account):
    review = reviews.review_start(account_id=account_a.pk, actor=staff_a, fiscal_year=2025)
    reviews.review_update(review_id=review.pk, actor=staff_a, fields={"posts": 150, "engagement": ""})
    reviews.review_update(review_id=review.pk, actor=staff_a, fields={"posts": 150})  # no change: no row
    (row,) = _rows(review, AuditEvent.Action.UPDATED)
    assert row.summary == "効果測定を編集（年度内の投稿数）"
    assert row.changes == {"年度内の投稿数": [None, 150]}


def test_closing_an_incident_is_a_transition_of_the_incident(account_a, head_a):
    incident = incidents.incident_open(account_id=account_a.pk, actor=head_a, kind="other", title="確認")
    incidents.incident_step_done(incident_id=incident.pk, actor=head_a, code="confirm")
    incidents.incident_close(incident_id=incident.pk, actor=head_a, comment="対応済み")
    assert [r.action for r in _rows(incident)] == [
        AuditEvent.Action.CREATED,
        AuditEvent.Action.STEP_DONE,
        AuditEvent.Action.TRANSITION,
    ]
    (row,) = _rows(incident, AuditEvent.Action.TRANSITION)
    assert (row.from_state, row.to_state, row.comment) == ("open", "closed", "対応済み")


def test_an_edit_of_a_request_draft_names_what_changed(staff_a, head_a):
    request = approvals.request_create(actor=staff_a, fields={"title": "件名"})
    approvals.request_update(request_id=request.pk, actor=staff_a, fields={"title": "新しい件名", "frequency": ""})
    (created,) = _rows(request, AuditEvent.Action.CREATED)
    (edit,) = _rows(request, AuditEvent.Action.UPDATED)
    assert (created.actor, edit.actor, edit.changes) == (staff_a, staff_a, {"件名": ["件名", "新しい件名"]})
    request = approvals.request_update(request_id=request.pk, actor=staff_a, fields=complete_request_fields(head_a))
    approvals.request_submit(request_id=request.pk, actor=head_a)
    (row,) = _rows(request, AuditEvent.Action.TRANSITION)
    assert (row.from_state, row.to_state, row.actor) == ("draft", "submitted", head_a)


def test_an_edit_of_a_policy_draft_names_the_articles(account_a, head_a):
    policies.policy_draft_start(account_id=account_a.pk, actor=head_a)
    draft = PolicyDraft.objects.get(account=account_a)
    articles = [dict(a) for a in draft.articles]
    articles[2]["body"] += "追記"
    articles.append({"heading": "附則", "body": "この方針は、令和8年4月1日から施行する。"})
    policies.policy_draft_update(account_id=account_a.pk, actor=head_a, title=draft.title, articles=articles)
    policies.policy_draft_update(account_id=account_a.pk, actor=head_a, title=draft.title, articles=articles)
    (drafted,) = _rows(account_a, AuditEvent.Action.POLICY_DRAFTED)
    (edit,) = _rows(account_a, AuditEvent.Action.POLICY_EDITED)
    assert edit.summary == "運用ポリシー案を編集（第3条、第11条（新設））"  # the articles, as people read them
    policies.policy_issue(account_id=account_a.pk, actor=head_a, issued_on=date(2026, 4, 1))
    (issued,) = _rows(account_a, AuditEvent.Action.POLICY_ISSUED)
    assert (drafted.actor, issued.actor) == (head_a, head_a)


def test_a_long_list_of_changed_fields_is_shortened_to_fit_the_summary():
    from core.audit import SUMMARY_MAX, summary_of

    labels = [f"とても長い項目名その{i}" for i in range(30)]
    summary = summary_of("下書きを編集", labels)
    assert len(summary) <= SUMMARY_MAX
    assert summary.startswith("下書きを編集（とても長い項目名その0、") and summary.endswith("項目）")
    assert summary_of("変更", ["表示名"]) == "変更（表示名）"
