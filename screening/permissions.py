"""Who may screen drafts for which account (SPEC §6): whoever posts on it."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from accounts.models import AccountStatus, OfficialAccount
from accounts.permissions import can_record_followers
from org.roles import Role, has_role

SCREENABLE = (AccountStatus.PREPARING, AccountStatus.ACTIVE, AccountStatus.NOTICE)


def can_use_screening(user) -> bool:
    """Who has the 投稿前チェック page and its menu entry: the roles that post on accounts (a 課's staff
    and 課長, a contractor, the sysadmin); which accounts each checks is `accounts_to_screen`."""
    return has_role(user, Role.STAFF, Role.SECTION_HEAD, Role.CONTRACTOR, Role.SYSADMIN)


def ensure_can_use_screening(user) -> None:
    if not can_use_screening(user):
        raise PermissionDenied(
            "投稿前チェックを使えるのは、アカウントに投稿する課の職員・課長、委託業者とシステム管理者です。"
        )


def can_screen(user, account) -> bool:
    """The 課 that posts on the account (staff, 課長), its contractor, and the sysadmin."""
    return can_record_followers(user, account)


def accounts_to_screen(user) -> QuerySet[OfficialAccount]:
    """The accounts `can_screen` allows, that still post: the form's choices and the API's lookups."""
    qs = OfficialAccount.objects.filter(status__in=SCREENABLE).select_related("platform")
    if not can_use_screening(user):
        return qs.none()
    if has_role(user, Role.SYSADMIN):
        return qs
    cond = Q(pk__in=[])
    if has_role(user, Role.STAFF, Role.SECTION_HEAD) and user.department_id:
        cond |= Q(department_id=user.department_id)  # mutmut: equivalent — `=` too: cond is still Q(pk__in=[])
    if has_role(user, Role.CONTRACTOR):
        cond |= Q(contractors=user)
    return qs.filter(cond).distinct()
