"""API tokens of the status checks (issue 13): register, retire, look up, rotate keys, remind.

The rules of the issue: the sysadmin enters a token per account or per platform (SNS passwords are
still never stored, P-4); it is encrypted at rest with the keys of settings.CREDENTIAL_KEYS
(MultiFernet: the first encrypts, all decrypt, so a key can be rotated), never shown again and never
written to a log, an audit row, a notice or an export — those name a credential by its platform,
account, kind, expiry and fingerprint. Each token's expiry is tracked, with a reminder before it
lapses. The status checks (G-4-5-エ, G-4-3-カ) ask `token_for(account)`; when there is no usable
token they say 確認できず with the `problem` it gives.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.views.decorators.debug import sensitive_variables

from accounts.models import AccountStatus, OfficialAccount, Platform
from core.audit import SUMMARY_MAX, Job, audit_record, person_of, transition
from core.dates import to_wareki
from core.errors import TransitionError
from core.models import AuditEvent
from core.notices import notify
from org.roles import Role

from .checks import credential_kinds_for
from .models import ApiCredential
from .permissions import ensure_can_manage_credentials

logger = logging.getLogger(__name__)

TOKEN_MIN_LENGTH = 16
TOKEN_MAX_LENGTH = 4096
# What the platforms issue: base64, base64url, JWTs and the like. Never whitespace or full-width
# characters (a token pasted with its line break is cut at it by the platform, and fails).
_TOKEN_CHARACTERS = re.compile(r"[!-~]+")
# A second, earlier reminder (days before expiry) when the window is longer than this.
LAST_CALL_DAYS = 7
LAPSED = -1  # reminded_days_left once the lapse itself was announced

NO_CREDENTIAL = "APIの設定がありません（システム管理者にAPIトークンの登録を依頼してください）"
UNREADABLE = "APIのトークンを復号できません（暗号鍵が変わりました。システム管理者がトークンを登録し直してください）"


# --- encryption --------------------------------------------------------------------------------------


@sensitive_variables()
def _fernet() -> MultiFernet:
    keys = settings.CREDENTIAL_KEYS
    if not keys:
        raise ImproperlyConfigured("CREDENTIAL_KEYS: APIトークンを暗号化する鍵がありません。")
    return MultiFernet([Fernet(key) for key in keys])


@sensitive_variables()
def encrypt(token: str) -> str:
    """The Fernet token of `token` under the first key, as text."""
    return _fernet().encrypt(token.encode()).decode("ascii")


@sensitive_variables()
def decrypt(secret: str) -> str:
    """The token back; InvalidToken when no key of CREDENTIAL_KEYS opens it."""
    return _fernet().decrypt(secret.encode("ascii")).decode()


@sensitive_variables()
def fingerprint_of(token: str) -> str:
    """8 hex digits of an HMAC-SHA256 of the token keyed by SECRET_KEY: tells tokens apart, reveals nothing."""
    return salted_hmac("komae-sns.api-credential.fingerprint", token, algorithm="sha256").hexdigest()[:8]


@sensitive_variables()
def is_readable(credential: ApiCredential) -> bool:
    """Whether a key of CREDENTIAL_KEYS still opens the credential's secret (the token is not kept)."""
    if not credential.secret:
        return False
    try:
        decrypt(credential.secret)
    except InvalidToken:
        return False
    return True


# --- register and retire ------------------------------------------------------------------------------


def _expiry_label(expires_on: date | None) -> str:
    return to_wareki(expires_on) if expires_on else "なし"


def _details(credential: ApiCredential) -> str:
    return (
        f"{credential.get_kind_display()}・有効期限 {_expiry_label(credential.expires_on)}・"
        f"指紋 {credential.fingerprint}"
    )


def _summary(what: str, credential: ApiCredential, *, room: int = 0) -> str:
    """How an audit row names a credential: scope, kind, expiry and fingerprint, never the token.

    `room`: characters the row adds after it (a transition's states)."""
    text = f"{what}：{credential.scope_label}・{_details(credential)}"
    if len(text) <= SUMMARY_MAX - room:
        return text
    # A long display name gives way; the kind, the expiry and the fingerprint stay.
    tail = f"…・{_details(credential)}"
    return f"{what}：{credential.scope_label}"[: SUMMARY_MAX - room - len(tail)] + tail


