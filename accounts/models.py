from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from core.dates import to_wareki
from core.models import UndeletableModel, UndeletableQuerySet
from core.outbound import OutboundRefused, check_url
from core.protect import fixed, fixed_when, keep_forever

from . import handles, lookup
from .registry_cache import registry_changed


def validate_city_email(value: str) -> None:
    """P-4: the registered e-mail address is on the city's own domain."""
    domain = value.rsplit("@", 1)[-1].lower()
    if domain != settings.CITY_EMAIL_DOMAIN:
        raise ValidationError(
            settings.CITY.words("登録メールアドレスは市のドメイン（@%(domain)s）のアドレスにしてください。"),
            params={"domain": settings.CITY_EMAIL_DOMAIN},
            code="city_domain",
        )


def validate_profile_url(url: str, platform: "Platform") -> None:
    """The profile URL is on the platform's own hosts, https, no port or user info.

    The registry links it as the official account (P-7) and the status checks fetch it: an address
    elsewhere would make the city vouch for another site, or reach inside the city's network.
    """
    try:
        check_url(url, hosts=platform.host_list)
    except OutboundRefused as exc:
        example = platform.profile_url_for("ユーザー名")
        raise ValidationError(
            "プロフィールURLは%(platform)sのアドレス（例：%(example)s）にしてください。（%(reason)s）",
            params={"platform": platform.name, "example": example, "reason": str(exc)},
            code="profile_url_host",
        ) from exc


def validate_handle(handle: str, platform: "Platform") -> None:
    """The handle has the platform's documented syntax (accounts/handles.py, issue 20): it goes into
    the platform's API paths and queries and into the profile URL."""
    problem = handles.handle_problem(platform.code, handle, platform_name=platform.name)
    if problem:
        raise ValidationError("%(problem)s", params={"problem": problem}, code="handle_syntax")


