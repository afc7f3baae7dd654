"""Issue 21: ApiCredential moves from monitoring to platforms, keeping its table and every row.

The model enters platforms' state only (the table monitoring_apicredential stays as it is); its
content type is renamed, so the permissions, the admin's history and the audit events (which point at
the content type) follow it. monitoring 0010 then drops it from monitoring's state and drops the
triggers under their old names: pgtrigger names a trigger after the app, so the same three rules are
installed here again under platforms' names (on PostgreSQL; SQLite has no triggers).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, *, old="monitoring", new="platforms"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if ContentType.objects.using(db).filter(app_label=new, model="apicredential").exists():
        return  # already there (a fresh database gets its content types after migrate)
    ContentType.objects.using(db).filter(app_label=old, model="apicredential").update(app_label=new)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old="platforms", new="monitoring")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0010_record_contractor_changes"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("monitoring", "0009_credential_kinds_for_refresh"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApiCredential",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("channel_access_token", "チャネルアクセストークン"),
                                    ("access_token", "アクセストークン"),
                                    ("bearer_token", "ベアラートークン"),
                                    ("api_key", "APIキー"),
                                    ("refresh_token", "リフレッシュトークン"),
                                    ("client_credentials", "クライアントキー:クライアントシークレット"),
                                ],
                                max_length=30,
                                verbose_name="種類",
                            ),
                        ),
                        ("secret", models.TextField(blank=True, editable=False, verbose_name="暗号化したトークン")),
                        ("fingerprint", models.CharField(editable=False, max_length=8, verbose_name="指紋")),
                        ("expires_on", models.DateField(blank=True, null=True, verbose_name="有効期限")),
                        (
                            "registered_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="登録日時"),
                        ),
                        (
                            "retired_at",
                            models.DateTimeField(blank=True, editable=False, null=True, verbose_name="廃止日時"),
                        ),
                        (
                            "reminded_days_left",
                            models.SmallIntegerField(
                                blank=True, editable=False, null=True, verbose_name="通知済みの残り日数"
                            ),
                        ),
                        (
                            "account",
                            models.ForeignKey(
                                blank=True,
                                help_text="空欄なら、このSNSのすべてのアカウントに使います。",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="api_credentials",
                                to="accounts.officialaccount",
                                verbose_name="アカウント",
                            ),
                        ),
                        (
                            "platform",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="api_credentials",
                                to="accounts.platform",
                                verbose_name="SNS",
                            ),
                        ),
                        (
                            "registered_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="登録者",
                            ),
                        ),
                        (
                            "retired_by",
                            models.ForeignKey(
                                blank=True,
                                editable=False,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="廃止した人",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "APIトークン",
                        "verbose_name_plural": "APIトークン",
                        "ordering": ["platform__sort_order", "account_id", "-registered_at"],
                        "db_table": "monitoring_apicredential",
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("account__isnull", False), ("retired_at__isnull", True)),
                                fields=("platform", "account"),
                                name="one_active_credential_per_account",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("account__isnull", True), ("retired_at__isnull", True)),
                                fields=("platform",),
                                name="one_active_credential_per_platform",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
