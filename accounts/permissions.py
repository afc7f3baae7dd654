"""Who may do what with official accounts: one predicate per action (SPEC §1 object rules).

The view, the template and the service ask the same function, so no page offers a form that the
service refuses. A refusal is PermissionDenied (403) everywhere, raised by the `ensure_…` beside its
predicate with the one message the user reads, whether the service or the view (early, before
a form is shown) asks first.
"""

from django.core.exceptions import PermissionDenied

from org.roles import Role, has_role, is_sysadmin, roles_of


def can_edit_account(user, account) -> bool:
    """Edit the record and record followers: the 課's staff and 課長, the sysadmin."""
    if has_role(user, Role.SYSADMIN):
        return True
    if has_role(user, Role.STAFF, Role.SECTION_HEAD) and account.department_id == user.department_id:
        return True
    return False


def ensure_can_edit_account(user, account) -> None:
    if not can_edit_account(user, account):
        raise PermissionDenied("このアカウントを編集する権限がありません。")


def can_record_followers(user, account) -> bool:
    if can_edit_account(user, account):
        return True
    return has_role(user, Role.CONTRACTOR) and account.contractors.filter(pk=user.pk).exists()


def ensure_can_record_followers(user, account) -> None:
    if not can_record_followers(user, account):
        raise PermissionDenied("フォロワー数を記録する権限がありません。")


def can_transition(user, account, sysadmin_only: bool = False) -> bool:
    """Lifecycle transitions: the 課長 of the account's 課, or the sysadmin."""
    if has_role(user, Role.SYSADMIN):
        return True
    if sysadmin_only:
        return False
    return has_role(user, Role.SECTION_HEAD) and account.department_id == user.department_id


def ensure_can_transition(user, account, *, label: str, sysadmin_only: bool = False) -> None:
    """Refuse the lifecycle transition called `label` (運用開始, 運用停止, …) to whoever may not make it."""
    if not can_transition(user, account, sysadmin_only=sysadmin_only):
        who = "システム管理者" if sysadmin_only else "所管課の課長またはシステム管理者"
        raise PermissionDenied(f"「{label}」は{who}のみ行えます。")


def can_decide_public_change(user, change, account) -> bool:
    """SPEC §8: the 課長 of the account's 課 (or the sysadmin) decides; never the one who proposed it."""
    if change.proposed_by_id == user.pk:
        return False
    return can_transition(user, account)


def can_register_accounts(user) -> bool:
    roles = roles_of(user)
    if Role.SYSADMIN in roles:
        return True
    return bool(roles & {Role.STAFF, Role.SECTION_HEAD}) and user.department_id is not None


def ensure_can_register_accounts(user) -> None:
    if not can_register_accounts(user):
        raise PermissionDenied("アカウントを登録する権限がありません。")


def can_register_for_any_section(user) -> bool:
    """The sysadmin registers an account for any 課; everyone else for their own."""
    return has_role(user, Role.SYSADMIN)


def can_vouch_official(user) -> bool:
    """G-4-2-イ: the 課長 (or the sysadmin) answers for an account, so registers it as 運用中 at once;
    a clerk's entry waits in 開設準備 for the 課長's 運用開始."""
    return has_role(user, Role.SECTION_HEAD, Role.SYSADMIN)


def can_appoint(user) -> bool:
    """SPEC §1: the 課長 (or the sysadmin) appoints the 管理者 and decides who the contractors are."""
    return has_role(user, Role.SECTION_HEAD, Role.SYSADMIN)


def can_change_public_fields(user) -> bool:
    """SPEC §8 (P-7): the 課長 (or the sysadmin) changes what the public sees at once; a 担当職員's
    change of it waits for the 課長's approval."""
    return has_role(user, Role.SECTION_HEAD, Role.SYSADMIN)


def can_backdate_notice(user) -> bool:
    """G-4-5-ウ: only the sysadmin records a notice that started in the past (a correction)."""
    return has_role(user, Role.SYSADMIN)


def can_suspend_during_notice(user) -> bool:
    """G-4-5-ウ: only the sysadmin stops an account before its notice period ends, recording why."""
    return has_role(user, Role.SYSADMIN)


def can_manage_peers(user) -> bool:
    """Issue 24: which other municipalities' registries this instance reads: the sysadmin alone."""
    return is_sysadmin(user)


def ensure_can_manage_peers(user) -> None:
    if not can_manage_peers(user):
        raise PermissionDenied("他の団体の一覧を扱えるのはシステム管理者です。")
