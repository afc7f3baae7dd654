"""The audit trail's vocabulary is closed (issue 21): what happened is a member of AuditEvent.Action,
who did it a person, a job of the server (AuditEvent.Job) or an API token — never free text, never
nobody."""

import ast
import re
from importlib import import_module
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from core.audit import Action, ActorKind, Job, TokenActor, audit_record, transition
from core.models import AuditEvent

# The tests of the helper's behaviour are `rules` (make mutate runs them against each change of
# core/audit.py); the three that read the source are not: a mutant's copy holds every mutation at once.
pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
NOT_THE_APP = {"tests", "e2e", "bench", "migrations", ".venv", "node_modules", "mutants", "var"}


def _source_files():
    for path in ROOT.rglob("*.py"):
        if not NOT_THE_APP & set(path.relative_to(ROOT).parts):
            yield path


def _members_named(enum: str, *, besides: str = "") -> set[str]:
    """The members of `enum` (Action, Job) the app's code names: `AuditEvent.Action.X`, or `Action.X`
    where `Action` is the audit's (imported from core.audit, or `Action = AuditEvent.Action`)."""
    ours = re.compile(rf"from core\.audit import [^\n]*\b{enum}\b|^\s*{enum} = AuditEvent\.{enum}$", re.M)
    named = set()
    for path in _source_files():
        if path == ROOT / besides:
            continue
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Attribute):
                base = node.value
                if (
                    isinstance(base, ast.Attribute)
                    and base.attr == enum
                    and isinstance(base.value, ast.Name)
                    and base.value.id == "AuditEvent"
                ) or (isinstance(base, ast.Name) and base.id == enum and ours.search(source)):
                    named.add(node.attr)
    return named


def test_every_action_of_the_list_is_recorded_by_the_code_and_nothing_else_is():
    named = _members_named("Action") - {"choices", "values", "labels", "names"}
    assert named <= set(Action.names), f"not in AuditEvent.Action: {sorted(named - set(Action.names))}"
    assert set(Action.names) <= named, f"no code records: {sorted(set(Action.names) - named)}"


def test_every_job_names_a_process_of_the_server():
    named = _members_named("Job", besides="core/audit.py") - {"choices", "values", "labels", "names"}
    assert named <= set(Job.names)
    # UNKNOWN is only for rows written before issue 21, without a person and saying nothing more: the
    # helper refuses it (core/audit.py), no code records it.
    assert set(Job.names) - named == {"UNKNOWN"}


def test_no_code_records_an_action_given_as_a_string():
    for path in _source_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "audit_record":
                action = next(k.value for k in node.keywords if k.arg == "action")
                assert not isinstance(action, ast.Constant), f"{path.relative_to(ROOT)}:{node.lineno}: {action.value!r}"


@pytest.mark.rules
@pytest.mark.parametrize("action", ["from_profile", "updated", "something_else"])
def test_the_helper_refuses_an_action_that_is_a_string(action, account_a, head_a):
    with pytest.raises(TypeError, match=r"AuditEvent\.Action"):
        audit_record(target=account_a, actor=head_a, action=action, summary="x")
    assert not AuditEvent.objects.exists()


@pytest.mark.rules
@pytest.mark.parametrize("actor", [None, AnonymousUser(), "sysadmin", Job.UNKNOWN, TokenActor("")])
def test_the_helper_refuses_a_row_without_an_actor_it_can_name(actor, account_a):
    with pytest.raises(TypeError):
        audit_record(target=account_a, actor=actor, action=Action.UPDATED, summary="x")
    assert not AuditEvent.objects.exists()


@pytest.mark.rules
def test_a_person_a_job_and_a_token_are_each_recorded_and_named(account_a, head_a):
    by_person = audit_record(target=account_a, actor=head_a, action=Action.UPDATED, summary="x")
    by_job = audit_record(target=account_a, actor=Job.TOKEN_RENEWAL, action=Action.UPDATED, summary="x")
    by_token = audit_record(
        target=account_a, actor=TokenActor("key-7f3a", owner=head_a), action=Action.UPDATED, summary="x"
    )
    rows = AuditEvent.objects.order_by("id")
    assert [(r.actor_kind, r.actor, r.actor_job, r.actor_token) for r in rows] == [
        (ActorKind.PERSON, head_a, "", ""),
        (ActorKind.JOB, None, Job.TOKEN_RENEWAL, ""),
        (ActorKind.API_TOKEN, head_a, "", "key-7f3a"),
    ]
    assert by_person.actor_label == head_a.display_name
    assert by_job.actor_label == "自動処理（トークン更新）"
    assert by_token.actor_label == f"APIトークン（key-7f3a）：{head_a.display_name}"


