"""Year-end reviews (G-4-5-ア) and the suspension procedure (G-4-5-イ/ウ/エ)."""

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import services as accounts
from accounts.models import AccountStatus, FollowerSnapshot, OfficialAccount
from accounts.services import impact_of
from core.audit import audit_edit, audit_record, changed_fields, snapshot, transition
from core.dates import current_fiscal_year, fiscal_year_label, fiscal_year_range, to_wareki
from core.errors import TransitionError
from core.models import AuditEvent

from .models import ReviewDecision, SuspensionPlan, YearEndReview
from .permissions import (
    can_sign_review,
    ensure_can_edit_review,
    ensure_can_plan_suspension,
    ensure_can_publish_suspension,
    ensure_can_start_review,
)

REVIEW_FIELDS = YearEndReview.EDITABLE_FIELDS
REQUIRED_FOR_SIGN_OFF = [f for f in REVIEW_FIELDS if f not in ("engagement", "consolidate_into")]


def _label(name: str) -> str:
    return settings.CITY.words(YearEndReview._meta.get_field(name).verbose_name)


def followers_at(account: OfficialAccount, fiscal_year: int) -> tuple[int | None, int | None]:
    """Return the follower counts recorded nearest the start and the end of the 年度."""
    start, end = fiscal_year_range(fiscal_year)
    snapshots = FollowerSnapshot.objects.filter(account=account)
    first = snapshots.filter(recorded_on__lte=start).order_by("-recorded_on").first()
    first = first or snapshots.filter(recorded_on__range=(start, end)).order_by("recorded_on").first()
    last = snapshots.filter(recorded_on__lte=end).order_by("-recorded_on").first()
    return (first.count if first else None), (last.count if last else None)


@transaction.atomic
def review_start(*, account_id: int, actor, fiscal_year: int) -> YearEndReview:
    """Open the 年度's review of an account, with the follower figures the app already has."""
    account = OfficialAccount.objects.select_for_update().get(pk=account_id)
    ensure_can_start_review(actor, account)
    current = current_fiscal_year()
    if fiscal_year > current or fiscal_year < 2010:
        raise TransitionError("効果測定は今年度までの年度について作成できます。")
    existing = YearEndReview.objects.filter(account=account, fiscal_year=fiscal_year).first()
    if existing:
        return existing
    if account.status != AccountStatus.ACTIVE:
        raise TransitionError("効果測定の対象は運用中のアカウントです。")
    registered_on = timezone.localtime(account.created_at).date()
    if registered_on > fiscal_year_range(fiscal_year)[1]:
        # The 年度's targets are the accounts registered by its end (selectors.review_targets): a
        # review outside them would make the report's counts disagree with its list.
        raise TransitionError(
            f"このアカウントは{to_wareki(registered_on)}に登録されたため、"
            f"{fiscal_year_label(fiscal_year)}の効果測定は作成できません。"
        )
    start, end = followers_at(account, fiscal_year)
    review = YearEndReview.objects.create(
        account=account, fiscal_year=fiscal_year, drafted_by=actor, followers_start=start, followers_end=end
    )
    audit_record(
        target=account,
        actor=actor,
        action=AuditEvent.Action.REVIEW_CREATED,
        summary=f"{fiscal_year_label(fiscal_year)}の効果測定を作成",
    )
    return review


def _check_draft(actor, review: YearEndReview) -> None:
    ensure_can_edit_review(actor, review)
    if review.status == YearEndReview.Status.SIGNED:
        raise TransitionError("課長が確認した効果測定は変更できません。")


