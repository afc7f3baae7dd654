"""Who screens drafts for which account (screening/permissions.py, SPEC §6), person by person.

Whoever posts on an account checks drafts for it: its 課's staff and 課長, the contractor assigned to
it, the sysadmin for every account — and only while the account still posts. `make mutate` runs these.
"""

import pytest

from accounts.models import AccountStatus
from org.roles import Role
from screening.permissions import accounts_to_screen, can_screen, can_use_screening, ensure_can_use_screening
from tests.conftest import _user, refused, who_may
from tests.factories import AccountFactory

pytestmark = [pytest.mark.django_db, pytest.mark.rules]

POSTERS = {"staff_a", "head_a", "staff_b", "head_b", "contractor", "admin"}


@pytest.fixture
def accounts(account_a, pr_account, dept_a, contractor):
    """課A's accounts in every status, 課B's PR account; the contractor is assigned to account_a."""
    account_a.contractors.add(contractor)
    made = {"account_a": account_a, "pr_account": pr_account}
    for status in (AccountStatus.PREPARING, AccountStatus.NOTICE, AccountStatus.SUSPENDED, AccountStatus.CLOSED):
        made[status] = AccountFactory(department=dept_a, status=status, handle=f"komae_{status}")
    return made


def _screened(user, accounts) -> set[str]:
    names = {account.pk: name for name, account in accounts.items()}
    return {names[account.pk] for account in accounts_to_screen(user)}


def test_those_who_post_use_the_screening(people):
    assert who_may(people, can_use_screening) == POSTERS
    assert refused(people, ensure_can_use_screening) == dict.fromkeys(
        set(people) - POSTERS,
        "投稿前チェックを使えるのは、アカウントに投稿する課の職員・課長、委託業者とシステム管理者です。",
    )


def test_each_screens_the_accounts_it_posts_on_while_they_post(people, accounts):
    still_posting_a = {"account_a", AccountStatus.PREPARING, AccountStatus.NOTICE}
    assert {name: _screened(user, accounts) for name, user in people.items()} == {
        "staff_a": still_posting_a,
        "head_a": still_posting_a,
        "staff_b": {"pr_account"},
        "head_b": {"pr_account"},
        "contractor": {"account_a"},
        "member": set(),
        "chair": set(),
        "security_officer": set(),
        "pr_officer": set(),
        "admin": still_posting_a | {"pr_account"},
    }
    assert who_may(people, lambda user: can_screen(user, accounts["account_a"])) == {
        "staff_a",
        "head_a",
        "contractor",
        "admin",
    }


def test_the_choices_come_with_their_platforms_in_one_query(accounts, staff_a, django_assert_num_queries):
    can_use_screening(staff_a)  # a user's roles are read once per request
    with django_assert_num_queries(1):
        choices = [f"{account.platform.name} {account.handle}" for account in accounts_to_screen(staff_a)]
    assert len(choices) == 3


def test_a_contractor_in_a_section_screens_only_its_assigned_accounts(accounts, dept_b, contractor):
    in_section = _user("contractor_in_b", dept_b, Role.CONTRACTOR)
    assert _screened(in_section, accounts) == set()
    accounts["account_a"].contractors.add(in_section)
    assert _screened(in_section, accounts) == {"account_a"}


def test_a_clerk_who_is_also_a_contractor_sees_each_account_once(accounts, dept_a):
    both = _user("clerk_and_contractor", dept_a, Role.STAFF, Role.CONTRACTOR)
    accounts["account_a"].contractors.add(both)  # now with two contractors
    screened = sorted(account.handle for account in accounts_to_screen(both))
    assert screened == sorted(
        accounts[name].handle for name in ("account_a", AccountStatus.PREPARING, AccountStatus.NOTICE)
    )