RETIRING = "：使用中 → 廃止"  # what core.audit.transition adds to the summary


@sensitive_variables()
def _check_token(token: str) -> str:
    token = (token or "").strip()
    if not token:
        raise TransitionError("トークンを入力してください。")
    if not _TOKEN_CHARACTERS.fullmatch(token):
        raise TransitionError("トークンに使えない文字（空白・改行・全角文字など）が含まれています。")
    if not TOKEN_MIN_LENGTH <= len(token) <= TOKEN_MAX_LENGTH:
        raise TransitionError(f"トークンの長さは{TOKEN_MIN_LENGTH}〜{TOKEN_MAX_LENGTH}文字です。")
    return token


def kind_refusal(platform: Platform, kind: str) -> str:
    """Why this kind of token cannot be registered for the platform, or "" when it can.

    The rule is the platform's adapter's (checks.credential_kinds_for): the form's choices, its
    validation and this service all follow it, so X never gets a チャネルアクセストークン."""
    labels = dict(ApiCredential.Kind.choices)
    taken = credential_kinds_for(platform.code)
    if not taken:
        return f"{platform.name}の状態確認はAPIトークンを使いません（公開されている情報を読みます）。"
    if kind not in labels:
        return "トークンの種類を選んでください。"
    if kind not in taken:
        allowed = "・".join(f"「{labels[k]}」" for k in taken)
        return f"{platform.name}には「{labels[kind]}」は使えません。{platform.name}で使える種類：{allowed}。"
    return ""


def _retire(credential: ApiCredential, *, actor, why: str, comment: str = "") -> None:
    """Retire a locked, active credential: kept with who and when; its secret is erased."""
    credential.retired_at = timezone.now()
    credential.retired_by = person_of(actor)
    credential.secret = ""
    transition(
        credential,
        to=ApiCredential.Status.RETIRED,
        actor=actor,
        label=_summary(why, credential, room=len(RETIRING)),
        comment=comment,
        update_fields=["retired_at", "retired_by", "secret"],
    )


@sensitive_variables()
@transaction.atomic
def credential_register(
    *, actor, platform_id: int, account_id: int | None = None, token: str, kind: str, expires_on: date | None
) -> ApiCredential:
    """Register an API token for an account, or for every account of a platform (`account_id` None).

    The credential in use for the same scope, if any, is retired in the same transaction (差し替え).
    `expires_on` None means the platform's token does not expire.
    """
    ensure_can_manage_credentials(actor)
    # Registrations for one platform queue here, so a scope never has two tokens in use.
    platform = Platform.objects.select_for_update().get(pk=platform_id)
    account = None
    if account_id is not None:
        account = OfficialAccount.objects.select_related("platform").get(pk=account_id)
        if account.platform_id != platform.pk:
            raise TransitionError(f"{account.label}は{platform.name}のアカウントではありません。")
        if account.status == AccountStatus.CLOSED:
            raise TransitionError("閉鎖したアカウントにはAPIトークンを登録できません。")
    refusal = kind_refusal(platform, kind)
    if refusal:
        raise TransitionError(refusal)
    token = _check_token(token)
    if expires_on is not None and expires_on < timezone.localdate():
        raise TransitionError(f"有効期限（{to_wareki(expires_on)}）が過ぎたトークンは登録できません。")
    previous = (
        ApiCredential.objects.select_for_update(of=("self",))
        .select_related("platform", "account__platform")
        .filter(platform=platform, account=account, retired_at__isnull=True)
        .first()
    )
    if previous is not None:
        _retire(previous, actor=actor, why="APIトークンを廃止（差し替え）")
    credential = ApiCredential.objects.create(
        platform=platform,
        account=account,
        kind=kind,
        secret=encrypt(token),
        fingerprint=fingerprint_of(token),
        expires_on=expires_on,
        registered_by=actor,
    )
    audit_record(
        target=credential,
        actor=actor,
        action=AuditEvent.Action.CREATED,
        summary=_summary("APIトークンを差し替え" if previous else "APIトークンを登録", credential),
    )
    return credential


