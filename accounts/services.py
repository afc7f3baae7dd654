"""Writes of official accounts. Every state change locks the row, checks the actor and is audited."""

import copy
import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from core.audit import Job, audit_record, shown, summary_of
from core.audit import transition as transition_record
from core.dates import to_wareki
from core.errors import TransitionError
from core.models import AuditEvent
from core.notices import notify
from org.roles import Role

from . import lookup
from .models import (
    PUBLIC_FIELDS,
    PUBLIC_STATUSES,
    AccountStatus,
    FollowerSnapshot,
    OfficialAccount,
    Platform,
    PublicChange,
    validate_handle,
    validate_profile_url,
)
from .permissions import (
    can_appoint,
    can_backdate_notice,
    can_change_public_fields,
    can_decide_public_change,
    can_register_for_any_section,
    can_suspend_during_notice,
    can_transition,
    can_vouch_official,
    ensure_can_edit_account,
    ensure_can_record_followers,
    ensure_can_register_accounts,
    ensure_can_transition,
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

User = get_user_model()


def _label(status: str) -> str:
    return AccountStatus(status).label


def _duplicate_handle_error() -> TransitionError:
    return TransitionError("このSNSのこのユーザー名は既に登録されています。", field="handle")


def _save_checked_handle(account: OfficialAccount) -> None:
    """Save; a handle another account of the platform has is a message, not a 500."""
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as exc:
        raise _duplicate_handle_error() from exc


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


def _check_handle(account: OfficialAccount) -> None:
    """Issue 20: the handle has its platform's syntax (the form's rule, for every caller and role)."""
    try:
        validate_handle(account.handle, account.platform)
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
    ensure_can_register_accounts(actor)
    if initial_status not in REGISTRABLE_STATUSES:
        raise TransitionError("登録時の状態は「開設準備」か「運用中」です。")
    # Only the 課長 (or the sysadmin) vouches that an account is already official; a clerk's entry
    # waits in 開設準備 for the 課長's 運用開始 (G-4-2-イ: the 課の長 answers for the account).
    if initial_status == AccountStatus.ACTIVE and not can_vouch_official(actor):
        raise PermissionDenied("「運用中」として登録できるのは課長です。開設準備で登録し、課長が運用開始してください。")
    if department.pk != actor.department_id and not can_register_for_any_section(actor):
        raise PermissionDenied("他の課のアカウントは登録できません。")
    account = OfficialAccount(department=department, status=initial_status, **_only_editable(fields))
    _check_manager(account)
    _check_handle(account)
    _check_profile_url(account)
    _check_password_date(account)
    _save_checked_handle(account)
    account.contractors.set(contractors)
    audit_record(
        target=account,
        actor=actor,
        action=AuditEvent.Action.CREATED,
        summary=f"アカウントを登録（{_label(initial_status)}）",
        to_state=initial_status,
    )
    return account


@transaction.atomic
def account_open_from_request(*, actor, department, fields: dict[str, Any], summary: str) -> OfficialAccount:
    """Open an account in 開設準備 on the committee's approval of a request (SPEC §4.1, G-4-2-ウ).

    The approval is the authority here, not the actor's role in the 課; the account's own rules
    (the 管理者 of the 課, the profile URL on the platform) hold as for every other account.
    """
    fields = dict(_only_editable(fields))
    fields.setdefault("profile_url", fields["platform"].profile_url_for(fields["handle"]))
    fields.setdefault("profile_operator", f"{settings.CITY_NAME}{department.name}")
    account = OfficialAccount(department=department, status=AccountStatus.PREPARING, **fields)
    _check_manager(account)
    _check_handle(account)
    _check_profile_url(account)
    _save_checked_handle(account)
    audit_record(
        target=account,
        actor=actor,
        action=AuditEvent.Action.CREATED,
        summary=summary,
        to_state=AccountStatus.PREPARING,
    )
    return account


def _check_manager(account: OfficialAccount) -> None:
    """SPEC §1: the 管理者 is a member of the account's 課 (the form offers only them; every caller holds)."""
    if account.manager_id is not None and account.manager.department_id != account.department_id:
        raise TransitionError("管理者は所管課の職員から選んでください。")


def _only_editable(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    return fields


@dataclass(frozen=True)
class AccountUpdate:
    """What an edit did: the fields changed now, and the change of public fields left to the 課長."""

    account: OfficialAccount
    changed: list[str]
    proposal: PublicChange | None = None


def _stored(value: Any) -> Any:
    """A field value as PublicChange keeps it: a related object by its key, a date as ISO text."""
    if isinstance(value, models.Model):
        return value.pk
    return shown(value)


def _public_changes(account: OfficialAccount, fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if name in PUBLIC_FIELDS and getattr(account, name) != value}


def _check_proposal(account: OfficialAccount, public: dict[str, Any]) -> None:
    """Refuse now what could not be applied later: a bad URL, a handle of the wrong form or
    already registered."""
    candidate = copy.copy(account)
    for name, value in public.items():
        setattr(candidate, name, value)
    if {"handle", "platform"} & set(public):
        _check_handle(candidate)
    if {"profile_url", "platform"} & set(public):
        _check_profile_url(candidate)
    if (
        OfficialAccount.objects.filter(
            platform=candidate.platform, handle_key=lookup.normalize_handle(candidate.handle)
        )
        .exclude(pk=account.pk)
        .exists()
    ):
        raise _duplicate_handle_error()


@transaction.atomic
def account_update(*, account_id: int, actor, fields: dict[str, Any], contractors=None) -> AccountUpdate:
    """Change the record's fields; the audit row lists each changed field, before and after.

    SPEC §8 (P-7): for an account the public sees, a 担当職員's change of what the public sees
    (PUBLIC_FIELDS) is not applied but proposed to the 課長 (PublicChange); the rest applies now.
    """
    account = OfficialAccount.objects.select_for_update().select_related("platform").get(pk=account_id)
    ensure_can_edit_account(actor, account)
    if account.status == AccountStatus.CLOSED:
        raise TransitionError("閉鎖したアカウントの記録は変更できません。")
    fields = _only_editable(fields)
    # SPEC §1: the 課長 appoints the 管理者 and decides who the contractors are.
    may_appoint = can_appoint(actor)
    if not may_appoint and "manager" in fields and fields["manager"] != account.manager:
        raise PermissionDenied("管理者を変更できるのは課長です。")
    if (
        not may_appoint
        and contractors is not None
        and {u.pk for u in contractors} != set(account.contractors.values_list("pk", flat=True))
    ):
        raise PermissionDenied("委託業者を変更できるのは課長です。")
    proposed = {}
    if public_change_needs_approval(user=actor, account=account):
        proposed = _public_changes(account, fields)
        if proposed:
            if account.public_changes.filter(status=PublicChange.Status.PENDING).exists():
                raise TransitionError(
                    "課長の承認を待っている公開情報の変更があります。承認・却下を待つか、取り下げてから申請してください。"
                )
            _check_proposal(account, proposed)
            fields = {name: value for name, value in fields.items() if name not in proposed}
    changes = {}
    public_now = []
    old_url, old_platform_id, old_handle = account.profile_url, account.platform_id, account.handle
    for name, value in fields.items():
        old = getattr(account, name)
        if old != value:
            verbose = settings.CITY.words(OfficialAccount._meta.get_field(name).verbose_name)
            changes[verbose] = [shown(old), shown(value)]
            setattr(account, name, value)
            if name in PUBLIC_FIELDS:
                public_now.append(verbose)
    if contractors is not None:
        old_ids = set(account.contractors.values_list("pk", flat=True))
        new_ids = {u.pk for u in contractors}
        if old_ids != new_ids:
            changes["委託業者の利用者"] = [
                sorted(str(u) for u in account.contractors.all()),
                sorted(str(u) for u in contractors),
            ]
            account.contractors.set(contractors)
    if changes:
        if "管理者" in changes:
            _check_manager(account)
        if account.profile_url != old_url or account.platform_id != old_platform_id:
            _check_profile_url(account)
        if account.handle != old_handle or account.platform_id != old_platform_id:
            _check_handle(account)
        if "パスワード最終変更日" in changes:
            _check_password_date(account)
        _save_checked_handle(account)
        approved_by = ""
        if public_now and account.status in PUBLIC_STATUSES:
            approved_by = f"公開情報（{'、'.join(public_now)}）の変更：{actor.display_name}が変更し承認"
        audit_record(
            target=account,
            actor=actor,
            action=AuditEvent.Action.UPDATED,
            summary=summary_of("登録内容を変更", list(changes)),
            changes=changes,
            comment=approved_by,
        )
    proposal = _propose(account, actor, proposed) if proposed else None
    return AccountUpdate(account, list(changes), proposal)


def public_change_needs_approval(*, user, account: OfficialAccount) -> bool:
    """SPEC §8: a 担当職員's change of what the public sees waits for the 課長; theirs applies at once."""
    return account.status in PUBLIC_STATUSES and not can_change_public_fields(user)


def _label_of(name: str) -> str:
    return settings.CITY.words(OfficialAccount._meta.get_field(name).verbose_name)


def _propose(account: OfficialAccount, actor, proposed: dict[str, Any]) -> PublicChange:
    change = PublicChange.objects.create(
        account=account,
        changes={name: [_stored(getattr(account, name)), _stored(value)] for name, value in proposed.items()},
        proposed_by=actor,
    )
    labels = "、".join(_label_of(name) for name in proposed)
    audit_record(
        target=change,
        actor=actor,
        action=AuditEvent.Action.CREATED,
        summary=f"公開情報の変更を申請（{labels}）",
        changes={label: [old, new] for label, old, new in change.rows()},
    )
    heads = User.objects.filter(is_active=True, department_id=account.department_id, groups__name=Role.SECTION_HEAD)
    notify(
        heads,
        subject=f"公開情報の変更の承認依頼：{account.display_name}",
        body=f"{actor.display_name}さんから、公開一覧に載る項目（{labels}）の変更の申請がありました。\n"
        + settings.CITY.words("承認されるまで、市民には今の内容が表示されます。"),
        path=reverse("accounts:detail", args=[account.pk]),
    )
    return change


def _lock_change(change_id: int) -> tuple[PublicChange, OfficialAccount]:
    change = PublicChange.objects.select_for_update().get(pk=change_id)
    account = OfficialAccount.objects.select_for_update().select_related("platform").get(pk=change.account_id)
    return change, account


def _check_pending(change: PublicChange) -> None:
    if change.status != PublicChange.Status.PENDING:
        raise TransitionError(f"この申請は既に「{change.get_status_display()}」になっています。")


@transaction.atomic
def public_change_decide(*, change_id: int, actor, approve: bool, comment: str = "") -> PublicChange:
    """The 課長 approves (the public sees the new values from now on) or rejects a proposed change."""
    change, account = _lock_change(change_id)
    if not can_decide_public_change(actor, change, account):
        raise PermissionDenied("公開情報の変更を承認・却下できるのは、所管課の課長（申請者以外）です。")
    _check_pending(change)
    labels = "、".join(_label_of(name) for name in change.changes)
    rows = {label: [old, new] for label, old, new in change.rows()}
    who = f"申請：{change.proposed_by.display_name}／{'承認' if approve else '却下'}：{actor.display_name}"
    if approve:
        if account.status == AccountStatus.CLOSED:
            raise TransitionError("閉鎖したアカウントの記録は変更できません。")
        stale = [_label_of(n) for n, (old, _) in change.changes.items() if _stored(getattr(account, n)) != old]
        if stale:
            raise TransitionError(
                f"申請の後に登録内容（{'、'.join(stale)}）が変わっています。"
                "却下し、必要なら改めて申請してもらってください。"
            )
        for name, (_, new) in change.changes.items():
            setattr(account, "platform_id" if name == "platform" else name, new)
        if "platform" in change.changes:
            account.platform = Platform.objects.get(pk=account.platform_id)
        if {"profile_url", "platform"} & set(change.changes):
            _check_profile_url(account)
        if {"handle", "platform"} & set(change.changes):
            _check_handle(account)  # a change proposed before the rule (issue 20) is refused, not applied
        _save_checked_handle(account)
    change.decided_by, change.decided_at, change.comment = actor, timezone.now(), comment.strip()
    transition_record(
        change,
        to=PublicChange.Status.APPROVED if approve else PublicChange.Status.REJECTED,
        actor=actor,
        label=f"公開情報の変更（{labels}）",
        update_fields=["decided_by", "decided_at", "comment"],
        changes=rows,
        comment=who + (f"：{comment.strip()}" if comment.strip() else ""),
    )
    notify(
        [change.proposed_by],
        subject=f"公開情報の変更が{'承認' if approve else '却下'}されました：{account.display_name}",
        body=f"{labels}の変更を{actor.display_name}さんが{'承認' if approve else '却下'}しました。"
        + (f"\nコメント：{comment.strip()}" if comment.strip() else ""),
        path=reverse("accounts:detail", args=[account.pk]),
    )
    return change


@transaction.atomic
def public_change_withdraw(*, change_id: int, actor) -> PublicChange:
    """The 担当職員 who proposed a change takes it back."""
    change, _account = _lock_change(change_id)  # the account too: a decision on it queues behind
    if change.proposed_by_id != actor.pk:
        raise PermissionDenied("申請を取り下げられるのは申請した本人です。")
    _check_pending(change)
    change.decided_by, change.decided_at = actor, timezone.now()
    transition_record(
        change,
        to=PublicChange.Status.WITHDRAWN,
        actor=actor,
        label="公開情報の変更（" + "、".join(_label_of(n) for n in change.changes) + "）",
        update_fields=["decided_by", "decided_at"],
    )
    return change


def platform_badge_words(verified: bool | None) -> str:
    """P-7-3: the platform's badge in a word or two (the audit trail, the account page)."""
    return {True: "認証あり", False: "認証なし"}.get(verified, "表示なし")


@transaction.atomic
def account_record_platform_verification(
    *, account_id: int, verified: bool, note: str, read_on: date, actor
) -> OfficialAccount:
    """P-7-3: keep what the platform said of the account's verification badge at a reading (a status
    check, `actor` its Job). The badge changing is audited; a later reading saying the same moves only
    the date (at most once a day), not the record's 更新日時. Only a reading that says True or False comes
    here: a platform that does not say leaves the last known answer, with its date."""
    account = OfficialAccount.objects.select_for_update().get(pk=account_id)
    note = note.strip()[:200]
    changed = account.platform_verified is not verified or account.platform_verification_note != note
    if not changed and account.platform_verification_read_on == read_on:
        return account
    # An update (not save): the record's 更新日時 is the staff's, and a reading is not a change by them.
    OfficialAccount.objects.filter(pk=account.pk).update(
        platform_verified=verified, platform_verification_note=note, platform_verification_read_on=read_on
    )
    if changed:
        audit_record(
            target=account,
            actor=actor,
            action=AuditEvent.Action.UPDATED,
            summary=f"SNS上の認証表示を読み取り：{platform_badge_words(verified)}（P-7-3）",
            changes={
                _label_of("platform_verified"): [
                    platform_badge_words(account.platform_verified),
                    platform_badge_words(verified),
                ],
                _label_of("platform_verification_note"): [account.platform_verification_note, note],
            },
        )
    account.platform_verified, account.platform_verification_note = verified, note
    account.platform_verification_read_on = read_on
    return account


@transaction.atomic
def account_record_followers(*, account_id: int, actor, recorded_on: date, count: int) -> FollowerSnapshot:
    """Record the follower count of a day; a second figure for the same day corrects the first."""
    account = OfficialAccount.objects.select_for_update().get(pk=account_id)
    ensure_can_record_followers(actor, account)
    if recorded_on > timezone.localdate():
        raise TransitionError("未来の日付のフォロワー数は記録できません。", field="recorded_on")
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
        if account.status in t.sources and can_transition(user, account, sysadmin_only=t.sysadmin_only)
    ]


def _begin(*, account_id: int, actor, name: str) -> tuple[OfficialAccount, Transition]:
    """Lock the account and check that `actor` may make transition `name` from its current state."""
    transition = TRANSITIONS[name]
    account = OfficialAccount.objects.select_for_update().select_related("platform").get(pk=account_id)
    ensure_can_transition(actor, account, label=transition.label, sysadmin_only=transition.sysadmin_only)
    if account.status not in transition.sources:
        allowed = "・".join(_label(s) for s in sorted(transition.sources))
        raise TransitionError(
            f"現在の状態（{_label(account.status)}）では「{transition.label}」を行えません。"
            f"「{allowed}」のアカウントが対象です。"
        )
    return account, transition


def _finish(account: OfficialAccount, transition: Transition, *, actor, comment: str, update_fields=(), changes=None):
    account.status_changed_at = timezone.now()
    transition_record(
        account,
        to=transition.target,
        actor=actor,
        label=transition.label,
        comment=comment,
        update_fields=["status_changed_at", *update_fields],
        changes=changes,
    )
    return account


def public_values(account: OfficialAccount) -> dict[str, Any]:
    """What the public will see of the account (PUBLIC_FIELDS), by label, as shown."""
    values = {}
    for name in PUBLIC_FIELDS:
        field = OfficialAccount._meta.get_field(name)
        value = getattr(account, name)
        if field.choices:
            value = getattr(account, f"get_{name}_display")()
        values[settings.CITY.words(field.verbose_name)] = shown(value)
    return values


def public_fingerprint(account: OfficialAccount) -> str:
    """A digest of the public fields: the 課長 activates the values they saw, not later ones."""
    stored = [_stored(getattr(account, name)) for name in PUBLIC_FIELDS]
    return hashlib.sha256(json.dumps(stored, ensure_ascii=False).encode()).hexdigest()


@transaction.atomic
def account_activate(
    *, account_id: int, actor, comment: str = "", public_fingerprint_seen: str | None = None
) -> OfficialAccount:
    """運用開始: the 課長 vouches for the account; what the public will see is recorded with it (P-7).

    `public_fingerprint_seen` is the digest of the public fields on the page the 課長 confirmed: a
    clerk's edit in between (allowed while 開設準備) must not become official unseen.
    """
    account, transition = _begin(account_id=account_id, actor=actor, name="activate")
    # G-4-2-イ: the policy is part of the approval — no account operates without an enacted one.
    if not account.policy_versions.exists():
        raise TransitionError(
            f"運用開始の前に、{settings.CITY.policy_name}を制定してください（{settings.CITY.clause('G-4-2-イ')}）。"
            f"「{settings.CITY.policy_name}」から案を作成し、制定できます。"
        )
    if public_fingerprint_seen is not None and public_fingerprint_seen != public_fingerprint(account):
        raise TransitionError(
            "確認の後に、公開される項目（ユーザー名・プロフィールURLなど）が変更されました。"
            "表示し直した内容を確かめてから、もう一度運用開始してください。"
        )
    return _finish(account, transition, actor=actor, comment=comment, changes=public_values(account))


def impact_of(followers: int) -> tuple[str, int]:
    """G-4-5-イ: the impact level of stopping, and the notice period it suggests (days)."""
    for bound, label, days in settings.SUSPENSION_IMPACT_LEVELS:
        if bound is None or followers < bound:
            return label, days
    raise AssertionError("SUSPENSION_IMPACT_LEVELS ends with an unbounded level")


def latest_followers(account: OfficialAccount) -> int:
    snapshot = account.follower_snapshots.order_by("-recorded_on").first()
    return snapshot.count if snapshot else 0


def notice_minimum(account: OfficialAccount, followers: int | None = None) -> tuple[str, int, int]:
    """(impact, suggested notice days, followers) of stopping `account` (G-4-5-イ/ウ)."""
    followers = latest_followers(account) if followers is None else followers
    impact, days = impact_of(followers)
    return impact, days, followers


def check_notice_length(*, starts: date, ends: date, minimum_days: int, short_reason: str) -> None:
    """G-4-5-ウ 「一定期間」: a notice shorter than the impact level's 目安 needs a recorded reason."""
    if (ends - starts).days < minimum_days and not short_reason.strip():
        raise TransitionError(
            f"事前周知の期間（{(ends - starts).days}日）が影響度の目安（{minimum_days}日）より短いため、"
            f"短くする理由を入力してください（{settings.CITY.clause('G-4-5-ウ')}）。",
            field="short_notice_reason",
        )


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
    short_notice_reason: str = "",
    minimum_days: int | None = None,
) -> OfficialAccount:
    """Start the advance notice before stopping (G-4-5-ウ); the reason is public (P-8).

    `minimum_days` is the notice the impact level suggests (a plan passes its own; otherwise from the
    latest follower count); a shorter notice needs `short_notice_reason`, kept and shown as a warning.
    """
    account, transition = _begin(account_id=account_id, actor=actor, name="announce_suspension")
    if not reason.strip():
        raise TransitionError(
            settings.CITY.words("停止の理由を入力してください（市ホームページに掲載されます：P-8）。"), field="reason"
        )
    if notice_ends_on < notice_starts_on:
        raise TransitionError("事前周知の終了日は開始日以降の日付にしてください。", field="notice_ends_on")
    if minimum_days is None:
        minimum_days = notice_minimum(account)[1]
    check_notice_length(
        starts=notice_starts_on, ends=notice_ends_on, minimum_days=minimum_days, short_reason=short_notice_reason
    )
    short = (notice_ends_on - notice_starts_on).days < minimum_days
    # G-4-5-ウ: followers are told in advance; a notice dated in the past would be no notice at all.
    if notice_starts_on < timezone.localdate() and not can_backdate_notice(actor):
        raise TransitionError(
            f"事前周知の開始日は今日以降の日付にしてください（{settings.CITY.clause('G-4-5-ウ')}）。",
            field="notice_starts_on",
        )
    successor = OfficialAccount.objects.filter(pk=successor_id).first()
    if successor is None or successor.pk == account.pk or successor.status != AccountStatus.ACTIVE:
        raise TransitionError(
            settings.CITY.words("誘導先には運用中の別の公式アカウント（市広報アカウント等）を選んでください。"),
            field="successor",
        )
    account.suspension_reason = reason.strip()
    account.notice_starts_on = notice_starts_on
    account.notice_ends_on = notice_ends_on
    account.successor = successor
    account.notice_short_reason = short_notice_reason.strip() if short else ""
    if short:
        comment = "\n".join(
            filter(None, [comment, f"目安（{minimum_days}日）より短い事前周知の理由：{short_notice_reason.strip()}"])
        )
    return _finish(
        account,
        transition,
        actor=actor,
        comment=comment,
        update_fields=["suspension_reason", "notice_starts_on", "notice_ends_on", "successor", "notice_short_reason"],
    )


