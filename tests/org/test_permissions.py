"""Who sees and releases sign-in lockouts (org/permissions.py), person by person. `make mutate` runs these."""

import pytest

from org.permissions import (
    can_release_lockouts,
    can_use_system_page,
    can_view_lockouts,
    ensure_can_release_lockouts,
    ensure_can_use_system_page,
    ensure_can_view_lockouts,
)
from tests.conftest import refused, who_may

pytestmark = [pytest.mark.django_db, pytest.mark.rules]


def test_the_security_officer_and_the_sysadmin_see_the_lockouts_the_sysadmin_releases_them(people):
    assert who_may(people, can_view_lockouts) == {"security_officer", "admin"}
    assert refused(people, ensure_can_view_lockouts) == dict.fromkeys(
        set(people) - {"security_officer", "admin"},
        "ログインのロック状況は統括情報セキュリティ責任者とシステム管理者が確認できます。",
    )
    assert who_may(people, can_release_lockouts) == {"admin"}
    assert refused(people, ensure_can_release_lockouts) == dict.fromkeys(
        set(people) - {"admin"}, "ロックを解除できるのはシステム管理者です。"
    )


def test_the_refusal_names_the_officer_as_the_city_calls_them(another_city, people):
    assert refused(people, ensure_can_view_lockouts)["staff_a"] == (
        "ログインのロック状況は最高情報セキュリティ責任者とシステム管理者が確認できます。"
    )


def test_the_sysadmin_alone_has_the_list_of_the_sysadmins_pages(people):
    assert who_may(people, can_use_system_page) == {"admin"}
    assert refused(people, ensure_can_use_system_page) == dict.fromkeys(
        set(people) - {"admin"}, "システム管理の画面はシステム管理者が使えます。"
    )
