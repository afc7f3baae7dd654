"""Year-end effectiveness reviews (G-4-5-ア) and suspension plans (G-4-5-イ/ウ).

Both moved here from monitoring in issue 21 and keep their tables (monitoring_yearendreview,
monitoring_suspensionplan): a city upgrades in place (migrations reviews 0001–0002, monitoring 0011).
"""

from django.conf import settings
from django.db import models

from accounts.models import ReuseQuestions
from core.models import UndeletableModel
from core.protect import fixed, fixed_when, keep_forever


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", "継続"
    CONSIDER_SUSPENSION = "consider_suspension", "停止検討"


class Assessment(models.TextChoices):
    ASSURED = "assured", "担保できている"
    NOT_ASSURED = "not_assured", "担保できていない"


class YearEndReview(ReuseQuestions, UndeletableModel):
    """One review per 運用中 account per 年度 (G-4-5-ア): (ア)〜(ウ) as they stand now, 効果 and 独自性.

    Drafted by staff, signed off by the 課長.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "作成中"
        SIGNED = "signed", "課長確認済"

    # What the 課 fills in; the rest is set by the services (status, sign-off, who).
    EDITABLE_FIELDS = (
        "followers_start",
        "followers_end",
        "posts",
        "engagement",
        *ReuseQuestions.QUESTION_FIELDS,
        "effect",
        "effect_reason",
        "uniqueness",
        "uniqueness_reason",
        "decision",
        "consolidate_into",
    )

    account = models.ForeignKey(
        "accounts.OfficialAccount", verbose_name="アカウント", on_delete=models.PROTECT, related_name="reviews"
    )
    fiscal_year = models.PositiveIntegerField("年度")
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.DRAFT)

    followers_start = models.PositiveIntegerField("年度初めのフォロワー数", null=True, blank=True)
    followers_end = models.PositiveIntegerField("年度末のフォロワー数", null=True, blank=True)
    posts = models.PositiveIntegerField("年度内の投稿数", null=True, blank=True)
    engagement = models.CharField("反応（いいね・共有など、分かれば）", max_length=200, blank=True)

    effect = models.CharField("運用の効果", max_length=20, choices=Assessment.choices, blank=True)
    effect_reason = models.TextField("効果の判断の理由", blank=True)
    uniqueness = models.CharField("独自性", max_length=20, choices=Assessment.choices, blank=True)
    uniqueness_reason = models.TextField("独自性の判断の理由", blank=True)
    decision = models.CharField("結論", max_length=30, choices=ReviewDecision.choices, blank=True)
    consolidate_into = models.ForeignKey(
        "accounts.OfficialAccount",
        verbose_name="集約先の市広報アカウント",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="作成者", on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="確認した課長",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_at = models.DateTimeField("確認日時", null=True, blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        db_table = "monitoring_yearendreview"
        verbose_name = "年度末の効果測定"
        verbose_name_plural = "年度末の効果測定"
        ordering = ["-fiscal_year", "account"]
        constraints = [models.UniqueConstraint(fields=["account", "fiscal_year"], name="one_review_per_year")]
        indexes = [models.Index(fields=["fiscal_year", "status"])]
        triggers = [keep_forever(), fixed_when("OLD.status = 'signed'")]

    def __str__(self):
        return f"{self.account} {self.fiscal_year}年度"


class SuspensionPlan(UndeletableModel):
    """The plan to stop an account (G-4-5-イ/ウ): impact, notice period, notice text, where to go."""

    account = models.ForeignKey(
        "accounts.OfficialAccount", verbose_name="アカウント", on_delete=models.PROTECT, related_name="suspension_plans"
    )
    review = models.OneToOneField(
        YearEndReview,
        verbose_name="もとの効果測定",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan",
    )
    followers = models.PositiveIntegerField("フォロワー数")
    impact = models.CharField("影響度", max_length=10)
    reason = models.TextField("停止の理由（公開）")
    notice_starts_on = models.DateField("事前周知の開始日")
    notice_ends_on = models.DateField("事前周知の終了日")
    notice_text = models.TextField("周知文")
    notice_short_reason = models.TextField("目安より短い事前周知の理由", blank=True)
    redirect_to = models.ForeignKey(
        "accounts.OfficialAccount", verbose_name="誘導先", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        db_table = "monitoring_suspensionplan"
        verbose_name = "運用停止の計画"
        verbose_name_plural = "運用停止の計画"
        ordering = ["-created_at"]
        triggers = [keep_forever(), fixed()]

    def __str__(self):
        return f"{self.account} の運用停止計画"
