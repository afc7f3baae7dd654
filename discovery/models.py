"""Lookalike discovery (issue 23): what the searches and the residents found, and how it was judged.

A Candidate is one account on a platform (by its permanent ID where the platform gives one, else its
handle) that a search scored as imitating an official account, or that a resident reported. The
security officer and the 広報 office judge it: なりすまし (an incident, the public warning list,
its profile kept as evidence), 無関係, or 他団体の公式. Nothing here is ever deleted; a profile
kept as evidence is fixed as it was read.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import OfficialAccount, Platform, ResidentReport
from core.models import UndeletableModel
from core.protect import fixed, keep_forever


class Candidate(UndeletableModel):
    class State(models.TextChoices):
        NEW = "new", "未判断"
        IMPERSONATION = "impersonation", "なりすまし"
        UNRELATED = "unrelated", "無関係"
        OTHER_BODY = "other_body", "他団体の公式"

    class Source(models.TextChoices):
        SEARCH = "search", "検索で発見"
        REPORT = "report", "住民からの通報"

    platform = models.ForeignKey(Platform, verbose_name="SNS", on_delete=models.PROTECT, related_name="+")
    # The platform's permanent ID where known, else the handle as compared (NFKC, lower-case): one
    # candidate per account on the platform, whatever it renames itself to.
    identity = models.CharField("識別子", max_length=300)
    handle = models.CharField("ユーザー名", max_length=300)
    display_name = models.CharField("表示名", max_length=200, blank=True)
    description = models.TextField("プロフィール文", blank=True)
    profile_url = models.URLField("プロフィールURL", max_length=2000, blank=True)
    platform_account_id = models.CharField("SNS上の固有ID", max_length=100, blank=True)
    avatar_url = models.URLField("アイコン画像のURL", max_length=2000, blank=True)
    avatar_hash = models.BigIntegerField("アイコン画像の知覚ハッシュ", null=True, blank=True)
    created_on_platform = models.DateTimeField("SNS上の作成日時", null=True, blank=True)

    score = models.PositiveSmallIntegerField("類似度", default=0)
    reasons = models.JSONField("理由", default=list, blank=True)  # [{"code": …, "words": …}]
    imitates = models.ForeignKey(
        OfficialAccount,
        verbose_name="似ている公式アカウント",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lookalike_candidates",
    )
    source = models.CharField("発見の経緯", max_length=10, choices=Source.choices)
    reports = models.ManyToManyField(ResidentReport, verbose_name="住民からの通報", blank=True, related_name="+")
    first_seen_at = models.DateTimeField("最初に見つけた日時", default=timezone.now)
    last_seen_at = models.DateTimeField("最後に見つけた日時", default=timezone.now)

    state = models.CharField("判断", max_length=15, choices=State.choices, default=State.NEW)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="判断した人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    judged_at = models.DateTimeField("判断日時", null=True, blank=True)
    judgement_note = models.TextField("判断の理由・メモ", blank=True)
    # The name and handle it had when judged: a judged account is never a candidate again unless it
    # changes them (issue 23).
    judged_handle = models.CharField("判断時のユーザー名", max_length=300, blank=True)
    judged_display_name = models.CharField("判断時の表示名", max_length=200, blank=True)
    incident = models.ForeignKey(
        "monitoring.Incident",
        verbose_name="インシデント",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    warning = models.ForeignKey(
        "accounts.Impersonation",
        verbose_name="警告の一覧",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidates",
    )

    class Meta:
        verbose_name = "なりすまし候補"
        verbose_name_plural = "なりすまし候補"
        ordering = ["-score", "-last_seen_at"]
        constraints = [models.UniqueConstraint(fields=["platform", "identity"], name="discovery_candidate_unique")]
        indexes = [models.Index(fields=["state", "-score"], name="discovery_candidate_queue")]
        triggers = [keep_forever()]

    def __str__(self):
        return f"{self.platform.name} @{self.handle}"


class ProfileCapture(UndeletableModel):
    """A judged impersonator's profile (and its recent posts, where the platform shows them without the
    city's token) as the platform answered, kept as the incident's evidence (G-4-3-カ): bytes and
    SHA-256, or why it could not be read."""

    candidate = models.ForeignKey(Candidate, verbose_name="候補", on_delete=models.PROTECT, related_name="captures")
    incident = models.ForeignKey(
        "monitoring.Incident",
        verbose_name="インシデント",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    captured_at = models.DateTimeField("取得日時", default=timezone.now)
    what = models.CharField("内容", max_length=20)  # プロフィール / 投稿
    url = models.CharField("取得したURL", max_length=2000, blank=True)
    status = models.PositiveSmallIntegerField("HTTPステータス", null=True, blank=True)
    content_type = models.CharField("形式", max_length=200, blank=True)
    body = models.BinaryField("応答")
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    summary = models.JSONField("読み取った内容", default=dict, blank=True)
    problem = models.CharField("取得できなかった理由", max_length=500, blank=True)

    class Meta:
        verbose_name = "なりすましのプロフィールの保存"
        verbose_name_plural = "なりすましのプロフィールの保存"
        ordering = ["captured_at", "pk"]
        triggers = [keep_forever(), fixed()]

    @property
    def size(self) -> int:
        return len(self.body or b"")


class SearchRun(UndeletableModel):
    """One pass of the search on one platform: what was asked and found, or why it could not search."""

    platform = models.ForeignKey(Platform, verbose_name="SNS", on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField("開始", default=timezone.now)
    finished_at = models.DateTimeField("終了", null=True, blank=True)
    queries = models.PositiveIntegerField("検索した語", default=0)
    results = models.PositiveIntegerField("検索結果", default=0)
    new_candidates = models.PositiveIntegerField("新しい候補", default=0)
    problem = models.TextField("問題", blank=True)

    class Meta:
        verbose_name = "なりすましの検索"
        verbose_name_plural = "なりすましの検索"
        ordering = ["-started_at", "-pk"]
        triggers = [keep_forever()]


class OfficialAvatar(UndeletableModel):
    """The perceptual hash of an official account's profile picture, as a search last showed it: a
    lookalike that reuses the picture is found by it (issue 23). Refreshed when the picture changes."""

    account = models.OneToOneField(
        OfficialAccount, verbose_name="公式アカウント", on_delete=models.PROTECT, related_name="+"
    )
    avatar_url = models.URLField("アイコン画像のURL", max_length=2000)
    avatar_hash = models.BigIntegerField("アイコン画像の知覚ハッシュ")
    read_at = models.DateTimeField("読み取った日時")

    class Meta:
        verbose_name = "公式アカウントのアイコン画像"
        verbose_name_plural = "公式アカウントのアイコン画像"
        triggers = [keep_forever()]  # refreshed when the picture changes, never deleted

    def __str__(self):
        return f"{self.account} {self.avatar_hash:x}"
