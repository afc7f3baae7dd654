from django.conf import settings
from django.db import models

from core.models import UndeletableModel
from core.protect import fixed, fixed_when, keep_forever


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


# --- 決裁 before posting (issue 25, G-4-3-ア: 決裁の要・不要) ---------------------------------------------


class PostDraft(UndeletableModel):
    """A post to be made, decided before it is posted: to the 課長 (or the deputy the 課長 named) when the
    account's posts need 決裁, or recorded 確認済み by its author when they do not (G-4-3-ア).

    A decided draft stays as it was decided: a 差戻し is answered by a revision (a new draft that names
    the returned one), so the history of what was asked and answered is kept whole. The only change
    after the decision is the URL of the post, pasted once by the author's 課 after posting."""

    class State(models.TextChoices):
        PENDING = "pending", "決裁待ち"
        RETURNED = "returned", "差戻し"
        APPROVED = "approved", "決裁済み"
        CONFIRMED = "confirmed", "確認済み"

    DECIDED = (State.APPROVED, State.CONFIRMED)  # what a post on the platform may be matched to

    account = models.ForeignKey(
        "accounts.OfficialAccount", verbose_name="アカウント", on_delete=models.PROTECT, related_name="post_drafts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起案者", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("投稿の本文")
    planned_at = models.DateTimeField("投稿の予定日時")
    screened = models.ForeignKey(
        ScreenedDraft, verbose_name="投稿前チェックの記録", on_delete=models.PROTECT, related_name="post_drafts"
    )
    state = models.CharField("状態", max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="決裁者",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("決裁日時", null=True, blank=True)
    comment = models.TextField("コメント", blank=True)
    revision_of = models.OneToOneField(
        "self",
        verbose_name="差し戻された下書き",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revision",
    )
    post_url = models.CharField("投稿のURL", max_length=1000, blank=True)
    post_url_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="URLを記録した職員",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("起案日時", auto_now_add=True)

    class Meta:
        verbose_name = "投稿の決裁"
        verbose_name_plural = "投稿の決裁"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["account", "planned_at"], name="post_draft_account_planned")]
        triggers = [
            keep_forever(),
            # What was asked never changes; once decided, the decision neither; the post's URL is set once.
            fixed_when(
                "ROW(NEW.account_id, NEW.author_id, NEW.text, NEW.planned_at, NEW.screened_id, NEW.revision_of_id,"
                " NEW.created_at) IS DISTINCT FROM ROW(OLD.account_id, OLD.author_id, OLD.text, OLD.planned_at,"
                " OLD.screened_id, OLD.revision_of_id, OLD.created_at)"
                " OR (OLD.state <> 'pending' AND ROW(NEW.state, NEW.decided_by_id, NEW.decided_at, NEW.comment)"
                " IS DISTINCT FROM ROW(OLD.state, OLD.decided_by_id, OLD.decided_at, OLD.comment))"
                " OR (OLD.post_url <> '' AND ROW(NEW.post_url, NEW.post_url_by_id)"
                " IS DISTINCT FROM ROW(OLD.post_url, OLD.post_url_by_id))",
                name="post_draft_decided_once",
            ),
        ]

    def __str__(self):
        return self.text[:30]

    @property
    def is_decided(self) -> bool:
        return self.state in self.DECIDED


def draft_image_path(instance, filename):
    return f"drafts/{instance.draft.created_at:%Y/%m}/{instance.sha256}"


class DraftImage(UndeletableModel):
    """An image to be posted with a draft, kept as the 課長 saw it."""

    draft = models.ForeignKey(PostDraft, verbose_name="下書き", on_delete=models.PROTECT, related_name="images")
    file = models.FileField("画像", upload_to=draft_image_path, max_length=300)
    content_type = models.CharField("種類", max_length=50)
    original_name = models.CharField("ファイル名", max_length=200)
    size = models.PositiveIntegerField("大きさ（バイト）")
    sha256 = models.CharField("SHA-256", max_length=64)

    # A restore refuses a backup whose image is not the file uploaded (core.backup).
    FILE_SHA256 = {"file": "sha256"}

    class Meta:
        verbose_name = "下書きの画像"
        verbose_name_plural = "下書きの画像"
        ordering = ["pk"]
        triggers = [keep_forever(), fixed()]

    def __str__(self):
        return self.original_name


class DraftDeputy(UndeletableModel):
    """Who decides an account's drafts besides its 課長 (named by the 課長; G-4-3-ア). Each naming is a
    new row: the latest one of the account is in force (an empty deputy ends the naming)."""

    account = models.ForeignKey(
        "accounts.OfficialAccount", verbose_name="アカウント", on_delete=models.PROTECT, related_name="+"
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代決者",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="指名した課長", on_delete=models.PROTECT, related_name="+"
    )
    named_at = models.DateTimeField("指名日時", auto_now_add=True)

    class Meta:
        verbose_name = "決裁の代決者"
        verbose_name_plural = "決裁の代決者"
        ordering = ["-named_at", "-pk"]
        triggers = [keep_forever(), fixed()]

    def __str__(self):
        return f"{self.account_id}：{self.deputy or '（なし）'}"