@transaction.atomic
def account_withdraw_notice(*, account_id: int, actor, comment: str) -> OfficialAccount:
    account, transition = _begin(account_id=account_id, actor=actor, name="withdraw_notice")
    if not comment.strip():
        raise TransitionError("停止予告を取り消す理由をコメントに入力してください。")
    account.suspension_reason = account.notice_short_reason = ""
    account.notice_starts_on = account.notice_ends_on = None
    account.successor = None
    return _finish(
        account,
        transition,
        actor=actor,
        comment=comment,
        update_fields=["suspension_reason", "notice_starts_on", "notice_ends_on", "successor", "notice_short_reason"],
    )


def suspend_not_before(*, user, account: OfficialAccount) -> date | None:
    """The day from which `user` may stop `account`, while its notice period runs (G-4-5-ウ); None
    when they may now. The sysadmin may stop it earlier, recording why."""
    if (
        account.notice_ends_on
        and timezone.localdate() <= account.notice_ends_on
        and not can_suspend_during_notice(user)
    ):
        return account.notice_ends_on + timedelta(days=1)
    return None


@transaction.atomic
def account_suspend(*, account_id: int, actor, comment: str = "") -> OfficialAccount:
    """Stop operating after the notice period (G-4-5-ウ). The account is kept (G-4-5-エ)."""
    account, transition = _begin(account_id=account_id, actor=actor, name="suspend")
    today = timezone.localdate()
    if suspend_not_before(user=actor, account=account):
        raise TransitionError(
            f"事前周知の期間（{to_wareki(account.notice_ends_on)}まで）が終わるまで運用停止にできません。"
        )
    if account.notice_ends_on and today <= account.notice_ends_on:
        if not comment.strip():
            raise TransitionError("事前周知の期間中に運用停止にする理由をコメントに記録してください。", field="comment")
    account.suspended_on = today
    return _finish(account, transition, actor=actor, comment=comment, update_fields=["suspended_on"])


