"""Who drafts and who enacts an account's 運用ポリシー (policies/permissions.py, SPEC §1), person by
person, in the city's own name for the document. `make mutate` runs these."""

import pytest

from policies.permissions import can_draft_policy, can_issue_policy, ensure_can_draft_policy, ensure_can_issue_policy
from tests.conftest import refused, who_may

pytestmark = [pytest.mark.django_db, pytest.mark.rules]


def test_the_section_drafts_the_policy_its_section_head_enacts_it(people, account_a):
    drafts = {"staff_a", "head_a", "admin"}
    assert who_may(people, lambda user: can_draft_policy(user, account_a)) == drafts
    assert refused(people, lambda user: ensure_can_draft_policy(user, account_a)) == dict.fromkeys(
        set(people) - drafts, "この運用ポリシーを編集する権限がありません。"
    )
    assert who_may(people, lambda user: can_issue_policy(user, account_a)) == {"head_a", "admin"}
    assert refused(people, lambda user: ensure_can_issue_policy(user, account_a)) == dict.fromkeys(
        set(people) - {"head_a", "admin"}, "運用ポリシーの制定・改正は所管課の課長またはシステム管理者のみ行えます。"
    )


def test_the_refusals_name_the_document_as_the_city_calls_it(another_city, people, account_a):
    assert refused(people, lambda user: ensure_can_draft_policy(user, account_a))["staff_b"] == (
        "この運用方針を編集する権限がありません。"
    )
    assert refused(people, lambda user: ensure_can_issue_policy(user, account_a))["staff_a"] == (
        "運用方針の制定・改正は所管課の課長またはシステム管理者のみ行えます。"
    )
