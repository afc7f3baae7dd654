"""Sign-in throttling with django-axes (SPEC §7): a lock per (user name, address), slow-downs elsewhere.

The lockout must not be a weapon (issue 20): someone failing with a person's name from one address
must not keep that person out of their own terminal, and names that do not exist must not shut a
whole address (a city's proxy) out. So:

- The pair (user name, address) is locked after LOGIN_FAILURE_LIMIT failures, for
  LOGIN_LOCKOUT_SECONDS (the window in which failures are counted).
- A user name with that many failures across addresses is slowed down, never locked: from an
  address that is not familiar to it, one try per LOGIN_SLOWDOWN_SECONDS after its last failure.
- An address with LOGIN_FAILURE_LIMIT_PER_ADDRESS failures on existing names is slowed down the
  same way for names that are not familiar there (one address spraying many real names).
- An address is familiar to a name when that name signed in from it within LOGIN_FAMILIAR_DAYS
  (axes' access log): the person at their own terminal meets only the pair's lock.
- Failures on names that exist neither here nor in the directory are counted apart, per address, up
  to LOGIN_UNKNOWN_NAME_LIMIT_PER_ADDRESS; past it, further unknown names from that address are
  answered "wrong name or password" unread and unrecorded. They never slow or lock an existing name.
- A refused try is not a failure, and no password is checked during a lock or a slow-down. A
  slowed-down name or address hands out its one try through the cache, so tries arriving together
  (many addresses at once) do not all pass before the first failure is recorded.
- The user name is counted as authentication reads it (NFKC, as AuthenticationForm does, and case):
  ｋankyo_staff and KANKYO_STAFF share kankyo_staff's count (PITFALLS: full-width variants).
- The address is the trusted one (core.clientip).
- The 統括情報セキュリティ責任者 sees which names fail from where; the sysadmin releases a name, an
  address or one pair, audited (LockoutRelease).
"""

import hashlib
import math
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib.auth import get_backends
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Sum
from django.shortcuts import render
from django.utils import timezone

from core.audit import Job, audit_record, person_of
from core.errors import TransitionError
from core.models import AuditEvent

from .models import LockoutRelease, User
from .permissions import ensure_can_release_lockouts


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
    """AXES_FAILURE_LIMIT: failures of one (user name, address) pair; read when used."""
    return settings.LOGIN_FAILURE_LIMIT


def _window() -> timedelta:
    return timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def _slowdown() -> timedelta:
    return timedelta(seconds=settings.LOGIN_SLOWDOWN_SECONDS)


def _recent():
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - _window())


def _known_name():
    """An attempt's user name is an account here (the directory's first-timers are not, yet)."""
    return Exists(User.objects.filter(username__iexact=OuterRef("username")))


def _tally(attempts) -> tuple[int, datetime | None]:
    row = attempts.aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
    return row["n"] or 0, row["last"]


def _is_local_name(key: str) -> bool:
    return User.objects.filter(username__iexact=key).exists()


def _directory_knows(key: str) -> bool:
    """Ask each backend that can tell (the directory) whether the name exists there."""
    return any(backend.knows_name(key) for backend in get_backends() if hasattr(backend, "knows_name"))


