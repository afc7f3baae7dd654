"""The database refuses deleting kept records and rewriting fixed ones (django-pgtrigger, core/protect.py)."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

from core.protect import drop_legacy


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_append_only"),
    ]

    operations = [
        # The hand-written triggers these replace (core/protect.py: refuse).
        drop_legacy(*[("core_auditevent", "core_auditevent_refuse_update_delete")], functions=()),
        pgtrigger.migrations.AddTrigger(
            model_name="auditevent",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="159d7e14456bff30e82d68f4e304335bb189c9be",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_6a001",
                    table="core_auditevent",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="auditevent",
            trigger=pgtrigger.compiler.Trigger(
                name="fixed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func="RAISE EXCEPTION 'a record kept by the city cannot be changed (%.fixed)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="9a4ef62778856d4ccea328e8af2f4e29a73bc1ca",
                    operation="UPDATE",
                    pgid="pgtrigger_fixed_c3147",
                    table="core_auditevent",
                    when="BEFORE",
                ),
            ),
        ),
    ]
