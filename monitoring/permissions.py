"""Who may do what in monitoring: one predicate per action, used by the view, the template and the service."""

from accounts.permissions import can_edit_account
from org.roles import Role, has_role


def can_log_content_check(user, account) -> bool:
    """G-4-3-ア: the 管理者 logs the periodic check of the posts, or the 課's staff and 課長 for them."""
    if account.manager_id == user.pk:
        return True
    return has_role(user, Role.STAFF, Role.SECTION_HEAD) and user.department_id == account.department_id


def can_request_check(user, account) -> bool:
    """今すぐ確認 (G-4-3-カ): whoever maintains the account record."""
    return can_edit_account(user, account)
