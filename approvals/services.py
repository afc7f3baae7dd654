"""New-account requests (SPEC §4.1): 下書き → 提出済 → 審査中 → 承認 | 否認 | 差戻し(→ 下書き).

Every step is one service: it locks the request, re-checks its state and the actor's right, writes
the audit event, and queues the e-mails for after the commit.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import lookup
from accounts import services as accounts
from accounts.handles import clean_handle, handle_problem
from accounts.models import OfficialAccount, PolicyChoices
from core.audit import audit_edit, audit_record, changed_fields, snapshot, transition
from core.dates import fiscal_year, to_wareki
from core.errors import TransitionError
from core.models import AuditEvent
from core.notices import notify
from org.roles import Role
from policies import services as policies

from .models import AccountRequest, RequestComment, RequestCounter, RequestStatus, Vote
from .permissions import (
    UNDER_REVIEW,
    ensure_can_ask_submission,
    ensure_can_comment,
    ensure_can_create_request,
    ensure_can_decide,
    ensure_can_edit_request,
    ensure_can_submit_request,
    ensure_can_vote,
    has_voted,
)

User = get_user_model()

# What the 課 does with a request, as its audit trail says it.
DRAFTED, EDITED, HANDED_OVER = "申請の下書きを作成", "下書きを編集", "課長に提出を依頼"

EDITABLE_FIELDS = AccountRequest.EDITABLE_FIELDS
# Filled in before submission (the 第４号様式 and the policy choices). Booleans always have a value.
REQUIRED_FOR_SUBMISSION = [
    name
    for name in EDITABLE_FIELDS
    if name not in ("content_notes", "restrict_follow", "restrict_reply", "restrict_contact", "approval_required")
]


def _label(name: str) -> str:
    return settings.CITY.words(AccountRequest._meta.get_field(name).verbose_name)


def request_missing(request: AccountRequest) -> dict[str, str]:
    """Return {field: Japanese message} for everything a submission still lacks."""
    missing = {}
    for name in REQUIRED_FOR_SUBMISSION:
        value = getattr(request, name if name not in ("platform", "manager") else f"{name}_id")
        if value in (None, "", []):
            missing[name] = f"提出するには「{_label(name)}」が必要です。"
    if request.manager_id and request.manager.department_id != request.department_id:
        missing["manager"] = "管理者は申請する課の職員から選んでください。"
    if request.desired_handle and not lookup.normalize_handle(request.desired_handle):
        missing["desired_handle"] = "ユーザー名を入力してください（@ は不要です）。"
    elif request.desired_handle and request.platform_id:
        # Issue 20: the handle the account will have, in its platform's syntax (accounts/handles.py).
        problem = handle_problem(
            request.platform.code, clean_handle(request.desired_handle), platform_name=request.platform.name
        )
        if problem:
            missing["desired_handle"] = f"{problem}。"
    if request.start_on and request.start_on < timezone.localdate():
        missing["start_on"] = "開始予定日が過ぎています。今日以降の日付にしてください。"
    return missing


def _check_editable(actor, request: AccountRequest) -> None:
    ensure_can_edit_request(actor, request)
    if request.status != RequestStatus.DRAFT:
        raise TransitionError(f"{request.get_status_display()}の申請は変更できません。")


def _only_editable(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    return fields


def _audit(request: AccountRequest, actor, action: AuditEvent.Action, summary: str, *, comment: str = ""):
    audit_record(target=request, actor=actor, action=action, summary=summary, comment=comment)


def _set_status(request: AccountRequest, to: str, actor, summary: str, *, comment: str = "", fields=()):
    transition(request, to=to, actor=actor, label=summary, comment=comment, update_fields=fields)


# --- e-mail (after commit; the console backend in development) ----------------------------------


def _committee():
    return User.objects.filter(is_active=True, groups__name__in=(Role.COMMITTEE, Role.COMMITTEE_CHAIR)).distinct()


def _section(request: AccountRequest):
    heads = User.objects.filter(is_active=True, department=request.department, groups__name=Role.SECTION_HEAD)
    return [*heads, request.created_by]


def _notify(request: AccountRequest, subject: str, body: str, recipients) -> None:
    text = f"{body}\n\n件名：{request.title}\n所管課：{request.department.full_name}"
    notify(recipients, subject=subject, body=text, path=reverse("approvals:detail", args=[request.pk]))


# --- the 課 ---------------------------------------------------------------------------------------


@transaction.atomic
def request_create(*, actor, fields: dict[str, Any]) -> AccountRequest:
    """Start a draft in the actor's own 課; a draft may be saved with partial data."""
    ensure_can_create_request(actor)
    request = AccountRequest.objects.create(department=actor.department, created_by=actor, **_only_editable(fields))
    _audit(request, actor, AuditEvent.Action.CREATED, DRAFTED)
    return request


