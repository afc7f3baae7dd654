"""Who may do what with 運用ポリシー: the rules of the account the policy belongs to (SPEC §1).

The view, the template and the service ask the same predicate; the `ensure_…` beside it raises
PermissionDenied (403) with the one message the user reads.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied

from accounts.permissions import can_edit_account, can_transition


def can_draft_policy(user, account) -> bool:
    """Whoever maintains the account's record drafts its policy."""
    return can_edit_account(user, account)


def ensure_can_draft_policy(user, account) -> None:
    if not can_draft_policy(user, account):
        raise PermissionDenied(settings.CITY.named("この運用ポリシーを編集する権限がありません。"))


def can_issue_policy(user, account) -> bool:
    """The 課長 of the account's 課 (or the sysadmin) enacts or amends it (制定・改正), as for its lifecycle."""
    return can_transition(user, account)


def ensure_can_issue_policy(user, account) -> None:
    if not can_issue_policy(user, account):
        raise PermissionDenied(
            settings.CITY.named("運用ポリシーの制定・改正は所管課の課長またはシステム管理者のみ行えます。")
        )
