"""The archive of what the city's official accounts posted (issue 22): every post kept as a record.

A post is who said what, where and when; its content lives in its versions (an edit the platform
reports is a new version beside the old), and each captured version points at the platform's answer
exactly as read (`RawAnswer`: the bytes and their SHA-256). Nothing is ever removed by a capture: a
post no longer on the platform is marked 削除を確認 with the time it was first found gone.

The database keeps them (core/protect.py): no row is ever deleted, a version and an answer are fixed
as written, and the only change of their content is the two-person disposal under the retention rules
(公文書管理), which empties the content, keeps the hashes and leaves a `Tombstone`.
"""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.models import UndeletableModel
from core.protect import Refuse, fixed, fixed_when, keep_forever


class Retention(models.TextChoices):
    """How long an account's posts are kept (公文書管理: the 保存期間 of the 行政文書)."""

    YEAR_1 = "1", "1年"
    YEARS_3 = "3", "3年"
    YEARS_5 = "5", "5年"
    YEARS_10 = "10", "10年"
    YEARS_30 = "30", "30年"
    PERMANENT = "permanent", "常用"


def disposed_only(columns: tuple[str, ...], emptied: str) -> Refuse:
    """No UPDATE but the disposal: `disposed_at` set once, the content columns emptied (`emptied`: SQL
    on NEW), every column in `columns` left as it was."""
    same = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in columns)
    allowed = f"OLD.disposed_at IS NULL AND NEW.disposed_at IS NOT NULL AND {emptied} AND {same}"
    return fixed_when(f"NOT ({allowed}) AND OLD.* IS DISTINCT FROM NEW.*", name="disposal_only")


class AccountArchive(UndeletableModel):
    """One account's place in the archive: its retention and where the capture stands."""

    class Outcome(models.TextChoices):
        OK = "ok", "保存済み"
        FAILED = "failed", "確認できず"
        MANUAL = "manual", "手動で記録"

    account = models.OneToOneField(
        "accounts.OfficialAccount", verbose_name="アカウント", on_delete=models.PROTECT, related_name="archive"
    )
    retention = models.CharField("保存期間", max_length=10, choices=Retention.choices)
    # Where the capture stands. The newest post seen ends the next run's reading of what is new; a first
    # capture longer than one run's bound goes on from `backfill_cursor` in the next runs.
    newest_post_id = models.CharField("最新の投稿ID", max_length=300, blank=True)
    backfill_cursor = models.CharField("続きの読み取り位置", max_length=2000, blank=True)
    backfill_done = models.BooleanField("過去の投稿の読み取り完了", default=False)
    last_run_at = models.DateTimeField("最終保存日時", null=True, blank=True)
    last_outcome = models.CharField("最終結果", max_length=10, choices=Outcome.choices, blank=True)
    last_reason = models.CharField("確認できなかった理由", max_length=500, blank=True)
    last_counts = models.JSONField("最終の件数", default=dict, blank=True)

    class Meta:
        verbose_name = "投稿の保存設定"
        verbose_name_plural = "投稿の保存設定"
        triggers = [keep_forever()]  # its retention is the record of what the city decided (公文書管理)

    def __str__(self):
        return f"{self.account}（{self.get_retention_display()}）"


