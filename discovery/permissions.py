"""Who may work the lookalike queue (issue 23): the security officer and the 広報 office.

Impersonation concerns the city as a whole, not one 課: the 広報担当 (who speaks for the city on the
platforms) and the 統括情報セキュリティ責任者 (G-4-3-カ) see every candidate and judge it, whichever
課's account it imitates. Withdrawing a published warning is the security officer's alone.
"""

from django.core.exceptions import PermissionDenied

from org.roles import Role, has_role, role_label


def can_judge(user) -> bool:
    return has_role(user, Role.SECURITY_OFFICER, Role.PR_OFFICE)


def ensure_can_judge(user) -> None:
    if not can_judge(user):
        raise PermissionDenied(
            f"なりすまし候補を見られるのは、{role_label(Role.SECURITY_OFFICER)}と{role_label(Role.PR_OFFICE)}です。"
        )


def can_withdraw_warning(user) -> bool:
    return has_role(user, Role.SECURITY_OFFICER)


def ensure_can_withdraw_warning(user) -> None:
    if not can_withdraw_warning(user):
        raise PermissionDenied(f"なりすましの公表を取り消せるのは、{role_label(Role.SECURITY_OFFICER)}です。")
