"""Every change of an account's contractors is recorded by the database itself (issue 20: core.protect.record_changes)."""

from django.db import migrations

from core.protect import record_changes


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_notice_short_reason"),
        ("core", "0008_table_changes"),
    ]

    operations = [record_changes("accounts_officialaccount_contractors")]
