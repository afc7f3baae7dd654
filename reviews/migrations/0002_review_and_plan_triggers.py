# Issue 21: the rules of monitoring 0005 on the same tables, under the names pgtrigger gives them in reviews.
# Installed before monitoring 0011 drops the old ones, so the tables are never without them.

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_moved_from_monitoring"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="yearendreview",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="883cc4dfcc3caac1c7bdd7d9985d45b043c4efdb",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_a833d",
                    table="monitoring_yearendreview",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="yearendreview",
            trigger=pgtrigger.compiler.Trigger(
                name="fixed_once_final",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.status = 'signed')",
                    func="RAISE EXCEPTION 'a record kept by the city cannot be changed (%.fixed_once_final)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="f7837e143b83642d7600287c3d9b466e1ce87b9b",
                    operation="UPDATE",
                    pgid="pgtrigger_fixed_once_final_f59a1",
                    table="monitoring_yearendreview",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="suspensionplan",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="2939a4afe61c10f5c55114c5c206c054c58937c1",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_4477b",
                    table="monitoring_suspensionplan",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="suspensionplan",
            trigger=pgtrigger.compiler.Trigger(
                name="fixed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func="RAISE EXCEPTION 'a record kept by the city cannot be changed (%.fixed)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="7d95ee3c5713ea6a4f702d9456e28378acf8ea9e",
                    operation="UPDATE",
                    pgid="pgtrigger_fixed_498b5",
                    table="monitoring_suspensionplan",
                    when="BEFORE",
                ),
            ),
        ),
    ]
