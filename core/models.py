"""Cross-cutting models: the append-only audit trail and the never-delete base."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .errors import DeletionForbidden
from .protect import fixed, keep_forever


class UndeletableQuerySet(models.QuerySet):
    def delete(self):
        raise DeletionForbidden(f"{self.model._meta.verbose_name}は削除できません。")


class UndeletableModel(models.Model):
    """A record that is never deleted: not by instance, not by queryset (G-4-5-エ).

    Foreign keys pointing at such a model use PROTECT, because Django's cascade collector deletes
    with raw queries; on PostgreSQL a trigger (see the app migrations) refuses DELETE as well.
    """

    objects = UndeletableQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise DeletionForbidden(f"{self._meta.verbose_name}は削除できません。")


class AuditQuerySet(UndeletableQuerySet):
    def update(self, **kwargs):
        raise DeletionForbidden("監査記録は変更できません。")

    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk).select_related(
            "actor"
        )


class AuditEvent(models.Model):
    """One append-only row per change: who, when, what, from which state to which, with comment.

    What happened is one of a closed list (`Action`), never free text; the summary says it in words
    for people. Who did it is a person, a job of the server (a scheduled task, a command), or an API
    token (`ActorKind`): core.audit.audit_record takes one of them and nothing else.
    """

    class Action(models.TextChoices):
        # What happens to the record itself. Rows written before issue 21 have only the first five.
        CREATED = "created", "登録"
        UPDATED = "updated", "変更"  # fields edited; `changes` names each, old → new
        TRANSITION = "transition", "状態変更"  # core.audit.transition only: from_state → to_state
        FOLLOWERS = "followers", "フォロワー数記録"
        FROM_PROFILE = "from_profile", "プロファイルから反映"
        # What else is recorded on it: a step of its process, or a document of an account kept in the
        # account's trail.
        HANDED_OVER = "handed_over", "課長への提出依頼"
        COMMENTED = "commented", "コメント"
        VOTED = "voted", "賛否の表明"
        STEP_DONE = "step_done", "手順の実施"
        ESCALATED = "escalated", "報告"
        EVIDENCE_ADDED = "evidence_added", "証拠ファイルの追加"
        CONTENT_CHECKED = "content_checked", "発言内容の確認"
        REVIEW_CREATED = "review_created", "効果測定の作成"
        SUSPENSION_PLANNED = "suspension_planned", "運用停止の計画"
        POLICY_DRAFTED = "policy_drafted", "運用ポリシー案の作成"
        POLICY_EDITED = "policy_edited", "運用ポリシー案の編集"
        POLICY_ISSUED = "policy_issued", "運用ポリシーの制定・改正"
        KEY_ROTATED = "key_rotated", "新しい暗号鍵での暗号化"
        # Issue 22: the archive of posts.
        POSTS_CAPTURED = "posts_captured", "投稿の保存"
        POST_RECORDED = "post_recorded", "投稿の手動記録"
        RETENTION_SET = "retention_set", "保存期間の変更"
        DISPOSAL_PROPOSED = "disposal_proposed", "延長・廃棄の起案"
        DISPOSAL_DECIDED = "disposal_decided", "延長・廃棄の決定"
        DISPOSAL_RETURNED = "disposal_returned", "延長・廃棄の差戻し"
        POSTS_ATTACHED = "posts_attached", "保存した投稿の証拠への追加"
        POSTS_EXPORTED = "posts_exported", "保存した投稿の書き出し"
        # Issue 23: lookalike discovery and the public warning list (P-7-2).
        CANDIDATE_JUDGED = "candidate_judged", "なりすまし候補の判断"
        WARNING_PUBLISHED = "warning_published", "なりすましとして公表"
        WARNING_GONE = "warning_gone", "なりすましの削除を確認"
        WARNING_WITHDRAWN = "warning_withdrawn", "なりすましの公表の取消し"
        PROFILE_CAPTURED = "profile_captured", "なりすましのプロフィールの保存"
        # Issue 25: what appeared on the platform matched to its 決裁 (G-4-3-ア, カ).
        POSTS_MATCHED = "posts_matched", "投稿と決裁の照合"
        POST_CONFIRMED = "post_confirmed", "投稿の事後確認"
        POST_REPORTED = "post_reported", "心当たりのない投稿の報告"

    class ActorKind(models.TextChoices):
        PERSON = "person", "職員"
        JOB = "job", "自動処理・コマンド"
        API_TOKEN = "api_token", "APIトークン"

    class Job(models.TextChoices):
        """The server's own processes that change records with no person signed in; each label is
        how the timeline names the actor."""

        TOKEN_RENEWAL = "token_renewal", "自動処理（トークン更新）"
        STATUS_CHECK = "status_check", "自動処理（状態確認）"
        NIGHTLY_BACKUP = "nightly_backup", "自動処理（夜間バックアップ）"
        DIRECTORY = "directory", "自動処理（ディレクトリからのサインイン）"
        ROLE_WITHDRAWN = "role_withdrawn", "自動処理（役割の解除に伴う整理）"
        BACKUP_COMMAND = "backup_command", "サーバーのコマンド（バックアップ）"
        RESTORE_COMMAND = "restore_command", "サーバーのコマンド（復元）"
        UNLOCK_COMMAND = "unlock_login", "サーバーのコマンド（ログインのロック解除）"
        ROTATE_COMMAND = "rotate_credentials", "サーバーのコマンド（暗号鍵の更新）"
        PROFILE_COMMAND = "city_profile", "サーバーのコマンド（プロファイルの反映）"
        ARCHIVE_CAPTURE = "archive_capture", "自動処理（投稿の保存）"
        ARCHIVE_COMMAND = "archive_posts", "サーバーのコマンド（投稿の保存）"
        EXPORT_COMMAND = "export_posts", "サーバーのコマンド（投稿の書き出し）"
        DISCOVERY = "discovery", "自動処理（なりすましの発見）"
        DISCOVERY_COMMAND = "discover_lookalikes", "サーバーのコマンド（なりすましの発見）"
        API_TOKEN_COMMAND = "create_api_token", "サーバーのコマンド（APIトークンの作成）"  # issue 24
        RECONCILE_COMMAND = "reconcile_posts", "サーバーのコマンド（投稿と決裁の照合）"  # issue 25
        # Rows written before issue 21 without a person, by a process the row does not name.
        UNKNOWN = "unknown", "システム（記録なし）"

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    action = models.CharField("種別", max_length=20, choices=Action.choices)
    summary = models.CharField("内容", max_length=200)
    from_state = models.CharField("変更前の状態", max_length=30, blank=True)
    to_state = models.CharField("変更後の状態", max_length=30, blank=True)
    actor_kind = models.CharField("実施者の種類", max_length=10, choices=ActorKind.choices)
    # The person; for an API token, the person it acts for (if any).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="実施者", on_delete=models.PROTECT, null=True, blank=True
    )
    actor_job = models.CharField("自動処理・コマンド", max_length=30, choices=Job.choices, blank=True)
    # Names the token (issue 23 gives tokens their model; this keeps its reference, never the secret).
    actor_token = models.CharField("APIトークン", max_length=100, blank=True)
    comment = models.TextField("コメント", blank=True)
    changes = models.JSONField("変更内容", default=dict, blank=True)
    at = models.DateTimeField("日時", default=timezone.now)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "監査記録"
        verbose_name_plural = "監査記録"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        triggers = [keep_forever(), fixed()]
        constraints = [
            # One kind of actor per row, and what names it.
            models.CheckConstraint(
                name="audit_actor_named_by_its_kind",
                condition=models.Q(actor_kind="person", actor__isnull=False, actor_job="", actor_token="")
                | (models.Q(actor_kind="job", actor__isnull=True, actor_token="") & ~models.Q(actor_job=""))
                | (models.Q(actor_kind="api_token", actor_job="") & ~models.Q(actor_token="")),
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.summary}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise DeletionForbidden("監査記録は変更できません。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DeletionForbidden("監査記録は削除できません。")

    @property
    def actor_label(self) -> str:
        """Who did it, as the timeline and the admin say it."""
        if self.actor_kind == self.ActorKind.JOB:
            return self.get_actor_job_display()
        if self.actor_kind == self.ActorKind.API_TOKEN:
            owner = f"：{self.actor.display_name}" if self.actor_id else ""
            return f"APIトークン（{self.actor_token}）{owner}"
        return self.actor.display_name


class Notice(UndeletableModel):
    """Something a person should know or act on, in the app (dashboard, unread count) and by mail."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="宛先", on_delete=models.PROTECT, related_name="notices"
    )
    subject = models.CharField("件名", max_length=200)
    body = models.TextField("内容", blank=True)
    path = models.CharField("リンク先", max_length=300, blank=True)
    created_at = models.DateTimeField("日時", default=timezone.now)
    read_at = models.DateTimeField("既読日時", null=True, blank=True)

    class Meta:
        verbose_name = "お知らせ"
        verbose_name_plural = "お知らせ"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        triggers = [keep_forever()]

    def __str__(self):
        return self.subject


