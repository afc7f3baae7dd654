"""Who answers a post nobody approved (archive/permissions.py, issue 25): the 管理者, the 課長, the deputy."""

import pytest

from archive.permissions import (
    can_answer_unmatched,
    can_see_unconfirmed_queue,
    ensure_can_answer_unmatched,
    ensure_can_see_unconfirmed_queue,
)
from screening import drafts
from tests.conftest import refused, who_may

pytestmark = [pytest.mark.django_db, pytest.mark.rules]


def test_the_manager_the_section_head_and_the_deputy_answer(people, account_a, dept_a):
    assert who_may(people, lambda u: can_answer_unmatched(u, account_a)) == {"head_a"}
    account_a.manager = people["staff_a"]  # another 管理者 than the 課長
    assert who_may(people, lambda u: can_answer_unmatched(u, account_a)) == {"head_a", "staff_a"}
    account_a.manager = people["head_a"]
    drafts.deputy_name(account_id=account_a.pk, actor=people["head_a"], deputy_id=people["staff_a"].pk)
    assert who_may(people, lambda u: can_answer_unmatched(u, account_a)) == {"head_a", "staff_a"}
    why = "決裁のない投稿に回答できるのは、アカウントの管理者・所管課の課長と代決者です。"
    assert refused(people, lambda u: ensure_can_answer_unmatched(u, account_a)) == dict.fromkeys(
        set(people) - {"head_a", "staff_a"}, why
    )


def test_nothing_to_answer_for_an_account_that_needs_no_approval(people, account_a):
    account_a.approval_required = False
    assert who_may(people, lambda u: can_answer_unmatched(u, account_a)) == set()


def test_the_queue_page_is_for_a_sections_staff_and_head(people):
    assert who_may(people, can_see_unconfirmed_queue) == {"staff_a", "head_a", "staff_b", "head_b"}
    assert refused(people, ensure_can_see_unconfirmed_queue) == dict.fromkeys(
        set(people) - {"staff_a", "head_a", "staff_b", "head_b"},
        "決裁のない投稿の確認は、アカウントの管理者・所管課の課長と代決者が行います。",
    )
