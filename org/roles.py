"""Roles are Django Groups (SPEC §1); these helpers read them once per request and user."""

from django.db import models


class Role(models.TextChoices):
    STAFF = "staff", "担当職員"
    SECTION_HEAD = "section_head", "課長・所属長"
    CONTRACTOR = "contractor", "委託業者"
    COMMITTEE = "committee", "行政情報化推進委員会 委員"
    COMMITTEE_CHAIR = "committee_chair", "行政情報化推進委員会 委員長"
    SECURITY_OFFICER = "security_officer", "統括情報セキュリティ責任者"
    PR_OFFICE = "pr_office", "広報担当"
    SYSADMIN = "sysadmin", "システム管理者"


# SPEC §1 object rule: these roles see every department's records.
SEES_ALL = frozenset({Role.COMMITTEE, Role.COMMITTEE_CHAIR, Role.SECURITY_OFFICER, Role.SYSADMIN})
# Roles that work on their own 課's records.
DEPARTMENT_ROLES = frozenset({Role.STAFF, Role.SECTION_HEAD, Role.PR_OFFICE})


def role_label(role: str) -> str:
    """A role as users read it: the committee's roles in the committee's own name (the city profile)."""
    from django.conf import settings

    city = settings.CITY
    if role == Role.COMMITTEE:
        return f"{city.committee_name} {city.committee_member_title}"
    if role == Role.COMMITTEE_CHAIR:
        return f"{city.committee_name} {city.committee_chair_title}"
    return city.role_titles.get(str(role)) or Role(role).label


def roles_of(user) -> frozenset[str]:
    """Return the user's role names, cached on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_cache = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return not roles_of(user).isdisjoint(roles)


def sees_all(user) -> bool:
    return has_role(user, *SEES_ALL)


def is_sysadmin(user) -> bool:
    """The Django admin's gate (org.admin_site): the sysadmin role, not Django's is_staff flag."""
    return bool(getattr(user, "is_active", False)) and (user.is_superuser or has_role(user, Role.SYSADMIN))
