"""Who may handle the platforms' API credentials: one predicate, used by the view, the template and the service."""

from django.core.exceptions import PermissionDenied

from org.roles import is_sysadmin


def can_manage_credentials(user) -> bool:
    """The API tokens of the status checks (issue 13): the sysadmin alone enters, sees and retires them."""
    return is_sysadmin(user)


def ensure_can_manage_credentials(user) -> None:
    if not can_manage_credentials(user):
        raise PermissionDenied("APIトークンを扱えるのはシステム管理者です。")
