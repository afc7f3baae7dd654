"""Who may do what in monitoring: one predicate per action, used by the view, the template and the service.

The `ensure_…` beside a predicate raises PermissionDenied (403) with the one message the user reads,
whether the service or the view (early, before a form is shown) asks first.
"""

from django.core.exceptions import PermissionDenied

from accounts.permissions import can_edit_account
from org.roles import Role, has_role, is_sysadmin


def _own_section(user, account) -> bool:
    return user.department_id is not None and user.department_id == account.department_id


def is_manager(user, account) -> bool:
    """The account's 管理者 while one of its 課 (SPEC §4.2): a 人事異動 that moves them away ends it,
    whatever the record still says, until the 課長 appoints another."""
    return account.manager_id == user.pk and _own_section(user, account)


def can_log_content_check(user, account) -> bool:
    """G-4-3-ア: the 管理者 logs the periodic check of the posts, or the 課's staff and 課長 for them."""
    if is_manager(user, account):
        return True
    return has_role(user, Role.STAFF, Role.SECTION_HEAD) and user.department_id == account.department_id


def ensure_can_log_content_check(user, account) -> None:
    if not can_log_content_check(user, account):
        raise PermissionDenied("発言内容の確認を記録できるのは、管理者と所管課の職員です。")


def can_request_check(user, account) -> bool:
    """今すぐ確認 (G-4-3-カ): whoever maintains the account record."""
    return can_edit_account(user, account)


def ensure_can_request_check(user, account) -> None:
    if not can_request_check(user, account):
        raise PermissionDenied("状態確認を依頼する権限がありません。")


def can_work_on_incident(user, incident) -> bool:
    """The 課 of the account (its 管理者, staff, 所属長), the security officer and the sysadmin."""
    if has_role(user, Role.SECURITY_OFFICER, Role.SYSADMIN):
        return True
    account = incident.account
    if is_manager(user, account):
        return True
    return has_role(user, Role.STAFF, Role.SECTION_HEAD) and _own_section(user, account)


def ensure_can_work_on_incident(user, incident) -> None:
    if not can_work_on_incident(user, incident):
        raise PermissionDenied("このインシデントに対応する権限がありません。")


def can_report_to_ciso(user) -> bool:
    """G-4-3-オ/カ: the 所属長 reports up to the 統括情報セキュリティ責任者 (or the officers record it)."""
    return has_role(user, Role.SECTION_HEAD, Role.SECURITY_OFFICER, Role.SYSADMIN)


def can_see_unchecked_accounts(user) -> bool:
    """Who is shown the accounts whose status check could not be made, and why (issue 13): the sysadmin
    (who registers the API tokens), the security officer (G-4-3-カ) and the 課長 (their own accounts)."""
    return has_role(user, Role.SYSADMIN, Role.SECURITY_OFFICER, Role.SECTION_HEAD)


def can_see_check_interface(user) -> bool:
    """Which interface a status check used, by its technical name (issue 20): the sysadmin, who
    registers the API tokens and answers for the interfaces; everyone else reads it in plain words."""
    return is_sysadmin(user)


def can_decide_platform_proposal(user, account) -> bool:
    """G-4-3-カ, P-7-3: the 課長 of the account's 課 registers what a status check read on the platform
    (the permanent ID, 認証済) or dismisses it — the one who answers for the account (SPEC §1)."""
    return has_role(user, Role.SECTION_HEAD) and _own_section(user, account)


def ensure_can_decide_platform_proposal(user, account) -> None:
    if not can_decide_platform_proposal(user, account):
        raise PermissionDenied("SNSの読み取りからの登録の提案を確認できるのは、所管課の課長です。")