@transaction.atomic
def credential_retire(*, actor, credential_id: int, comment: str = "") -> ApiCredential:
    """Stop using a credential (the token was revoked at the platform, or is no longer needed)."""
    ensure_can_manage_credentials(actor)
    credential = (
        ApiCredential.objects.select_for_update(of=("self",))
        .select_related("platform", "account__platform")
        .get(pk=credential_id)
    )
    if credential.retired_at is not None:
        raise TransitionError("このAPIトークンはすでに廃止されています。")
    _retire(credential, actor=actor, why="APIトークンを廃止", comment=comment.strip()[:500])
    return credential


# --- what the status checks use ---------------------------------------------------------------------


@dataclass(frozen=True)
class TokenLookup:
    """The token for an account, or why there is none (`problem`, a Japanese sentence for 確認できず)."""

    token: str | None = field(default=None, repr=False)  # never in a repr, a log line or an error page
    credential: ApiCredential | None = None
    problem: str = ""

    def __bool__(self) -> bool:
        return self.token is not None


@sensitive_variables()
def token_for(account: OfficialAccount, *, today: date | None = None) -> TokenLookup:
    """The API token for `account`: its own credential if it has one in use, else its platform's.

    An account's own credential is never passed over for the platform-wide one, even when expired
    or unreadable: a platform-wide token may belong to another channel or app, and would read
    another account's data as this one's (a false 表示名の変更 or 固有IDの相違).
    """
    today = today or timezone.localdate()
    in_use = (
        ApiCredential.objects.filter(platform_id=account.platform_id, retired_at__isnull=True)
        .filter(Q(account_id=account.pk) | Q(account__isnull=True))
        .select_related("platform")
    )
    candidates = sorted(in_use, key=lambda c: c.account_id is None)  # the account's own first
    if not candidates:
        return TokenLookup(problem=NO_CREDENTIAL)
    credential = candidates[0]
    if credential.is_expired(today):
        return TokenLookup(
            credential=credential,
            problem=f"APIのトークンの有効期限が切れています（{to_wareki(credential.expires_on)}）",
        )
    try:
        token = decrypt(credential.secret)
    except InvalidToken:
        logger.warning(
            "API credential %s (fingerprint %s) cannot be decrypted with CREDENTIAL_KEYS",
            credential.pk,
            credential.fingerprint,
        )
        return TokenLookup(credential=credential, problem=UNREADABLE)
    return TokenLookup(token=token, credential=credential)


@sensitive_variables()
def search_token_for(platform: Platform, kinds, *, today: date | None = None) -> TokenLookup:
    """The token a search of the platform's accounts is made with (issue 23): its platform-wide
    credential of one of `kinds` in use, else the newest of an account's. A search reads only what the
    platform shows everyone, so any of the city's keys serves it (unlike `token_for`, which must never
    read one account's data with another's token). The first one usable, else why none is."""
    today = today or timezone.localdate()
    in_use = ApiCredential.objects.filter(platform=platform, retired_at__isnull=True, kind__in=list(kinds))
    candidates = sorted(in_use, key=lambda c: (c.account_id is not None, -c.registered_at.timestamp()))
    if not candidates:
        return TokenLookup(problem=NO_CREDENTIAL)
    problem = ""
    for credential in candidates:
        if credential.is_expired(today):
            problem = problem or f"APIのトークンの有効期限が切れています（{to_wareki(credential.expires_on)}）"
            continue
        try:
            return TokenLookup(token=decrypt(credential.secret), credential=credential)
        except InvalidToken:
            problem = problem or UNREADABLE
    return TokenLookup(credential=candidates[0], problem=problem)


