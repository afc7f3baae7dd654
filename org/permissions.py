"""Who may do what with sign-in lockouts: one predicate per action, asked by the view, the template
and the service; the `ensure_…` beside it raises PermissionDenied (403) with the one message."""

from django.core.exceptions import PermissionDenied

from .roles import Role, has_role, is_sysadmin, role_label


def can_view_lockouts(user) -> bool:
    """Which names fail to sign in from where: the 統括情報セキュリティ責任者 reads it, the sysadmin too."""
    return has_role(user, Role.SECURITY_OFFICER, Role.SYSADMIN)


def ensure_can_view_lockouts(user) -> None:
    if not can_view_lockouts(user):
        raise PermissionDenied(
            f"ログインのロック状況は{role_label(Role.SECURITY_OFFICER)}と{role_label(Role.SYSADMIN)}が確認できます。"
        )


def can_release_lockouts(user) -> bool:
    return has_role(user, Role.SYSADMIN)


def ensure_can_release_lockouts(user) -> None:
    if not can_release_lockouts(user):
        raise PermissionDenied("ロックを解除できるのはシステム管理者です。")


def can_use_system_page(user) -> bool:
    """The list of the sysadmin's pages (/system/, the menu's システム管理; issue 24): the sysadmin alone."""
    return is_sysadmin(user)


def ensure_can_use_system_page(user) -> None:
    if not can_use_system_page(user):
        raise PermissionDenied(f"システム管理の画面は{role_label(Role.SYSADMIN)}が使えます。")
