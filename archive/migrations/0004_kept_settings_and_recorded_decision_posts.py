"""An account's archive settings are never deleted; every change of which posts a retention decision holds is
recorded by the database itself (core.protect.record_changes), like the other tables edited freely."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

from core.protect import record_changes


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0003_search"),
        ("core", "0011_alter_auditevent_action_alter_auditevent_actor_job"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="accountarchive",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="db63b33b24721589b77c1a6a31372baedfccd08d",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_4746a",
                    table="archive_accountarchive",
                    when="BEFORE",
                ),
            ),
        ),
        record_changes("archive_retentiondecision_posts"),
    ]
