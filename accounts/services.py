"""Writes of official accounts. Every state change locks the row, checks the actor and is audited."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit_record
from core.dates import to_wareki
from core.errors import TransitionError
from core.models import AuditEvent
from org.roles import Role, has_role

from .models import AccountStatus, FollowerSnapshot, OfficialAccount, validate_profile_url
from .selectors import (
    account_can_edit,
    account_can_record_followers,
    account_can_transition,
    user_can_register_accounts,
)

# Fields a 課 maintains through the register/edit form. The status and the suspension fields
# change only through the transition services below.
EDITABLE_FIELDS = (
    "platform",
    "field",
    "handle",
    "display_name",
    "profile_url",
    "platform_account_id",
    "profile_operator",
    "profile_purpose",
    "manager",
    "content_categories",
    "content_notes",
    "restrict_follow",
    "restrict_reply",
    "restrict_contact",
    "tone",
    "approval_required",
    "registered_email",
    "verification_status",
    "homepage_url",
    "linked_apps",
    "password_changed_on",
)
REGISTRABLE_STATUSES = (AccountStatus.PREPARING, AccountStatus.ACTIVE)


def _label(status: str) -> str:
    return AccountStatus(status).label


def _display(value: Any) -> Any:
    """Return a JSON-safe, human-readable form of a field value for the audit trail."""
    if value is None or isinstance(value, bool | int | str | list):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _duplicate_handle_error() -> TransitionError:
    return TransitionError("このSNSのこのユーザー名は既に登録されています。")


def _check_password_date(account: OfficialAccount) -> None:
    # P-4: a change that has not happened yet would silence the reminder (PASSWORD_CHANGE_DUE_DAYS).
    if account.password_changed_on and account.password_changed_on > timezone.localdate():
        raise TransitionError("パスワード最終変更日に未来の日付は入力できません。")


def _check_profile_url(account: OfficialAccount) -> None:
    """The same rule as the form, for every caller and every role (outbound guard, P-7)."""
    try:
        validate_profile_url(account.profile_url, account.platform)
    except ValidationError as exc:
        raise TransitionError(exc.messages[0]) from exc


@transaction.atomic
def account_register(
    *,
    actor,
    department,
    fields: dict[str, Any],
    contractors=(),
    initial_status: str = AccountStatus.PREPARING,
) -> OfficialAccount:
    """Register an account the city already runs (or is preparing); audited as 登録."""
    if not user_can_register_accounts(user=actor):
        raise PermissionDenied("アカウントを登録する権限がありません。")
    if initial_status not in REGISTRABLE_STATUSES:
        raise TransitionError("登録時の状態は「開設準備」か「運用中」です。")
    # Only the 課長 (or the sysadmin) vouches that an account is already official; a clerk's entry
    # waits in 開設準備 for the 課長's 運用開始 (G-4-2-イ: the 課の長 answers for the account).
    if initial_status == AccountStatus.ACTIVE and not has_role(actor, Role.SECTION_HEAD, Role.SYSADMIN):
        raise TransitionError("「運用中」として登録できるのは課長です。開設準備で登録し、課長が運用開始してください。")
    if not has_role(actor, Role.SYSADMIN) and department.pk != actor.department_id:
        raise PermissionDenied("他の課のアカウントは登録できません。")
    account = OfficialAccount(department=department, status=initial_status, **_only_editable(fields))
    _check_profile_url(account)
    _check_password_date(account)
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as exc:
        raise _duplicate_handle_error() from exc
    account.contractors.set(contractors)
    audit_record(
        target=account,
        actor=actor,
        action=AuditEvent.Action.CREATED,
        summary=f"アカウントを登録（{_label(initial_status)}）",
        to_state=initial_status,
    )
    return account


def _only_editable(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    return fields


@transaction.atomic
def account_update(*, account_id: int, actor, fields: dict[str, Any], contractors=None) -> OfficialAccount:
    """Change the record's fields; the audit row lists each changed field, before and after."""
    account = OfficialAccount.objects.select_for_update().get(pk=account_id)
    if not account_can_edit(user=actor, account=account):
        raise PermissionDenied("このアカウントを編集する権限がありません。")
    if account.status == AccountStatus.CLOSED:
        raise TransitionError("閉鎖したアカウントの記録は変更できません。")
    # SPEC §1: the 課長 appoints the 管理者 and decides who the contractors are.
    may_appoint = has_role(actor, Role.SECTION_HEAD, Role.SYSADMIN)
    if not may_appoint and "manager" in fields and fields["manager"] != account.manager:
        raise TransitionError("管理者を変更できるのは課長です。")
    if (
        not may_appoint
        and contractors is not None
        and {u.pk for u in contractors} != set(account.contractors.values_list("pk", flat=True))
    ):
        raise TransitionError("委託業者を変更できるのは課長です。")
    changes = {}
    old_url, old_platform_id = account.profile_url, account.platform_id
    for name, value in _only_editable(fields).items():
        old = getattr(account, name)
        if old != value:
            verbose = str(OfficialAccount._meta.get_field(name).verbose_name)
            changes[verbose] = [_display(old), _display(value)]
            setattr(account, name, value)
    if contractors is not None:
        old_ids = set(account.contractors.values_list("pk", flat=True))
        new_ids = {u.pk for u in contractors}
        if old_ids != new_ids:
            changes["委託業者の利用者"] = [
                sorted(str(u) for u in account.contractors.all()),
                sorted(str(u) for u in contractors),
            ]
            account.contractors.set(contractors)
    if not changes:
        return account
    if {"profile_url", "platform"} & set(fields) and (
        account.profile_url != old_url or account.platform_id != old_platform_id
    ):
        _check_profile_url(account)
    if "パスワード最終変更日" in changes:
        _check_password_date(account)
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as exc:
        raise _duplicate_handle_error() from exc
    audit_record(
        target=account,
        actor=actor,
        action=AuditEvent.Action.UPDATED,
        summary="登録内容を変更（" + "、".join(changes) + "）",
        changes=changes,
    )
    return account


