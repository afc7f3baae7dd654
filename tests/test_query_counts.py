"""List pages run the same number of SQL queries at 1 and at 50 accounts (no N+1)."""

import io
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from accounts.models import AccountStatus
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("accounts:list", "admin"),
    ("accounts:list", "staff_a"),
    ("dashboard", "head_a"),
    ("dashboard", "security_officer"),
    ("registry:list", None),
    ("reviews:dashboard", "admin"),
    ("reviews:list", "head_a"),
    ("registry:json", None),
    ("registry:csv", None),
]


def _fill(n, dept_a, head_a, pr_account, contractor):
    for i in range(n):
        status = [AccountStatus.ACTIVE, AccountStatus.SUSPENDED, AccountStatus.NOTICE][i % 3]
        account = AccountFactory(
            department=dept_a,
            manager=head_a,
            status=status,
            successor=pr_account if status != AccountStatus.ACTIVE else None,
        )
        account.contractors.add(contractor)
        services.account_record_followers(account_id=account.pk, actor=head_a, recorded_on=date(2026, 3, 31), count=i)


def _count(client, url_name):
    cache.clear()  # count a render, not the registry's kept answer (accounts/registry_cache.py)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("url_name", "person"), PAGES)
def test_query_count_does_not_grow_with_rows(request, client, dept_a, head_a, pr_account, contractor, url_name, person):
    if person:
        client.force_login(request.getfixturevalue(person))
    _fill(1, dept_a, head_a, pr_account, contractor)
    _count(client, url_name)  # warm caches (content types, sessions)
    at_one = _count(client, url_name)
    _fill(49, dept_a, head_a, pr_account, contractor)
    at_fifty = _count(client, url_name)
    assert at_fifty == at_one, f"{url_name}: {at_one} queries at 1 account, {at_fifty} at 50"


@pytest.mark.parametrize(("url_name", "params"), [("registry:list", {}), ("reviews:dashboard", {"fy": 2025})])
def test_dashboard_and_registry_at_10_and_1000_accounts(client, admin, url_name, params):
    """SPEC §7 / the reviews issue: the same number of queries at 10 and at 1,000 accounts × 5 年度."""
    from django.core.management import call_command

    client.force_login(admin)
    call_command("seed_bulk", accounts=10, years=5, force=True, stdout=io.StringIO())
    client.get(reverse(url_name), params)  # warm caches
    with CaptureQueriesContext(connection) as at_ten:
        assert client.get(reverse(url_name), params).status_code == 200
    call_command("seed_bulk", accounts=1000, years=5, force=True, stdout=io.StringIO())
    with CaptureQueriesContext(connection) as at_thousand:
        response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    assert len(at_thousand.captured_queries) == len(at_ten.captured_queries)


def _requests(n, dept_a, staff_a, **_):
    from approvals.models import AccountRequest

    AccountRequest.objects.bulk_create(
        AccountRequest(department=dept_a, created_by=staff_a, title=f"申請{i}") for i in range(n)
    )


def _incidents(n, account_a, **_):
    from monitoring.models import Incident

    Incident.objects.bulk_create(Incident(account=account_a, kind="other", title=f"確認{i}") for i in range(n))


def _screened(n, account_a, staff_a, **_):
    from screening.models import ScreenedDraft

    ScreenedDraft.objects.bulk_create(
        ScreenedDraft(account=account_a, author=staff_a, text=f"下書き{i}", findings=[]) for i in range(n)
    )


def _account_history(n, account_a, head_a, **_):
    """An account with a long life: audit rows, follower counts and status checks."""
    from django.contrib.contenttypes.models import ContentType

    from accounts.models import FollowerSnapshot
    from core.models import AuditEvent
    from monitoring.models import StatusCheck

    kind = ContentType.objects.get_for_model(account_a)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            content_type=kind,
            object_id=account_a.pk,
            action=AuditEvent.Action.UPDATED,
            summary=f"変更{i}",
            actor_kind=AuditEvent.ActorKind.PERSON,
            actor=head_a,
        )
        for i in range(n)
    )
    start = 738000 + FollowerSnapshot.objects.filter(account=account_a).count()
    FollowerSnapshot.objects.bulk_create(
        FollowerSnapshot(account=account_a, recorded_on=date.fromordinal(start + i), count=i) for i in range(n)
    )
    StatusCheck.objects.bulk_create(
        StatusCheck(account=account_a, run_key=f"bulk:{n}:{i}", outcome="ok") for i in range(n)
    )


LONG_LISTS = [
    ("approvals:list", {}, _requests),
    ("monitoring:incidents", {"status": "all"}, _incidents),
    ("screening:records", {}, _screened),
    ("accounts:detail", "account", _account_history),
]


@pytest.mark.parametrize(("url_name", "kwargs", "fill"), LONG_LISTS, ids=[row[0] for row in LONG_LISTS])
def test_long_lists_page_and_keep_their_query_count_at_10_and_1000_rows(
    client, admin, staff_a, head_a, dept_a, account_a, url_name, kwargs, fill
):
    """A list that grows for years shows a page at a time, with the same queries at 10 and 1,000 rows."""
    people = {"dept_a": dept_a, "staff_a": staff_a, "head_a": head_a, "account_a": account_a}
    url = reverse(url_name, args=[account_a.pk]) if kwargs == "account" else reverse(url_name)
    params = {} if kwargs == "account" else kwargs
    client.force_login(admin)
    fill(10, **people)
    client.get(url, params)  # warm caches
    with CaptureQueriesContext(connection) as at_ten:
        assert client.get(url, params).status_code == 200
    fill(990, **people)
    with CaptureQueriesContext(connection) as at_thousand:
        response = client.get(url, params)
    assert response.status_code == 200
    assert len(at_thousand.captured_queries) == len(at_ten.captured_queries), url_name
    body = response.content.decode()
    if kwargs == "account":
        assert "新しい順に100件を表示しています" in body
    else:
        assert "1 / 20" in body and "次へ" in body  # 50 a page, the rest a click away, not cut off
