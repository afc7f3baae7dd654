"""Who may do what in monitoring (monitoring/permissions.py, SPEC §1, §4.2, G-4-3), person by person.

The account's 管理者 is one of its 課 — a 人事異動 that moves them away ends it — and logs its checks
and works on its incidents beside the 課's staff and 課長; the officers see across the city. The year-
end reviews and the suspension plan are in test_review_permissions.py. `make mutate` runs these.
"""

import pytest

from monitoring import incidents
from monitoring.permissions import (
    can_log_content_check,
    can_report_to_ciso,
    can_request_check,
    can_see_check_interface,
    can_see_unchecked_accounts,
    can_work_on_incident,
    ensure_can_log_content_check,
    ensure_can_request_check,
    ensure_can_work_on_incident,
    is_manager,
)
from org.roles import Role
from tests.conftest import _user, refused, who_may
from tests.factories import AccountFactory

pytestmark = [pytest.mark.django_db, pytest.mark.rules]

SECTION_A = {"staff_a", "head_a"}


@pytest.fixture
def managed_by_pr_officer(dept_a):
    """課A's account whose 管理者 is its 広報担当 (a role that is neither staff nor 課長)."""
    manager = _user("pr_a", dept_a, Role.PR_OFFICE)
    return AccountFactory(department=dept_a, manager=manager, handle="komae_kouhou_a")


def test_the_manager_is_the_one_named_while_in_the_accounts_section(people, account_a, managed_by_pr_officer, dept_b):
    assert who_may(people, lambda user: is_manager(user, account_a)) == {"head_a"}
    manager = managed_by_pr_officer.manager
    assert is_manager(manager, managed_by_pr_officer)
    manager.department = dept_b  # 人事異動
    assert not is_manager(manager, managed_by_pr_officer)
    manager.department = None
    assert not is_manager(manager, managed_by_pr_officer)


def test_the_section_and_the_manager_log_the_content_check(people, account_a, managed_by_pr_officer, dept_b):
    assert who_may(people, lambda user: can_log_content_check(user, account_a)) == SECTION_A
    assert refused(people, lambda user: ensure_can_log_content_check(user, account_a)) == dict.fromkeys(
        set(people) - SECTION_A, "発言内容の確認を記録できるのは、管理者と所管課の職員です。"
    )
    assert who_may(people, lambda user: can_log_content_check(user, managed_by_pr_officer)) == SECTION_A
    manager = managed_by_pr_officer.manager
    assert can_log_content_check(manager, managed_by_pr_officer)
    assert not can_log_content_check(manager, account_a)  # the 広報担当 of 課A manages one account, not all
    manager.department = dept_b
    assert not can_log_content_check(manager, managed_by_pr_officer)


def test_whoever_maintains_the_record_asks_for_a_status_check(people, account_a):
    assert who_may(people, lambda user: can_request_check(user, account_a)) == SECTION_A | {"admin"}
    assert refused(people, lambda user: ensure_can_request_check(user, account_a)) == dict.fromkeys(
        set(people) - SECTION_A - {"admin"}, "状態確認を依頼する権限がありません。"
    )


def test_the_section_its_manager_and_the_officers_work_on_an_incident(people, account_a, managed_by_pr_officer, dept_b):
    incident = incidents.incident_open(account_id=account_a.pk, actor=people["head_a"], kind="other", title="確認")
    works = SECTION_A | {"security_officer", "admin"}
    assert who_may(people, lambda user: can_work_on_incident(user, incident)) == works
    assert refused(people, lambda user: ensure_can_work_on_incident(user, incident)) == dict.fromkeys(
        set(people) - works, "このインシデントに対応する権限がありません。"
    )
    manager = managed_by_pr_officer.manager
    on_theirs = incidents.incident_open(
        account_id=managed_by_pr_officer.pk, actor=people["head_a"], kind="other", title="確認"
    )
    assert can_work_on_incident(manager, on_theirs)
    assert who_may(people, lambda user: can_work_on_incident(user, on_theirs)) == works
    assert not can_work_on_incident(manager, incident)
    assert not can_work_on_incident(_user("clerk_without_section", None, Role.STAFF), incident)


def test_who_reports_to_the_ciso_and_who_sees_the_unchecked_accounts(people):
    """G-4-3-オ/カ: the 所属長 reports up (the officers record it); issue 13: who is shown the accounts
    whose status could not be checked."""
    assert who_may(people, can_report_to_ciso) == {"head_a", "head_b", "security_officer", "admin"}
    assert who_may(people, can_see_unchecked_accounts) == {"head_a", "head_b", "security_officer", "admin"}


def test_the_check_interfaces_technical_name_is_the_sysadmins(people):
    assert who_may(people, can_see_check_interface) == {"admin"}


def test_only_the_accounts_own_section_head_decides_what_a_reading_proposes(people, account_a, pr_account):
    """Issue 23 (G-4-3-カ, P-7-3): the permanent ID or 認証済 a status check read is registered by the 課長
    who answers for the account; not its staff, another 課's 課長, the officers or the sysadmin."""
    from monitoring.permissions import can_decide_platform_proposal, ensure_can_decide_platform_proposal

    assert who_may(people, lambda user: can_decide_platform_proposal(user, account_a)) == {"head_a"}
    assert who_may(people, lambda user: can_decide_platform_proposal(user, pr_account)) == {"head_b"}
    assert refused(people, lambda user: ensure_can_decide_platform_proposal(user, account_a)) == dict.fromkeys(
        set(people) - {"head_a"}, "SNSの読み取りからの登録の提案を確認できるのは、所管課の課長です。"
    )
