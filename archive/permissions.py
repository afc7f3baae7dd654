"""Who may do what in the archive: one predicate per action, used by the view, the template and the service.

The `ensure_…` beside a predicate raises PermissionDenied (403) with the one message the user reads.
"""

from django.core.exceptions import PermissionDenied

from accounts.selectors import accounts_visible_to
from org.roles import DEPARTMENT_ROLES, Role, has_role, sees_all


def can_see_archive(user, account) -> bool:
    """The archive of an account is seen by whoever sees the account (SPEC §1: their 課's accounts, a
    contractor's assigned ones; the committee, the security officer and the sysadmin all)."""
    return accounts_visible_to(user=user).filter(pk=account.pk).exists()


def ensure_can_see_archive(user, account) -> None:
    if not can_see_archive(user, account):
        raise PermissionDenied("このアカウントの保存した投稿は見られません。")


# --- finding and handing over (issue 22: 情報公開請求) ---------------------------------------------


def can_use_archive(user) -> bool:
    """The archive's search page and its menu entry 「保存した投稿」: whoever sees some account — the
    roles that see all, a contractor (its assigned accounts), a 課's staff with a 課 (accounts_visible_to)."""
    if sees_all(user) or has_role(user, Role.CONTRACTOR):
        return True
    return has_role(user, *DEPARTMENT_ROLES) and bool(getattr(user, "department_id", None))


def ensure_can_use_archive(user) -> None:
    if not can_use_archive(user):
        raise PermissionDenied("保存した投稿を見られるのは、公式アカウントを見られる職員です。")


def can_export_archive(user, account) -> bool:
    """Hand over an account's posts as a file (CSV, PDF, WARC): the city's staff who see its archive.
    A contractor sees the posts of the accounts it runs, but a handover (情報公開請求) is the city's."""
    if has_role(user, Role.CONTRACTOR) and not (sees_all(user) or has_role(user, *DEPARTMENT_ROLES)):
        return False
    return can_see_archive(user, account)


def ensure_can_export_archive(user, account) -> None:
    if not can_export_archive(user, account):
        raise PermissionDenied(
            "このアカウントの保存した投稿を書き出す権限がありません（書き出しは市の職員が行います）。"
        )
