"""Who may do what in the archive: one predicate per action, used by the view, the template and the service.

The `ensure_…` beside a predicate raises PermissionDenied (403) with the one message the user reads.
"""

from django.core.exceptions import PermissionDenied

from accounts.selectors import accounts_visible_to


def can_see_archive(user, account) -> bool:
    """The archive of an account is seen by whoever sees the account (SPEC §1: their 課's accounts, a
    contractor's assigned ones; the committee, the security officer and the sysadmin all)."""
    return accounts_visible_to(user=user).filter(pk=account.pk).exists()


def ensure_can_see_archive(user, account) -> None:
    if not can_see_archive(user, account):
        raise PermissionDenied("このアカウントの保存した投稿は見られません。")
