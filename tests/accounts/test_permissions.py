"""Who may do what with an official account (accounts/permissions.py, SPEC §1), person by person.

課A's account is edited by 課A's staff and 課長 and the sysadmin; its lifecycle is its 課長's and the
sysadmin's; a contractor records followers only on the accounts assigned to it. Every refusal says why
in one sentence. `make mutate` runs these against each change of the module (marker `rules`).
"""

import pytest

from accounts.models import PublicChange
from accounts.permissions import (
    can_appoint,
    can_backdate_notice,
    can_change_public_fields,
    can_decide_public_change,
    can_edit_account,
    can_manage_peers,
    can_record_followers,
    can_register_accounts,
    can_register_for_any_section,
    can_suspend_during_notice,
    can_transition,
    can_vouch_official,
    ensure_can_edit_account,
    ensure_can_manage_peers,
    ensure_can_record_followers,
    ensure_can_register_accounts,
    ensure_can_transition,
)
from org.roles import Role
from tests.conftest import _user, refused, who_may

pytestmark = [pytest.mark.django_db, pytest.mark.rules]

SECTION_A = {"staff_a", "head_a"}


def test_the_section_and_the_sysadmin_edit_an_account(people, account_a):
    assert who_may(people, lambda user: can_edit_account(user, account_a)) == SECTION_A | {"admin"}
    assert refused(people, lambda user: ensure_can_edit_account(user, account_a)) == dict.fromkeys(
        set(people) - SECTION_A - {"admin"}, "このアカウントを編集する権限がありません。"
    )


def test_a_contractor_records_followers_only_on_an_account_assigned_to_it(people, account_a, contractor, staff_b):
    def may_record():
        return who_may(people, lambda user: can_record_followers(user, account_a))

    assert may_record() == SECTION_A | {"admin"}
    account_a.contractors.add(staff_b)  # listed, but not a contractor: listing gives no role
    assert may_record() == SECTION_A | {"admin"}
    account_a.contractors.add(contractor)
    assert may_record() == SECTION_A | {"admin", "contractor"}
    assert refused(people, lambda user: ensure_can_record_followers(user, account_a)) == dict.fromkeys(
        set(people) - SECTION_A - {"admin", "contractor"}, "フォロワー数を記録する権限がありません。"
    )


def test_the_lifecycle_is_the_section_heads_and_the_sysadmins(people, account_a):
    assert who_may(people, lambda user: can_transition(user, account_a)) == {"head_a", "admin"}
    assert refused(people, lambda user: ensure_can_transition(user, account_a, label="運用開始")) == dict.fromkeys(
        set(people) - {"head_a", "admin"}, "「運用開始」は所管課の課長またはシステム管理者のみ行えます。"
    )


def test_a_step_for_the_sysadmin_alone(people, account_a):
    assert who_may(people, lambda user: can_transition(user, account_a, sysadmin_only=True)) == {"admin"}
    refusals = refused(people, lambda user: ensure_can_transition(user, account_a, label="再開", sysadmin_only=True))
    assert refusals == dict.fromkeys(set(people) - {"admin"}, "「再開」はシステム管理者のみ行えます。")


def test_a_change_of_the_public_fields_is_decided_by_someone_else_than_who_proposed_it(people, account_a, staff_a):
    change = PublicChange.objects.create(account=account_a, changes={}, proposed_by=staff_a)
    assert who_may(people, lambda user: can_decide_public_change(user, change, account_a)) == {"head_a", "admin"}
    change.proposed_by = people["head_a"]
    assert who_may(people, lambda user: can_decide_public_change(user, change, account_a)) == {"admin"}


def test_staff_and_section_heads_register_accounts_for_their_section_the_sysadmin_for_any(people):
    registers = {"staff_a", "head_a", "staff_b", "head_b", "admin"}
    assert who_may(people, can_register_accounts) == registers
    assert refused(people, ensure_can_register_accounts) == dict.fromkeys(
        set(people) - registers, "アカウントを登録する権限がありません。"
    )
    assert who_may(people, can_register_for_any_section) == {"admin"}


def test_a_clerk_without_a_section_registers_nothing(db):
    clerk = _user("clerk_without_section", None, Role.STAFF)
    assert not can_register_accounts(clerk)
    assert can_register_accounts(_user("sysadmin_without_section", None, Role.SYSADMIN))


def test_the_section_head_answers_for_an_account(people):
    """G-4-2-イ, SPEC §1, §8: the 課長 (or the sysadmin) vouches for an account, appoints its people and
    changes what the public sees at once."""
    for rule in (can_vouch_official, can_appoint, can_change_public_fields):
        assert who_may(people, rule) == {"head_a", "head_b", "admin"}, rule.__name__


def test_a_notice_is_corrected_or_cut_short_by_the_sysadmin_alone(people):
    """G-4-5-ウ."""
    assert who_may(people, can_backdate_notice) == {"admin"}
    assert who_may(people, can_suspend_during_notice) == {"admin"}


def test_the_registries_of_other_bodies_are_the_sysadmins_alone(people):
    # Issue 24: which other municipalities' lists this registry reads, and so answers for.
    assert who_may(people, can_manage_peers) == {"admin"}
    assert refused(people, ensure_can_manage_peers) == dict.fromkeys(
        set(people) - {"admin"}, "他の団体の一覧を扱えるのはシステム管理者です。"
    )
