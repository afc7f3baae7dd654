"""The public warning list of impersonators (P-7-2, issue 23): the city's confirmed なりすまし.

What the city tells residents about an account that imitates one of its own: on /registry/, in its
JSON and CSV, as an Atom feed, and as the answer of /registry/verify. The list is written here only:
discovery's judgement confirms an entry, a later reading of the platform finds it gone (削除を確認), a
security officer withdraws an entry confirmed by mistake. Each is locked and audited; nothing is erased.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.audit import audit_record
from core.errors import TransitionError
from core.models import AuditEvent

from . import lookup
from .models import Impersonation, OfficialAccount, Platform

MAX_WITHDRAW_REASON = 2000


def warning_list() -> QuerySet[Impersonation]:
    """The public warning list, newest confirmation first: gone entries stay, withdrawn ones leave it."""
    return Impersonation.objects.warned().select_related("platform", "imitates", "imitates__platform")


def warning_row(entry: Impersonation) -> dict:
    """What the public may know of a confirmed impersonator: the same keys in HTML, JSON, CSV and Atom."""
    official = entry.imitates
    return {
        "platform": entry.platform.name,
        "handle": f"@{entry.handle}",
        "display_name": entry.display_name,
        "profile_url": entry.profile_url,
        "imitates": {
            "platform": official.platform.name,
            "display_name": official.display_name,
            "handle": f"@{official.handle}",
            "profile_url": official.profile_url,
        },
        "confirmed_on": entry.confirmed_on,
        "gone": entry.gone_at is not None,
        "gone_at": timezone.localtime(entry.gone_at) if entry.gone_at else None,
    }


def warned_matching(ref) -> QuerySet[Impersonation]:
    """The warned entries a parsed URL or @handle points at (by the platform's permanent ID or handle)."""
    cond = Q()
    if ref.account_id:
        cond |= Q(platform_account_id__iexact=ref.account_id)
    if ref.handle:
        cond |= Q(handle_key=ref.handle)
    if not cond:
        return warning_list().none()
    qs = warning_list().filter(cond)
    if ref.platform:
        qs = qs.filter(platform__code=ref.platform)
    return qs


def impersonations_matching(ref) -> list[Impersonation]:
    return list(warned_matching(ref)[:10])


def _lock(entry_id: int) -> Impersonation:
    return Impersonation.objects.select_for_update(of=("self",)).select_related("platform", "imitates").get(pk=entry_id)


@transaction.atomic
def impersonation_confirm(
    *,
    platform: Platform,
    handle: str,
    display_name: str,
    profile_url: str,
    platform_account_id: str,
    imitates: OfficialAccount,
    actor,
) -> Impersonation:
    """Put a judged なりすまし on the public warning list (P-7-2); the one already listed for the same
    account on the platform (not withdrawn) is returned as it is. The caller checks the actor's right."""
    key = lookup.normalize_handle(handle)
    if not key:
        raise TransitionError("ユーザー名がないため、警告の一覧に載せられません。")
    same = Q(handle_key=key)
    if platform_account_id:
        same |= Q(platform_account_id__iexact=platform_account_id)
    existing = Impersonation.objects.warned().select_for_update().filter(same, platform=platform).first()
    if existing is not None:
        return existing
    entry = Impersonation.objects.create(
        platform=platform,
        handle=handle.lstrip("@")[:300],
        display_name=display_name[:200],
        profile_url=profile_url[:2000],
        platform_account_id=platform_account_id[:100],
        imitates=imitates,
        confirmed_on=timezone.localdate(),
        confirmed_by=actor,
    )
    audit_record(
        target=entry,
        actor=actor,
        action=AuditEvent.Action.WARNING_PUBLISHED,
        summary=f"なりすましとして公表（{entry.platform.name} @{entry.handle}、{imitates.display_name}をまねている）"[
            :200
        ],
    )
    return entry


@transaction.atomic
def impersonation_gone(*, entry_id: int, actor, found_at: datetime | None = None, how: str = "") -> Impersonation:
    """A reading of the platform found the impersonator gone (the platform removed it): the entry says
    削除を確認 and when, and stays on the list as history. Recorded once."""
    entry = _lock(entry_id)
    if entry.gone_at is not None:
        return entry
    entry.gone_at = found_at or timezone.now()
    entry.save(update_fields=["gone_at"])
    audit_record(
        target=entry,
        actor=actor,
        action=AuditEvent.Action.WARNING_GONE,
        summary=f"削除を確認（{how}）"[:200] if how else "削除を確認",
    )
    return entry


@transaction.atomic
def impersonation_withdraw(*, entry_id: int, actor, reason: str) -> Impersonation:
    """Take an entry confirmed by mistake off the public list, with why (the row and its trail stay).
    The caller checks the actor's right."""
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError("取り消す理由を入力してください。")
    if len(reason) > MAX_WITHDRAW_REASON:
        raise TransitionError(f"理由は{MAX_WITHDRAW_REASON}文字以内で入力してください。")
    entry = _lock(entry_id)
    if entry.withdrawn_at is not None:
        raise TransitionError("この公表はすでに取り消されています。")
    entry.withdrawn_at = timezone.now()
    entry.withdrawn_reason = reason
    entry.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    audit_record(
        target=entry,
        actor=actor,
        action=AuditEvent.Action.WARNING_WITHDRAWN,
        summary=f"公表を取消し（{entry.platform.name} @{entry.handle}）"[:200],
        comment=reason,
    )
    return entry