@transaction.atomic
def account_record_followers(*, account_id: int, actor, recorded_on: date, count: int) -> FollowerSnapshot:
    """Record the follower count of a day; a second figure for the same day corrects the first."""
    account = OfficialAccount.objects.select_for_update().get(pk=account_id)
    if not account_can_record_followers(user=actor, account=account):
        raise PermissionDenied("フォロワー数を記録する権限がありません。")
    if recorded_on > timezone.localdate():
        raise TransitionError("未来の日付のフォロワー数は記録できません。")
    snapshot, created = FollowerSnapshot.objects.get_or_create(
        account=account, recorded_on=recorded_on, defaults={"count": count, "recorded_by": actor}
    )
    old = None if created else snapshot.count
    if not created:
        snapshot.count = count
        snapshot.recorded_by = actor
        snapshot.save(update_fields=["count", "recorded_by"])
    word = account.platform.follower_word
    summary = f"{word}数 {count:,} を記録（{to_wareki(recorded_on)}）"
    if old is not None:
        summary = f"{word}数を訂正 {old:,} → {count:,}（{to_wareki(recorded_on)}）"
    audit_record(
        target=account,
        actor=actor,
        action=AuditEvent.Action.FOLLOWERS,
        summary=summary,
        changes={"recorded_on": recorded_on.isoformat(), "count": [old, count]},
    )
    return snapshot


# --- lifecycle (SPEC §4.2): 開設準備 → 運用中 → 停止予告中 → 運用停止 → 閉鎖 -----------------------


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    sysadmin_only: bool = False


TRANSITIONS = {
    t.name: t
    for t in (
        Transition("activate", "運用開始", frozenset({AccountStatus.PREPARING}), AccountStatus.ACTIVE),
        Transition("announce_suspension", "停止予告の開始", frozenset({AccountStatus.ACTIVE}), AccountStatus.NOTICE),
        Transition("withdraw_notice", "停止予告の取消", frozenset({AccountStatus.NOTICE}), AccountStatus.ACTIVE),
        Transition("suspend", "運用停止", frozenset({AccountStatus.NOTICE}), AccountStatus.SUSPENDED),
        # G-4-5-エ: an account is kept until the platform's service ends; only then it is 閉鎖.
        Transition(
            "close",
            "閉鎖（サービス終了）",
            frozenset({AccountStatus.SUSPENDED}),
            AccountStatus.CLOSED,
            sysadmin_only=True,
        ),
    )
}


def transitions_available(*, user, account: OfficialAccount) -> list[Transition]:
    """Return the transitions `user` may start on `account` in its current state (for buttons)."""
    return [
        t
        for t in TRANSITIONS.values()
        if account.status in t.sources
        and account_can_transition(user=user, account=account, sysadmin_only=t.sysadmin_only)
    ]


def _begin(*, account_id: int, actor, name: str) -> tuple[OfficialAccount, Transition]:
    """Lock the account and check that `actor` may make transition `name` from its current state."""
    transition = TRANSITIONS[name]
    account = OfficialAccount.objects.select_for_update().select_related("platform").get(pk=account_id)
    if not account_can_transition(user=actor, account=account, sysadmin_only=transition.sysadmin_only):
        who = "システム管理者" if transition.sysadmin_only else "所管課の課長またはシステム管理者"
        raise TransitionError(f"「{transition.label}」は{who}のみ行えます。")
    if account.status not in transition.sources:
        allowed = "・".join(_label(s) for s in sorted(transition.sources))
        raise TransitionError(
            f"現在の状態（{_label(account.status)}）では「{transition.label}」を行えません。"
            f"「{allowed}」のアカウントが対象です。"
        )
    return account, transition


