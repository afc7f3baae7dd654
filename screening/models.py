from django.conf import settings
from django.db import models

from core.models import UndeletableModel
from core.protect import fixed, keep_forever


class DictionaryTerm(UndeletableModel):
    """A word the sysadmin wants flagged (G-4-4-ア/ウ); categories follow the guideline's list."""

    class Category(models.TextChoices):
        DISCRIMINATION = "discrimination", "差別"
        ILLEGAL = "illegal", "違法"
        RUMOUR = "rumour", "噂"
        OBSCENE = "obscene", "わいせつ"
        UNANNOUNCED = "unannounced", "未発表・検討中"

    CLAUSES = {
        "discrimination": "G-4-4-ウ",
        "illegal": "G-4-4-ウ",
        "rumour": "G-4-4-ウ",
        "obscene": "G-4-4-ウ",
        "unannounced": "G-4-4-ア",
    }

    term = models.CharField("語", max_length=50)
    category = models.CharField("分類", max_length=20, choices=Category.choices)
    note = models.CharField("説明", max_length=200, blank=True)
    is_active = models.BooleanField("使用中", default=True)

    class Meta:
        verbose_name = "チェック用の語"
        verbose_name_plural = "チェック用の語"
        ordering = ["category", "term"]
        constraints = [models.UniqueConstraint(fields=["term", "category"], name="dictionary_term_unique")]
        triggers = [keep_forever()]

    def __str__(self):
        return f"{self.term}（{self.get_category_display()}）"


class ScreenedDraft(UndeletableModel):
    """A draft post and what the check found, kept with the clerk's answers (SPEC §6)."""

    account = models.ForeignKey(
        "accounts.OfficialAccount", verbose_name="アカウント", on_delete=models.PROTECT, related_name="screened_drafts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="作成者", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("下書き")
    findings = models.JSONField("指摘", default=list)
    consent_confirmed = models.BooleanField("写っている人・名前の出る人の了解", default=False)
    kept_note = models.CharField("指摘への対応", max_length=300, blank=True)
    created_at = models.DateTimeField("確認日時", auto_now_add=True)

    class Meta:
        verbose_name = "投稿前チェックの記録"
        verbose_name_plural = "投稿前チェックの記録"
        ordering = ["-created_at"]
        triggers = [keep_forever(), fixed()]

    def __str__(self):
        return self.text[:30]

    @property
    def needs_consent(self) -> bool:
        """G-4-3-エ: the draft names or shows a person."""
        return any(f.get("code") == "consent" for f in self.findings)
