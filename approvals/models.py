"""New-account requests: the 電子計算組織処理計画書 (第４号様式) and the committee's decision (G-4-2)."""

import re

from django.conf import settings
from django.db import models

from accounts.models import Field, PolicyChoices, ReuseQuestions, Tone, validate_city_email
from core.models import UndeletableModel
from core.protect import fixed, fixed_when, keep_forever


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "下書き"
    SUBMITTED = "submitted", "提出済"
    IN_REVIEW = "in_review", "審査中"
    APPROVED = "approved", "承認"
    REJECTED = "rejected", "否認"


class AccountRequest(ReuseQuestions, PolicyChoices, UndeletableModel):
    """A 課's request to open a new official account. Kept forever with its history."""

    department = models.ForeignKey(
        "org.Department", verbose_name="所管課", on_delete=models.PROTECT, related_name="account_requests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="作成者", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状態", max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT)
    # 令和8年度-001: given at the first submission, kept through 差戻し and resubmission.
    fiscal_year = models.PositiveIntegerField("年度", null=True, blank=True)
    sequence = models.PositiveIntegerField("年度内の番号", null=True, blank=True)
    round = models.PositiveIntegerField("提出回数", default=0)
    returned = models.BooleanField("差戻し", default=False)
    # A clerk hands a finished draft to the 課長, who submits (G-4-2-イ: 課の長が提出).
    submission_requested_at = models.DateTimeField("課長への提出依頼", null=True, blank=True)
    submission_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提出を依頼した職員",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # The account asked for.
    platform = models.ForeignKey(
        "accounts.Platform", verbose_name="SNS", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    field = models.CharField("分野", max_length=20, choices=Field.choices, blank=True)
    desired_handle = models.CharField("希望するユーザー名", max_length=100, blank=True)
    display_name = models.CharField("表示名", max_length=100, blank=True)

    # 電子計算組織処理計画書（第４号様式）.
    title = models.CharField("件名", max_length=200, blank=True)
    purpose = models.TextField("目的", blank=True)
    audience = models.TextField("対象者", blank=True)
    content = models.TextField("発信内容", blank=True)
    frequency = models.CharField("想定投稿頻度", max_length=100, blank=True)
    start_on = models.DateField("開始予定日", null=True, blank=True)
    cost = models.CharField("経費", max_length=200, blank=True)
    personal_data = models.TextField("個人情報の取扱い", blank=True)
    security = models.TextField("セキュリティ対策", blank=True)
    linked_apps = models.TextField("連携アプリの利用", blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="管理者",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # The draft 運用ポリシー (G-4-2-イ): PolicyChoices, which a draft may leave blank until submission.
    tone = models.CharField("表現の硬軟", max_length=20, choices=Tone.choices, blank=True)
    registered_email = models.EmailField("登録メールアドレス", blank=True, validators=[validate_city_email])

    # The decision (G-4-2-ウ).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="決定者",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("決定日時", null=True, blank=True)
    decision_reason = models.TextField("決定の理由", blank=True)
    chair_exception = models.BooleanField("委員長特認", default=False)
    account = models.OneToOneField(
        "accounts.OfficialAccount",
        verbose_name="開設したアカウント",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="request",
    )

    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    submitted_at = models.DateTimeField("提出日時", null=True, blank=True)

    # What the 課 writes, in the 第４号様式's order — the form, the request's page and its PDF.
    # Legends name a clause by its ID and the form by its key; sections() words them as the city does.
    SECTIONS = (
        ("申請するアカウント", ("field", "platform", "desired_handle", "display_name")),
        ("既存アカウントの活用の検討（G-4-2-ア）", ReuseQuestions.QUESTION_FIELDS),
        (
            "form",
            (
                "title",
                "purpose",
                "audience",
                "content",
                "frequency",
                "start_on",
                "cost",
                "personal_data",
                "security",
                "linked_apps",
                "manager",
            ),
        ),
        ("運用ポリシー案（G-4-2-イ）", PolicyChoices.POLICY_FIELDS),
    )
    EDITABLE_FIELDS = tuple(name for _, names in SECTIONS for name in names)
    FORM_SECTION = 2  # the form's own fields, printed under its title

    @classmethod
    def sections(cls) -> tuple:
        """SECTIONS with the form and the clauses as the city profile names them (issue 15)."""
        city = settings.CITY
        form = f"{city.form_name}（{city.form_number}）"
        return tuple(
            (
                form
                if legend == "form"
                else city.named(re.sub(r"G-[0-9]-[0-9]-[^）]+", lambda m: city.clause(m[0]), legend)),
                names,
            )
            for legend, names in cls.SECTIONS
        )

    class Meta:
        verbose_name = "新規アカウントの申請"
        verbose_name_plural = "新規アカウントの申請"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "sequence"], name="request_number_unique"),
        ]
        triggers = [keep_forever(), fixed_when("OLD.status IN ('approved', 'rejected')")]

    def __str__(self):
        return f"{self.reference or '（未提出）'} {self.title or '（件名未入力）'}"

    def get_field_display(self) -> str:
        """分野 in the city's words (accounts.models.field_choices), not the model's fixed labels."""
        return settings.CITY.field_label(self.field) if self.field else ""

    @property
    def reference(self) -> str:
        """The reference number: 令和8年度-001."""
        if self.fiscal_year is None:
            return ""
        from core.dates import fiscal_year_label

        return f"{fiscal_year_label(self.fiscal_year)}-{self.sequence:03d}"

    @property
    def reuse_points_to_existing(self) -> bool:
        """G-4-2-ア: (ア) fits an existing account, (イ) is light enough for one, or (ウ) would not crowd one."""
        return self.reuse_fits == "yes" or self.reuse_too_light == "yes" or self.reuse_crowds == "no"

    @property
    def status_label(self) -> str:
        if self.status == RequestStatus.DRAFT and self.returned:
            return "下書き（差戻し）"
        return self.get_status_display()


class RequestCounter(UndeletableModel):
    """The last reference number given in a 年度; its row is locked while numbering."""

    fiscal_year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        triggers = [keep_forever()]

    def __str__(self):
        return f"{self.fiscal_year}: {self.last}"


class Vote(UndeletableModel):
    class Choice(models.TextChoices):
        FOR = "for", "賛成"
        AGAINST = "against", "反対"
        ABSTAIN = "hold", "保留"

    request = models.ForeignKey(AccountRequest, on_delete=models.PROTECT, related_name="votes")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="委員", on_delete=models.PROTECT, related_name="+"
    )
    round = models.PositiveIntegerField("提出回数")
    choice = models.CharField("賛否", max_length=10, choices=Choice.choices)
    comment = models.TextField("意見", blank=True)
    at = models.DateTimeField("日時", auto_now_add=True)

    class Meta:
        verbose_name = "委員の賛否"
        verbose_name_plural = "委員の賛否"
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "member", "round"], name="one_vote_per_member_and_round")
        ]
        triggers = [keep_forever(), fixed()]

    def __str__(self):
        return f"{self.member} {self.get_choice_display()}"


class RequestComment(UndeletableModel):
    request = models.ForeignKey(AccountRequest, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="記入者", on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField("コメント")
    at = models.DateTimeField("日時", auto_now_add=True)

    class Meta:
        verbose_name = "審査のコメント"
        verbose_name_plural = "審査のコメント"
        ordering = ["at"]
        triggers = [keep_forever(), fixed()]

    def __str__(self):
        return self.body[:30]
