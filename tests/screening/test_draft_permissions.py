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
    deputy_candidates,
    ensure_can_decide_draft,
    ensure_can_draft,
    ensure_can_link_post,
    ensure_can_name_deputy,
    is_deputy_of,
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


def test_who_may_not_draft_or_link_reads_why(people, account_a):
    planned = datetime(2026, 10, 1, tzinfo=TOKYO)
    draft = drafts.draft_submit(account_id=account_a.pk, actor=people["staff_a"], text="お知らせ", planned_at=planned)
    outsiders = set(people) - {"staff_a", "head_a", "admin"}
    assert refused(people, lambda u: ensure_can_draft(u, account_a)) == dict.fromkeys(
        outsiders, "このアカウントの投稿を起案する権限がありません。"
    )
    assert refused(people, lambda u: ensure_can_link_post(u, draft)) == dict.fromkeys(
        outsiders, "このアカウントの投稿のURLを記録する権限がありません。"
    )


def test_the_section_head_names_another_of_the_section_never_themself(people, account_a, dept_a):
    from org.roles import Role
    from tests.conftest import _user

    _user("left_a", dept_a, Role.STAFF).__class__.objects.filter(username="left_a").update(is_active=False)
    _user("member_in_a", dept_a, Role.COMMITTEE)
    candidates = set(deputy_candidates(people["head_a"], account_a).values_list("username", flat=True))
    # The active staff of the account's 課: not the 課長 themself, not one who left, not another 課's, not
    # one of the 課 without a role that posts.
    assert candidates == {"staff_a"}


def test_who_may_not_decide_or_name_reads_why(people, account_a):
    planned = datetime(2026, 10, 1, tzinfo=TOKYO)
    draft = drafts.draft_submit(account_id=account_a.pk, actor=people["staff_a"], text="お知らせ", planned_at=planned)
    assert refused(people, lambda u: ensure_can_decide_draft(u, draft)) == {
        **dict.fromkeys(
            set(people) - {"staff_a", "head_a"}, "この下書きを決裁できるのは、所管課の課長と課長の指名した代決者です。"
        ),
        "staff_a": "自分の起案した下書きは決裁できません。",
    }
    assert refused(people, lambda u: ensure_can_name_deputy(u, account_a)) == dict.fromkeys(
        set(people) - {"head_a"}, "代決者を指名できるのは、所管課の課長です。"
    )


def test_nobody_signed_out_is_a_deputy(people, account_a):
    from django.contrib.auth.models import AnonymousUser

    drafts.deputy_name(account_id=account_a.pk, actor=people["head_a"], deputy_id=people["staff_a"].pk)
    assert is_deputy_of(people["staff_a"], account_a)
    assert not is_deputy_of(AnonymousUser(), account_a)