@transaction.atomic
def account_close(*, account_id: int, actor, comment: str) -> OfficialAccount:
    """Record that the platform's service ended (G-4-5-エ); the record itself stays."""
    account, transition = _begin(account_id=account_id, actor=actor, name="close")
    if not comment.strip():
        raise TransitionError("閉鎖の理由（サービス終了の事実など）をコメントに入力してください。")
    return _finish(account, transition, actor=actor, comment=comment)


@transaction.atomic
def platforms_from_profile(*, actor) -> list[str]:
    """Add the SNS the city profile defines ([[platforms]], issue 15) that the registry lacks (G-2:
    services are data). One already there is left as it is — a sysadmin may have edited it."""
    done = []
    for definition in settings.CITY.platforms:
        fields = {key: value for key, value in definition.items() if key != "code"}
        platform, created = Platform.objects.get_or_create(code=definition["code"], defaults=fields)
        if created:
            audit_record(
                target=platform,
                actor=actor,
                action=AuditEvent.Action.FROM_PROFILE,
                summary=f"SNS「{platform}」をプロファイルから登録",
            )
            done.append(f"SNS「{platform}」をプロファイルから登録しました。")
        else:
            done.append(f"SNS「{platform}」は登録済みです（変更していません）。")
    return done


@transaction.atomic
def contracts_end(*, user) -> list[OfficialAccount]:
    """G-4-1: a contractor reaches the accounts it is assigned to only while it is a contractor. When
    the role goes (a 人事異動, the contract's end), so do its assignments, audited on each account, so
    that no page lists it as 委託業者 and a later contract starts with none (the 課長 assigns anew)."""
    if user.groups.filter(name=Role.CONTRACTOR).exists():
        return []
    ended = list(OfficialAccount.objects.select_for_update().filter(contractors=user).order_by("pk"))
    for account in ended:
        before = sorted(str(u) for u in account.contractors.all())
        account.contractors.remove(user)
        audit_record(
            target=account,
            actor=Job.ROLE_WITHDRAWN,
            action=AuditEvent.Action.UPDATED,
            summary=f"委託業者の役割の解除により、{user.display_name}さんを委託業者から外しました",
            changes={"委託業者の利用者": [before, sorted(str(u) for u in account.contractors.all())]},
        )
    return ended


def _roles_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """m2m_changed of User.groups: a role withdrawn (admin, directory sync) ends what it gave."""
    if action not in ("post_remove", "post_clear"):
        return
    users = User.objects.filter(pk__in=pk_set or ()) if reverse else [instance]
    for user in users:
        contracts_end(user=user)
