"""投稿前チェック (SPEC §6): screen a draft against the guideline, keep the record."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.models import OfficialAccount, Platform
from core.errors import TransitionError

from . import rules
from .models import DictionaryTerm, ScreenedDraft
from .permissions import can_screen

MAX_DRAFT_LENGTH = 10_000
EARLIER_DRAFTS = 200


def dictionary_terms() -> list[tuple[str, str, str]]:
    labels = dict(DictionaryTerm.Category.choices)
    return [
        (t.term, labels[t.category], DictionaryTerm.CLAUSES[t.category])
        for t in DictionaryTerm.objects.filter(is_active=True)
    ]


def _check_text(text: str) -> None:
    if not text.strip():
        raise TransitionError("下書きを入力してください。")
    if len(text) > MAX_DRAFT_LENGTH:
        raise TransitionError(f"下書きが長すぎます（{MAX_DRAFT_LENGTH:,}文字まで）。")


def screen_text(*, text: str, platform: Platform | None = None, terms=None) -> list[rules.Finding]:
    """Findings for a draft not tied to an account (issue 24's API): the rules of `platform` (its
    length and its own rules) if given, and no earlier drafts to compare it with."""
    _check_text(text)
    return rules.screen(
        text,
        platform_code=platform.code if platform else "",
        max_length=platform.max_post_length if platform else None,
        terms=dictionary_terms() if terms is None else terms,
        earlier=[],
    )


def screen_draft(*, account: OfficialAccount, text: str, terms=None) -> list[rules.Finding]:
    """Findings for a draft on this account: earlier screened drafts count as posted before."""
    _check_text(text)
    earlier = list(account.screened_drafts.values_list("text", flat=True)[:EARLIER_DRAFTS])
    return rules.screen(
        text,
        platform_code=account.platform.code,
        max_length=account.platform.max_post_length,
        terms=dictionary_terms() if terms is None else terms,
        earlier=earlier,
    )


@transaction.atomic
def draft_keep(*, account_id: int, actor, text: str, consent_confirmed: bool, note: str = "") -> ScreenedDraft:
    """Keep the draft with its findings and the clerk's answers, for the 課長 to see (決裁)."""
    account = OfficialAccount.objects.select_related("platform").get(pk=account_id)
    if not can_screen(actor, account):
        raise PermissionDenied("このアカウントの投稿前チェックは記録できません。")
    # Findings are advice: the record is kept either way, with the answer to the consent question.
    findings = screen_draft(account=account, text=text)
    return ScreenedDraft.objects.create(
        account=account,
        author=actor,
        text=text,
        findings=[f.as_dict() for f in findings],
        consent_confirmed=consent_confirmed,
        kept_note=note.strip()[:300],
    )
