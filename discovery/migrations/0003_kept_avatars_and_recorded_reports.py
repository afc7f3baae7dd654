"""An official picture is refreshed, never deleted; every change of which residents' reports a candidate holds
is recorded by the database itself (core.protect.record_changes), like the other tables edited freely."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

from core.protect import record_changes


class Migration(migrations.Migration):
    dependencies = [
        ("discovery", "0002_official_avatar"),
        ("core", "0011_alter_auditevent_action_alter_auditevent_actor_job"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="officialavatar",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="250072f5cee089294f14cfea9ea2436da87c4935",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_8b842",
                    table="discovery_officialavatar",
                    when="BEFORE",
                ),
            ),
        ),
        record_changes("discovery_candidate_reports"),
    ]
