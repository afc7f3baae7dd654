"""Record status checks and turn anomalies into incidents (G-4-5-エ, G-4-3-カ, P-3)."""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import AccountStatus, OfficialAccount
from accounts.services import account_record_platform_verification
from core.audit import Job, audit_record
from core.models import AuditEvent
from core.notices import notify
from org.roles import Role
from platforms import checks

from .incidents import ensure_steps
from .models import ANOMALIES, Incident, StatusCheck
from .proposals import good_reading, proposals_from_reading

User = get_user_model()


def _is_dormant(last_post: str, now: datetime) -> bool:
    posted = _as_aware(last_post)
    return posted is not None and now - posted > timedelta(days=settings.DORMANT_DAYS)


def anomalies_of(account: OfficialAccount, state: checks.ProfileState, last_good: StatusCheck | None) -> list[str]:
    """Compare what the page shows with the registry and the last good reading."""
    if not state.reachable:
        return ["gone"] if state.gone or state.http_status in (404, 410) else []
    found = []
    expected_name = last_good.display_name if last_good else account.display_name
    if state.display_name and expected_name and state.display_name != expected_name:
        found.append("renamed")
    if account.platform_account_id and state.platform_account_id:
        if state.platform_account_id.lower() != account.platform_account_id.lower():
            found.append("id_changed")
    if account.status == AccountStatus.SUSPENDED and _posted_while_suspended(account, state, last_good):
        found.append("posts_while_suspended")
    # P-3: judged only when the interface showed the profile (a feed alone does not).
    if (
        account.status in (AccountStatus.ACTIVE, AccountStatus.NOTICE)
        and state.profile_seen
        and not _states_official(account, state)
    ):
        found.append("not_official")
    return found


def _posted_while_suspended(account, state, last_good) -> bool:
    """G-4-5-エ: a post dated after the day the account was suspended; without a readable date, a
    newest-post mark that differs from the last good reading."""
    posted = _as_aware(state.last_post)
    if posted is not None and account.suspended_on:
        return timezone.localdate(posted) > account.suspended_on
    return bool(last_good) and bool(state.last_post) and state.last_post != last_good.last_post


def _as_aware(value: str) -> datetime | None:
    posted = parse_datetime(value) if value else None
    if posted is not None and timezone.is_naive(posted):
        posted = timezone.make_aware(posted)
    return posted


def _states_official(account, state) -> bool:
    return all(_profile_facts(account, state).values())


def _profile_facts(account, state) -> dict[str, bool]:
    text = state.profile_text
    return {
        "operator": bool(account.profile_operator) and account.profile_operator in text,
        "purpose": bool(text.strip()),
        "city": checks.names_city_site(state, settings.CITY_HOMEPAGE_URL),
    }


@transaction.atomic
def status_check_record(*, account_id: int, state: checks.ProfileState, run_key: str | None = None) -> StatusCheck:
    """Store a reading once per run key; open an incident per new anomaly and notify after commit."""
    run_key = run_key or f"manual:{uuid.uuid4()}"
    existing = StatusCheck.objects.filter(run_key=run_key).first()
    if existing:  # the same task delivered twice (acks_late): the first result stands
        return existing
    account = OfficialAccount.objects.select_for_update().select_related("platform").get(pk=account_id)
    last_good = account.status_checks.filter(outcome=StatusCheck.Outcome.OK).order_by("-checked_at", "-id").first()
    found = anomalies_of(account, state, last_good)
    if not state.reachable:
        facts = dict.fromkeys(("operator", "purpose", "city"), False)
    elif not state.profile_seen:
        facts = dict.fromkeys(("operator", "purpose", "city"), None)  # unknown, not missing
    else:
        facts = _profile_facts(account, state)
    outcome = (
        StatusCheck.Outcome.ANOMALY
        if found
        else (StatusCheck.Outcome.OK if state.reachable else StatusCheck.Outcome.ERROR)
    )
    try:
        with transaction.atomic():
            check = StatusCheck.objects.create(
                account=account,
                run_key=run_key,
                outcome=outcome,
                http_status=state.http_status,
                display_name=state.display_name,
                platform_account_id=state.platform_account_id,
                last_post=state.last_post,
                profile_states_operator=facts["operator"],
                profile_states_purpose=facts["purpose"],
                profile_links_city=facts["city"],
                dormant=_is_dormant(state.last_post, timezone.now()),
                anomalies=found,
                error=state.error.removeprefix("確認できず：")[:200],  # the outcome says 確認できず already
                adapter=state.adapter[:200],
                verified=state.verified if state.reachable else None,
                verification_note=state.verification_note[:200] if state.reachable else "",
            )
    except IntegrityError:
        return StatusCheck.objects.get(run_key=run_key)
    for anomaly in found:
        _open_incident(account, anomaly, check, actor=Job.STATUS_CHECK)
    if state.verified is not None and good_reading(account, state):  # P-7-3: the badge, for the registry
        account_record_platform_verification(
            account_id=account.pk,
            verified=state.verified,
            note=state.verification_note,
            read_on=timezone.localdate(check.checked_at),
            actor=Job.STATUS_CHECK,
        )
    proposals_from_reading(account, state, check)  # G-4-3-カ: the permanent ID; P-7-3: 認証済
    return check


