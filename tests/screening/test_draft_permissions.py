"""Who decides drafts, names the deputy and pastes the post's URL (screening/permissions.py, issue 25)."""

from datetime import datetime

import pytest

from core.dates import TOKYO
from screening import drafts
from screening.permissions import (
    can_decide_draft,
    can_decide_drafts,
    can_draft,
    can_link_post,
    can_name_deputy,
    ensure_can_decide_draft,
)
from tests.conftest import refused, who_may

pytestmark = [pytest.mark.django_db, pytest.mark.rules]


def test_the_section_head_of_the_accounts_section_decides(people, account_a):
    assert who_may(people, lambda u: can_decide_drafts(u, account_a)) == {"head_a"}
    assert who_may(people, lambda u: can_name_deputy(u, account_a)) == {"head_a"}


def test_the_deputy_decides_while_in_the_section(people, account_a, dept_b):
    drafts.deputy_name(account_id=account_a.pk, actor=people["head_a"], deputy_id=people["staff_a"].pk)
    assert who_may(people, lambda u: can_decide_drafts(u, account_a)) == {"head_a", "staff_a"}
    staff_a = people["staff_a"]
    staff_a.department = dept_b  # a 人事異動 ends the naming
    staff_a.save()
    assert who_may(people, lambda u: can_decide_drafts(u, account_a)) == {"head_a"}


def test_a_draft_is_decided_once_and_never_by_its_author(people, account_a):
    draft = drafts.draft_submit(
        account_id=account_a.pk, actor=people["head_a"], text="お知らせ", planned_at=datetime(2026, 10, 1, tzinfo=TOKYO)
    )
    assert who_may(people, lambda u: can_decide_draft(u, draft)) == set()
    assert (
        refused(people, lambda u: ensure_can_decide_draft(u, draft))["head_a"]
        == "自分の起案した下書きは決裁できません。"
    )
    drafts.deputy_name(account_id=account_a.pk, actor=people["head_a"], deputy_id=people["staff_a"].pk)
    assert who_may(people, lambda u: can_decide_draft(u, draft)) == {"staff_a"}
    assert who_may(people, lambda u: can_link_post(u, draft)) == set()  # not decided yet
    drafts.draft_decide(draft_id=draft.pk, actor=people["staff_a"], approve=True)
    draft.refresh_from_db()
    assert who_may(people, lambda u: can_decide_draft(u, draft)) == set()
    assert who_may(people, lambda u: can_link_post(u, draft)) == {"staff_a", "head_a", "admin"}
    assert who_may(people, lambda u: can_draft(u, account_a)) == {"staff_a", "head_a", "admin"}
