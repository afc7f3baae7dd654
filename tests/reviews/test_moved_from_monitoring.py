"""Issue 21: year-end reviews and suspension plans moved from monitoring to reviews; what a city used
keeps working — its rows, permissions, admin history, audit trail, bookmarks and database rules."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from core.audit import timeline_of
from core.models import AuditEvent
from org.models import User
from reviews.models import SuspensionPlan, YearEndReview
from tests.reviews.test_reviews import signed_review

MOVED = (YearEndReview, SuspensionPlan)
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no triggers")


@pytest.fixture
def plan(account_a, staff_a, head_a, pr_account):
    from reviews import services

    review = signed_review(account_a, staff_a, head_a, pr_account)
    return services.suspension_plan_create(
        review_id=review.pk, actor=head_a, reason="集約のため", notice_starts_on=review.created_at.date()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "name", "args"),
    [
        ("/monitoring/reviews/", "reviews:list", []),
        ("/monitoring/reviews/{review}/", "reviews:detail", ["review"]),
        ("/monitoring/reviews/{review}/plan/", "reviews:plan_create", ["review"]),
        ("/monitoring/plans/{plan}/", "reviews:plan", ["plan"]),
        ("/monitoring/dashboard/", "reviews:dashboard", []),
        ("/monitoring/dashboard/report.pdf", "reviews:report_pdf", []),
    ],
)
def test_a_bookmark_of_an_old_page_leads_to_its_new_address(client, head_a, plan, old, name, args):
    ids = {"review": plan.review_id, "plan": plan.pk}
    client.force_login(head_a)
    response = client.get(old.format(**ids) + "?fy=2025&page=1")
    new = reverse(name, args=[ids[a] for a in args])
    assert new.startswith("/reviews/")
    assert response.status_code == 301 and response["Location"] == f"{new}?fy=2025&page=1"
    assert client.get(response["Location"]).status_code in (200, 302)  # plan_create: the plan exists


@pytest.mark.django_db
def test_the_menu_leads_to_the_dashboard_and_marks_it(client, staff_a):
    client.force_login(staff_a)
    page = client.get(reverse("reviews:dashboard")).content.decode()
    assert 'aria-current="page" href="/reviews/dashboard/">効果測定' in page
    assert 'href="/reviews/?fy=' in page  # the list of the 年度's reviews


@pytest.mark.django_db
def test_the_old_admin_pages_redirect(client, admin, plan):
    client.force_login(admin)
    for model, pk in (("yearendreview", plan.review_id), ("suspensionplan", plan.pk)):
        response = client.get(f"/admin/monitoring/{model}/{pk}/change/?_changelist_filters=x")
        assert response.status_code == 301
        assert response["Location"] == reverse(f"admin:reviews_{model}_change", args=[pk]) + "?_changelist_filters=x"
        assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_the_tables_and_permissions_keep_their_names():
    for model in MOVED:
        assert model._meta.db_table == f"monitoring_{model._meta.model_name}"
        kind = ContentType.objects.get_for_model(model)
        assert kind.app_label == "reviews"
        assert not ContentType.objects.filter(app_label="monitoring", model=model._meta.model_name).exists()
        codenames = set(Permission.objects.filter(content_type=kind).values_list("codename", flat=True))
        assert codenames == {f"{action}_{model._meta.model_name}" for action in ("add", "change", "delete", "view")}


@postgres_only
@pytest.mark.django_db
def test_the_rules_of_the_tables_are_installed_once_under_reviews_names(plan):
    for model in MOVED:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [model._meta.db_table],
            )
            names = sorted(row[0] for row in cur.fetchall())
        assert names == sorted(t.get_pgid(model) for t in model._meta.triggers) and len(names) == 2
    for table in ("monitoring_yearendreview", "monitoring_suspensionplan"):
        with pytest.raises(IntegrityError, match="cannot be deleted"), transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"DELETE FROM {table}")
    assert YearEndReview.objects.filter(pk=plan.review_id).exists() and SuspensionPlan.objects.exists()


BEFORE = ("monitoring", "0010_api_credential_moved_to_platforms")  # the last migration of the release before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_of_the_release_before_keeps_its_reviews_and_their_history(account_a, staff_a, head_a, admin):
    """As a city upgrades: rows written while the models were monitoring's, a permission granted on them and
    the admin's and the audit trail's records of them are all there, under reviews, after migrate."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([BEFORE, ("reviews", None)])
    try:
        ContentType.objects.clear_cache()
        old = executor.loader.project_state(BEFORE).apps
        kind = ContentType.objects.get(app_label="monitoring", model="yearendreview")
        review = old.get_model("monitoring", "YearEndReview").objects.create(
            account_id=account_a.pk, fiscal_year=2025, drafted_by_id=staff_a.pk, status="signed", decision="continue"
        )
        plan = old.get_model("monitoring", "SuspensionPlan").objects.create(
            account_id=account_a.pk,
            review_id=review.pk,
            followers=10,
            impact="小",
            reason="集約のため",
            notice_starts_on="2026-04-01",
            notice_ends_on="2026-05-01",
            notice_text="周知文",
            redirect_to_id=account_a.pk,
            created_by_id=head_a.pk,
        )
        staff_a.user_permissions.add(Permission.objects.get(content_type=kind, codename="view_yearendreview"))
        LogEntry.objects.create(
            user=admin, content_type=kind, object_id=str(review.pk), object_repr="効果測定", action_flag=CHANGE
        )
        AuditEvent.objects.create(  # core 0009 does not depend on this app: its actor columns are there
            content_type=kind,
            object_id=review.pk,
            action=AuditEvent.Action.UPDATED,
            summary="効果測定を編集",
            actor_kind=AuditEvent.ActorKind.PERSON,
            actor=staff_a,
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(leaves)
        ContentType.objects.clear_cache()

    moved = YearEndReview.objects.get(pk=review.pk)
    assert moved.account == account_a and moved.plan == SuspensionPlan.objects.get(pk=plan.pk)
    assert ContentType.objects.get_for_model(YearEndReview).pk == kind.pk  # the same row, renamed
    assert User.objects.get(pk=staff_a.pk).has_perm("reviews.view_yearendreview")
    (entry,) = LogEntry.objects.filter(object_id=str(review.pk))
    assert entry.get_edited_object() == moved
    assert [e.summary for e in timeline_of(moved)["timeline"]] == ["効果測定を編集"]