@pytest.mark.rules
def test_the_sysadmin_reads_and_filters_the_trail_by_its_types_in_japanese(client, admin, account_a, head_a):
    from django.urls import reverse

    audit_record(target=account_a, actor=head_a, action=Action.UPDATED, summary="表示名を変更")
    audit_record(target=account_a, actor=Job.ROTATE_COMMAND, action=Action.KEY_ROTATED, summary="暗号化し直し")
    client.force_login(admin)
    page = client.get(reverse("admin:core_auditevent_changelist"), {"action": "key_rotated"}).content.decode()
    assert "暗号化し直し" in page and "表示名を変更" not in page
    assert "新しい暗号鍵での暗号化" in page and "サーバーのコマンド（暗号鍵の更新）" in page


@pytest.mark.rules
def test_the_database_refuses_a_row_whose_actor_does_not_match_its_kind(account_a, head_a):
    from django.contrib.contenttypes.models import ContentType
    from django.db import IntegrityError, transaction

    kind = ContentType.objects.get_for_model(account_a)
    for columns in ({"actor_kind": "person"}, {"actor_kind": "job", "actor": head_a}, {"actor_kind": "api_token"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            AuditEvent.objects.create(
                content_type=kind, object_id=account_a.pk, action=Action.UPDATED, summary="x", **columns
            )


@pytest.mark.rules
def test_a_long_label_still_fits_the_summary_with_its_states(account_a, head_a):
    from core.audit import SUMMARY_MAX

    row = transition(account_a, to="notice", actor=head_a, label="長い説明" * 60)
    assert len(row.summary) <= SUMMARY_MAX and row.summary.endswith("…：運用中 → 停止予告中")


# --- the upgrade: rows written before issue 21 ------------------------------------------------------

migration = import_module("core.migrations.0009_audit_actor")


@pytest.mark.parametrize(
    ("action", "summary", "job"),
    [
        ("from_profile", "SNS「Pinterest」をプロファイルから登録", "city_profile"),
        ("created", "APIトークンを自動更新：こまえ市（Threads @komae）・アクセストークン・有効期限 …", "token_renewal"),
        ("transition", "APIトークンを自動更新（更新前）：こまえ市（Threads @komae）・…", "token_renewal"),
        ("updated", "APIトークンを新しい暗号鍵で暗号化し直し：X（このSNSのすべてのアカウント）", "rotate_credentials"),
        ("updated", "ログインのロックを解除（利用者名 staff_a、失敗3回）：サーバーのコマンドで実行", "unlock_login"),
        ("created", "ディレクトリから利用者を登録：yamada（役割なし）", "directory"),
        ("updated", "ディレクトリのグループにより役割を付与：担当職員", "directory"),
        ("updated", "委託業者の役割の解除により、委託太郎さんを委託業者から外しました", "role_withdrawn"),
        ("created", "バックアップから復元（2026-12-01 02:00 取得、12ファイル）", "restore_command"),
        ("created", "バックアップを作成（12ファイル、3.1 MB）", "unknown"),  # nightly or by hand: the row does not say
    ],
)
@pytest.mark.rules
def test_rows_without_a_person_from_before_issue_21_name_the_job_that_wrote_them(action, summary, job):
    assert migration.legacy_job(action, summary) == job
    assert job in Job.values


@pytest.mark.rules
@pytest.mark.parametrize(
    ("actor", "reason"),
    [
        (None, "an audit row's actor is a person, a Job or a TokenActor, not None"),
        (Job.UNKNOWN, "Job.UNKNOWN names rows written before issue 21; a new row names its job"),
        (TokenActor(""), "a token actor needs the token's reference"),
    ],
)
def test_a_refused_actor_is_told_why(actor, reason, account_a):
    with pytest.raises(TypeError, match=f"^{re.escape(reason)}$"):
        audit_record(target=account_a, actor=actor, action=Action.UPDATED, summary="x")


@pytest.mark.rules
def test_only_a_signed_in_person_is_a_person(account_a):
    """Neither a record that is not a person (an account) nor an object that only says it is signed in."""
    from types import SimpleNamespace

    for actor in (account_a, SimpleNamespace(is_authenticated=True, pk=1)):
        with pytest.raises(TypeError, match="a person, a Job or a TokenActor"):
            audit_record(target=account_a, actor=actor, action=Action.UPDATED, summary="x")
    assert not AuditEvent.objects.exists()


@pytest.mark.rules
@pytest.mark.parametrize("over", [0, 1])
def test_a_label_is_cut_only_when_it_does_not_fit_and_then_fills_the_column(over, account_a, head_a):
    from core.audit import SUMMARY_MAX

    states = "：運用中 → 停止予告中"
    label = "あ" * (SUMMARY_MAX - len(states) + over)
    row = transition(account_a, to="notice", actor=head_a, label=label)
    if over:
        assert len(row.summary) == SUMMARY_MAX and row.summary.endswith("あ…" + states)
    else:
        assert row.summary == label + states  # exactly the column: nothing cut
