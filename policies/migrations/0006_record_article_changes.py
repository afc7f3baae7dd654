"""Every change of a template's current articles is recorded by the database itself (issue 20:
core.protect.record_changes). They stay editable; every saved state is also a TemplateRevision."""

from django.db import migrations

from core.protect import record_changes


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0005_database_keeps_records"),
        ("core", "0008_table_changes"),
    ]

    operations = [record_changes("policies_templatearticle")]
