"""Issue 21: YearEndReview and SuspensionPlan move from monitoring to reviews, keeping their tables
(monitoring_yearendreview, monitoring_suspensionplan) and every row.

The models enter reviews' state only; their content types are renamed, so the permissions (same
codenames), the admin's history and the audit events (which point at the content type) follow them.
reviews 0002 installs their database rules under the names pgtrigger gives them in reviews, then
monitoring 0011 drops the same rules under monitoring's names and drops the models from its state:
the tables are never without their rules, even between two migrations.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("yearendreview", "suspensionplan")


def move_content_types(apps, schema_editor, *, old="monitoring", new="reviews"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if ContentType.objects.using(db).filter(app_label=new, model=model).exists():
            continue  # already there (a fresh database gets its content types after migrate)
        ContentType.objects.using(db).filter(app_label=old, model=model).update(app_label=new)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, old="reviews", new="monitoring")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0010_record_contractor_changes"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("monitoring", "0010_api_credential_moved_to_platforms"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="YearEndReview",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "reuse_fits",
                            models.CharField(
                                blank=True,
                                choices=[("yes", "はい"), ("no", "いいえ")],
                                max_length=3,
                                verbose_name="(ア) 既存の公式アカウントでの情報集約になじむか",
                            ),
                        ),
                        ("reuse_fits_reason", models.TextField(blank=True, verbose_name="(ア) の理由")),
                        (
                            "reuse_too_light",
                            models.CharField(
                                blank=True,
                                choices=[("yes", "はい"), ("no", "いいえ")],
                                max_length=3,
                                verbose_name="(イ) 内容が軽微で、既存のアカウントでの発信になじむか",
                            ),
                        ),
                        ("reuse_too_light_reason", models.TextField(blank=True, verbose_name="(イ) の理由")),
                        (
                            "reuse_crowds",
                            models.CharField(
                                blank=True,
                                choices=[("yes", "はい"), ("no", "いいえ")],
                                max_length=3,
                                verbose_name="(ウ) 発信の回数が既存のアカウントの発信を阻害するか",
                            ),
                        ),
                        ("reuse_crowds_reason", models.TextField(blank=True, verbose_name="(ウ) の理由")),
                        ("fiscal_year", models.PositiveIntegerField(verbose_name="年度")),
                        (
                            "status",
                            models.CharField(
                                choices=[("draft", "作成中"), ("signed", "課長確認済")],
                                default="draft",
                                max_length=10,
                                verbose_name="状態",
                            ),
                        ),
                        (
                            "followers_start",
                            models.PositiveIntegerField(blank=True, null=True, verbose_name="年度初めのフォロワー数"),
                        ),
                        (
                            "followers_end",
                            models.PositiveIntegerField(blank=True, null=True, verbose_name="年度末のフォロワー数"),
                        ),
                        ("posts", models.PositiveIntegerField(blank=True, null=True, verbose_name="年度内の投稿数")),
                        (
                            "engagement",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="反応（いいね・共有など、分かれば）"
                            ),
                        ),
                        (
                            "effect",
                            models.CharField(
                                blank=True,
                                choices=[("assured", "担保できている"), ("not_assured", "担保できていない")],
                                max_length=20,
                                verbose_name="運用の効果",
                            ),
                        ),
                        ("effect_reason", models.TextField(blank=True, verbose_name="効果の判断の理由")),
                        (
                            "uniqueness",
                            models.CharField(
                                blank=True,
                                choices=[("assured", "担保できている"), ("not_assured", "担保できていない")],
                                max_length=20,
                                verbose_name="独自性",
                            ),
                        ),
                        ("uniqueness_reason", models.TextField(blank=True, verbose_name="独自性の判断の理由")),
                        (
                            "decision",
                            models.CharField(
                                blank=True,
                                choices=[("continue", "継続"), ("consider_suspension", "停止検討")],
                                max_length=30,
                                verbose_name="結論",
                            ),
                        ),
                        ("signed_at", models.DateTimeField(blank=True, null=True, verbose_name="確認日時")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="作成日時")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新日時")),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="reviews",
                                to="accounts.officialaccount",
                                verbose_name="アカウント",
                            ),
                        ),
                        (
                            "consolidate_into",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="accounts.officialaccount",
                                verbose_name="集約先の市広報アカウント",
                            ),
                        ),
                        (
                            "drafted_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="作成者",
                            ),
                        ),
                        (
                            "signed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="確認した課長",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "年度末の効果測定",
                        "verbose_name_plural": "年度末の効果測定",
                        "db_table": "monitoring_yearendreview",
                        "ordering": ["-fiscal_year", "account"],
                    },
                ),
                migrations.CreateModel(
                    name="SuspensionPlan",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("followers", models.PositiveIntegerField(verbose_name="フォロワー数")),
                        ("impact", models.CharField(max_length=10, verbose_name="影響度")),
                        ("reason", models.TextField(verbose_name="停止の理由（公開）")),
                        ("notice_starts_on", models.DateField(verbose_name="事前周知の開始日")),
                        ("notice_ends_on", models.DateField(verbose_name="事前周知の終了日")),
                        ("notice_text", models.TextField(verbose_name="周知文")),
                        (
                            "notice_short_reason",
                            models.TextField(blank=True, verbose_name="目安より短い事前周知の理由"),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="作成日時")),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="suspension_plans",
                                to="accounts.officialaccount",
                                verbose_name="アカウント",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "redirect_to",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="accounts.officialaccount",
                                verbose_name="誘導先",
                            ),
                        ),
                        (
                            "review",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="plan",
                                to="reviews.yearendreview",
                                verbose_name="もとの効果測定",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "運用停止の計画",
                        "verbose_name_plural": "運用停止の計画",
                        "db_table": "monitoring_suspensionplan",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.AddIndex(
                    model_name="yearendreview",
                    index=models.Index(fields=["fiscal_year", "status"], name="monitoring__fiscal__af2cd0_idx"),
                ),
                migrations.AddConstraint(
                    model_name="yearendreview",
                    constraint=models.UniqueConstraint(fields=("account", "fiscal_year"), name="one_review_per_year"),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
