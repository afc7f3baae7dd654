"""The audit trail's writers (core/audit.py, SPEC §7): the transition helper and the rows it writes.

Who did what, when, from which state to which, in the words the trail's reader knows; nothing else of
the record is written by a transition. `make mutate` runs these (and test_transitions.py) against
each change of the module.
"""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from approvals import services as approvals
from approvals.models import AccountRequest, RequestStatus
from core.audit import (
    SUMMARY_MAX,
    audit_edit,
    audit_record,
    changed_fields,
    shown,
    snapshot,
    summary_of,
    timeline_of,
    transition,
)
from core.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.rules]


@pytest.fixture
def draft(staff_a):
    return approvals.request_create(actor=staff_a, fields={"title": "件名"})


def _rows(obj, action=None):
    rows = AuditEvent.objects.for_object(obj).order_by("id")
    return list(rows.filter(action=action) if action else rows)


def test_a_transition_writes_the_state_and_one_row_old_to_new(draft, head_a):
    AccountRequest.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - timedelta(days=3))
    draft.refresh_from_db()
    before = draft.updated_at
    row = transition(draft, to=RequestStatus.SUBMITTED, actor=head_a, label="提出")
    draft.refresh_from_db()
    assert draft.status == RequestStatus.SUBMITTED
    assert draft.updated_at > before  # the list's "更新日時" moves with the state
    assert _rows(draft, AuditEvent.Action.TRANSITION) == [row]
    assert (row.from_state, row.to_state, row.actor, row.summary) == (
        "draft",
        "submitted",
        head_a,
        "提出：下書き → 提出済",
    )
    assert (row.comment, row.changes) == ("", {})


def test_a_transition_writes_the_fields_it_is_given_and_no_other(draft, head_a):
    draft.title = "保存されない件名"
    draft.returned = True
    transition(
        draft,
        to=RequestStatus.DRAFT,
        actor=head_a,
        label="差戻し",
        comment="目的を具体的に",
        update_fields=["returned"],
        changes={"理由": ["", "目的を具体的に"]},
    )
    draft.refresh_from_db()
    assert (draft.title, draft.returned) == ("件名", True)
    (row,) = _rows(draft, AuditEvent.Action.TRANSITION)
    assert (row.comment, row.changes) == ("目的を具体的に", {"理由": ["", "目的を具体的に"]})


def test_a_state_without_a_label_is_named_as_stored(draft, head_a):
    """A value from before a state was renamed (a city upgrades in place) still reads in the trail."""
    AccountRequest.objects.filter(pk=draft.pk).update(status="old_state")
    draft.refresh_from_db()
    row = transition(draft, to=RequestStatus.DRAFT, actor=head_a, label="復元")
    assert row.summary == "復元：old_state → 下書き"
    row = transition(draft, to="next_state", actor=head_a, label="移行")
    assert row.summary == "移行：下書き → next_state"


@pytest.mark.parametrize("actor", [None, AnonymousUser()])
def test_a_row_without_a_signed_in_actor_is_refused_and_nothing_is_written(draft, actor):
    """Issue 21: every row names who made the change — a person, a job, or an API token."""
    before = AuditEvent.objects.count()
    with pytest.raises(TypeError):
        audit_record(target=draft, actor=actor, action=AuditEvent.Action.UPDATED, summary="自動処理")
    assert AuditEvent.objects.count() == before


def test_a_jobs_row_names_the_job_and_no_person(draft):
    job = AuditEvent.Job.STATUS_CHECK
    row = audit_record(target=draft, actor=job, action=AuditEvent.Action.UPDATED, summary="自動処理")
    assert (row.actor, row.actor_kind, row.actor_job) == (None, AuditEvent.ActorKind.JOB, job)
    assert (row.from_state, row.to_state, row.comment, row.changes) == ("", "", "", {})


def test_a_row_names_its_signed_in_actor(draft, head_a):
    assert audit_record(target=draft, actor=head_a, action=AuditEvent.Action.UPDATED, summary="確認").actor == head_a


def test_values_are_kept_as_the_reader_reads_them(dept_a):
    assert [shown(v) for v in (None, True, 3, "文", ["a"])] == [None, True, 3, "文", ["a"]]
    assert shown(date(2026, 4, 1)) == "2026-04-01"
    assert shown(dept_a) == "児童青少年部子ども政策課"  # a related object by its name


