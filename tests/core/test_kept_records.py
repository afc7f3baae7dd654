"""Nothing kept can be deleted or rewritten (trust-boundaries §8, SPEC §8, G-4-5-エ).

`Evidence.objects.filter(pk=1).delete()` used to work on both databases, and `.update()` could
rewrite an issued policy version's title. Now the ORM refuses on both, and PostgreSQL refuses
DELETE of every kept record and UPDATE of fixed rows itself (django-pgtrigger, core/protect.py) —
also for raw SQL, which is what these tests use on PostgreSQL.
"""

from datetime import date

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction

from accounts.models import FollowerSnapshot
from approvals import services as approvals
from approvals.models import Vote
from core.errors import DeletionForbidden
from core.models import AuditEvent, UndeletableModel
from monitoring import incidents
from monitoring.models import ContentCheck, Evidence, Incident, IncidentStep, StatusCheck
from monitoring.reminders import content_check_log
from org.models import Department, User
from policies import services as policies
from policies.models import PolicyVersion, TemplateRevision
from reviews import services as reviews
from reviews.models import YearEndReview
from tests.factories import complete_request_fields
from tests.reviews.test_reviews import complete_review

pytestmark = pytest.mark.django_db

# Models of ours that may be deleted: a template's current articles are edited freely (every saved
# state is kept as a TemplateRevision). Their every change is recorded by the database (TableChange),
# as is every change of a many-to-many table of ours (who holds which role, an account's contractors).
DELETABLE = {"policies.TemplateArticle"}
# Not records at all: the copies of other municipalities' published lists (issue 24), replaced whole on
# every changed answer (tens of thousands of rows for a prefecture); what was read is theirs to keep.
CACHED = {"accounts.PeerAccount", "accounts.PeerImpersonation"}
OUR_APPS = {
    "core",
    "org",
    "accounts",
    "platforms",
    "approvals",
    "policies",
    "monitoring",
    "reviews",
    "screening",
    "archive",
    "discovery",
}
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the database's own rules")


def _our_models():
    return [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]


def test_every_model_of_ours_is_kept_unless_listed_as_deletable():
    for model in _our_models():
        label = model._meta.label
        if label in DELETABLE or label in CACHED:
            continue
        names = {t.name for t in getattr(model._meta, "triggers", [])}
        assert "keep_forever" in names, f"{label}: declare keep_forever() or list it in DELETABLE"
        assert issubclass(model, UndeletableModel) or model in (AuditEvent, User), f"{label}: ORM delete"


@postgres_only
def test_every_declared_rule_is_installed_in_the_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal")
        installed = {(table, name) for table, name in cursor.fetchall()}
    for model in _our_models():
        for trigger in getattr(model._meta, "triggers", []):
            pgid = trigger.get_pgid(model)
            assert (model._meta.db_table, pgid) in installed, f"{model._meta.label}: {trigger.name} not installed"
    legacy = {name for _, name in installed if "_refuse_" in name or name == "policies_policyversion_fixed"}
    assert legacy == set(), "the hand-written triggers were replaced"


@postgres_only
def test_every_table_of_ours_that_is_edited_freely_records_its_changes():
    """The deletable models and the many-to-many tables: who holds which role, an account's contractors."""
    tables = {apps.get_model(label)._meta.db_table for label in DELETABLE}
    for model in apps.get_models(include_auto_created=True):
        related = {f.related_model._meta.app_label for f in model._meta.fields if f.related_model}
        if model._meta.auto_created and related & OUR_APPS:
            tables.add(model._meta.db_table)
    assert {"org_user_groups", "accounts_officialaccount_contractors", "policies_templatearticle"} <= tables
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE 'komae_record_%'")
        recorded = {table for (table,) in cursor.fetchall()}
    assert tables - recorded == set()


def _raw(sql: str, params) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def world(account_a, staff_a, head_a, pr_account, member, chair):
    """One row of each kind of kept record, in a final state where it has one."""
    incident = incidents.incident_open(account_id=account_a.pk, actor=head_a, kind="other", title="確認")
    png = SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 16, content_type="image/png")
    evidence = incidents.evidence_add(incident_id=incident.pk, actor=head_a, upload=png)
    policies.policy_draft_start(account_id=account_a.pk, actor=head_a)
    version = policies.policy_issue(account_id=account_a.pk, actor=head_a, issued_on=date(2026, 4, 1))
    review = reviews.review_start(account_id=account_a.pk, actor=staff_a, fiscal_year=2025)
    reviews.review_update(review_id=review.pk, actor=staff_a, fields=complete_review(pr_account))
    request = approvals.request_create(actor=staff_a, fields=complete_request_fields(head_a))
    approvals.request_submit(request_id=request.pk, actor=head_a)
    vote = approvals.request_vote(request_id=request.pk, actor=member, choice="for")
    check = StatusCheck.objects.create(account=account_a, run_key="t:1", outcome=StatusCheck.Outcome.OK)
    return {
        "incident": incident,
        "evidence": evidence,
        "version": version,
        "review": review,
        "vote": vote,
        "check": check,
        "content_check": content_check_log(account_id=account_a.pk, actor=head_a),
        "snapshot": FollowerSnapshot.objects.create(account=account_a, recorded_on=date(2026, 4, 1), count=10),
    }


