"""Issue 21: an API token's status (使用中 / 廃止) is a field, changed by core.audit.transition like every
other status, and always agrees with `retired_at` (a constraint).

No retired row is written to: the column is added as 廃止 for every row there is (the database fills
it in, no row trigger fires), then the tokens still in use, which no trigger keeps fixed, are set to
使用中. New rows start 使用中.
"""

from django.db import migrations, models


def mark_in_use(apps, schema_editor):
    ApiCredential = apps.get_model("platforms", "ApiCredential")
    ApiCredential.objects.using(schema_editor.connection.alias).filter(retired_at__isnull=True).update(status="active")


class Migration(migrations.Migration):
    dependencies = [
        ("platforms", "0002_api_credential_triggers"),
    ]

    operations = [
        migrations.AddField(
            model_name="apicredential",
            name="status",
            field=models.CharField(
                choices=[("active", "使用中"), ("retired", "廃止")],
                default="retired",
                editable=False,
                max_length=10,
                verbose_name="状態",
            ),
        ),
        migrations.RunPython(mark_in_use, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apicredential",
            name="status",
            field=models.CharField(
                choices=[("active", "使用中"), ("retired", "廃止")],
                default="active",
                editable=False,
                max_length=10,
                verbose_name="状態",
            ),
        ),
        migrations.AddConstraint(
            model_name="apicredential",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("retired_at__isnull", True), ("status", "active")),
                    models.Q(("retired_at__isnull", False), ("status", "retired")),
                    _connector="OR",
                ),
                name="credential_retired_when_its_status_says",
            ),
        ),
    ]