def test_an_edit_names_what_changed_old_to_new(draft, staff_a):
    before = snapshot(draft, ["title", "frequency"])
    draft.title = "新しい件名"
    changes = changed_fields(draft, before)
    assert changes == {"件名": ["件名", "新しい件名"]}
    row = audit_edit(target=draft, actor=staff_a, changes=changes, what="下書きを編集", comment="誤字")
    assert (row.action, row.summary, row.changes, row.actor, row.comment) == (
        AuditEvent.Action.UPDATED,
        "下書きを編集（件名）",
        {"件名": ["件名", "新しい件名"]},
        staff_a,
        "誤字",
    )
    assert audit_edit(target=draft, actor=staff_a, changes={}, what="下書きを編集") is None
    assert audit_edit(target=draft, actor=staff_a, changes=changes, what="下書きを編集").comment == ""


def test_a_long_summary_names_as_many_fields_as_fit():
    assert summary_of("編集", ["表示名", "URL"]) == "編集（表示名、URL）"
    fits = "あ" * (SUMMARY_MAX - len("編集（）"))
    assert summary_of("編集", [fits]) == f"編集（{fits}）"  # exactly the column's length
    label = "い" * ((SUMMARY_MAX - len("編集（ほか1項目）")) // 2 - 1)
    assert summary_of("編集", [label, label, label]) == f"編集（{label}、{label}ほか1項目）"
    assert summary_of("編集", ["う" * SUMMARY_MAX, "え"]) == "編集（2項目）"


def test_the_timeline_is_the_newest_rows_and_says_whether_older_ones_exist(draft, staff_a):
    for n in range(3):
        audit_record(target=draft, actor=staff_a, action=AuditEvent.Action.UPDATED, summary=f"編集{n}")
    newest_first = ["編集2", "編集1", "編集0", "申請の下書きを作成"]
    timeline = timeline_of(draft, limit=3)
    assert [row.summary for row in timeline["timeline"]] == newest_first[:3]
    assert (timeline["timeline_more"], timeline["timeline_limit"]) == (True, 3)
    timeline = timeline_of(draft, limit=4)
    assert [row.summary for row in timeline["timeline"]] == newest_first
    assert (timeline["timeline_more"], timeline["timeline_limit"]) == (False, 4)
    assert timeline_of(draft)["timeline_limit"] == 100


def test_the_timeline_is_in_the_order_things_happened(draft, staff_a):
    """By the time of each row (a row may be written after a later one: two requests at once), the
    last written first when two rows share their time."""
    now = timezone.now()
    content = {
        "content_type": _rows(draft)[0].content_type,
        "object_id": draft.pk,
        "actor": staff_a,
        "actor_kind": AuditEvent.ActorKind.PERSON,
    }
    AuditEvent.objects.create(**content, action=AuditEvent.Action.UPDATED, summary="後", at=now)
    AuditEvent.objects.create(**content, action=AuditEvent.Action.UPDATED, summary="先", at=now - timedelta(hours=1))
    AuditEvent.objects.create(**content, action=AuditEvent.Action.UPDATED, summary="同時1", at=now + timedelta(hours=1))
    AuditEvent.objects.create(**content, action=AuditEvent.Action.UPDATED, summary="同時2", at=now + timedelta(hours=1))
    summaries = [row.summary for row in timeline_of(draft)["timeline"]]
    assert summaries == ["同時2", "同時1", "後", "申請の下書きを作成", "先"]


def test_a_timeline_also_shows_the_rows_of_records_kept_beside_it(draft, account_a, head_a):
    """An account's page shows its public changes' rows with its own (`also`), in one list."""
    audit_record(target=account_a, actor=head_a, action=AuditEvent.Action.UPDATED, summary="表示名を変更")
    approvals.request_create(actor=head_a, fields={"title": "別の申請"})  # not beside the account
    # …nor a row of another kind of record that happens to have the draft's number.
    other = audit_record(target=account_a.department, actor=head_a, action=AuditEvent.Action.UPDATED, summary="x")
    AuditEvent.objects.create(
        content_type=other.content_type,
        object_id=draft.pk,
        action=AuditEvent.Action.UPDATED,
        summary="課の変更",
        actor=head_a,
        actor_kind=AuditEvent.ActorKind.PERSON,
    )
    alone = [row.summary for row in timeline_of(account_a)["timeline"]]
    both = [row.summary for row in timeline_of(account_a, also=AccountRequest.objects.filter(pk=draft.pk))["timeline"]]
    assert "申請の下書きを作成" not in alone
    assert {"表示名を変更", "申請の下書きを作成"} <= set(both)
    assert len(both) == len(alone) + len(_rows(draft)) and "課の変更" not in both
