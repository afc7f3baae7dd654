"""Status checks (G-4-3-カ, G-4-5-エ), incidents (G-4-3-オ/カ), content checks (G-4-3-ア) and reminders."""

from django.conf import settings
from django.db import models

from core.models import UndeletableModel
from core.protect import fixed, fixed_when, keep_forever

# What a status check can find: code → (label, incident kind, text of the incident).
ANOMALIES = {
    "gone": ("表示されない", "hijack", "プロフィールが表示されません（削除・凍結・乗っ取りの恐れ）"),
    "renamed": ("表示名の変更", "hijack", "表示名が変わっています"),
    "id_changed": ("固有IDの相違", "impersonation", "SNS上の固有IDが登録と違います（別のアカウントの恐れ）"),
    "posts_while_suspended": ("停止中の投稿", "hijack", "運用停止中のアカウントに新しい投稿があります"),
    # Issue 22: found by the archive's capture of the posts themselves (G-4-3-カ).
    "post_burst": ("投稿の急増", "hijack", "短い時間に普段より多くの投稿がありました（乗っ取りの恐れ）"),
    "not_official": (
        "公式の表示なし",
        "other",
        "プロフィールに運営主体・目的・市のサイトへのリンクがありません（P-3）",
    ),
}


class StatusCheck(UndeletableModel):
    """One reading of an account's public profile (G-4-5-エ, G-4-3-カ); recorded once per run key."""

    class Outcome(models.TextChoices):
        OK = "ok", "異常なし"
        ANOMALY = "anomaly", "異常あり"
        ERROR = "error", "確認できず"

    account = models.ForeignKey(
        "accounts.OfficialAccount", verbose_name="アカウント", on_delete=models.PROTECT, related_name="status_checks"
    )
    run_key = models.CharField("実行キー", max_length=100, unique=True)
    checked_at = models.DateTimeField("確認日時", auto_now_add=True)
    outcome = models.CharField("結果", max_length=10, choices=Outcome.choices)
    http_status = models.PositiveIntegerField("HTTPステータス", null=True, blank=True)
    display_name = models.CharField("表示名", max_length=200, blank=True)
    platform_account_id = models.CharField("SNS上の固有ID", max_length=100, blank=True)
    last_post = models.CharField("最新投稿の目印", max_length=100, blank=True)
    # P-3's facts of the profile; None when the interface did not show the profile (a feed alone).
    profile_states_operator = models.BooleanField("プロフィールに運営主体", null=True, default=False)
    profile_states_purpose = models.BooleanField("プロフィールに目的", null=True, default=False)
    profile_links_city = models.BooleanField("市のサイトへのリンク", null=True, default=False)
    dormant = models.BooleanField("休眠", default=False)
    anomalies = models.JSONField("検知した異常", default=list, blank=True)
    error = models.CharField("エラー", max_length=200, blank=True)
    # Which adapter and interface read it (e.g. 「bluesky：AppView app.bsky.actor.getProfile…」).
    adapter = models.CharField("確認の方法", max_length=200, blank=True)
    # P-7-3: the verification badge the platform showed; None when it (or the interface) does not say.
    verified = models.BooleanField("SNS上の認証表示", null=True, default=None)
    verification_note = models.CharField("SNS上の認証表示の内容", max_length=200, blank=True)

    class Meta:
        verbose_name = "状態確認"
        verbose_name_plural = "状態確認"
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["account", "-checked_at"])]
        triggers = [keep_forever(), fixed()]

    def __str__(self):
        return f"{self.account} {self.checked_at:%Y-%m-%d %H:%M} {self.get_outcome_display()}"

    @property
    def error_shown(self) -> str:
        """The error as pages show it: a reading stored before issue 20 may hold an echoed credential."""
        from platforms.redact import scrub

        return scrub(self.error, error=True)

    @property
    def anomaly_labels(self) -> list[str]:
        return [ANOMALIES[a][0] if a in ANOMALIES else a for a in self.anomalies]


