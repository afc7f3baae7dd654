"""The tokens with which other tools call /api/v1/ (issue 24): each acts as one person, within that
person's rights, for the scopes it was given, until it expires or is revoked.

Only the SHA-256 of a token's secret is kept (`digest`): the secret is 32 random bytes, so a plain hash
is as strong as a slow one would be, and a lookup by `prefix` then a constant-time comparison finds it.
The token is shown once, on the page (or the command's output) that created it, and never again.
A token is never deleted: a revoked or expired one stays, with who created and revoked it.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

from core.models import UndeletableModel
from core.protect import fixed_when, keep_forever


class Scope(models.TextChoices):
    """What a token may be used for; the person's own rights still decide what it reaches."""

    REGISTRY = "registry", "公式アカウント一覧（一覧・公式かどうかの確認）"
    SCREENING = "screening", "投稿前チェック"
    ARCHIVE = "archive", "保存した投稿（検索・書き出し）"
    INCIDENTS_READ = "incidents:read", "インシデント（閲覧のみ）"


class ApiToken(UndeletableModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "有効"
        REVOKED = "revoked", "失効"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="利用者（この人として動く）", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("用途", max_length=100)
    scopes = models.JSONField("範囲", default=list)
    # The token's first characters after "ksns_": shown on the page and in audit rows; never the secret.
    prefix = models.CharField("識別子", max_length=16, unique=True, editable=False)
    digest = models.CharField("SHA-256", max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="作成者",
        on_delete=models.PROTECT,
        null=True,  # created by the server's command (create_api_token)
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("作成日時", default=timezone.now)
    expires_at = models.DateTimeField("有効期限")
    # Changes only through core.audit.transition (api/tokens.py), with revoked_at and revoked_by.
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.ACTIVE, editable=False)
    revoked_at = models.DateTimeField("失効日時", null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="失効させた人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    last_used_at = models.DateTimeField("最終使用日時", null=True, blank=True, editable=False)
    last_used_from = models.GenericIPAddressField("最終使用元", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "APIトークン（外部ツール用）"
        verbose_name_plural = "APIトークン（外部ツール用）"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="api_token_revoked_when_its_status_says",
                condition=models.Q(status="active", revoked_at__isnull=True)
                | models.Q(status="revoked", revoked_at__isnull=False),
            ),
        ]
        triggers = [
            keep_forever(),
            # A token is what it was created as: other scopes, another owner or expiry is a new token.
            fixed_when(
                pgtrigger.AnyChange(
                    "owner", "name", "scopes", "prefix", "digest", "created_by", "created_at", "expires_at"
                ),
                name="identity_fixed",
            ),
            fixed_when("OLD.revoked_at IS NOT NULL"),
        ]

    def __str__(self):
        return f"{self.name}（{self.prefix}）"

    @property
    def scope_labels(self) -> list[str]:
        labels = dict(Scope.choices)
        return [labels.get(s, s) for s in self.scopes]

    def state(self, now=None) -> str:
        """有効 / 期限切れ / 失効, as the page shows it."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= (now or timezone.now()):
            return "expired"
        return "active"