def _open_incident(
    account: OfficialAccount,
    anomaly: str,
    check: StatusCheck,
    *,
    actor: Job,
    found_by: str = "状態確認",
    detail: str = "",
) -> Incident | None:
    """One open incident per account and anomaly: a repeated finding adds nothing new. The incident and
    the audit row that opens its timeline (who found it: `actor`) are written together."""
    if Incident.objects.filter(account=account, anomaly=anomaly, status=Incident.Status.OPEN).exists():
        return None
    _, kind, text = ANOMALIES[anomaly]
    text = settings.CITY.words(text)  # P-3 in the city's own numbering
    description = f"{found_by}（{timezone.localtime(check.checked_at):%Y-%m-%d %H:%M}）で検知しました。"
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                account=account,
                kind=kind,
                title=f"{account.display_name}：{text}",
                description=f"{description}\n{detail}" if detail else description,
                anomaly=anomaly,
                source_check=check,
            )
            audit_record(
                target=incident,
                actor=actor,
                action=AuditEvent.Action.CREATED,
                summary=f"起票（{incident.get_kind_display()}・{ANOMALIES[anomaly][0]}を{found_by}で検知）",
            )
    except IntegrityError:
        return None
    ensure_steps(incident)
    notify_incident(account, incident)
    return incident


# How a reading that did not read the profile says what found it (StatusCheck.adapter; the check_method
# filter shows the words after it as they are).
FOUND_BY = "検知："


@transaction.atomic
def record_anomaly(
    *, account_id: int, anomaly: str, found_by: str, detail: str, run_key: str, actor: Job
) -> tuple[StatusCheck, Incident]:
    """An anomaly found by another way than reading the profile (the archive's capture of the posts,
    issue 22): an 異常あり reading, and the open incident of that anomaly — opened now with its
    checklist, audited and the people told as a status check's anomaly is, or the one already open.

    Recorded once per run key, like a status check: the same run delivered twice gives the first reading."""
    if anomaly not in ANOMALIES:
        raise ValueError(f"unknown anomaly {anomaly!r}")
    account = OfficialAccount.objects.select_for_update().select_related("platform", "department").get(pk=account_id)
    check = StatusCheck.objects.filter(run_key=run_key).first()
    if check is None:
        check = StatusCheck.objects.create(
            account=account,
            run_key=run_key,
            outcome=StatusCheck.Outcome.ANOMALY,
            profile_states_operator=None,  # the profile was not read: unknown, not missing
            profile_states_purpose=None,
            profile_links_city=None,
            anomalies=[anomaly],
            adapter=f"{FOUND_BY}{found_by}"[:200],
        )
    incident = _open_incident(account, anomaly, check, actor=actor, found_by=found_by, detail=detail)
    if incident is None:  # G-4-3-カ: one open incident per account and anomaly; the account's lock keeps it so
        incident = Incident.objects.select_for_update().get(
            account=account, anomaly=anomaly, status=Incident.Status.OPEN
        )
    return check, incident


def notify_incident(account: OfficialAccount, incident: Incident) -> None:
    """G-4-3-カ: the 管理者, the 所属長 and the 統括情報セキュリティ責任者 hear of it at once."""
    people = [account.manager] if account.manager and account.manager.department_id == account.department_id else []
    people += list(User.objects.filter(is_active=True, department=account.department, groups__name=Role.SECTION_HEAD))
    people += list(User.objects.filter(is_active=True, groups__name=Role.SECURITY_OFFICER))
    notify(
        people,
        subject=f"異常を検知しました：{incident.title}",
        body=f"{incident.description}\nアカウント：{account.profile_url}\n所管課：{account.department.full_name}",
        path=reverse("monitoring:incident", args=[incident.pk]),
    )


CHECK_GROUPS = {
    # G-4-3-カ: the accounts in use, watched for なりすまし・乗っ取り (twice a day by default).
    "active": (AccountStatus.ACTIVE, AccountStatus.NOTICE),
    # G-4-5-エ: the stopped accounts, kept and checked periodically (daily by default).
    "suspended": (AccountStatus.SUSPENDED,),
}


def accounts_due_for_checks(group: str | None = None):
    """The accounts a scheduled run checks: one group of CHECK_GROUPS, or all of them."""
    statuses = CHECK_GROUPS[group] if group else CHECK_GROUPS["active"] + CHECK_GROUPS["suspended"]
    return OfficialAccount.objects.filter(status__in=statuses).select_related("platform")


def reason_of(check: StatusCheck) -> str:
    """What a reading found, in a few words: the anomalies, why it could not be made, or that all matched."""
    if check.anomalies:
        return "、".join(check.anomaly_labels)
    if check.error:
        return check.error_shown
    return f"登録内容と一致（{check.adapter or '公開ページ'}）"


def manual_run_key(run: uuid.UUID) -> str:
    """The run key of one 今すぐ確認: the page that asked for it finds its reading by it."""
    return f"manual:{run}"


def check_result_message(check: StatusCheck) -> str:
    """What a requested check found, in one sentence for the page and a screen reader (issue 15)."""
    if check.outcome == StatusCheck.Outcome.ANOMALY:
        found = f"異常あり（{'、'.join(check.anomaly_labels)}）"
    elif check.outcome == StatusCheck.Outcome.ERROR:
        found = f"確認できず（{check.error or '理由不明'}）"
    else:
        found = check.get_outcome_display()
    return f"状態確認が終わりました：{found}。結果は下の履歴の先頭にあります。"


def check_now(accounts, *, run_prefix: str | None = None, concurrency: int = 16) -> list[StatusCheck]:
    """Check the given accounts now and record each result (the command and the 今すぐ確認 button)."""
    results = []
    for account, state in checks.check_profiles(list(accounts), concurrency=concurrency):
        key = f"{run_prefix}:{account.pk}" if run_prefix else None
        results.append(status_check_record(account_id=account.pk, state=state, run_key=key))
    return results
