"""Daily reminders by e-mail (SPEC §5): content checks, passwords, verification, notices, API tokens, and
what apps above add (the year-end reviews due)."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountStatus, OfficialAccount, VerificationStatus
from core.audit import audit_record
from core.dates import to_wareki
from core.models import AuditEvent
from core.notices import notify
from org.roles import Role
from platforms.credentials import credential_reminders_send

from .models import ContentCheck, ReminderSent, VerificationReminder
from .permissions import ensure_can_log_content_check

User = get_user_model()

# What an app above monitoring adds to the one daily mail (reviews: the year-end reviews due, G-4-5-ア):
# a function of the day and the 課長 of each 課 ({department id: [users]}) giving (user, line) pairs.
# Registered from the app's AppConfig.ready(), so monitoring never imports it (the layers contract).
ReminderSource = Callable[[date, dict], Iterable[tuple]]
_sources: list[ReminderSource] = []


def add_reminder_source(source: ReminderSource) -> None:
    """Have the daily reminders include the lines `source` gives (once, however often it is added)."""
    if source not in _sources:
        _sources.append(source)


@transaction.atomic
def content_check_log(*, account_id: int, actor, note: str = "") -> ContentCheck:
    """G-4-3-ア: the 管理者 (or the 課) records that the posts were checked."""
    account = OfficialAccount.objects.select_for_update().get(pk=account_id)
    ensure_can_log_content_check(actor, account)
    check = ContentCheck.objects.create(account=account, checked_by=actor, note=note.strip()[:200])
    audit_record(
        target=account,
        actor=actor,
        action=AuditEvent.Action.CONTENT_CHECKED,
        summary=settings.CITY.words("発言内容を確認（G-4-3-ア）"),
    )
    return check


def reminders_due(today: date) -> dict:
    """Return {user: [reminder lines]} for everything that waits on someone today."""
    due = defaultdict(list)
    operating = OfficialAccount.objects.filter(status__in=(AccountStatus.ACTIVE, AccountStatus.NOTICE)).select_related(
        "manager", "platform", "department"
    )
    last_checks = dict(
        ContentCheck.objects.values("account_id").annotate(last=Max("checked_at")).values_list("account_id", "last")
    )
    content_limit = today - timedelta(days=settings.CONTENT_CHECK_DAYS)
    password_limit = today - timedelta(days=settings.PASSWORD_CHANGE_DUE_DAYS)
    heads = defaultdict(list)
    for head in User.objects.filter(is_active=True, groups__name=Role.SECTION_HEAD).select_related("department"):
        heads[head.department_id].append(head)
    for account in operating:
        manager = account.manager
        if manager is not None and manager.is_active and manager.department_id == account.department_id:
            keepers = [manager]
        else:
            # The 管理者 left the 課 (a 人事異動) or the system: the 課長 keeps the account meanwhile.
            keepers = heads[account.department_id]
            for head in keepers:
                due[head].append(f"{account}：管理者が所管課にいません。新しい管理者を選んでください")
        lines = []
        last = last_checks.get(account.pk)
        if last is None or timezone.localdate(last) < content_limit:  # the Tokyo date, not the UTC one
            lines.append(f"{account}：発言内容の定期確認（G-4-3-ア）")
        if account.password_changed_on is None or account.password_changed_on < password_limit:
            lines.append(f"{account}：パスワードの変更（最終変更から{settings.PASSWORD_CHANGE_DUE_DAYS}日以上）")
        if _verification_missing(account) and account.verification_status != VerificationStatus.VERIFIED:
            lines.append(f"{account}：認証の申請・確認（P-7-3：{account.get_verification_status_display()}）")
        for keeper in keepers:
            due[keeper].extend(lines)
        # P-7-3: the 課長 too, but once every VERIFICATION_REMINDER_DAYS, not daily (a 課長 who keeps the
        # account has the 管理者's line already).
        heads_to_tell = [head for head in heads[account.department_id] if head not in keepers]
        if heads_to_tell and _verification_missing(account) and _verification_reminder_claimed(account, today):
            for head in heads_to_tell:
                due[head].append(_verification_line(account))
    ending = OfficialAccount.objects.filter(
        status=AccountStatus.NOTICE, notice_ends_on__lte=today + timedelta(days=settings.NOTICE_ENDING_DAYS)
    ).select_related("platform")
    for account in ending:
        for head in heads[account.department_id]:
            due[head].append(f"{account}：事前周知が{to_wareki(account.notice_ends_on)}に終わります（G-4-5-ウ）")
    for source in _sources:
        for user, line in source(today, heads):
            due[user].append(line)
    return due


def _verification_missing(account: OfficialAccount) -> bool:
    """P-7-3: the platform has a verification program and the account is not verified on it: the record
    says 未申請 or 申請中 (and the platform did not show the badge at the last reading, which would make
    it a proposal to register instead), or says 認証済 while the last reading showed no badge."""
    if not account.platform.verification_available:
        return False
    if account.verification_status in (VerificationStatus.NOT_APPLIED, VerificationStatus.APPLIED):
        return account.platform_verified is not True
    return account.verification_status == VerificationStatus.VERIFIED and account.platform_verified is False


def _verification_line(account: OfficialAccount) -> str:
    if account.verification_status == VerificationStatus.VERIFIED:
        return f"{account}：登録は認証済ですが、{account.platform_verification_words}。SNSで確認してください（P-7-3）"
    seen = f"、{account.platform_verification_words}" if account.platform_verification_words else ""
    status = account.get_verification_status_display()
    return f"{account}：{account.platform.name}の認証を申請してください（P-7-3：{status}{seen}）"


def _verification_reminder_claimed(account: OfficialAccount, today: date) -> bool:
    """Whether the 課長 is reminded of the account's verification today: the first time, then once every
    VERIFICATION_REMINDER_DAYS. The day is claimed with a conditional update (two workers may run); a run
    again the same day gives the same answer, so a mail that failed is sent complete the next time."""
    reminder, created = VerificationReminder.objects.get_or_create(account=account, defaults={"reminded_on": today})
    if created or reminder.reminded_on == today:
        return True
    due_since = today - timedelta(days=settings.VERIFICATION_REMINDER_DAYS)
    return bool(
        VerificationReminder.objects.filter(account=account, reminded_on__lte=due_since).update(reminded_on=today)
    )


def send_reminders(today: date) -> int:
    """Send each person one mail a day with all that waits; a second run the same day sends nothing."""
    sent = 0
    for user, items in reminders_due(today).items():
        if not user.is_active:
            continue
        try:
            with transaction.atomic():
                ReminderSent.objects.create(user=user, sent_on=today, items=items)
                body = "次の対応をお願いします。\n\n" + "\n".join(f"・{line}" for line in items)
                notify([user], subject="対応のお知らせ", body=body, path=reverse("dashboard"))
        except IntegrityError:
            continue  # already reminded today
        sent += 1
    # API tokens near their expiry: the sysadmins are told once per token and threshold, not daily.
    sent += credential_reminders_send(today)
    return sent