@transaction.atomic
def review_update(*, review_id: int, actor, fields: dict[str, Any]) -> YearEndReview:
    review = YearEndReview.objects.select_for_update().select_related("account").get(pk=review_id)
    _check_draft(actor, review)
    unknown = set(fields) - set(REVIEW_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = snapshot(review, fields)
    for name, value in fields.items():
        setattr(review, name, value)
    changes = changed_fields(review, before)
    if changes:
        review.save()
        audit_edit(target=review, actor=actor, changes=changes, what="効果測定を編集")
    return review


def review_missing(review: YearEndReview) -> dict[str, str]:
    missing = {
        name: f"課長の確認には「{_label(name)}」が必要です。"
        for name in REQUIRED_FOR_SIGN_OFF
        if getattr(review, name) in (None, "")
    }
    if review.decision == ReviewDecision.CONSIDER_SUSPENSION and review.consolidate_into_id is None:
        missing["consolidate_into"] = (
            f"停止検討では、集約先の市広報アカウントを選んでください（{settings.CITY.clause('G-4-5-ア')}）。"
        )
    return missing


class ReviewIncomplete(TransitionError):
    def __init__(self, missing: dict[str, str]):
        self.missing = missing
        super().__init__("確認に必要な項目が入力されていません：" + "、".join(_label(n) for n in missing))


@transaction.atomic
def review_sign_off(*, review_id: int, actor) -> YearEndReview:
    """The 課長 signs the review off; from then on it is fixed."""
    review = YearEndReview.objects.select_for_update(of=("self",)).select_related("account").get(pk=review_id)
    if not can_sign_review(actor, review):
        raise PermissionDenied("効果測定を確認できるのは所管課の課長です。")
    if review.status == YearEndReview.Status.SIGNED:
        raise TransitionError("この効果測定は既に課長が確認しています。")
    missing = review_missing(review)
    if missing:
        raise ReviewIncomplete(missing)
    review.signed_by, review.signed_at = actor, timezone.now()
    transition(
        review,
        to=YearEndReview.Status.SIGNED,
        actor=actor,
        label=f"課長の確認（結論：{review.get_decision_display()}）",
        update_fields=["signed_by", "signed_at"],
    )
    return review


# --- the suspension procedure ------------------------------------------------------------------


def notice_text_for(account: OfficialAccount, redirect_to: OfficialAccount, ends_on: date) -> str:
    """G-4-5-ウ: the advance notice that leads followers to the city's PR account."""
    return (
        f"【お知らせ】{account.display_name}は、{to_wareki(ends_on)}をもって運用を停止します。"
        f"今後の情報は「{redirect_to.label}」（{redirect_to.profile_url}）でお届けします。"
        "これまでご覧いただき、ありがとうございました。"
    )


@transaction.atomic
def suspension_plan_create(
    *,
    review_id: int,
    actor,
    reason: str,
    notice_starts_on: date,
    notice_ends_on: date | None = None,
    notice_text: str = "",
    short_notice_reason: str = "",
) -> SuspensionPlan:
    """Turn a signed 停止検討 review into a suspension plan, in one step."""
    review = YearEndReview.objects.select_for_update(of=("self",)).select_related("account").get(pk=review_id)
    account = review.account
    ensure_can_plan_suspension(actor, account)
    if review.status != YearEndReview.Status.SIGNED or review.decision != ReviewDecision.CONSIDER_SUSPENSION:
        raise TransitionError("課長が確認した「停止検討」の効果測定から計画を作成してください。")
    if not reason.strip():
        raise TransitionError(
            settings.CITY.words("停止の理由を入力してください（市ホームページに掲載されます：P-8）。"), field="reason"
        )
    followers = review.followers_end or 0
    impact, days = impact_of(followers)
    ends = notice_ends_on or date.fromordinal(notice_starts_on.toordinal() + days)
    if ends < notice_starts_on:
        raise TransitionError("事前周知の終了日は開始日以降の日付にしてください。", field="notice_ends_on")
    accounts.check_notice_length(
        starts=notice_starts_on, ends=ends, minimum_days=days, short_reason=short_notice_reason
    )
    short = (ends - notice_starts_on).days < days
    redirect_to = review.consolidate_into
    try:
        with transaction.atomic():
            plan = SuspensionPlan.objects.create(
                account=account,
                review=review,
                followers=followers,
                impact=impact,
                reason=reason.strip(),
                notice_starts_on=notice_starts_on,
                notice_ends_on=ends,
                notice_text=notice_text.strip() or notice_text_for(account, redirect_to, ends),
                notice_short_reason=short_notice_reason.strip() if short else "",
                redirect_to=redirect_to,
                created_by=actor,
            )
    except IntegrityError as exc:
        raise TransitionError("この効果測定からは既に計画を作成しています。") from exc
    audit_record(
        target=account,
        actor=actor,
        action=AuditEvent.Action.SUSPENSION_PLANNED,
        summary=f"運用停止の計画を作成（影響度：{impact}、{followers:,}人）",
    )
    return plan


def suspension_plan_publish(*, plan_id: int, actor, comment: str = "") -> OfficialAccount:
    """Publish the notice: 運用中 → 停止予告中 with the plan's reason, period and redirect (P-8)."""
    plan = SuspensionPlan.objects.select_related("account").get(pk=plan_id)
    ensure_can_publish_suspension(actor, plan.account)
    return accounts.account_announce_suspension(
        short_notice_reason=plan.notice_short_reason,
        minimum_days=impact_of(plan.followers)[1],
        account_id=plan.account_id,
        actor=actor,
        reason=plan.reason,
        notice_starts_on=plan.notice_starts_on,
        notice_ends_on=plan.notice_ends_on,
        successor_id=plan.redirect_to_id,
        comment=comment or f"周知文：{plan.notice_text}",
    )