def _finish(account: OfficialAccount, transition: Transition, *, actor, comment: str, update_fields=()):
    old = account.status
    account.status = transition.target
    account.status_changed_at = timezone.now()
    account.save(update_fields=["status", "status_changed_at", "updated_at", *update_fields])
    audit_record(
        target=account,
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        summary=f"{transition.label}：{_label(old)} → {_label(transition.target)}",
        from_state=old,
        to_state=transition.target,
        comment=comment,
    )
    return account


@transaction.atomic
def account_activate(*, account_id: int, actor, comment: str = "") -> OfficialAccount:
    account, transition = _begin(account_id=account_id, actor=actor, name="activate")
    return _finish(account, transition, actor=actor, comment=comment)


@transaction.atomic
def account_announce_suspension(
    *,
    account_id: int,
    actor,
    reason: str,
    notice_starts_on: date,
    notice_ends_on: date,
    successor_id: int,
    comment: str = "",
) -> OfficialAccount:
    """Start the advance notice before stopping (G-4-5-ウ); the reason is public (P-8)."""
    account, transition = _begin(account_id=account_id, actor=actor, name="announce_suspension")
    if not reason.strip():
        raise TransitionError("停止の理由を入力してください（市ホームページに掲載されます：P-8）。")
    if notice_ends_on < notice_starts_on:
        raise TransitionError("事前周知の終了日は開始日以降の日付にしてください。")
    # G-4-5-ウ: followers are told in advance; a notice dated in the past would be no notice at all.
    if notice_starts_on < timezone.localdate() and not has_role(actor, Role.SYSADMIN):
        raise TransitionError("事前周知の開始日は今日以降の日付にしてください（G-4-5-ウ）。")
    successor = OfficialAccount.objects.filter(pk=successor_id).first()
    if successor is None or successor.pk == account.pk or successor.status != AccountStatus.ACTIVE:
        raise TransitionError("誘導先には運用中の別の公式アカウント（市広報アカウント等）を選んでください。")
    account.suspension_reason = reason.strip()
    account.notice_starts_on = notice_starts_on
    account.notice_ends_on = notice_ends_on
    account.successor = successor
    return _finish(
        account,
        transition,
        actor=actor,
        comment=comment,
        update_fields=["suspension_reason", "notice_starts_on", "notice_ends_on", "successor"],
    )


@transaction.atomic
def account_withdraw_notice(*, account_id: int, actor, comment: str) -> OfficialAccount:
    account, transition = _begin(account_id=account_id, actor=actor, name="withdraw_notice")
    if not comment.strip():
        raise TransitionError("停止予告を取り消す理由をコメントに入力してください。")
    account.suspension_reason = ""
    account.notice_starts_on = account.notice_ends_on = None
    account.successor = None
    return _finish(
        account,
        transition,
        actor=actor,
        comment=comment,
        update_fields=["suspension_reason", "notice_starts_on", "notice_ends_on", "successor"],
    )


@transaction.atomic
def account_suspend(*, account_id: int, actor, comment: str = "") -> OfficialAccount:
    """Stop operating after the notice period (G-4-5-ウ). The account is kept (G-4-5-エ)."""
    account, transition = _begin(account_id=account_id, actor=actor, name="suspend")
    today = timezone.localdate()
    if account.notice_ends_on and today <= account.notice_ends_on:
        if not has_role(actor, Role.SYSADMIN):
            raise TransitionError(
                f"事前周知の期間（{to_wareki(account.notice_ends_on)}まで）が終わるまで運用停止にできません。"
            )
        if not comment.strip():
            raise TransitionError("事前周知の期間中に運用停止にする理由をコメントに記録してください。")
    account.suspended_on = today
    return _finish(account, transition, actor=actor, comment=comment, update_fields=["suspended_on"])


@transaction.atomic
def account_close(*, account_id: int, actor, comment: str) -> OfficialAccount:
    """Record that the platform's service ended (G-4-5-エ); the record itself stays."""
    account, transition = _begin(account_id=account_id, actor=actor, name="close")
    if not comment.strip():
        raise TransitionError("閉鎖の理由（サービス終了の事実など）をコメントに入力してください。")
    return _finish(account, transition, actor=actor, comment=comment)