class BackupRecord(UndeletableModel):
    """A backup written (`manage.py backup`, the nightly task) or restored (core.backup).

    The sysadmin's dashboard shows the newest by `taken_at`. A backup's own row is written after
    its copy of the database, so it is not in that copy; a restore adds a row for the backup it
    restored, in the restored database.
    """

    class Kind(models.TextChoices):
        BACKUP = "backup", "バックアップ"
        RESTORE = "restore", "復元"

    kind = models.CharField("種別", max_length=10, choices=Kind.choices)
    taken_at = models.DateTimeField("バックアップの日時")  # when the database was copied
    path = models.CharField("フォルダ", max_length=500)
    size = models.PositiveBigIntegerField("サイズ（バイト）")
    file_count = models.PositiveIntegerField("ファイル数")
    at = models.DateTimeField("記録日時", default=timezone.now)

    class Meta:
        verbose_name = "バックアップの記録"
        verbose_name_plural = "バックアップの記録"
        ordering = ["-taken_at", "-id"]
        triggers = [keep_forever(), fixed()]

    def __str__(self):
        return f"{self.get_kind_display()} {self.taken_at:%Y-%m-%d %H:%M} {self.path}"


class TableChange(UndeletableModel):
    """A row added, changed or removed in a table whose rows are edited freely, recorded by the
    database itself whatever wrote it (a service, the admin, raw SQL): who holds which role
    (org_user_groups), an account's contractors, a template's current articles (core.protect.record_changes).

    The services audit these changes in words (AuditEvent); this is the database's own account, which
    the app's role cannot skip, rewrite or delete (deploy/database-roles.sql). PostgreSQL only.
    """

    table = models.CharField("表", max_length=63, db_column="table_name")
    operation = models.CharField("操作", max_length=6)  # INSERT, UPDATE or DELETE
    old_row = models.JSONField("変更前", null=True, blank=True)
    new_row = models.JSONField("変更後", null=True, blank=True)
    db_role = models.CharField("データベースのロール", max_length=63)
    changed_at = models.DateTimeField("日時", default=timezone.now)

    class Meta:
        verbose_name = "表の変更の記録"
        verbose_name_plural = "表の変更の記録"
        ordering = ["-changed_at", "-id"]
        triggers = [keep_forever(), fixed()]

    def __str__(self):
        return f"{self.table} {self.operation} {self.changed_at:%Y-%m-%d %H:%M}"