@sensitive_variables()
def app_credentials_for(platform: Platform, *, today: date | None = None) -> TokenLookup:
    """The platform's app credentials ("client key:secret", registered for every account of it), which
    a refresh token needs beside it (TikTok)."""
    today = today or timezone.localdate()
    credential = ApiCredential.objects.filter(
        platform=platform, account__isnull=True, retired_at__isnull=True, kind=ApiCredential.Kind.CLIENT_CREDENTIALS
    ).first()
    if credential is None:
        return TokenLookup(problem=f"{platform.name}アプリのクライアントキーとシークレットが登録されていません")
    if credential.is_expired(today):
        return TokenLookup(credential=credential, problem="アプリのクライアントシークレットの有効期限が切れています")
    try:
        token = decrypt(credential.secret)
    except InvalidToken:
        return TokenLookup(credential=credential, problem=UNREADABLE)
    if ":" not in token:
        return TokenLookup(
            credential=credential, problem="クライアントキーとシークレットは「キー:シークレット」の形で登録してください"
        )
    return TokenLookup(token=token, credential=credential)


# --- key rotation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rotation:
    rotated: int
    unreadable: list[ApiCredential]


@sensitive_variables()
@transaction.atomic
def rotate_keys() -> Rotation:
    """Encrypt every secret in use again with the first key of CREDENTIAL_KEYS (MultiFernet.rotate).

    Afterwards the other keys can be removed. A secret no key opens is left as it is and reported:
    its token must be registered again.
    """
    fernet = _fernet()
    rotated, unreadable = 0, []
    in_use = (
        ApiCredential.objects.select_for_update(of=("self",))
        .select_related("platform", "account__platform")
        .filter(retired_at__isnull=True)
        .exclude(secret="")
        .order_by("pk")
    )
    for credential in in_use:
        try:
            secret = fernet.rotate(credential.secret.encode("ascii")).decode("ascii")
        except InvalidToken:
            unreadable.append(credential)
            continue
        ApiCredential.objects.filter(pk=credential.pk).update(secret=secret)
        audit_record(
            target=credential,
            actor=Job.ROTATE_COMMAND,
            action=AuditEvent.Action.KEY_ROTATED,
            summary=_summary("APIトークンを新しい暗号鍵で暗号化し直し", credential),
        )
        rotated += 1
    return Rotation(rotated=rotated, unreadable=unreadable)


# --- what the sysadmin sees and hears ----------------------------------------------------------------


def credentials_listed():
    """Every credential: those in use first (by platform), then the retired ones, latest first."""
    return ApiCredential.objects.select_related(
        "platform", "account__platform", "registered_by", "retired_by"
    ).order_by(F("retired_at").desc(nulls_first=True), "platform__sort_order", "account_id", "-registered_at")


def expiry_state(credential: ApiCredential, today: date) -> str:
    """The warning a credential in use deserves: expired, soon (within CREDENTIAL_REMINDER_DAYS) or none."""
    days = credential.days_left(today)
    if credential.retired_at is not None or days is None:
        return ""
    if days < 0:
        return "expired"
    return "soon" if days <= settings.CREDENTIAL_REMINDER_DAYS else ""


def credentials_expiring(today: date | None = None) -> list[ApiCredential]:
    """Credentials in use that lapse within CREDENTIAL_REMINDER_DAYS or have lapsed, soonest first."""
    today = today or timezone.localdate()
    limit = today + timedelta(days=settings.CREDENTIAL_REMINDER_DAYS)
    rows = list(
        ApiCredential.objects.filter(retired_at__isnull=True, expires_on__lte=limit)
        .select_related("platform", "account__platform")
        .order_by("expires_on", "pk")
    )
    for credential in rows:
        credential.expiry_state = expiry_state(credential, today)
    return rows


def _reminder_stage(days_left: int) -> int:
    """The tightest threshold `days_left` has reached: the window, a week, or LAPSED."""
    if days_left < 0:
        return LAPSED
    window = settings.CREDENTIAL_REMINDER_DAYS
    return min(t for t in {window, min(LAST_CALL_DAYS, window)} if days_left <= t)