KEPT = [
    (Evidence, "evidence"),
    (Incident, "incident"),
    (StatusCheck, "check"),
    (ContentCheck, "content_check"),
    (YearEndReview, "review"),
    (Vote, "vote"),
    (PolicyVersion, "version"),
    (FollowerSnapshot, "snapshot"),
]


@pytest.mark.smoke
@pytest.mark.parametrize(("model", "key"), KEPT, ids=[m.__name__ for m, _ in KEPT])
def test_the_orm_refuses_to_delete_a_kept_record(world, model, key):
    pk = world[key].pk
    with pytest.raises(DeletionForbidden):
        model.objects.filter(pk=pk).delete()
    with pytest.raises(DeletionForbidden):
        world[key].delete()
    assert model.objects.filter(pk=pk).exists()


@postgres_only
@pytest.mark.parametrize(("model", "key"), KEPT, ids=[m.__name__ for m, _ in KEPT])
def test_the_database_refuses_to_delete_a_kept_record(world, model, key):
    pk = world[key].pk
    with pytest.raises(IntegrityError, match="cannot be deleted"):
        _raw(f"DELETE FROM {model._meta.db_table} WHERE id = %s", [pk])
    assert model.objects.filter(pk=pk).exists()


@postgres_only
def test_the_database_refuses_to_delete_a_department_or_a_user(dept_a, staff_b):
    with pytest.raises(IntegrityError, match="cannot be deleted"):
        _raw("DELETE FROM org_department WHERE id = %s", [dept_a.pk])
    with pytest.raises(IntegrityError, match="cannot be deleted"):
        _raw("DELETE FROM org_user WHERE id = %s", [staff_b.pk])


@postgres_only
@pytest.mark.parametrize(
    ("model", "key", "column", "value"),
    [
        (Evidence, "evidence", "sha256", "0" * 64),
        (StatusCheck, "check", "outcome", "anomaly"),
        (ContentCheck, "content_check", "note", "あとから"),
        (Vote, "vote", "choice", "against"),
        (PolicyVersion, "version", "title", "書き換え"),
    ],
)
def test_the_database_refuses_to_rewrite_a_fixed_record(world, model, key, column, value):
    pk = world[key].pk
    with pytest.raises(IntegrityError, match="cannot be changed"):
        _raw(f"UPDATE {model._meta.db_table} SET {column} = %s WHERE id = %s", [value, pk])
    with pytest.raises(IntegrityError, match="cannot be changed"), transaction.atomic():
        model.objects.filter(pk=pk).update(**{column: value})


@postgres_only
def test_a_record_is_fixed_once_it_is_final(world, head_a):
    review, incident = world["review"], world["incident"]
    YearEndReview.objects.filter(pk=review.pk).update(posts=151)  # a draft is still edited
    reviews.review_sign_off(review_id=review.pk, actor=head_a)
    with pytest.raises(IntegrityError, match="fixed_once_final"), transaction.atomic():
        YearEndReview.objects.filter(pk=review.pk).update(posts=1)

    step = IncidentStep.objects.filter(incident=incident).first()
    incidents.incident_step_done(incident_id=incident.pk, actor=head_a, code=step.code, note="済")
    with pytest.raises(IntegrityError, match="fixed_once_final"), transaction.atomic():
        IncidentStep.objects.filter(pk=step.pk).update(note="書き換え")
    incidents.incident_close(incident_id=incident.pk, actor=head_a)
    with pytest.raises(IntegrityError, match="fixed_once_final"), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(title="書き換え")


@postgres_only
def test_an_issued_version_takes_its_pdf_and_its_comparison_once(world):
    version = world["version"]
    PolicyVersion.objects.filter(pk=version.pk).update(pdf="policies/a.pdf", pdf_sha256="a" * 64)  # attached once
    with pytest.raises(IntegrityError, match="pdf_once"), transaction.atomic():
        PolicyVersion.objects.filter(pk=version.pk).update(pdf="policies/b.pdf")
    with pytest.raises(IntegrityError, match="comparison_once"), transaction.atomic():
        PolicyVersion.objects.filter(pk=version.pk).update(comparison=[{"changed": True}])


@postgres_only
def test_the_audit_trail_and_template_history_are_append_only(world):
    event = AuditEvent.objects.order_by("id").first()
    with pytest.raises(IntegrityError, match="cannot be changed"):
        _raw("UPDATE core_auditevent SET summary = 'x' WHERE id = %s", [event.pk])
    revision = TemplateRevision.objects.first()
    with pytest.raises(IntegrityError, match="cannot be changed"):
        _raw("UPDATE policies_templaterevision SET title = 'x' WHERE id = %s", [revision.pk])
    assert Department.objects.exists()  # nothing above removed anything
