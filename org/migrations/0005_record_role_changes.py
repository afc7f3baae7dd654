"""Every change of who holds which role (the groups of org.User) and of a user's own permissions is
recorded by the database itself (issue 20: core.protect.record_changes)."""

from django.db import migrations

from core.protect import record_changes


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0004_database_keeps_records"),
        ("core", "0008_table_changes"),
    ]

    operations = [record_changes("org_user_groups"), record_changes("org_user_user_permissions")]