def is_familiar(key: str, address: str) -> bool:
    """The name signed in from this address within LOGIN_FAMILIAR_DAYS (its own terminal)."""
    since = timezone.now() - timedelta(days=settings.LOGIN_FAMILIAR_DAYS)
    return AccessLog.objects.filter(username__iexact=key, ip_address=address, attempt_time__gte=since).exists()


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in is not checked now, and until when."""

    kind: str  # "pair" (locked) | "name" / "address" (slowed down) | "unknown_name"
    until: datetime

    @property
    def seconds(self) -> int:
        return max(1, math.ceil((self.until - timezone.now()).total_seconds()))

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.seconds / 60))


def _claim_try(kind: str, subject: str, last: datetime) -> bool:
    """Take the one try a slowed-down name or address has in this period after its last failure;
    False if another request took it. A try that did not fail frees the next period."""
    period = int((timezone.now() - last) / _slowdown())
    digest = hashlib.sha256(f"{kind}\0{subject}\0{last.isoformat()}\0{period}".encode()).hexdigest()
    return cache.add(f"login-slowdown:{digest}", True, timeout=settings.LOGIN_SLOWDOWN_SECONDS * 2)


def refusal_for(request, credentials=None, *, claim: bool = True) -> Refusal | None:
    """Whether this sign-in may be checked now (None) or why not.

    `claim`: take a slowed-down name's or address's try for this sign-in (not when only asking why
    a sign-in was refused).
    """
    key = username_of(request, credentials)
    address = getattr(request, "axes_ip_address", None)
    now = timezone.now()
    recent = _recent()
    failures, last = _tally(recent.filter(username=key, ip_address=address))
    if failures >= settings.LOGIN_FAILURE_LIMIT:
        return Refusal("pair", last + _window())
    if not _is_local_name(key):
        unknown = recent.filter(ip_address=address).exclude(_known_name())
        if _tally(unknown)[0] >= settings.LOGIN_UNKNOWN_NAME_LIMIT_PER_ADDRESS and not _directory_knows(key):
            return Refusal("unknown_name", now + _window())
    if is_familiar(key, address):
        return None
    slowed = []  # (kind, whose failures, last failure)
    failures, last = _tally(recent.filter(username=key))
    if failures >= settings.LOGIN_FAILURE_LIMIT:
        slowed.append(("name", key, last))
    failures, last = _tally(recent.filter(_known_name(), ip_address=address))
    if failures >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS:
        slowed.append(("address", address, last))
    for kind, _subject, last in slowed:
        if now < last + _slowdown():
            return Refusal(kind, last + _slowdown())
    for kind, subject, last in slowed if claim else ():
        if not _claim_try(kind, subject, last):
            return Refusal(kind, now + _slowdown())
    return None


class CityAxesHandler(AxesDatabaseHandler):
    """Axes' database handler, deciding with refusal_for() whether a sign-in is checked.

    Axes counts the pair (AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]): a failure that
    reaches LOGIN_FAILURE_LIMIT says so at once, and a successful sign-in forgets only that pair's
    failures — not those of the same name elsewhere (someone else's), nor of other names here.
    """

    def is_locked(self, request, credentials=None) -> bool:
        request.login_refusal = refusal_for(request, credentials)
        return request.login_refusal is not None


def locked_out_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the Japanese page saying how long to wait and whom to ask (HTTP 429).

    An unknown name past its address's bound gets the form's own answer (wrong name or password),
    so the refusal does not tell which names exist.
    """
    refusal = getattr(request, "login_refusal", None) or refusal_for(request, credentials, claim=False)
    if refusal is None:  # reached the pair's limit with this very failure
        refusal = Refusal("pair", timezone.now() + _window())
    if refusal.kind == "unknown_name" and original_response is not None:
        return original_response
    response = render(request, "registration/locked.html", {"refusal": refusal}, status=429)
    response["Retry-After"] = str(refusal.seconds)
    return response


@dataclass(frozen=True)
class PairRow:
    """Failures of one user name from one address: locked at LOGIN_FAILURE_LIMIT."""

    username: str
    address: str
    known: bool
    failures: int
    last_attempt: datetime

    @property
    def limit(self) -> int:
        return settings.LOGIN_FAILURE_LIMIT

    @property
    def locked(self) -> bool:
        return self.failures >= self.limit

    @property
    def until(self) -> datetime:
        return self.last_attempt + _window()


def _slowed_until(failures: int, limit: int, last: datetime | None) -> datetime | None:
    if last is None or failures < limit or timezone.now() >= last + _slowdown():
        return None
    return last + _slowdown()


@dataclass(frozen=True)
class NameRow:
    """A user name's failures across addresses: slowed down (not locked) at LOGIN_FAILURE_LIMIT."""

    username: str
    known: bool
    failures: int
    addresses: int
    last_attempt: datetime
    locked_at: int  # addresses from which the pair is locked

    @property
    def slowed_until(self) -> datetime | None:
        return _slowed_until(self.failures, settings.LOGIN_FAILURE_LIMIT, self.last_attempt)


@dataclass(frozen=True)
class AddressRow:
    """An address's failures: on existing names (slowed down at LOGIN_FAILURE_LIMIT_PER_ADDRESS for
    names new to it) and, apart and bounded, on names that do not exist."""

    address: str
    failures: int
    names: int
    unknown_failures: int
    last_attempt: datetime
    last_known: datetime | None

    @property
    def limit(self) -> int:
        return settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS

    @property
    def unknown_limit(self) -> int:
        return settings.LOGIN_UNKNOWN_NAME_LIMIT_PER_ADDRESS

    @property
    def unknown_full(self) -> bool:
        return self.unknown_failures >= self.unknown_limit

    @property
    def slowed_until(self) -> datetime | None:
        return _slowed_until(self.failures, self.limit, self.last_known)


@dataclass
class Overview:
    pairs: list[PairRow]
    names: list[NameRow]
    addresses: list[AddressRow]
    hidden: dict[str, int] = field(default_factory=dict)  # rows left off each table

    @property
    def current(self) -> int:
        """Locked pairs, slowed-down names and slowed-down addresses now."""
        return (
            sum(p.locked for p in self.pairs)
            + sum(n.slowed_until is not None for n in self.names)
            + sum(a.slowed_until is not None for a in self.addresses)
        )


SHOWN = 100  # rows per table; an attack from thousands of addresses is summed up, not listed


def lockouts_overview() -> Overview:
    """Failed sign-ins within LOGIN_LOCKOUT_SECONDS: which names fail from which addresses (one query)."""
    grouped = (
        _recent()
        .annotate(known=_known_name())
        .values("username", "ip_address", "known")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    )
    pairs = [PairRow(r["username"] or "", r["ip_address"] or "", r["known"], r["failures"], r["last"]) for r in grouped]
    by_name: dict[str, list[PairRow]] = {}
    by_address: dict[str, list[PairRow]] = {}
    for pair in pairs:
        by_name.setdefault(pair.username, []).append(pair)
        by_address.setdefault(pair.address, []).append(pair)
    names = [
        NameRow(
            username=name,
            known=rows[0].known,
            failures=sum(p.failures for p in rows),
            addresses=len({p.address for p in rows}),
            last_attempt=max(p.last_attempt for p in rows),
            locked_at=sum(p.locked for p in rows),
        )
        for name, rows in by_name.items()
    ]
    addresses = []
    for address, rows in by_address.items():
        known = [p for p in rows if p.known]
        addresses.append(
            AddressRow(
                address=address,
                failures=sum(p.failures for p in known),
                names=len(known),
                unknown_failures=sum(p.failures for p in rows if not p.known),
                last_attempt=max(p.last_attempt for p in rows),
                last_known=max((p.last_attempt for p in known), default=None),
            )
        )
    pairs.sort(key=lambda p: (not p.locked, not p.known, -p.last_attempt.timestamp()))
    names.sort(key=lambda n: (not n.locked_at and n.slowed_until is None, not n.known, -n.failures))
    addresses.sort(key=lambda a: (a.slowed_until is None and not a.unknown_full, -a.failures - a.unknown_failures))
    hidden = {"pairs": max(0, len(pairs) - SHOWN), "names": max(0, len(names) - SHOWN)}
    hidden["addresses"] = max(0, len(addresses) - SHOWN)
    return Overview(pairs[:SHOWN], names[:SHOWN], addresses[:SHOWN], hidden)


def lockouts_current_count() -> int:
    return lockouts_overview().current


@transaction.atomic
def lockout_release(*, actor, username: str = "", address: str = "", comment: str = "") -> LockoutRelease:
    """The sysadmin lets a user name, an address, or one pair of them sign in again; kept and audited.

    A name releases its locks at every address and its slow-down; an address, every name's failures
    from it; both, that pair only. `actor=Job.UNLOCK_COMMAND` is the server's command line
    (`manage.py unlock_login`), for when no sysadmin can sign in.
    """
    if actor != Job.UNLOCK_COMMAND:
        ensure_can_release_lockouts(actor)
    username = normalize_username(username) if username else ""
    address = address.strip()
    if not username and not address:
        raise TransitionError("解除する利用者名かアドレス（または両方）を指定してください。")
    attempts = AccessAttempt.objects.select_for_update()
    if username:
        attempts = attempts.filter(username=username)
    if address:
        attempts = attempts.filter(ip_address=address)
    failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
    if not failures:
        raise TransitionError("その利用者名・アドレスには記録された失敗がありません。")
    attempts.delete()  # axes' counters, not a record of ours: the release below is what is kept
    release = LockoutRelease.objects.create(
        username=username,
        address=address or None,
        failures=failures,
        released_by=person_of(actor),
        comment=comment.strip(),
    )
    what = "・".join(filter(None, [username and f"利用者名 {username}", address and f"アドレス {address}"]))
    audit_record(
        target=release,
        actor=actor,
        action=AuditEvent.Action.CREATED,
        summary=f"ログインのロックを解除（{what}、失敗{failures}回）",
        comment=comment,
    )
    return release