class PlatformProposal(UndeletableModel):
    """What a status check read on the platform, proposed to the account's 課長 for the record, who confirms
    it with one click or dismisses it: the permanent ID at the first good reading (G-4-3-カ), and 認証済
    when the platform shows the badge (P-7-3). One pending per account and field; a value dismissed is
    not proposed again (another value is)."""

    class Field(models.TextChoices):
        PLATFORM_ACCOUNT_ID = "platform_account_id", "SNS上の固有ID"
        VERIFICATION_STATUS = "verification_status", "認証の状況"

    class Status(models.TextChoices):
        PENDING = "pending", "確認待ち"
        CONFIRMED = "confirmed", "登録"
        DISMISSED = "dismissed", "見送り"
        SUPERSEDED = "superseded", "取消（登録内容が先に変わった）"

    account = models.ForeignKey(
        "accounts.OfficialAccount",
        verbose_name="アカウント",
        on_delete=models.PROTECT,
        related_name="platform_proposals",
    )
    field = models.CharField("項目", max_length=30, choices=Field.choices)
    value = models.CharField("読み取った値", max_length=100)
    # The registered handle the reading asked about: confirmed only while the account still has it.
    handle = models.CharField("読み取ったユーザー名", max_length=100)
    note = models.CharField("読み取りの内容", max_length=200, blank=True)
    source_check = models.ForeignKey(
        StatusCheck, verbose_name="読み取った状態確認", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.PENDING)
    proposed_at = models.DateTimeField("提案日時", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="判断した人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("判断日時", null=True, blank=True)

    class Meta:
        verbose_name = "SNSの読み取りからの登録提案"
        verbose_name_plural = "SNSの読み取りからの登録提案"
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "field"], condition=models.Q(status="pending"), name="one_pending_platform_proposal"
            )
        ]
        triggers = [keep_forever(), fixed_when("OLD.status <> 'pending'")]

    def __str__(self):
        return f"{self.account}：{self.get_field_display()} {self.value_label}（{self.get_status_display()}）"

    @property
    def value_label(self) -> str:
        if self.field == self.Field.VERIFICATION_STATUS:
            from accounts.models import VerificationStatus

            return dict(VerificationStatus.choices).get(self.value, self.value)
        return self.value


class VerificationReminder(UndeletableModel):
    """P-7-3: when the 課長 was last reminded to apply for an account's verification (the daily mail
    carries it once every VERIFICATION_REMINDER_DAYS, not every day)."""

    account = models.OneToOneField(
        "accounts.OfficialAccount", on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    reminded_on = models.DateField("通知した日")

    class Meta:
        triggers = [keep_forever()]

    def __str__(self):
        return f"{self.account} {self.reminded_on}"


class Incident(UndeletableModel):
    """なりすまし・乗っ取り・重要な記述・誤投稿 (G-4-3-オ/カ, P-5-2): handled step by step, kept."""

    class Kind(models.TextChoices):
        IMPERSONATION = "impersonation", "なりすまし"
        HIJACK = "hijack", "乗っ取り"
        IMPORTANT_MENTION = "important_mention", "重要な記述"
        WRONG_POST = "wrong_post", "誤投稿"
        OTHER = "other", "その他"

    class Status(models.TextChoices):
        OPEN = "open", "対応中"
        CLOSED = "closed", "完了"

    account = models.ForeignKey(
        "accounts.OfficialAccount", verbose_name="アカウント", on_delete=models.PROTECT, related_name="incidents"
    )
    kind = models.CharField("種別", max_length=30, choices=Kind.choices)
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.OPEN)
    title = models.CharField("件名", max_length=200)
    description = models.TextField("内容", blank=True)
    # The anomaly a check found; one open incident per account and anomaly (no duplicates).
    anomaly = models.CharField("検知した異常", max_length=40, blank=True)
    source_check = models.ForeignKey(
        StatusCheck, verbose_name="検知した状態確認", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="起票者",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField("起票日時", auto_now_add=True)
    closed_at = models.DateTimeField("完了日時", null=True, blank=True)
    # G-4-3-オ/カ: 管理者 → 所属長 → 統括情報セキュリティ責任者, each step timed.
    reported_to_head_at = models.DateTimeField("所属長への報告", null=True, blank=True)
    reported_to_head_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reported_to_ciso_at = models.DateTimeField("統括情報セキュリティ責任者への報告", null=True, blank=True)
    reported_to_ciso_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "インシデント"
        verbose_name_plural = "インシデント"
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "anomaly"],
                condition=models.Q(status="open") & ~models.Q(anomaly=""),
                name="one_open_incident_per_anomaly",
            )
        ]
        triggers = [keep_forever(), fixed_when("OLD.status = 'closed'")]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.title}"