@transaction.atomic
def request_update(*, request_id: int, actor, fields: dict[str, Any]) -> AccountRequest:
    request = AccountRequest.objects.select_for_update().get(pk=request_id)
    _check_editable(actor, request)
    before = snapshot(request, _only_editable(fields))
    for name, value in fields.items():
        setattr(request, name, value)
    changes = changed_fields(request, before)
    if changes:
        request.save()
        audit_edit(target=request, actor=actor, changes=changes, what=EDITED)
    return request


def _next_sequence(year: int) -> int:
    """Number the request within its 年度; the counter row lock makes simultaneous submissions queue."""
    try:
        with transaction.atomic():
            RequestCounter.objects.get_or_create(fiscal_year=year)
    except IntegrityError:
        pass  # another submission created the row first
    counter = RequestCounter.objects.select_for_update().get(fiscal_year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


@transaction.atomic
def request_submit(*, request_id: int, actor) -> AccountRequest:
    """The 課長 submits the 第４号様式 with the draft policy (G-4-2-イ); numbered at the first time."""
    request = AccountRequest.objects.select_for_update(of=("self",)).select_related("manager").get(pk=request_id)
    ensure_can_submit_request(actor, request)
    if request.status != RequestStatus.DRAFT:
        raise TransitionError(f"{request.get_status_display()}の申請は提出できません。")
    missing = request_missing(request)
    if missing:
        raise SubmissionIncomplete(missing)
    if OfficialAccount.objects.filter(
        platform=request.platform, handle_key=lookup.normalize_handle(request.desired_handle)
    ).exists():
        raise SubmissionIncomplete(
            {"desired_handle": "このSNSのこのユーザー名は既に公式アカウントとして登録されています。"}
        )
    fields = ["round", "returned", "submitted_at", "submission_requested_at", "submission_requested_by"]
    # The clerk who handed the draft to the 課長 (and the one who wrote it) hear that it went on.
    handed_by = [request.submission_requested_by, request.created_by]
    request.submission_requested_at, request.submission_requested_by = None, None
    if request.fiscal_year is None:
        request.fiscal_year = fiscal_year(timezone.localdate())
        request.sequence = _next_sequence(request.fiscal_year)
        fields += ["fiscal_year", "sequence"]
    request.round += 1
    request.returned = False
    request.submitted_at = timezone.now()
    summary = "提出" if request.round == 1 else f"再提出（{request.round}回目）"
    _set_status(request, RequestStatus.SUBMITTED, actor, f"{summary} {request.reference}", fields=fields)
    _notify(
        request,
        f"新規アカウントの申請 {request.reference} が提出されました",
        f"{settings.CITY.committee_name}で審査をお願いします。",
        _committee(),
    )
    _notify(
        request,
        f"申請 {request.reference} を課長が提出しました",
        f"{actor.display_name}さんが{settings.CITY.committee_name}に提出しました。審査の結果はお知らせします。",
        [user for user in handed_by if user is not None and user.pk != actor.pk],
    )
    return request


@transaction.atomic
def request_ask_submission(*, request_id: int, actor) -> AccountRequest:
    """A clerk hands the finished draft to the 課長 (G-4-2-イ: the 課長 submits); the 課長 is told."""
    request = AccountRequest.objects.select_for_update().get(pk=request_id)
    ensure_can_ask_submission(actor, request)
    if request.status != RequestStatus.DRAFT:
        raise TransitionError(f"{request.get_status_display()}の申請は依頼できません。")
    if request.submission_requested_at is not None:
        raise TransitionError("この下書きは既に課長に提出を依頼しています。")
    missing = request_missing(request)
    if missing:
        raise SubmissionIncomplete(missing)
    request.submission_requested_at, request.submission_requested_by = timezone.now(), actor
    request.save(update_fields=["submission_requested_at", "submission_requested_by", "updated_at"])
    _audit(request, actor, AuditEvent.Action.HANDED_OVER, HANDED_OVER)
    heads = User.objects.filter(is_active=True, department=request.department, groups__name=Role.SECTION_HEAD)
    _notify(request, f"申請の提出依頼：{request.title}", f"{actor.display_name}さんから提出の依頼です。", heads)
    return request


class SubmissionIncomplete(TransitionError):
    """A submission that lacks fields; `missing` maps each field to its Japanese message."""

    def __init__(self, missing: dict[str, str]):
        self.missing = missing
        super().__init__("提出に必要な項目が入力されていません：" + "、".join(_label(n) for n in missing))


# --- the committee --------------------------------------------------------------------------------


def _begin_review(request: AccountRequest, actor) -> None:
    if request.status == RequestStatus.SUBMITTED:
        _set_status(request, RequestStatus.IN_REVIEW, actor, "審査開始")


@transaction.atomic
def request_comment(*, request_id: int, actor, body: str) -> RequestComment:
    request = AccountRequest.objects.select_for_update().get(pk=request_id)
    ensure_can_comment(actor, request)
    if request.status not in UNDER_REVIEW:
        raise TransitionError(f"{request.get_status_display()}の申請にはコメントできません。")
    if not body.strip():
        raise TransitionError("コメントを入力してください。")
    _begin_review(request, actor)
    comment = RequestComment.objects.create(request=request, author=actor, body=body.strip())
    _audit(
        request, actor, AuditEvent.Action.COMMENTED, f"{settings.CITY.committee_name}のコメント", comment=comment.body
    )
    _notify(
        request, f"申請 {request.reference} に{settings.CITY.committee_name}のコメント", comment.body, _section(request)
    )
    return comment


@transaction.atomic
def request_vote(*, request_id: int, actor, choice: str, comment: str = "") -> Vote:
    """A member's 賛成 / 反対 / 保留, once per member and submission."""
    request = AccountRequest.objects.select_for_update().get(pk=request_id)
    ensure_can_vote(actor, request)
    if request.status not in UNDER_REVIEW:
        raise TransitionError(f"{request.get_status_display()}の申請には投票できません。")
    if has_voted(actor, request):
        raise TransitionError("この申請には既に賛否を表明しています。")
    if choice not in Vote.Choice.values:
        raise TransitionError("賛成・反対・保留のいずれかを選んでください。")
    _begin_review(request, actor)
    vote = Vote.objects.create(request=request, member=actor, round=request.round, choice=choice, comment=comment)
    _audit(
        request,
        actor,
        AuditEvent.Action.VOTED,
        f"{settings.CITY.committee_member_title}の賛否：{vote.get_choice_display()}",
        comment=comment,
    )
    chairs = User.objects.filter(is_active=True, groups__name=Role.COMMITTEE_CHAIR)
    _notify(
        request,
        f"申請 {request.reference} に{actor.display_name}{settings.CITY.committee_member_title}"
        f"が「{vote.get_choice_display()}」",
        f"意見：{comment or '（なし）'}",
        chairs,
    )
    return vote


DECISIONS = {"approve": "承認", "reject": "否認", "return": "差戻し"}


def decision_reason_missing(*, decision: str, exception: bool, reason: str) -> str:
    """The message when a decision lacks its reason (否認・差戻し・委員長特認), else "".

    The decide form asks it too, so that the message stands beside the reason field."""
    if (exception or decision != "approve") and not reason.strip():
        what = (
            f"{settings.CITY.committee_chair_title}特認の理由" if exception else f"{DECISIONS.get(decision, '')}の理由"
        )
        return f"{what}を入力してください。"
    return ""


@transaction.atomic
def request_decide(*, request_id: int, actor, decision: str, reason: str = "") -> AccountRequest:
    """The chair records the committee's decision (G-4-2-ウ).

    From 審査中: 承認, 否認 (reason required) or 差戻し (back to the 課 as a draft, comment required).
    From 提出済 only 承認, as 委員長特認 with its reason (G-4-2-イ/ウ ただし書).
    """
    request = (
        AccountRequest.objects.select_for_update(of=("self",))
        .select_related("department", "platform")
        .get(pk=request_id)
    )
    ensure_can_decide(actor, request)
    if decision not in DECISIONS:
        raise TransitionError("承認・否認・差戻しのいずれかを選んでください。")
    if request.status not in UNDER_REVIEW:
        raise TransitionError(f"この申請は既に{request.status_label}です。")
    reason = reason.strip()
    exception = request.status == RequestStatus.SUBMITTED
    if exception and decision != "approve":
        raise TransitionError(
            f"審査前の申請に対して行えるのは、{settings.CITY.committee_chair_title}特認による承認だけです。"
        )
    if message := decision_reason_missing(decision=decision, exception=exception, reason=reason):
        raise TransitionError(message)

    request.decided_by, request.decided_at, request.decision_reason = actor, timezone.now(), reason
    request.chair_exception = exception
    fields = ["decided_by", "decided_at", "decision_reason", "chair_exception"]
    if decision == "return":
        request.returned = True
        _set_status(request, RequestStatus.DRAFT, actor, "差戻し", comment=reason, fields=[*fields, "returned"])
        _notify(
            request,
            f"申請 {request.reference} が差し戻されました",
            f"{settings.CITY.committee_name}のコメント：{reason}",
            _section(request),
        )
        return request
    if decision == "reject":
        _set_status(request, RequestStatus.REJECTED, actor, "否認", comment=reason, fields=fields)
        _notify(request, f"申請 {request.reference} は否認されました", f"理由：{reason}", _section(request))
        return request

    request.account = _open_account(request, actor)
    summary = f"承認（{settings.CITY.committee_chair_title}特認）" if exception else "承認"
    _set_status(request, RequestStatus.APPROVED, actor, summary, comment=reason, fields=[*fields, "account"])
    _notify(
        request,
        f"申請 {request.reference} が{summary}されました",
        settings.CITY.words(
            "公式アカウントを「開設準備」で登録し、運用ポリシー第1版を制定しました。次の手順を進めてください：\n"
            "1. アカウントを取得し、ユーザー名とSNS上の固有IDを登録する\n"
            "2. 認証（公式マーク）を申請する（P-7-3）\n"
            "3. 市公式ホームページに掲載する（P-7-1）"
        ),
        [*_section(request), *_committee()],
    )
    return request


def _open_account(request: AccountRequest, actor) -> OfficialAccount:
    """On 承認: the account in 開設準備 with the request's data, and its policy version 1 (SPEC §4.1)."""
    handle = clean_handle(request.desired_handle)
    how = f"{settings.CITY.committee_chair_title}特認による" if request.chair_exception else ""
    account = accounts.account_open_from_request(
        actor=actor,
        department=request.department,
        fields={
            "platform": request.platform,
            "field": request.field,
            "handle": handle,
            "display_name": request.display_name,
            "profile_purpose": request.purpose,
            "manager": request.manager,
            "linked_apps": request.linked_apps,
            **{name: getattr(request, name) for name in PolicyChoices.POLICY_FIELDS},
        },
        summary=f"申請 {request.reference} の{how}承認により登録（開設準備）",
    )
    policies.policy_enact_approved(
        account=account,
        actor=actor,
        issued_on=timezone.localdate(),
        comment=f"{settings.CITY.committee_name}の承認（申請 {request.reference}、{to_wareki(timezone.localdate())}）",
    )
    return account
