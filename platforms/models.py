"""API tokens of the platforms' reads (issue 13), encrypted at rest; never an SNS password (P-4).

Moved from monitoring in issue 21: the table keeps its name (monitoring_apicredential), its rows and
its triggers. The services are in platforms/credentials.py.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

from core.models import UndeletableModel
from core.protect import fixed_when, keep_forever


class ApiCredential(UndeletableModel):
    """One API token for one account, or for every account of a platform (`account` empty).

    `secret` is the Fernet token of the API token (MultiFernet with settings.CREDENTIAL_KEYS); the
    token itself is never shown again. A replaced or retired credential is kept with who and when,
    and its secret is erased: nothing reads it any more, and a kept ciphertext would be one more
    copy of a token that may still work at the platform.
    """

    class Kind(models.TextChoices):
        CHANNEL_ACCESS_TOKEN = "channel_access_token", "チャネルアクセストークン"
        ACCESS_TOKEN = "access_token", "アクセストークン"
        BEARER_TOKEN = "bearer_token", "ベアラートークン"
        API_KEY = "api_key", "APIキー"
        # TikTok (Login Kit): the account's refresh token, rotated at every refresh, and the app's
        # client key and secret, entered as "キー:シークレット" for every TikTok account.
        REFRESH_TOKEN = "refresh_token", "リフレッシュトークン"
        CLIENT_CREDENTIALS = "client_credentials", "クライアントキー:クライアントシークレット"

    class Status(models.TextChoices):
        ACTIVE = "active", "使用中"
        RETIRED = "retired", "廃止"

    platform = models.ForeignKey(
        "accounts.Platform", verbose_name="SNS", on_delete=models.PROTECT, related_name="api_credentials"
    )
    account = models.ForeignKey(
        "accounts.OfficialAccount",
        verbose_name="アカウント",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_credentials",
        help_text="空欄なら、このSNSのすべてのアカウントに使います。",
    )
    kind = models.CharField("種類", max_length=30, choices=Kind.choices)
    secret = models.TextField("暗号化したトークン", blank=True, editable=False)
    # The first 8 hex digits of an HMAC of the token (keyed by SECRET_KEY): tells two tokens apart
    # without revealing a character of either.
    fingerprint = models.CharField("指紋", max_length=8, editable=False)
    # Empty: the platform issued a token that does not expire (the sysadmin said so explicitly).
    expires_on = models.DateField("有効期限", null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登録者", on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField("登録日時", default=timezone.now)
    # Changes only through core.audit.transition (credentials.py), with retired_at and retired_by.
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.ACTIVE, editable=False)
    retired_at = models.DateTimeField("廃止日時", null=True, blank=True, editable=False)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="廃止した人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # The tightest expiry reminder already sent: days before the expiry date, -1 once it lapsed.
    reminded_days_left = models.SmallIntegerField("通知済みの残り日数", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "APIトークン"
        verbose_name_plural = "APIトークン"
        db_table = "monitoring_apicredential"  # issue 21: the table and its rows kept as they were
        ordering = ["platform__sort_order", "account_id", "-registered_at"]
        constraints = [
            # At most one credential in use per scope; the account-wide one (account NULL) needs its
            # own constraint, as NULLs are distinct in a unique index on both databases.
            models.UniqueConstraint(
                fields=["platform", "account"],
                condition=models.Q(retired_at__isnull=True, account__isnull=False),
                name="one_active_credential_per_account",
            ),
            models.UniqueConstraint(
                fields=["platform"],
                condition=models.Q(retired_at__isnull=True, account__isnull=True),
                name="one_active_credential_per_platform",
            ),
            models.CheckConstraint(
                name="credential_retired_when_its_status_says",
                condition=models.Q(status="active", retired_at__isnull=True)
                | models.Q(status="retired", retired_at__isnull=False),
            ),
        ]
        triggers = [
            keep_forever(),
            # A credential is what it was registered as; a new token is a new credential.
            fixed_when(
                pgtrigger.AnyChange(
                    "platform", "account", "kind", "fingerprint", "expires_on", "registered_by", "registered_at"
                ),
                name="identity_fixed",
            ),
            fixed_when("OLD.retired_at IS NOT NULL"),
        ]

    def __str__(self):
        # Never the token nor its ciphertext: this is what the admin, logs and repr() show.
        return f"{self.scope_label} {self.get_kind_display()}（指紋 {self.fingerprint}）"

    @property
    def scope_label(self) -> str:
        if self.account_id is None:
            return f"{self.platform.name}（このSNSのすべてのアカウント）"
        return self.account.label

    @property
    def is_active(self) -> bool:
        return self.retired_at is None

    def days_left(self, today) -> int | None:
        """Days from `today` to the expiry date (0 on the day itself, negative once lapsed)."""
        return None if self.expires_on is None else (self.expires_on - today).days

    def is_expired(self, today) -> bool:
        # A token is valid through its expiry date (有効期限), lapsed from the day after.
        return self.expires_on is not None and self.expires_on < today