class RegistryQuerySet(UndeletableQuerySet):
    """Writes that send no post_save still renew the public registry (registry_cache.py)."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        registry_changed(self.db)
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        registry_changed(self.db)
        return created


class Platform(UndeletableModel):
    """A social media service. Services change over time (G-3-5), so they are data, not code (G-2)."""

    code = models.SlugField("コード", max_length=30, unique=True)
    name = models.CharField("名称", max_length=50)
    former_name = models.CharField("旧称", max_length=50, blank=True, help_text="例：ツイッター")
    operator = models.CharField(
        "運営会社", max_length=100, blank=True, help_text="運用ポリシーの用語の定義に用いる（例：X Corp.）"
    )
    hosts = models.CharField(
        "ドメイン",
        max_length=200,
        help_text="プロフィールURLのドメインを空白区切りで（先頭が正式）。例：x.com twitter.com",
    )
    profile_url_template = models.CharField(
        "プロフィールURLの形", max_length=200, help_text="{handle} の位置にユーザー名が入ります。"
    )
    # 運用ポリシー 第２条(1): what the service is, in the 見本's words (G-2: services change; so does this).
    service_definition = models.TextField(
        "サービスの説明（運用ポリシー第２条第１号）",
        blank=True,
        help_text="「{運営会社}が運営する…ものをいう。」の形で。空欄ならテンプレートの説明を使います。",
    )
    follower_word = models.CharField("フォロワーの呼び方", max_length=20, default="フォロワー")
    post_word = models.CharField("投稿の呼び方", max_length=20, default="投稿")
    verification_available = models.BooleanField("認証制度あり", default=True)
    max_post_length = models.PositiveIntegerField("投稿の最大文字数", null=True, blank=True)
    sort_order = models.PositiveIntegerField("表示順", default=0)
    is_active = models.BooleanField("新規利用可", default=True)

    objects = RegistryQuerySet.as_manager()

    class Meta:
        verbose_name = "SNS"
        verbose_name_plural = "SNS"
        ordering = ["sort_order", "code"]
        triggers = [keep_forever()]

    def __str__(self):
        if self.former_name:
            return f"{self.name}（旧{self.former_name}）"
        return self.name

    @property
    def host_list(self) -> list[str]:
        return [lookup.canonical_host(h) for h in self.hosts.split()]

    def profile_url_for(self, handle: str) -> str:
        return self.profile_url_template.replace("{handle}", handle)


class AccountStatus(models.TextChoices):
    PREPARING = "preparing", "開設準備"
    ACTIVE = "active", "運用中"
    NOTICE = "notice", "停止予告中"
    SUSPENDED = "suspended", "運用停止"
    CLOSED = "closed", "閉鎖（サービス終了）"


# Shown on the public registry (P-7, P-8): what citizens may meet on the platform.
PUBLIC_STATUSES = (AccountStatus.ACTIVE, AccountStatus.NOTICE, AccountStatus.SUSPENDED)


class VerificationStatus(models.TextChoices):
    NOT_APPLIED = "not_applied", "未申請"
    APPLIED = "applied", "申請中"
    VERIFIED = "verified", "認証済"
    UNAVAILABLE = "unavailable", "認証制度なし"


def platform_verification_words(verified: bool | None, read_on) -> str:
    """P-7-3: what the platform itself showed of the badge, for the public (the registry, its exports):
    「SNS上で認証を確認（令和8年6月1日）」; "" when no reading has said."""
    if verified is None or read_on is None:
        return ""
    return f"{'SNS上で認証を確認' if verified else 'SNS上の認証表示なし'}（{to_wareki(read_on)}）"


class Tone(models.TextChoices):
    """表現の硬軟度合い (G-4-2-イ)."""

    FORMAL = "formal", "硬い（公文書に準じた表現）"
    STANDARD = "standard", "標準（丁寧語による平易な表現）"
    FRIENDLY = "friendly", "柔らかい（親しみやすい表現・絵文字も可）"


class Field(models.TextChoices):
    """分野: what a new-account request is compared with first (G-4-2-ア)."""

    GENERAL = "general", "市政全般・広報"
    SAFETY = "safety", "防災・防犯・安全"
    CHILDREN = "children", "子育て・教育"
    WELFARE = "welfare", "福祉・健康"
    ENVIRONMENT = "environment", "環境・ごみ"
    TOURISM = "tourism", "観光・産業・文化"
    TOWN = "town", "まちづくり・交通"
    OTHER = "other", "その他"


def field_choices(current: str = "") -> list[tuple[str, str]]:
    """分野 as the city offers them (its profile's [accounts.fields]: its order, its words), with
    `current` kept where the city no longer offers it, so that editing a record loses nothing."""
    offered = dict(settings.CITY.fields)
    if current and current not in offered:
        offered[current] = settings.CITY.field_label(current)
    return list(offered.items())


class ContentCategory(models.TextChoices):
    """P-5: what the account posts. Wording of the 見本 (第５条)."""

    GENERAL = "general", "市のイベント情報や新たな施策等、市政一般情報"
    DISASTER = "disaster", "市民の生命・安全に影響を及ぼすおそれのある災害等に関する情報"
    OTHER = "other", "その他課長が適当と認める情報"


class YesNo(models.TextChoices):
    YES = "yes", "はい"
    NO = "no", "いいえ"


class ReuseQuestions(models.Model):
    """G-4-2-ア (ア)(イ)(ウ): can an existing account carry this instead? Each answer has a reason.

    Asked when a new account is requested, and again at every 年度末 review (G-4-5-ア).
    """

    reuse_fits = models.CharField(
        "(ア) 既存の公式アカウントでの情報集約になじむか", max_length=3, choices=YesNo.choices, blank=True
    )
    reuse_fits_reason = models.TextField("(ア) の理由", blank=True)
    reuse_too_light = models.CharField(
        "(イ) 内容が軽微で、既存のアカウントでの発信になじむか", max_length=3, choices=YesNo.choices, blank=True
    )
    reuse_too_light_reason = models.TextField("(イ) の理由", blank=True)
    reuse_crowds = models.CharField(
        "(ウ) 発信の回数が既存のアカウントの発信を阻害するか", max_length=3, choices=YesNo.choices, blank=True
    )
    reuse_crowds_reason = models.TextField("(ウ) の理由", blank=True)

    ANSWER_FIELDS = ("reuse_fits", "reuse_too_light", "reuse_crowds")
    REASON_FIELDS = ("reuse_fits_reason", "reuse_too_light_reason", "reuse_crowds_reason")
    QUESTION_FIELDS = tuple(f for pair in zip(ANSWER_FIELDS, REASON_FIELDS, strict=True) for f in pair)

    class Meta:
        abstract = True


class PolicyChoices(models.Model):
    """What a 運用ポリシー fixes for an account (G-4-2-イ, P-4〜P-6): chosen in the request (第４号様式)
    and kept on the account it opens; the policy's 第５条・第６条 are filled from them."""

    content_categories = models.JSONField("発信する内容（P-5）", default=list, blank=True)
    content_notes = models.TextField("発信する内容の補足", blank=True)
    # P-6: restrictions of the 見本 (the follow rule allows following other public bodies' accounts).
    restrict_follow = models.BooleanField("フォローを行わない（公的機関等の公式アカウントを除く）", default=True)
    restrict_reply = models.BooleanField("返信（リプライ）を行わない", default=True)
    restrict_contact = models.BooleanField("特定の事業者・個人への連絡手段として使用しない", default=True)
    tone = models.CharField("表現の硬軟", max_length=20, choices=Tone.choices, default=Tone.STANDARD)
    approval_required = models.BooleanField("投稿前の決裁を要する", default=True)
    registered_email = models.EmailField(
        "登録メールアドレス", validators=[validate_city_email], help_text="市のドメインのアドレス（P-4）"
    )

    POLICY_FIELDS = (
        "content_categories",
        "content_notes",
        "restrict_follow",
        "restrict_reply",
        "restrict_contact",
        "tone",
        "approval_required",
        "registered_email",
    )

    class Meta:
        abstract = True

    @property
    def content_category_labels(self) -> list[str]:
        labels = dict(ContentCategory.choices)
        return [settings.CITY.words(labels.get(c, c)) for c in self.content_categories]  # 市政 → 町政 in a 町


class OfficialAccount(PolicyChoices, UndeletableModel):
    """An official account of the city on one platform. Never deleted (G-4-5-エ)."""

    department = models.ForeignKey(
        "org.Department", verbose_name="所管課", on_delete=models.PROTECT, related_name="accounts"
    )
    platform = models.ForeignKey(Platform, verbose_name="SNS", on_delete=models.PROTECT, related_name="accounts")
    field = models.CharField("分野", max_length=20, choices=Field.choices, default=Field.GENERAL)
    handle = models.CharField("ユーザー名", max_length=100, help_text="@ を除いたユーザー名（例：komae_city）")
    handle_key = models.CharField(max_length=100, editable=False, db_index=True)
    display_name = models.CharField("表示名", max_length=100)
    profile_url = models.URLField("プロフィールURL", max_length=300)
    platform_account_id = models.CharField(
        "SNS上の固有ID",
        max_length=100,
        blank=True,
        db_index=True,
        help_text="ユーザー名を変えても変わらないID。分かる場合のみ（P-7：改名・なりすましの検知に使います）。",
    )
    # G-4-2-イ / G-4-3-ア: the profile must state who runs the account and what for.
    profile_operator = models.CharField("運営主体（プロフィール表記）", max_length=200)
    profile_purpose = models.TextField("目的（プロフィール表記）")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="管理者",
        on_delete=models.PROTECT,
        related_name="managed_accounts",
    )
    contractors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="委託業者の利用者",
        blank=True,
        related_name="contracted_accounts",
    )
    verification_status = models.CharField(
        "認証の状況", max_length=20, choices=VerificationStatus.choices, default=VerificationStatus.NOT_APPLIED
    )
    # P-7-3: the badge as the platform last stated it, read by a status check (monitoring) and never typed by
    # hand: True or False, None until a reading says (or where the platform does not say); what was read;
    # and the day of that reading. The registry shows it beside the staff's 認証の状況.
    platform_verified = models.BooleanField("SNS上の認証表示", null=True, default=None, editable=False)
    platform_verification_note = models.CharField("SNS上の認証表示の内容", max_length=200, blank=True, editable=False)
    platform_verification_read_on = models.DateField(
        "SNS上の認証表示を読み取った日", null=True, blank=True, editable=False
    )
    homepage_url = models.URLField("市ホームページの掲載ページ", max_length=300, blank=True)
    linked_apps = models.TextField(
        "連携しているサードパーティー製アプリ", blank=True, help_text="1行に1つ（G-4-3-カ：乗っ取り時に解除）"
    )
    # P-4: the password itself is never stored anywhere, only when it was last changed.
    password_changed_on = models.DateField("パスワード最終変更日", null=True, blank=True)

    status = models.CharField(
        "状態", max_length=20, choices=AccountStatus.choices, default=AccountStatus.PREPARING, editable=False
    )
    status_changed_at = models.DateTimeField("状態変更日時", default=timezone.now, editable=False)
    # P-8 / G-4-5-ウ: shown on the public registry while the account is being or has been stopped.
    suspension_reason = models.TextField("停止の理由", blank=True, editable=False)
    notice_starts_on = models.DateField("事前周知の開始日", null=True, blank=True, editable=False)
    notice_ends_on = models.DateField("事前周知の終了日", null=True, blank=True, editable=False)
    # G-4-5-ウ: why the notice is shorter than the impact level suggests (empty when it is not).
    notice_short_reason = models.TextField("目安より短い事前周知の理由", blank=True, editable=False)
    suspended_on = models.DateField("運用停止日", null=True, blank=True, editable=False)
    successor = models.ForeignKey(
        "self",
        verbose_name="今後の情報提供元",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    objects = RegistryQuerySet.as_manager()

    class Meta:
        verbose_name = "公式アカウント"
        verbose_name_plural = "公式アカウント"
        ordering = ["department__sort_order", "platform__sort_order", "handle_key"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "handle_key"], name="account_unique_handle"),
        ]
        triggers = [keep_forever()]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        self.handle_key = lookup.normalize_handle(self.handle)
        super().save(*args, **kwargs)

    def get_field_display(self) -> str:
        """分野 in the city's words (field_choices), not the model's fixed labels."""
        return settings.CITY.field_label(self.field)

    @property
    def label(self) -> str:
        """How people are told which account: five of the city's accounts share the name 狛江市."""
        return f"{self.display_name}（{self.platform.name} @{self.handle}）"

    @property
    def linked_app_list(self) -> list[str]:
        return [line.strip() for line in self.linked_apps.splitlines() if line.strip()]

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def platform_verification_words(self) -> str:
        return platform_verification_words(self.platform_verified, self.platform_verification_read_on)


