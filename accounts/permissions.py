"""Who may do what with official accounts: one predicate per action (SPEC §1 object rules).

The view, the template and the service ask the same function, so no page offers a form that the
service refuses; a refusal is PermissionDenied (403) everywhere.
"""

from org.roles import Role, has_role, roles_of


def can_edit_account(user, account) -> bool:
    """Edit the record and record followers: the 課's staff and 課長, the sysadmin."""
    if has_role(user, Role.SYSADMIN):
        return True
    if has_role(user, Role.STAFF, Role.SECTION_HEAD) and account.department_id == user.department_id:
        return True
    return False


def can_record_followers(user, account) -> bool:
    if can_edit_account(user, account):
        return True
    return has_role(user, Role.CONTRACTOR) and account.contractors.filter(pk=user.pk).exists()


def can_transition(user, account, sysadmin_only: bool = False) -> bool:
    """Lifecycle transitions: the 課長 of the account's 課, or the sysadmin."""
    if has_role(user, Role.SYSADMIN):
        return True
    if sysadmin_only:
        return False
    return has_role(user, Role.SECTION_HEAD) and account.department_id == user.department_id


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