class RawAnswer(UndeletableModel):
    """The platform's answer to one request, exactly as read: what a WARC file hands over."""

    account = models.ForeignKey(
        "accounts.OfficialAccount", verbose_name="アカウント", on_delete=models.PROTECT, related_name="+"
    )
    captured_at = models.DateTimeField("取得日時", default=timezone.now, db_index=True)
    method = models.CharField("要求の種類", max_length=10, default="GET")  # GET, or POST (TikTok's video.list)
    url = models.CharField("要求したURL", max_length=2000)  # our credentials removed
    status = models.PositiveSmallIntegerField("HTTPステータス", default=200)
    content_type = models.CharField("Content-Type", max_length=200, blank=True)
    body = models.BinaryField("応答の本文", blank=True)
    size = models.PositiveIntegerField("大きさ（バイト）", default=0)
    sha256 = models.CharField("SHA-256", max_length=64)
    # The IDs of the posts the answer lists (a page holds many, also ones unchanged since an earlier
    # reading): the disposal of a post finds every answer that holds it, and empties one only when every
    # post it holds is disposed (archive/disposal.py). On PostgreSQL a GIN index serves `?|`.
    post_ids = models.JSONField("含まれる投稿のID", default=list, blank=True)
    disposed_at = models.DateTimeField("廃棄日時", null=True, blank=True)

    class Meta:
        verbose_name = "取得した応答"
        verbose_name_plural = "取得した応答"
        triggers = [
            keep_forever(),
            disposed_only(
                ("account_id", "captured_at", "method", "url", "status", "content_type", "size", "sha256", "post_ids"),
                "NEW.body = ''",
            ),
        ]

    def __str__(self):
        return f"{self.url}（{self.captured_at:%Y-%m-%d %H:%M}）"