class FollowerSnapshot(UndeletableModel):
    """The follower count of an account on a day; the year-end reviews read their figures from here."""

    account = models.ForeignKey(
        OfficialAccount, verbose_name="アカウント", on_delete=models.PROTECT, related_name="follower_snapshots"
    )
    recorded_on = models.DateField("記録日")
    count = models.PositiveIntegerField("フォロワー数")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="記録者", on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    class Meta:
        verbose_name = "フォロワー数"
        verbose_name_plural = "フォロワー数"
        ordering = ["-recorded_on"]
        constraints = [
            models.UniqueConstraint(fields=["account", "recorded_on"], name="follower_snapshot_one_per_day"),
        ]
        triggers = [keep_forever()]

    def __str__(self):
        return f"{self.recorded_on} {self.count}"


# P-7 / SPEC §8: what citizens see of an account on the registry and in the lookup. For an account
# they can see, a 担当職員's change of these waits for the 課長 (PublicChange); the successor is set
# only by the 課長's own transitions (停止予告).
PUBLIC_FIELDS = (
    "platform",
    "handle",
    "display_name",
    "profile_url",
    "platform_account_id",
    "homepage_url",
    "verification_status",
)


class PublicChange(UndeletableModel):
    """A 担当職員's change of what the public sees, waiting for the 課長 (four-eyes, SPEC §8).

    `changes` is {field: [old, new]} as stored values (a platform by its id); the public keeps
    seeing the old values until the 課長 approves.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "承認待ち"
        APPROVED = "approved", "承認"
        REJECTED = "rejected", "却下"
        WITHDRAWN = "withdrawn", "取下げ"

    account = models.ForeignKey(
        OfficialAccount, verbose_name="アカウント", on_delete=models.PROTECT, related_name="public_changes"
    )
    changes = models.JSONField("変更内容")
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.PENDING)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申請者", on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField("申請日時", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="判断した人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("判断日時", null=True, blank=True)
    comment = models.TextField("コメント", blank=True)

    class Meta:
        verbose_name = "公開情報の変更申請"
        verbose_name_plural = "公開情報の変更申請"
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=models.Q(status="pending"), name="one_pending_public_change"
            )
        ]
        triggers = [keep_forever(), fixed_when("OLD.status <> 'pending'")]

    def __str__(self):
        return f"{self.account} の公開情報の変更（{self.get_status_display()}）"

    def rows(self) -> list[tuple[str, str, str]]:
        """(label, old, new) for display, platform ids as names."""
        platforms = {p.pk: p.name for p in Platform.objects.all()} if "platform" in self.changes else {}
        labelled = []
        for name, (old, new) in self.changes.items():
            field = OfficialAccount._meta.get_field(name)
            if name == "platform":
                old, new = platforms.get(old, old), platforms.get(new, new)
            elif field.choices:
                choices = dict(field.choices)
                old, new = choices.get(old, old), choices.get(new, new)
            labelled.append((str(field.verbose_name), "" if old is None else str(old), "" if new is None else str(new)))
        return labelled


class ImpersonationQuerySet(RegistryQuerySet):
    def warned(self):
        """What the public warning list shows (P-7-2): every confirmed entry not withdrawn, gone ones too."""
        return self.filter(withdrawn_at__isnull=True)


class Impersonation(UndeletableModel):
    """An account on a platform that the city confirmed imitates one of its own (P-7-2, G-4-3-カ): the
    public warning list of /registry/, its JSON, CSV and Atom feed, and the answer of /registry/verify.

    Written only by the judgement of a candidate (discovery) through `services.impersonation_confirm`.
    Never deleted: an impersonator the platform removed says 削除を確認 and stays in the history; an
    entry the city confirmed by mistake is withdrawn (with why), not erased."""

    platform = models.ForeignKey(Platform, verbose_name="SNS", on_delete=models.PROTECT, related_name="+")
    handle = models.CharField("ユーザー名", max_length=300)
    handle_key = models.CharField(max_length=300, editable=False)  # as /registry/verify compares it
    display_name = models.CharField("表示名", max_length=200, blank=True)
    profile_url = models.URLField("プロフィールURL", max_length=2000, blank=True)
    platform_account_id = models.CharField("SNS上の固有ID", max_length=100, blank=True)
    imitates = models.ForeignKey(
        OfficialAccount,
        verbose_name="まねている公式アカウント",
        on_delete=models.PROTECT,
        related_name="impersonations",
    )
    confirmed_on = models.DateField("市が確認した日")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="確認した人", on_delete=models.PROTECT, related_name="+"
    )
    gone_at = models.DateTimeField("削除を確認した日時", null=True, blank=True)
    withdrawn_at = models.DateTimeField("取り消した日時", null=True, blank=True)
    withdrawn_reason = models.TextField("取り消した理由", blank=True)

    objects = ImpersonationQuerySet.as_manager()

    class Meta:
        verbose_name = "なりすましアカウント"
        verbose_name_plural = "なりすましアカウント"
        ordering = ["-confirmed_on", "-pk"]
        indexes = [models.Index(fields=["handle_key"], name="impersonation_handle_key")]
        triggers = [
            keep_forever(),
            # What was confirmed stays as confirmed; only 削除を確認 and a withdrawal are written later,
            # each once.
            fixed_when(
                "OLD.platform_id IS DISTINCT FROM NEW.platform_id OR OLD.handle IS DISTINCT FROM NEW.handle"
                " OR OLD.handle_key IS DISTINCT FROM NEW.handle_key OR OLD.imitates_id IS DISTINCT FROM NEW.imitates_id"
                " OR OLD.confirmed_on IS DISTINCT FROM NEW.confirmed_on"
                " OR OLD.confirmed_by_id IS DISTINCT FROM NEW.confirmed_by_id"
                " OR (OLD.gone_at IS NOT NULL AND OLD.gone_at IS DISTINCT FROM NEW.gone_at)"
                " OR (OLD.withdrawn_at IS NOT NULL AND (OLD.withdrawn_at IS DISTINCT FROM NEW.withdrawn_at"
                " OR OLD.withdrawn_reason IS DISTINCT FROM NEW.withdrawn_reason))",
                name="confirmed_stays",
            ),
        ]

    def __str__(self):
        return f"{self.platform.name} @{self.handle}"

    def save(self, *args, **kwargs):
        self.handle_key = lookup.normalize_handle(self.handle)
        super().save(*args, **kwargs)

    @property
    def is_gone(self) -> bool:
        return self.gone_at is not None


class ResidentReport(UndeletableModel):
    """A resident's report of an account that may be a fake (/registry/report/, issue 23, P-7-2).

    No sign-in and nothing about the resident is kept (not the address): the account reported, the
    note, and what the resident was answered. The security officer's queue (discovery) takes it."""

    class Outcome(models.TextChoices):
        OFFICIAL = "official", "公式アカウントと回答"
        WARNED = "warned", "確認済みのなりすましと回答"
        QUEUED = "queued", "確認待ち"

    text = models.CharField("通報されたURL・ユーザー名", max_length=500)
    note = models.TextField("気づいたこと", blank=True)
    platform = models.ForeignKey(
        Platform, verbose_name="SNS", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    handle = models.CharField("ユーザー名", max_length=300, blank=True)
    platform_account_id = models.CharField("SNS上の固有ID", max_length=100, blank=True)
    received_at = models.DateTimeField("受付日時", default=timezone.now)
    outcome = models.CharField("回答", max_length=10, choices=Outcome.choices)

    class Meta:
        verbose_name = "住民からの通報"
        verbose_name_plural = "住民からの通報"
        ordering = ["-received_at", "-pk"]
        triggers = [keep_forever(), fixed()]

    def __str__(self):
        return self.text


# --- issue 24: the registries of other municipalities (peers) ----------------------------------------


class PeerRegistry(UndeletableModel):
    """Another municipality's /registry/accounts.json that this instance reads (issue 24).

    Configured in the city profile ([registry] peers) or by REGISTRY_PEERS (those are synced from the
    configuration and shown read-only), or added by the sysadmin on the peers' page (removable: the
    row is deactivated, its history kept). What was read last is in PeerAccount / PeerImpersonation."""

    class Source(models.TextChoices):
        PROFILE = "profile", "プロファイル"
        ENV = "env", "環境変数（REGISTRY_PEERS）"
        PAGE = "page", "管理画面で追加"

    class Result(models.TextChoices):
        UPDATED = "updated", "更新"
        NOT_MODIFIED = "not_modified", "変更なし(304)"
        UNCHANGED = "unchanged", "変更なし"
        FAILED = "failed", "失敗"

    url = models.CharField("一覧のURL（accounts.json）", max_length=500, unique=True)
    source = models.CharField("設定元", max_length=10, choices=Source.choices)
    active = models.BooleanField("読み取る", default=True)
    # What the peer says of itself (format 2; a format-1 list names its body by "publisher" only).
    body_name = models.CharField("団体名", max_length=100, blank=True)
    body_code = models.CharField("全国地方公共団体コード", max_length=6, blank=True)
    site = models.CharField("団体のサイト", max_length=500, blank=True)
    format = models.PositiveSmallIntegerField("形式の版", null=True, blank=True)
    # HTTP validators of the last good answer, sent back as If-None-Match / If-Modified-Since.
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    content_digest = models.CharField(max_length=64, blank=True, editable=False)
    last_fetched_at = models.DateTimeField("最後に取得を試みた日時", null=True, blank=True)
    last_ok_at = models.DateTimeField("最後に読み取れた日時", null=True, blank=True)
    last_changed_at = models.DateTimeField("内容が変わった日時", null=True, blank=True)
    stale_since = models.DateTimeField("読み取れなくなった日時", null=True, blank=True)
    last_result = models.CharField("最後の結果", max_length=15, choices=Result.choices, blank=True)
    last_error = models.TextField("最後の失敗の理由", blank=True)
    last_notes = models.TextField("無視した掲載", blank=True)  # 名乗り: entries claiming this city's accounts
    account_count = models.PositiveIntegerField("アカウント数", default=0)
    added_at = models.DateTimeField("追加日時", default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="追加した人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    deactivated_at = models.DateTimeField("外した日時", null=True, blank=True)
    deactivated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="外した人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "他団体の公式アカウント一覧"
        verbose_name_plural = "他団体の公式アカウント一覧"
        ordering = ["body_code", "url"]
        triggers = [keep_forever()]

    def __str__(self):
        return self.body_name or self.url

    @property
    def name(self) -> str:
        """The body as residents read it: its name, or its list's address before one was read."""
        return self.body_name or self.url

    @property
    def configured(self) -> bool:
        return self.source != self.Source.PAGE

    @property
    def insecure(self) -> bool:
        return self.url.lower().startswith("http://")


class PeerAccount(models.Model):
    """One official account as a peer's list published it when last read (a cached copy, replaced
    whole on every changed answer; not a record of this city: tests/core/test_kept_records.CACHED)."""

    peer = models.ForeignKey(PeerRegistry, on_delete=models.CASCADE, related_name="accounts")
    platform_code = models.CharField(max_length=30, blank=True)  # ours, read from the URL or the name
    platform_name = models.CharField(max_length=50)
    handle = models.CharField(max_length=300)
    handle_key = models.CharField(max_length=300)  # lookup.normalize_handle, as /registry/verify compares
    account_id_key = models.CharField(max_length=100, blank=True)  # lower-cased permanent ID
    profile_url = models.CharField(max_length=2000, blank=True)
    display_name = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, blank=True)
    status_label = models.CharField(max_length=50, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["handle_key"], name="peeraccount_handle_key"),
            models.Index(fields=["account_id_key"], name="peeraccount_account_id"),
        ]

    def __str__(self):
        return f"{self.platform_name} @{self.handle}"


class PeerImpersonation(models.Model):
    """One impersonator a peer confirmed (its "impersonations"), as read last (a cached copy)."""

    peer = models.ForeignKey(PeerRegistry, on_delete=models.CASCADE, related_name="impersonations")
    platform_code = models.CharField(max_length=30, blank=True)
    platform_name = models.CharField(max_length=50)
    handle = models.CharField(max_length=300)
    handle_key = models.CharField(max_length=300)
    account_id_key = models.CharField(max_length=100, blank=True)
    profile_url = models.CharField(max_length=2000, blank=True)
    display_name = models.CharField(max_length=200, blank=True)
    imitates = models.JSONField(default=dict)  # the peer's official account it imitates, as published
    confirmed_on = models.DateField(null=True, blank=True)
    gone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["handle_key"], name="peerimpersonation_handle_key"),
            models.Index(fields=["account_id_key"], name="peerimpersonation_account_id"),
        ]

    def __str__(self):
        return f"{self.platform_name} @{self.handle}"
