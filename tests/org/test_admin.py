"""The sysadmin keeps departments, users, roles and platforms in Django admin (SPEC §1, G-2)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Platform
from org.models import Department, User
from org.roles import Role

pytestmark = pytest.mark.django_db


def test_sysadmin_adds_a_section_under_a_bu(client, admin, bu):
    client.force_login(admin)
    response = client.post(
        reverse("admin:org_department_add"),
        {"name": "図書館", "kind": "ka", "parent": bu.pk, "code": "511", "sort_order": 5, "is_active": "on"},
    )
    assert response.status_code == 302
    assert Department.objects.get(code="511").full_name == "児童青少年部図書館"


def test_sysadmin_gives_a_user_a_role_shown_in_japanese(client, admin, staff_a):
    client.force_login(admin)
    page = client.get(reverse("admin:org_user_change", args=[staff_a.pk])).content.decode()
    assert "課長・所属長" in page and "統括情報セキュリティ責任者" in page
    data = {
        "username": staff_a.username,
        "last_name": staff_a.last_name,
        "first_name": staff_a.first_name,
        "email": "",
        "department": staff_a.department_id,
        "title": "主査",
        "is_active": "on",
        "groups": [Group.objects.get(name=Role.SECTION_HEAD).pk],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-04-01",
        "date_joined_1": "09:00:00",
    }
    response = client.post(reverse("admin:org_user_change", args=[staff_a.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(pk=staff_a.pk).roles == {Role.SECTION_HEAD}


def test_platforms_are_data_the_sysadmin_edits(client, admin):
    """G-2: services change over time (G-3-5), so platforms are data the sysadmin edits, not code."""
    x = Platform.objects.get(code="x")
    client.force_login(admin)
    page = client.get(reverse("admin:accounts_platform_change", args=[x.pk])).content.decode()
    assert "ツイッター" in page
    assert set(Platform.objects.values_list("name", flat=True)) >= {
        "X",
        "Facebook",
        "Instagram",
        "LINE",
        "YouTube",
        "TikTok",
        "Threads",
        "Bluesky",
        "note",
    }


@pytest.mark.parametrize("person", ["staff_a", "head_a", "member", "chair", "security_officer"])
def test_nobody_else_gets_into_the_admin(client, request, person):
    client.force_login(request.getfixturevalue(person))
    response = client.get(reverse("admin:org_user_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url
