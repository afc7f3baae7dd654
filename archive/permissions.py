"""Who may do what in the archive: one predicate per action, used by the view, the template and the service.

The `ensure_…` beside a predicate raises PermissionDenied (403) with the one message the user reads.
"""

from django.core.exceptions import PermissionDenied

from accounts.selectors import accounts_visible_to
from monitoring.permissions import is_manager
from org.roles import DEPARTMENT_ROLES, Role, has_role, is_sysadmin, role_label, sees_all
from screening.permissions import can_decide_drafts


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
    # mutmut: equivalent — without the default: whoever has a role is a User, who has department_id.
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


# --- Retention (公文書管理) and posts recorded by hand (issue 22: retention, LINE) -----------------------


def _section_head_of(user, account) -> bool:
    return (
        has_role(user, Role.SECTION_HEAD)
        and user.department_id is not None
        and (user.department_id == account.department_id)
    )


def can_set_retention(user, account) -> bool:
    """An account's 保存期間 is set by the 課長 of its 課, or by the sysadmin."""
    return _section_head_of(user, account) or is_sysadmin(user)


def ensure_can_set_retention(user, account) -> None:
    if not can_set_retention(user, account):
        raise PermissionDenied("保存期間を変更できるのは、所管課の課長とシステム管理者です。")


def disposal_roles(user, account) -> frozenset[str]:
    """The roles in which `user` takes part in the 延長・廃棄 of the account's posts: the 課長 of its 課 and the
    security officer (公文書管理: two people, one of each)."""
    roles = set()
    if _section_head_of(user, account):
        roles.add(Role.SECTION_HEAD)
    if has_role(user, Role.SECURITY_OFFICER):
        roles.add(Role.SECURITY_OFFICER)
    return frozenset(roles)


def _disposal_people() -> str:
    return f"所管課の課長と{role_label(Role.SECURITY_OFFICER)}"


def can_see_retention_list(user) -> bool:
    """The 年度末 list: for the 課長 (their 課's accounts) and the security officer (every account)."""
    return has_role(user, Role.SECTION_HEAD, Role.SECURITY_OFFICER)


def ensure_can_see_retention_list(user) -> None:
    if not can_see_retention_list(user):
        raise PermissionDenied(f"保存期間の満了した投稿の一覧は、{_disposal_people()}が扱います。")


def can_propose_disposal(user, account) -> bool:
    """Who proposes a 延長 or 廃棄 of the account's posts: its 課長 or the security officer."""
    return bool(disposal_roles(user, account))


def ensure_can_propose_disposal(user, account) -> None:
    if not can_propose_disposal(user, account):
        raise PermissionDenied(f"保存期間の満了した投稿の延長・廃棄を扱えるのは、{_disposal_people()}です。")


def _complements(proposer_roles: frozenset, decider_roles: frozenset) -> bool:
    return any(d != p for d in decider_roles for p in proposer_roles)


def can_decide_disposal(user, decision) -> bool:
    """The other of the two: not the proposer, and in the role the proposer did not bring (the 課長 decides
    what the security officer proposed, and the other way round)."""
    if user.pk == decision.proposed_by_id:
        return False
    account = decision.account
    return _complements(disposal_roles(decision.proposed_by, account), disposal_roles(user, account))


def ensure_can_decide_disposal(user, decision) -> None:
    if user.pk == decision.proposed_by_id:
        raise PermissionDenied("起案した本人は決定できません（延長・廃棄は二人で決めます）。")
    if not can_decide_disposal(user, decision):
        raise PermissionDenied(
            f"この案を決定・差戻しできるのは、起案者とは別の立場の{_disposal_people()}のうちの一人です。"
        )


def can_record_by_hand(user, account) -> bool:
    """A post the capture cannot read (LINE broadcasts) is recorded by the account's 管理者, or its 課's staff
    and 課長 (as for the content check, G-4-3-ア)."""
    if is_manager(user, account):
        return True
    return (
        has_role(user, Role.STAFF, Role.SECTION_HEAD)
        and user.department_id is not None
        and (user.department_id == account.department_id)
    )


def ensure_can_record_by_hand(user, account) -> None:
    if not can_record_by_hand(user, account):
        raise PermissionDenied("投稿を手動で記録できるのは、アカウントの管理者と所管課の職員・課長です。")


# --- Posts matched to their 決裁 (issue 25, G-4-3-ア/カ) ----------------------------------------------


def can_answer_unmatched(user, account) -> bool:
    """「この投稿に心当たりはありますか」: the account's 管理者, the 課長 of its 課, or the deputy the 課長 named
    — for an account whose posts need 決裁."""
    if not account.approval_required:
        return False
    return is_manager(user, account) or can_decide_drafts(user, account)


def ensure_can_answer_unmatched(user, account) -> None:
    if not can_answer_unmatched(user, account):
        raise PermissionDenied("決裁のない投稿に回答できるのは、アカウントの管理者・所管課の課長と代決者です。")


def can_see_unconfirmed_queue(user) -> bool:
    """The queue page and its menu entry: whoever may be a 管理者, 課長 or deputy (a 課's staff and 課長)."""
    # mutmut: equivalent — no default for getattr: only a User has these roles, and a User has department_id.
    return has_role(user, Role.STAFF, Role.SECTION_HEAD) and bool(getattr(user, "department_id", None))


def ensure_can_see_unconfirmed_queue(user) -> None:
    if not can_see_unconfirmed_queue(user):
        raise PermissionDenied("決裁のない投稿の確認は、アカウントの管理者・所管課の課長と代決者が行います。")
