"""Issue 21: the audit trail's actor is a person, a job of the server or an API token; its actions a
closed list.

Every row is kept. The stored actions keep their values (each is a member of AuditEvent.Action), so
no row's action changes. A row with a person becomes `person` as the column is added (no row is
rewritten for it); a row without one was written by the server itself, and says which job it was
where the code of the time wrote it in a way that tells (`legacy_job`), else `unknown`. Naming those
jobs writes the new columns of rows that the `fixed` trigger keeps as they are: it goes through
pgtrigger's switch, which only the schema's owner (who runs migrate) may use (core/dbroles.py).
"""

import pgtrigger
from django.conf import settings
from django.db import migrations, models

# How the code before issue 21 wrote the rows it wrote with no person, first match wins.
LEGACY_JOBS = (
    ("city_profile", lambda action, summary: action == "from_profile"),
    ("token_renewal", lambda action, summary: summary.startswith("APIトークンを自動更新")),
    ("rotate_credentials", lambda action, summary: summary.startswith("APIトークンを新しい暗号鍵で暗号化し直し")),
    ("unlock_login", lambda action, summary: summary.endswith("：サーバーのコマンドで実行")),
    ("directory", lambda action, summary: summary.startswith("ディレクトリ")),
    ("role_withdrawn", lambda action, summary: summary.startswith("委託業者の役割の解除により")),
    ("restore_command", lambda action, summary: summary.startswith("バックアップから復元")),
)


def legacy_job(action: str, summary: str) -> str:
    """The job that wrote a row without a person before issue 21, as far as the row tells."""
    return next((job for job, wrote in LEGACY_JOBS if wrote(action, summary)), "unknown")


def name_the_jobs(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    by_job: dict[str, list[int]] = {}
    for pk, action, summary in AuditEvent.objects.filter(actor__isnull=True).values_list("pk", "action", "summary"):
        by_job.setdefault(legacy_job(action, summary), []).append(pk)
    if not by_job:
        return
    alias = schema_editor.connection.alias
    with pgtrigger.ignore("core.AuditEvent:fixed", databases=[alias]):
        for job, pks in by_job.items():
            for start in range(0, len(pks), 1000):
                AuditEvent.objects.using(alias).filter(pk__in=pks[start : start + 1000]).update(
                    actor_kind="job", actor_job=job
                )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0008_table_changes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="actor_kind",
            field=models.CharField(
                choices=[("person", "職員"), ("job", "自動処理・コマンド"), ("api_token", "APIトークン")],
                default="person",  # the rows there are, as the column is added
                max_length=10,
                verbose_name="実施者の種類",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="actor_job",
            field=models.CharField(
                blank=True,
                choices=[
                    ("token_renewal", "自動処理（トークン更新）"),
                    ("status_check", "自動処理（状態確認）"),
                    ("nightly_backup", "自動処理（夜間バックアップ）"),
                    ("directory", "自動処理（ディレクトリからのサインイン）"),
                    ("role_withdrawn", "自動処理（役割の解除に伴う整理）"),
                    ("backup_command", "サーバーのコマンド（バックアップ）"),
                    ("restore_command", "サーバーのコマンド（復元）"),
                    ("unlock_login", "サーバーのコマンド（ログインのロック解除）"),
                    ("rotate_credentials", "サーバーのコマンド（暗号鍵の更新）"),
                    ("city_profile", "サーバーのコマンド（プロファイルの反映）"),
                    ("unknown", "システム（記録なし）"),
                ],
                max_length=30,
                verbose_name="自動処理・コマンド",
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="actor_token",
            field=models.CharField(blank=True, max_length=100, verbose_name="APIトークン"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("created", "登録"),
                    ("updated", "変更"),
                    ("transition", "状態変更"),
                    ("followers", "フォロワー数記録"),
                    ("from_profile", "プロファイルから反映"),
                    ("handed_over", "課長への提出依頼"),
                    ("commented", "コメント"),
                    ("voted", "賛否の表明"),
                    ("step_done", "手順の実施"),
                    ("escalated", "報告"),
                    ("evidence_added", "証拠ファイルの追加"),
                    ("content_checked", "発言内容の確認"),
                    ("review_created", "効果測定の作成"),
                    ("suspension_planned", "運用停止の計画"),
                    ("policy_drafted", "運用ポリシー案の作成"),
                    ("policy_edited", "運用ポリシー案の編集"),
                    ("policy_issued", "運用ポリシーの制定・改正"),
                    ("key_rotated", "新しい暗号鍵での暗号化"),
                ],
                max_length=20,
                verbose_name="種別",
            ),
        ),
        migrations.RunPython(name_the_jobs, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("actor__isnull", False), ("actor_job", ""), ("actor_kind", "person"), ("actor_token", "")
                    ),
                    models.Q(
                        ("actor__isnull", True),
                        ("actor_kind", "job"),
                        ("actor_token", ""),
                        models.Q(("actor_job", ""), _negated=True),
                    ),
                    models.Q(
                        ("actor_job", ""), ("actor_kind", "api_token"), models.Q(("actor_token", ""), _negated=True)
                    ),
                    _connector="OR",
                ),
                name="audit_actor_named_by_its_kind",
            ),
        ),
    ]
