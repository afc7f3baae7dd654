"""The API's tokens (issue 24): create, revoke, and find the one a request carries.

A token reads `ksns_<prefix>_<secret>`: the prefix (8 hex digits) names it on the pages and in audit
rows, the secret is 32 random bytes (base64url). Only the SHA-256 of the whole token is kept; the
token is shown once, to whoever created it. Creation and revocation are the sysadmin's (or the
server's command, `create_api_token`), each locked and audited.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from core.audit import SUMMARY_MAX, Job, audit_record, person_of, transition
from core.dates import to_wareki
from core.errors import TransitionError
from core.models import AuditEvent

from .models import ApiToken, Scope
from .permissions import ensure_can_manage_api_tokens

TOKEN_PREFIX = "ksns_"
_TOKEN = re.compile(r"ksns_(?P<prefix>[0-9a-f]{8})_(?P<secret>[A-Za-z0-9_-]{43})")
NAME_MAX = ApiToken._meta.get_field("name").max_length
# last_used_at is written at most once in this many seconds per token (one UPDATE, no lock).
LAST_USE_EVERY = 60


def _max_days() -> int:
    return settings.API_TOKEN_MAX_DAYS


@sensitive_variables()
def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    prefix = secrets.token_hex(4)
    return prefix, f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


def check_scopes(scopes) -> list[str]:
    """The scopes as given, each known, none twice, at least one; else TransitionError."""
    known = set(Scope.values)
    wanted = [s.strip() for s in scopes if s.strip()]
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise TransitionError(f"知らない範囲です：{'、'.join(unknown)}（使える範囲：{', '.join(Scope.values)}）")
    if not wanted:
        raise TransitionError(f"範囲を1つ以上選んでください（{', '.join(Scope.values)}）。")
    return [s for s in Scope.values if s in wanted]  # in the list's own order


def check_days(days) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= _max_days():
        raise TransitionError(f"有効期間は1〜{_max_days()}日で指定してください。")
    return days


def _ensure_may_manage(actor) -> None:
    """The sysadmin, or the server's own command (whoever runs it is the server's administrator)."""
    if actor == Job.API_TOKEN_COMMAND:
        return
    ensure_can_manage_api_tokens(actor)


def _summary(text: str) -> str:
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"


@dataclass(frozen=True)
class Created:
    """A token just created, and its text: shown once, then gone."""

    token: ApiToken
    text: str  # never in a log, a repr or an audit row

    def __repr__(self) -> str:
        return f"Created(token={self.token!r})"


@sensitive_variables()
@transaction.atomic
def token_create(*, actor, owner_id: int, name: str, scopes, days: int) -> Created:
    """A token acting as `owner` for `scopes`, valid `days` days from now; audited (actor: who made it)."""
    _ensure_may_manage(actor)
    name = (name or "").strip()
    if not name:
        raise TransitionError("用途を入力してください（どのツールが何に使うか）。")
    if len(name) > NAME_MAX:
        raise TransitionError(f"用途は{NAME_MAX}文字までにしてください。")
    scopes = check_scopes(scopes)
    days = check_days(days)
    # The owner is locked: a token is never made for a person being deactivated at this moment.
    owner = get_user_model().objects.select_for_update(of=("self",)).filter(pk=owner_id).first()
    if owner is None or not owner.is_active:
        raise TransitionError("トークンの利用者が見つからないか、無効になっています。")
    now = timezone.now()
    for _ in range(5):  # a prefix already taken (1 in 4 billion) draws again
        prefix, text = _new_token()
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    owner=owner,
                    name=name,
                    scopes=scopes,
                    prefix=prefix,
                    digest=digest_of(text),
                    created_by=person_of(actor),
                    created_at=now,
                    expires_at=now + timedelta(days=days),
                )
        except IntegrityError:
            continue
        break
    else:  # pragma: no cover - five collisions of random prefixes
        raise TransitionError("トークンを作れませんでした。もう一度お試しください。")
    audit_record(
        target=token,
        actor=actor,
        action=AuditEvent.Action.CREATED,
        summary=_summary(
            f"APIトークン（外部ツール用）を作成：{name}（{prefix}）・{owner.display_name}として・"
            f"範囲 {', '.join(scopes)}・有効期限 {to_wareki(timezone.localdate(token.expires_at))}"
        ),
    )
    return Created(token=token, text=text)


@transaction.atomic
def token_revoke(*, actor, token_id: int, comment: str = "") -> ApiToken:
    """Stop a token at once (it leaked, the tool is retired); it stays listed as 失効."""
    _ensure_may_manage(actor)
    token = ApiToken.objects.select_for_update(of=("self",)).filter(pk=token_id).first()
    if token is None:
        raise TransitionError("そのAPIトークンは見つかりません。")
    if token.revoked_at is not None:
        raise TransitionError("このAPIトークンはすでに失効しています。")
    token.revoked_at = timezone.now()
    token.revoked_by = person_of(actor)
    transition(
        token,
        to=ApiToken.Status.REVOKED,
        actor=actor,
        label=_summary(f"APIトークン（外部ツール用）を失効：{token.name}（{token.prefix}）")[:150],
        comment=(comment or "").strip()[:500],
        update_fields=("revoked_at", "revoked_by"),
    )
    return token


def tokens_listed():
    return ApiToken.objects.select_related("owner", "created_by", "revoked_by").order_by(
        "revoked_at", "-created_at", "-pk"
    )


# --- a request's token ----------------------------------------------------------------------------


class TokenRefused(Exception):
    """The request's token is not one that may act now; `str()` is the Japanese answer."""


@sensitive_variables()
def token_of(text: str, *, now=None) -> ApiToken:
    """The token `text` is, if it may act now; otherwise TokenRefused saying why.

    Expired, revoked or a deactivated owner are named only once the secret matched: to anyone else
    every token that is not right is simply wrong."""
    match = _TOKEN.fullmatch(text or "")
    if not match:
        raise TokenRefused("トークンの形式が正しくありません（ksns_ で始まるトークンを Bearer で送ってください）。")
    token = ApiToken.objects.select_related("owner").filter(prefix=match["prefix"]).first()
    # compare_digest on a stand-in when there is no such prefix: the answer takes as long either way.
    if not hmac.compare_digest(token.digest if token else "0" * 64, digest_of(text)) or token is None:
        raise TokenRefused("トークンが正しくありません。")
    if token.revoked_at is not None:
        raise TokenRefused("このトークンは失効しています。")
    if token.expires_at <= (now or timezone.now()):
        raise TokenRefused("このトークンは有効期限が切れています。")
    if not token.owner.is_active:
        raise TokenRefused("このトークンの利用者は無効になっています。")
    return token


def note_use(token: ApiToken, address: str, *, now=None) -> None:
    """Last use, for the page: one cheap UPDATE at most once a minute per token."""
    now = now or timezone.now()
    if token.last_used_at and (now - token.last_used_at).total_seconds() < LAST_USE_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        last_used_at=now, last_used_from=address or None
    )
