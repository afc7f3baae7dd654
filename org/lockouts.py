"""Sign-in throttling with django-axes (SPEC §7): attempts in the database, per user name and per address.

- The user name is counted as authentication reads it (NFKC, as AuthenticationForm does, and case):
  ｋankyo_staff and KANKYO_STAFF share kankyo_staff's count (PITFALLS: full-width variants).
- One limit per user name (LOGIN_FAILURE_LIMIT) and a larger one per address
  (LOGIN_FAILURE_LIMIT_PER_ADDRESS): many staff may sign in from one shared terminal or proxy.
- The address is the trusted one (core.clientip).
- The 統括情報セキュリティ責任者 sees the lockouts; the sysadmin releases one, audited (LockoutRelease).
"""

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone

from core.audit import audit_record
from core.errors import TransitionError
from core.models import AuditEvent

from .models import LockoutRelease
from .roles import Role, has_role


def normalize_username(value) -> str:
    """The key a user name is counted under: NFKC (as authentication reads it), trimmed, lower case."""
    return unicodedata.normalize("NFKC", str(value or "")).strip().lower()


def username_of(request, credentials) -> str:
    """AXES_USERNAME_CALLABLE: the normalised user name of this attempt."""
    if credentials and credentials.get("username"):
        return normalize_username(credentials["username"])
    data = getattr(request, "POST", None) or {}
    return normalize_username(data.get("username", ""))


def failure_limit(request=None, credentials=None) -> int:
    """AXES_FAILURE_LIMIT, read when used (settings can change in tests and per deployment)."""
    return settings.LOGIN_FAILURE_LIMIT


def _limit(parameter) -> int:
    if parameter == "ip_address":
        return settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS
    return settings.LOGIN_FAILURE_LIMIT


class CityAxesHandler(AxesDatabaseHandler):
    """Axes' database handler with one limit per lockout parameter.

    Axes compares one number with one limit (AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT); each
    parameter's count is scaled so that it reaches that number exactly at its own limit.
    """

    def get_failures(self, request, credentials=None) -> int:
        base = settings.LOGIN_FAILURE_LIMIT
        parameters = get_lockout_parameters(request, credentials)
        attempts_list = self.get_user_attempts(request, credentials)
        scaled = 0
        for parameter, attempts in zip(parameters, attempts_list, strict=True):
            count = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            scaled = max(scaled, count * base // _limit(parameter))
        return scaled

    def reset_user_attempts(self, request, credentials=None) -> int:
        """On a successful sign-in, forget that user name's failures only.

        Axes' own reset deletes every attempt matching any lockout parameter — the address too — so
        anyone signing in from the same terminal would wipe another name's failures, and a guesser
        could interleave sign-ins of their own to guess for ever.
        """
        count, _ = AccessAttempt.objects.filter(username=username_of(request, credentials)).delete()
        return count


def locked_out_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the Japanese page a locked-out sign-in gets (HTTP 429)."""
    return render(
        request,
        "registration/locked.html",
        {"minutes": max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)},
        status=429,
    )


@dataclass(frozen=True)
class Lockout:
    kind: str  # "username" | "address"
    key: str
    failures: int
    limit: int
    last_attempt: datetime
    until: datetime

    @property
    def locked(self) -> bool:
        return self.failures >= self.limit


def lockouts_recent() -> list[Lockout]:
    """Failed sign-ins within the cool-off period, by user name and by address; locked ones first."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    rows = []
    for kind, field in (("username", "username"), ("address", "ip_address")):
        grouped = (
            recent.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        )
        for row in grouped:
            rows.append(
                Lockout(
                    kind=kind,
                    key=row[field],
                    failures=row["failures"],
                    limit=_limit("ip_address" if kind == "address" else "username"),
                    last_attempt=row["last"],
                    until=row["last"] + settings.AXES_COOLOFF_TIME,
                )
            )
    return sorted(rows, key=lambda r: (not r.locked, -r.last_attempt.timestamp()))


def lockouts_current_count() -> int:
    return sum(1 for r in lockouts_recent() if r.locked)


def can_view_lockouts(user) -> bool:
    return has_role(user, Role.SECURITY_OFFICER, Role.SYSADMIN)


def can_release_lockouts(user) -> bool:
    return has_role(user, Role.SYSADMIN)


@transaction.atomic
def lockout_release(*, actor, username: str = "", address: str = "", comment: str = "") -> LockoutRelease:
    """The sysadmin lets a user name or an address sign in again; kept and audited.

    `actor=None` is the server's command line (`manage.py unlock_login`), for when no sysadmin can sign in.
    """
    if actor is not None and not can_release_lockouts(actor):
        raise PermissionDenied("ロックを解除できるのはシステム管理者です。")
    username = normalize_username(username) if username else ""
    address = address.strip()
    if bool(username) == bool(address):
        raise TransitionError("解除する利用者名かアドレスのどちらか一つを指定してください。")
    attempts = AccessAttempt.objects.select_for_update()
    attempts = attempts.filter(username=username) if username else attempts.filter(ip_address=address)
    failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
    if not failures:
        raise TransitionError("その利用者名・アドレスには記録された失敗がありません。")
    attempts.delete()  # axes' counters, not a record of ours: the release below is what is kept
    release = LockoutRelease.objects.create(
        username=username, address=address or None, failures=failures, released_by=actor, comment=comment.strip()
    )
    what = f"利用者名 {username}" if username else f"アドレス {address}"
    audit_record(
        target=release,
        actor=actor,
        action=AuditEvent.Action.UPDATED,
        summary=f"ログインのロックを解除（{what}、失敗{failures}回）"
        + ("" if actor is not None else "：サーバーのコマンドで実行"),
        comment=comment,
    )
    return release