class Post(UndeletableModel):
    """One post of an official account, as the platform identifies it (its ID is unique per account)."""

    account = models.ForeignKey(
        "accounts.OfficialAccount", verbose_name="アカウント", on_delete=models.PROTECT, related_name="archived_posts"
    )
    post_id = models.CharField("投稿ID", max_length=300)
    url = models.CharField("投稿のURL", max_length=1000, blank=True)
    published_at = models.DateTimeField("投稿日時", null=True, blank=True, db_index=True)
    first_captured_at = models.DateTimeField("初回保存日時", default=timezone.now)
    by_hand = models.BooleanField("手動で記録", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="記録した職員",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The latest version's text, normalised for search, and its character bigrams (archive/search.py):
    # a two-character word such as 防災 is one bigram (PITFALLS: pg_trgm needs three characters).
    text = models.TextField("本文", blank=True)
    search_text = models.TextField(blank=True, editable=False)
    grams = models.TextField(blank=True, editable=False)
    versions_count = models.PositiveIntegerField("版の数", default=1)
    gone_at = models.DateTimeField("削除を確認した日時", null=True, blank=True)
    keep_until = models.DateField("保存期限", null=True, blank=True)  # set by a 延長 decision; else from retention
    disposed_at = models.DateTimeField("廃棄日時", null=True, blank=True)

    class Meta:
        verbose_name = "保存した投稿"
        verbose_name_plural = "保存した投稿"
        ordering = ["-published_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["account", "post_id"], name="archive_post_unique_per_account")]
        indexes = [models.Index(fields=["account", "-published_at"], name="archive_post_account_time")]
        triggers = [
            keep_forever(),
            # Who posted what and when stays as first captured; 削除を確認 once found stays; a disposed
            # post is final.
            fixed_when(
                "OLD.account_id <> NEW.account_id OR OLD.post_id <> NEW.post_id"
                " OR OLD.first_captured_at <> NEW.first_captured_at OR OLD.by_hand <> NEW.by_hand"
                " OR (OLD.gone_at IS NOT NULL AND NEW.gone_at IS DISTINCT FROM OLD.gone_at)",
                name="post_identity_fixed",
            ),
            fixed_when("OLD.disposed_at IS NOT NULL AND OLD.* IS DISTINCT FROM NEW.*", name="post_disposed_final"),
        ]

    def __str__(self):
        return f"{self.account.display_name}：{self.post_id}"

    @property
    def is_gone(self) -> bool:
        return self.gone_at is not None


def content_sha256(*, text: str, links, media, published: str) -> str:
    """The hash of a version's content: what makes two readings of one post the same version."""
    canonical = json.dumps(
        {"text": text, "links": list(links), "media": list(media), "published": published},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class PostVersion(UndeletableModel):
    """What a post said when captured; an edit the platform reports is the next version."""

    post = models.ForeignKey(Post, verbose_name="投稿", on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版")
    captured_at = models.DateTimeField("取得日時", default=timezone.now)
    published = models.CharField("投稿日時（SNSの表記）", max_length=100, blank=True)
    text = models.TextField("本文", blank=True)
    links = models.JSONField("リンク", default=list, blank=True)
    media_urls = models.JSONField("画像・動画", default=list, blank=True)
    sha256 = models.CharField("内容のSHA-256", max_length=64)
    answer = models.ForeignKey(
        RawAnswer, verbose_name="取得した応答", on_delete=models.PROTECT, null=True, blank=True, related_name="versions"
    )
    disposed_at = models.DateTimeField("廃棄日時", null=True, blank=True)

    class Meta:
        verbose_name = "投稿の版"
        verbose_name_plural = "投稿の版"
        ordering = ["post", "number"]
        constraints = [models.UniqueConstraint(fields=["post", "number"], name="archive_version_unique_number")]
        triggers = [
            keep_forever(),
            disposed_only(
                ("post_id", "number", "captured_at", "sha256", "answer_id"),
                "NEW.text = '' AND NEW.links = '[]'::jsonb AND NEW.media_urls = '[]'::jsonb AND NEW.published = ''",
            ),
        ]

    def __str__(self):
        return f"{self.post} 第{self.number}版"


def media_path(instance, filename):
    return f"archive/{timezone.now():%Y/%m}/{instance.sha256 or 'pending'}"


class MediaFile(UndeletableModel):
    """An image, video or document a post names: the file itself up to ARCHIVE_MEDIA_MAX_BYTES."""

    class State(models.TextChoices):
        PENDING = "pending", "未取得"
        KEPT = "kept", "保存済み"
        TOO_LARGE = "too_large", "上限超過のため保存せず"
        FAILED = "failed", "取得できず"

    version = models.ForeignKey(PostVersion, verbose_name="版", on_delete=models.PROTECT, related_name="media")
    url = models.CharField("URL", max_length=2000, blank=True)
    state = models.CharField("状態", max_length=10, choices=State.choices, default=State.PENDING)
    reason = models.CharField("理由", max_length=300, blank=True)
    content_type = models.CharField("種類", max_length=100, blank=True)
    size = models.PositiveBigIntegerField("大きさ（バイト）", default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    file = models.FileField("ファイル", upload_to=media_path, blank=True, max_length=300)
    fetched_at = models.DateTimeField("取得日時", null=True, blank=True)
    disposed_at = models.DateTimeField("廃棄日時", null=True, blank=True)

    class Meta:
        verbose_name = "投稿の画像・動画"
        verbose_name_plural = "投稿の画像・動画"
        triggers = [
            keep_forever(),
            # Pending → fetched once; then only the disposal empties the file name.
            fixed_when(
                "OLD.state <> 'pending' AND NOT (OLD.disposed_at IS NULL AND NEW.disposed_at IS NOT NULL"
                " AND NEW.file = '' AND NEW.sha256 = OLD.sha256 AND NEW.url = OLD.url)"
                " AND OLD.* IS DISTINCT FROM NEW.*",
                name="media_fixed_once_fetched",
            ),
        ]

    def __str__(self):
        return self.url or self.file.name


class PostEvidence(UndeletableModel):
    """An archived post kept as an incident's evidence (G-4-3-カ: 記録を残した上で削除)."""

    incident = models.ForeignKey(
        "monitoring.Incident", verbose_name="インシデント", on_delete=models.PROTECT, related_name="archived_posts"
    )
    post = models.ForeignKey(Post, verbose_name="投稿", on_delete=models.PROTECT, related_name="evidence")
    version = models.ForeignKey(PostVersion, verbose_name="版", on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="追加した職員",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )  # empty: attached by the capture that found the signal
    added_at = models.DateTimeField("追加日時", default=timezone.now)

    class Meta:
        verbose_name = "証拠とした投稿"
        verbose_name_plural = "証拠とした投稿"
        constraints = [models.UniqueConstraint(fields=["incident", "post"], name="archive_evidence_once")]
        triggers = [keep_forever(), fixed()]


class RetentionDecision(UndeletableModel):
    """延長 or 廃棄 of an account's posts past their period, decided by two people (公文書管理):
    proposed by one of the account's 課長 and the security officer, approved by the other."""

    class Action(models.TextChoices):
        EXTEND = "extend", "延長"
        DISPOSE = "dispose", "廃棄"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "決定待ち"
        DECIDED = "decided", "決定済み"
        RETURNED = "returned", "差戻し"

    account = models.ForeignKey(
        "accounts.OfficialAccount", verbose_name="アカウント", on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.PositiveIntegerField("年度")
    action = models.CharField("決定", max_length=10, choices=Action.choices)
    extend_years = models.PositiveSmallIntegerField("延長する年数", null=True, blank=True)
    reason = models.TextField("理由")
    posts = models.ManyToManyField(Post, verbose_name="対象の投稿", related_name="retention_decisions")
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起案者", on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField("起案日時", default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="決定者",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("決定日時", null=True, blank=True)
    comment = models.TextField("コメント", blank=True)

    class Meta:
        verbose_name = "保存期間の延長・廃棄"
        verbose_name_plural = "保存期間の延長・廃棄"
        ordering = ["-proposed_at"]
        triggers = [keep_forever(), fixed_when("OLD.status <> 'proposed'")]


class Tombstone(UndeletableModel):
    """What is left of a disposed post: its ID, the hashes of what was kept, who, when and why."""

    post = models.OneToOneField(Post, verbose_name="投稿", on_delete=models.PROTECT, related_name="tombstone")
    decision = models.ForeignKey(
        RetentionDecision, verbose_name="決定", on_delete=models.PROTECT, related_name="tombstones"
    )
    platform_post_id = models.CharField("投稿ID", max_length=300)
    url = models.CharField("投稿のURL", max_length=1000, blank=True)
    published_at = models.DateTimeField("投稿日時", null=True, blank=True)
    hashes = models.JSONField("廃棄した内容のSHA-256", default=list)  # versions, answers, media
    disposed_at = models.DateTimeField("廃棄日時", default=timezone.now)

    class Meta:
        verbose_name = "廃棄の記録"
        verbose_name_plural = "廃棄の記録"
        triggers = [keep_forever(), fixed()]


class PostMatch(UndeletableModel):
    """What a post on the platform answers to (issue 25, G-4-3-ア/カ): the decided draft it was matched to
    (by the URL pasted, or by its text within the draft's planned window), or the 管理者's answer to a post
    nobody drafted — confirmed after the fact with a reason, or reported, which opened a 乗っ取り incident.
    A post without a row is 未確認. Made once and kept as made."""

    class How(models.TextChoices):
        URL = "url", "URLで照合"
        TEXT = "text", "本文で照合"
        CONFIRMED = "confirmed", "事後確認"
        REPORTED = "reported", "報告（乗っ取りの疑い）"

    post = models.OneToOneField(Post, verbose_name="投稿", on_delete=models.PROTECT, related_name="match")
    draft = models.ForeignKey(
        "screening.PostDraft",
        verbose_name="決裁",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="matches",
    )
    how = models.CharField("照合の方法", max_length=10, choices=How.choices)
    reason = models.TextField("理由", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="確認した職員",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )  # empty: matched by the system
    incident = models.ForeignKey(
        "monitoring.Incident",
        verbose_name="インシデント",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField("日時", default=timezone.now)

    class Meta:
        verbose_name = "投稿と決裁の照合"
        verbose_name_plural = "投稿と決裁の照合"
        constraints = [
            models.UniqueConstraint(
                fields=["draft"], condition=models.Q(draft__isnull=False), name="archive_match_draft_once"
            ),
        ]
        triggers = [keep_forever(), fixed()]

    def __str__(self):
        return f"{self.post_id}：{self.get_how_display()}"
