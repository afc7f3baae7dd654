"""Who may do what with the year-end reviews and the suspension plan (G-4-5), person by person.

The 課's staff and 課長 draft the review of its account, the 課長 signs it off; the 課長 (or the
sysadmin) plans the suspension and starts its notice. The predicates are read by name alone, and a
review as they read it (its account), so this file follows the rules wherever they live: only the
import below names their module. `make mutate` runs these against each change of it.
"""

from types import SimpleNamespace

import pytest

from org.roles import Role
from reviews.permissions import (
    can_edit_review,
    can_plan_suspension,
    can_sign_review,
    can_start_review,
    drafts_reviews,
    ensure_can_edit_review,
    ensure_can_plan_suspension,
    ensure_can_publish_suspension,
    ensure_can_start_review,
)
from tests.conftest import _user, refused, who_may

pytestmark = [pytest.mark.django_db, pytest.mark.rules]

SECTION_A = {"staff_a", "head_a"}


def _review_of(account):
    return SimpleNamespace(account=account)


def test_the_sections_staff_and_section_heads_draft_reviews(people):
    assert who_may(people, drafts_reviews) == {"staff_a", "head_a", "staff_b", "head_b"}


def test_the_accounts_section_starts_and_edits_its_review(people, account_a):
    assert who_may(people, lambda user: can_start_review(user, account_a)) == SECTION_A
    assert refused(people, lambda user: ensure_can_start_review(user, account_a)) == dict.fromkeys(
        set(people) - SECTION_A, "効果測定を作成できるのは所管課の職員です。"
    )
    review = _review_of(account_a)
    assert who_may(people, lambda user: can_edit_review(user, review)) == SECTION_A
    assert refused(people, lambda user: ensure_can_edit_review(user, review)) == dict.fromkeys(
        set(people) - SECTION_A, "この効果測定を編集する権限がありません。"
    )


def test_a_clerk_without_a_section_starts_no_review(account_a, db):
    assert not can_start_review(_user("clerk_without_section", None, Role.STAFF), account_a)


def test_the_section_head_of_the_account_signs_its_review_off(people, account_a):
    assert who_may(people, lambda user: can_sign_review(user, _review_of(account_a))) == {"head_a"}


def test_the_section_head_or_the_sysadmin_plans_the_suspension_and_starts_its_notice(people, account_a):
    assert who_may(people, lambda user: can_plan_suspension(user, account_a)) == {"head_a", "admin"}
    others = set(people) - {"head_a", "admin"}
    assert refused(people, lambda user: ensure_can_plan_suspension(user, account_a)) == dict.fromkeys(
        others, "運用停止の計画を作成できるのは所管課の課長またはシステム管理者です。"
    )
    assert refused(people, lambda user: ensure_can_publish_suspension(user, account_a)) == dict.fromkeys(
        others, "周知を開始できるのは所管課の課長またはシステム管理者です。"
    )
