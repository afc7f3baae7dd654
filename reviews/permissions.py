"""Who may do what with year-end reviews and suspension plans: one predicate per action, used by the
view, the template and the service.

The `ensure_…` beside a predicate raises PermissionDenied (403) with the one message the user reads,
whether the service or the view (early, before a form is shown) asks first.
"""

from django.core.exceptions import PermissionDenied

from accounts.permissions import can_transition
from org.roles import Role, has_role


def _own_section(user, account) -> bool:
    return user.department_id is not None and user.department_id == account.department_id


def drafts_reviews(user) -> bool:
    """G-4-5-ア: the 課's staff and 課長 draft the year-end reviews of its accounts."""
    return has_role(user, Role.STAFF, Role.SECTION_HEAD)


def can_start_review(user, account) -> bool:
    return drafts_reviews(user) and _own_section(user, account)


def ensure_can_start_review(user, account) -> None:
    if not can_start_review(user, account):
        raise PermissionDenied("効果測定を作成できるのは所管課の職員です。")


def can_edit_review(user, review) -> bool:
    return can_start_review(user, review.account)


def ensure_can_edit_review(user, review) -> None:
    if not can_edit_review(user, review):
        raise PermissionDenied("この効果測定を編集する権限がありません。")


def can_sign_review(user, review) -> bool:
    """The 課長 of the account's 課 signs the review off."""
    return has_role(user, Role.SECTION_HEAD) and _own_section(user, review.account)


def can_plan_suspension(user, account) -> bool:
    """G-4-5-イ/ウ: the 課長 of the account's 課, or the sysadmin, plans and announces the suspension."""
    return can_transition(user, account)


def ensure_can_plan_suspension(user, account) -> None:
    if not can_plan_suspension(user, account):
        raise PermissionDenied("運用停止の計画を作成できるのは所管課の課長またはシステム管理者です。")


def ensure_can_publish_suspension(user, account) -> None:
    """G-4-5-ウ: who plans the suspension starts its notice (can_plan_suspension), said as that step."""
    if not can_plan_suspension(user, account):
        raise PermissionDenied("周知を開始できるのは所管課の課長またはシステム管理者です。")