def _sysadmins():
    User = get_user_model()
    return User.objects.filter(is_active=True).filter(Q(groups__name=Role.SYSADMIN) | Q(is_superuser=True)).distinct()


def credential_reminders_send(today: date) -> int:
    """Tell the sysadmins (a notice and a mail) when a token enters the reminder window, a week
    before it lapses, and when it has lapsed: once per credential and threshold, however often
    the daily job runs (the threshold is claimed with a conditional update, as two workers may run)."""
    sent = 0
    recipients = None
    for credential in credentials_expiring(today):
        days = credential.days_left(today)
        stage = _reminder_stage(days)
        with transaction.atomic():
            claimed = (
                ApiCredential.objects.filter(pk=credential.pk, retired_at__isnull=True)
                .filter(Q(reminded_days_left__isnull=True) | Q(reminded_days_left__gt=stage))
                .update(reminded_days_left=stage)
            )
            if not claimed:
                continue
            if recipients is None:
                recipients = list(_sysadmins())
            what = f"{credential.scope_label}の{credential.get_kind_display()}（指紋 {credential.fingerprint}）"
            if stage == LAPSED:
                subject = "APIトークンの有効期限が切れました"
                when = f"{to_wareki(credential.expires_on)}に有効期限が切れました"
            else:
                subject = "APIトークンの有効期限が近づいています"
                when = f"{to_wareki(credential.expires_on)}に有効期限を迎えます（あと{days}日）"
            body = (
                f"{what}は、{when}。\n"
                "SNSの開発者向け画面で新しいトークンを発行し、APIトークンの管理画面で登録し直してください。"
                f"有効期限が切れると、このトークンを使う状態確認（{settings.CITY.clause('G-4-5-エ・G-4-3-カ')}）は"
                "「確認できず」になります。"
            )
            notify(recipients, subject=subject, body=body, path=reverse("platforms:credentials"))
            sent += 1
    return sent


# --- tokens that renew themselves --------------------------------------------------------------------


@sensitive_variables()
@transaction.atomic
def credential_renewed(
    *, credential_id: int, fingerprint: str, token: str, expires_on: date, actor: Job
) -> ApiCredential | None:
    """Put a refreshed token in place of the one it was refreshed from, in the same scope (the
    refresh is the platform's, so no person registers it: the audit names the job that asked for it
    (`actor`), and the new row keeps the sysadmin who registered the first). Nothing changes if that
    credential was replaced or retired meanwhile."""
    previous = (
        ApiCredential.objects.select_for_update(of=("self",))
        .select_related("platform", "account__platform")
        .filter(pk=credential_id, retired_at__isnull=True, fingerprint=fingerprint)
        .first()
    )
    if previous is None:
        return None
    token = _check_token(token)
    _retire(previous, actor=actor, why="APIトークンを自動更新（更新前）")
    credential = ApiCredential.objects.create(
        platform=previous.platform,
        account=previous.account,
        kind=previous.kind,
        secret=encrypt(token),
        fingerprint=fingerprint_of(token),
        expires_on=expires_on,
        registered_by=previous.registered_by,
    )
    audit_record(
        target=credential,
        actor=actor,
        action=AuditEvent.Action.CREATED,
        summary=_summary("APIトークンを自動更新", credential),
    )
    return credential


def credentials_to_refresh(now=None) -> list[ApiCredential]:
    """Tokens in use that renew themselves and are due: lapsing within CREDENTIAL_REFRESH_DAYS, not
    lapsed, and at least a day old (Threads refreshes a long-lived token only after 24 hours)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return list(
        ApiCredential.objects.filter(
            retired_at__isnull=True,
            platform__code__in=SELF_RENEWING,
            kind=ApiCredential.Kind.ACCESS_TOKEN,
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=settings.CREDENTIAL_REFRESH_DAYS),
            registered_at__lte=now - timedelta(days=1),
        ).select_related("platform", "account__platform")
    )


# Platforms whose long-lived access tokens are refreshed from the token itself, no app secret needed.
SELF_RENEWING = ("threads",)