# The response checklist of each kind (G-4-3-オ/カ, P-5-2, P-7-2): code → label.
CHECKLISTS = {
    "impersonation": [
        ("record", "画面を保存するなど記録を残す"),
        ("report_platform", "SNS運営会社へ通報する"),
        ("homepage_notice", "市公式ホームページで注意喚起する（P-7-2）"),
    ],
    "hijack": [
        ("confirm", "掲載された情報の内容を確認する"),
        ("record", "画面を保存するなど記録を残す"),
        ("delete_post", "当該情報を削除する"),
        ("change_password", "パスワードを変更する"),
        ("revoke_apps", "連携しているサードパーティー製アプリを解除する"),
        ("homepage_notice", "市公式ホームページで注意喚起する（P-7-2）"),
    ],
    "important_mention": [
        ("record", "記述を確認し、記録を残す（個人の判断で否定・反論しない）"),
    ],
    "wrong_post": [
        ("delete_post", "誤った投稿を直ちに削除する（P-5-2）"),
        ("post_correction", "訂正した内容を改めて投稿する（P-5-2）"),
    ],
    "other": [("confirm", "内容を確認し、記録を残す")],
}


class IncidentStep(UndeletableModel):
    """One item of an incident's checklist, with who did it and when."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="steps")
    code = models.CharField(max_length=30)
    label = models.CharField("手順", max_length=100)
    order = models.PositiveSmallIntegerField()
    done_at = models.DateTimeField("実施日時", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="実施者",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField("メモ", max_length=200, blank=True)

    class Meta:
        verbose_name = "対応手順"
        verbose_name_plural = "対応手順"
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["incident", "code"], name="incident_step_unique")]
        triggers = [keep_forever(), fixed_when("OLD.done_at IS NOT NULL")]

    def __str__(self):
        return self.label


def evidence_path(instance, filename):
    # Stored under a generated name; the uploaded name is only kept as data.
    import uuid

    return f"evidence/{instance.incident_id}/{uuid.uuid4().hex}"


class Evidence(UndeletableModel):
    """A screenshot or PDF kept for an incident (G-4-3-カ 画面の保存); served only to those allowed."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    content_type = models.CharField(max_length=50)
    original_name = models.CharField("ファイル名", max_length=200)
    size = models.PositiveIntegerField("サイズ")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    # A restore refuses a backup whose evidence is not the file uploaded (core.backup).
    FILE_SHA256 = {"file": "sha256"}

    class Meta:
        verbose_name = "証拠ファイル"
        verbose_name_plural = "証拠ファイル"
        ordering = ["uploaded_at"]
        triggers = [keep_forever(), fixed()]

    def __str__(self):
        return self.original_name


class ContentCheck(UndeletableModel):
    """G-4-3-ア: the 管理者 checks the account's posts regularly; each check is logged."""

    account = models.ForeignKey(
        "accounts.OfficialAccount", verbose_name="アカウント", on_delete=models.PROTECT, related_name="content_checks"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="確認者", on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField("確認日時", auto_now_add=True)
    note = models.CharField("メモ", max_length=200, blank=True)

    class Meta:
        verbose_name = "発言内容の確認"
        verbose_name_plural = "発言内容の確認"
        ordering = ["-checked_at"]
        triggers = [keep_forever(), fixed()]

    def __str__(self):
        return f"{self.account} {self.checked_at:%Y-%m-%d}"


class ReminderSent(UndeletableModel):
    """One reminder mail per person and day, however often the daily job runs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField()
    items = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "sent_on"], name="one_reminder_per_day")]
        triggers = [keep_forever(), fixed()]

    def __str__(self):
        return f"{self.user} {self.sent_on}"
