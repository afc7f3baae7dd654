"""List pages run the same number of SQL queries at 1 and at 50 accounts (no N+1)."""

import io
from datetime import date

import pytest
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
    ("monitoring:dashboard", "admin"),
    ("monitoring:reviews", "head_a"),
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


@pytest.mark.parametrize(("url_name", "params"), [("registry:list", {}), ("monitoring:dashboard", {"fy": 2025})])
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
