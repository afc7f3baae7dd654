import pgtrigger
from django.conf import settings
from django.db import models

from core.errors import DeletionForbidden
from core.models import UndeletableModel
from core.protect import fixed, fixed_when, keep_forever


class PolicyTemplate(UndeletableModel):
    """The 運用ポリシー template of a platform (P-1〜P-10); the default one is the 見本 itself."""

    platform = models.OneToOneField(
        "accounts.Platform",
        verbose_name="SNS",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="policy_template",
        help_text="空欄のテンプレートは、専用のテンプレートがないSNSに使う既定（見本）です。",
    )
    name = models.CharField("名称", max_length=100)
    title = models.CharField("表題", max_length=200, default="{名称}アカウント運用ポリシー")
    service_description = models.TextField(
        "サービスの説明（第２条第１号）",
        help_text="{運営会社} などの差込項目が使えます。",
    )
    revision = models.PositiveIntegerField("版", default=1, editable=False)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "運用ポリシーのテンプレート"
        verbose_name_plural = "運用ポリシーのテンプレート"
        ordering = ["platform__sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(platform__isnull=True), name="one_default_template_name"
            )
        ]
        triggers = [keep_forever()]

    def __str__(self):
        return f"{self.name}（第{self.revision}版）"


class TemplateArticle(models.Model):
    """One article of a template: heading and body in the plain-text form of policies.text."""

    template = models.ForeignKey(PolicyTemplate, on_delete=models.CASCADE, related_name="articles")
    number = models.PositiveSmallIntegerField("条")
    heading = models.CharField("見出し", max_length=50)
    body = models.TextField("本文", help_text="号は「・」で始まる行、項は空行で区切ります。差込項目：{課名} など")

    class Meta:
        verbose_name = "条"
        verbose_name_plural = "条"
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="article_number_unique")]

    def __str__(self):
        return f"第{self.number}条（{self.heading}）"


class TemplateRevision(UndeletableModel):
    """A snapshot of a template's articles each time it is saved: the template's version history."""

    template = models.ForeignKey(PolicyTemplate, on_delete=models.PROTECT, related_name="revisions")
    revision = models.PositiveIntegerField("版")
    title = models.CharField("表題", max_length=200)
    service_description = models.TextField("サービスの説明")
    articles = models.JSONField("条文")
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    saved_at = models.DateTimeField("保存日時", auto_now_add=True)

    class Meta:
        verbose_name = "テンプレートの版"
        verbose_name_plural = "テンプレートの版"
        ordering = ["template", "-revision"]
        constraints = [models.UniqueConstraint(fields=["template", "revision"], name="template_revision_unique")]
        triggers = [keep_forever(), fixed()]

    def __str__(self):
        return f"{self.template.name} 第{self.revision}版"


class PolicyDraft(UndeletableModel):
    """The policy a 課 is preparing for an account: filled from the template, then edited freely."""

    account = models.OneToOneField(
        "accounts.OfficialAccount", on_delete=models.PROTECT, related_name="policy_draft", verbose_name="アカウント"
    )
    title = models.CharField("表題", max_length=200)
    articles = models.JSONField("条文", default=list)  # [{"number", "heading", "body"}]
    template = models.ForeignKey(PolicyTemplate, on_delete=models.PROTECT, related_name="+")
    template_revision = models.PositiveIntegerField("テンプレートの版")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "運用ポリシー案"
        verbose_name_plural = "運用ポリシー案"
        triggers = [keep_forever()]

    def __str__(self):
        return f"{self.title}（案）"


# An issued policy's text never changes; its PDF and its comparison are attached once each (SPEC §3).
POLICY_VERSION_TRIGGERS = [
    keep_forever(),
    fixed_when(pgtrigger.AnyChange(exclude=["pdf", "pdf_sha256", "comparison"]), name="text_is_fixed"),
    fixed_when(
        "OLD.pdf <> '' AND (OLD.pdf IS DISTINCT FROM NEW.pdf OR OLD.pdf_sha256 IS DISTINCT FROM NEW.pdf_sha256)",
        name="pdf_once",
    ),
    fixed_when("OLD.comparison IS NOT NULL AND OLD.comparison IS DISTINCT FROM NEW.comparison", name="comparison_once"),
]


class PolicyVersion(UndeletableModel):
    """An issued 運用ポリシー (制定 or 改正). Its text never changes; its PDF is rendered once."""

    class Kind(models.TextChoices):
        ENACT = "enact", "制定"
        AMEND = "amend", "改正"

    account = models.ForeignKey(
        "accounts.OfficialAccount", on_delete=models.PROTECT, related_name="policy_versions", verbose_name="アカウント"
    )
    number = models.PositiveIntegerField("版")
    kind = models.CharField("区分", max_length=10, choices=Kind.choices)
    title = models.CharField("表題", max_length=200)
    articles = models.JSONField("条文")  # [{"number", "heading", "paragraphs": [{"text", "items"}]}]
    issued_on = models.DateField("制定日・改正日")
    history = models.JSONField("制定・改正の経過", default=list)  # [["enact", "2026-04-01"], ["amend", …]]
    template_revision = models.CharField("テンプレート", max_length=120)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField("改正の理由など", blank=True)
    # The comparison with the previous version (policies.diff), computed once when issued.
    comparison = models.JSONField("前の版との比較", null=True, blank=True, editable=False)
    pdf = models.FileField("PDF", upload_to="policies/", blank=True)
    pdf_sha256 = models.CharField("PDFのSHA-256", max_length=64, blank=True)
    created_at = models.DateTimeField("発行日時", auto_now_add=True)

    # A restore refuses a backup whose PDF is not the one issued (core.backup).
    FILE_SHA256 = {"pdf": "pdf_sha256"}

    class Meta:
        verbose_name = "運用ポリシー（発行済み）"
        verbose_name_plural = "運用ポリシー（発行済み）"
        ordering = ["account", "-number"]
        constraints = [models.UniqueConstraint(fields=["account", "number"], name="policy_version_unique")]
        triggers = POLICY_VERSION_TRIGGERS

    def __str__(self):
        return f"{self.title} 第{self.number}版（{self.get_kind_display()}）"

    def save(self, *args, **kwargs):
        # An issued version is fixed: only the one-time attachment of its PDF may follow creation.
        if self.pk is not None and set(kwargs.get("update_fields") or ()) - {"pdf", "pdf_sha256", "comparison"}:
            raise DeletionForbidden("発行済みの運用ポリシーは変更できません。改正として新しい版を発行してください。")
        if self.pk is not None and not kwargs.get("update_fields"):
            raise DeletionForbidden("発行済みの運用ポリシーは変更できません。改正として新しい版を発行してください。")
        super().save(*args, **kwargs)
