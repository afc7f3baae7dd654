"""What the platforms say about the city's own accounts, proposed to the 課長 (G-4-3-カ, P-7-3).

A status check reads the account's permanent ID (a Bluesky DID, an X user id, a YouTube channel id, …) and,
where the platform says it, its verification badge. When the record lacks what a good reading shows — no
固有ID registered (「未登録」), or not 認証済 while the platform shows the badge — the reading is proposed to
the account's 課長, who registers it with one click or dismisses it. Once the ID is registered, every later
reading is compared with it (status.anomalies_of: 固有IDの相違), so a handle taken over by someone else is
told apart from the city's account.

Not the four-eyes of a 担当職員's change (accounts.PublicChange): nobody proposes this, a job reads it; it
must not stand in the way of a 担当職員's pending change of other public fields (one PublicChange pending
per account); and a value the 課長 dismissed is remembered, so that the next reading does not propose it
again. The 課長's confirmation applies it through accounts.services.account_update — the same rules, the
same audit row as a change the 課長 makes by hand.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import lookup
from accounts.models import OfficialAccount, VerificationStatus
from accounts.services import account_update
from core.audit import Job, audit_record
from core.audit import transition as transition_record
from core.errors import TransitionError
from core.models import AuditEvent
from core.notices import notify
from org.roles import Role
from platforms import checks

from .models import PlatformProposal, StatusCheck
from .permissions import ensure_can_decide_platform_proposal

User = get_user_model()
Field = PlatformProposal.Field
Status = PlatformProposal.Status


def good_reading(account: OfficialAccount, state: checks.ProfileState) -> bool:
    """A reading whose facts are the account's: the profile was read (reachable, not gone, no error), it was
    asked about the handle the account has now (a handle changed meanwhile: another account's facts), and
    the permanent ID, where registered, is the one read."""
    if not state.reachable or state.gone or state.error:
        return False
    if account.platform_account_id and state.platform_account_id.lower() != account.platform_account_id.lower():
        return False  # another account behind the handle now (固有IDの相違): nothing it shows is ours
    return bool(state.handle) and lookup.normalize_handle(state.handle) == account.handle_key


def _overtaken(proposal: PlatformProposal, account: OfficialAccount) -> str:
    """Why a pending proposal no longer applies (the record changed first), or ""."""
    if lookup.normalize_handle(proposal.handle) != account.handle_key:
        return "読み取りの後にユーザー名が変わりました"
    if proposal.field == Field.PLATFORM_ACCOUNT_ID and account.platform_account_id:
        return "固有IDが既に登録されています"
    if proposal.field == Field.VERIFICATION_STATUS and account.verification_status == proposal.value:
        return "認証の状況が既に登録されています"
    return ""


def _label(proposal: PlatformProposal) -> str:
    return f"{proposal.get_field_display()}の登録の提案（{proposal.value_label}）"


def _retire(proposal: PlatformProposal, *, why: str, actor) -> None:
    if not isinstance(actor, Job):
        proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    transition_record(
        proposal,
        to=Status.SUPERSEDED,
        actor=actor,
        label=_label(proposal),
        update_fields=["decided_by", "decided_at"],
        comment=why,
    )


def _propose(account, field: str, value: str, *, note: str, state, check) -> PlatformProposal | None:
    """One pending per account and field; a value the 課長 dismissed is not proposed again."""
    mine = account.platform_proposals.filter(field=field)
    if mine.filter(status=Status.PENDING).exists() or mine.filter(status=Status.DISMISSED, value=value).exists():
        return None
    proposal = PlatformProposal.objects.create(
        account=account,
        field=field,
        value=value[:100],
        handle=state.handle[:100],
        note=note[:200],
        source_check=check,
    )
    audit_record(
        target=proposal,
        actor=Job.STATUS_CHECK,
        action=AuditEvent.Action.CREATED,
        summary=f"状態確認の読み取りから{proposal.get_field_display()}の登録を提案（{proposal.value_label}）"[:200],
        changes={proposal.get_field_display(): [_current(account, field), proposal.value_label]},
    )
    return proposal


def _current(account, field: str) -> str:
    if field == Field.VERIFICATION_STATUS:
        return account.get_verification_status_display()
    return getattr(account, field) or "未登録"


def proposals_from_reading(
    account: OfficialAccount, state: checks.ProfileState, check: StatusCheck
) -> list[PlatformProposal]:
    """After a status check (`account` locked by the caller): retire the pending proposals the record has
    overtaken, and propose what a good reading shows that the record lacks; the 課長 hear of it."""
    for pending in account.platform_proposals.filter(status=Status.PENDING).select_for_update():
        why = _overtaken(pending, account)
        if why:
            _retire(pending, why=why, actor=Job.STATUS_CHECK)
    if not good_reading(account, state):
        return []
    warning = f"この読み取りでは異常（{'、'.join(check.anomaly_labels)}）も検知しています。" if check.anomalies else ""
    made = []
    # G-4-3-カ: the permanent ID at the first good reading, so that a handle taken over later shows.
    if state.platform_account_id and not account.platform_account_id:
        shown = f"表示名「{state.display_name}」" if state.display_name else "表示名なし"
        made.append(
            _propose(
                account,
                Field.PLATFORM_ACCOUNT_ID,
                state.platform_account_id,
                note=f"@{state.handle}（{shown}）の読み取り。{warning}",
                state=state,
                check=check,
            )
        )
    # P-7-3: the platform shows the badge, the record does not say 認証済.
    if state.verified is True and account.verification_status != VerificationStatus.VERIFIED:
        made.append(
            _propose(
                account,
                Field.VERIFICATION_STATUS,
                VerificationStatus.VERIFIED,
                note=f"{state.verification_note}。{warning}" if state.verification_note else warning,
                state=state,
                check=check,
            )
        )
    made = [p for p in made if p is not None]
    if made:
        _tell_heads(account, made)
    return made


def _tell_heads(account: OfficialAccount, proposals: list[PlatformProposal]) -> None:
    heads = User.objects.filter(is_active=True, department_id=account.department_id, groups__name=Role.SECTION_HEAD)
    lines = "\n".join(f"・{p.get_field_display()}：{p.value_label}（{p.note}）" for p in proposals)
    notify(
        heads,
        subject=f"SNSの読み取りからの登録の確認：{account.display_name}",
        body=f"状態確認で{account.platform.name}から次のとおり読み取りました。登録するか見送るかを"
        f"アカウントのページで選んでください。\n{lines}",
        path=reverse("accounts:detail", args=[account.pk]),
    )


@transaction.atomic
def platform_proposal_decide(*, proposal_id: int, actor, confirm: bool) -> PlatformProposal:
    """The 課長 registers what the reading showed (confirm) or dismisses it. A proposal the record has
    overtaken meanwhile is retired instead (its status says so) and nothing is registered."""
    account_id = PlatformProposal.objects.values_list("account_id", flat=True).get(pk=proposal_id)
    account = OfficialAccount.objects.select_for_update().select_related("platform").get(pk=account_id)
    proposal = PlatformProposal.objects.select_for_update().get(pk=proposal_id)
    ensure_can_decide_platform_proposal(actor, account)
    if proposal.status != Status.PENDING:
        raise TransitionError(f"この提案は既に「{proposal.get_status_display()}」になっています。")
    why = _overtaken(proposal, account)
    if why:
        _retire(proposal, why=why, actor=actor)
        return proposal
    if confirm:
        account_update(account_id=account.pk, actor=actor, fields={proposal.field: proposal.value})
    proposal.decided_by, proposal.decided_at = actor, timezone.now()
    transition_record(
        proposal,
        to=Status.CONFIRMED if confirm else Status.DISMISSED,
        actor=actor,
        label=_label(proposal),
        update_fields=["decided_by", "decided_at"],
    )
    return proposal


def pending_proposals(account: OfficialAccount) -> list[PlatformProposal]:
    return list(account.platform_proposals.filter(status=Status.PENDING).select_related("source_check"))
