"""The database refuses deleting kept records and rewriting fixed ones (django-pgtrigger, core/protect.py)."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0004_content_checks_and_reminders"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="contentcheck",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="3d4ae570c23247de517d04f882a24db8b4752adb",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_e6caf",
                    table="monitoring_contentcheck",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="contentcheck",
            trigger=pgtrigger.compiler.Trigger(
                name="fixed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func="RAISE EXCEPTION 'a record kept by the city cannot be changed (%.fixed)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="cd6bb179a6d8549aa883956548f73fe65f96cd1e",
                    operation="UPDATE",
                    pgid="pgtrigger_fixed_fa67f",
                    table="monitoring_contentcheck",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="evidence",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="fabb84dc00d0eda92495e995a6e5e571e1b67d02",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_361bf",
                    table="monitoring_evidence",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="evidence",
            trigger=pgtrigger.compiler.Trigger(
                name="fixed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func="RAISE EXCEPTION 'a record kept by the city cannot be changed (%.fixed)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="aa14d86b42d6b92f21711c7e261aa0f9caefd574",
                    operation="UPDATE",
                    pgid="pgtrigger_fixed_77ac7",
                    table="monitoring_evidence",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="incident",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="622365eeb4e02bee32f9dac3ed94c6346803136a",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_b793c",
                    table="monitoring_incident",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="incident",
            trigger=pgtrigger.compiler.Trigger(
                name="fixed_once_final",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.status = 'closed')",
                    func="RAISE EXCEPTION 'a record kept by the city cannot be changed (%.fixed_once_final)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="e3a33e7e1c9ec23004f9aae6f1896bff4acc825b",
                    operation="UPDATE",
                    pgid="pgtrigger_fixed_once_final_1a499",
                    table="monitoring_incident",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="incidentstep",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="d80e5747aba598b335d8c72f03602b9fa3463bf5",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_3a478",
                    table="monitoring_incidentstep",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="incidentstep",
            trigger=pgtrigger.compiler.Trigger(
                name="fixed_once_final",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.done_at IS NOT NULL)",
                    func="RAISE EXCEPTION 'a record kept by the city cannot be changed (%.fixed_once_final)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="a07677fddfc0b0af24fa81d7fe2926127c44d386",
                    operation="UPDATE",
                    pgid="pgtrigger_fixed_once_final_2415b",
                    table="monitoring_incidentstep",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="remindersent",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="9d90a2365f41730c707ae8e58e34a97dd2d7dbf9",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_584e8",
                    table="monitoring_remindersent",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="remindersent",
            trigger=pgtrigger.compiler.Trigger(
                name="fixed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func="RAISE EXCEPTION 'a record kept by the city cannot be changed (%.fixed)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="aee81c86ee3e954363d1fdf2b95c2f60094bd7d6",
                    operation="UPDATE",
                    pgid="pgtrigger_fixed_dd2c3",
                    table="monitoring_remindersent",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="statuscheck",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="37f846895af5ca9aa9bdbaa6e814bf9e4b21a898",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_126a4",
                    table="monitoring_statuscheck",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="statuscheck",
            trigger=pgtrigger.compiler.Trigger(
                name="fixed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func="RAISE EXCEPTION 'a record kept by the city cannot be changed (%.fixed)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="fe1f6ee1979ccd5d9f4fbaf8a6d548d2cf4d2d8f",
                    operation="UPDATE",
                    pgid="pgtrigger_fixed_3bd7f",
                    table="monitoring_statuscheck",
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
                    hash="8f45a05822df5d3953376dcfb3e14813f6132691",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_5ab23",
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
                    hash="ea636a2fc1376562eaf1d73e8efc3a82982bca1d",
                    operation="UPDATE",
                    pgid="pgtrigger_fixed_538a6",
                    table="monitoring_suspensionplan",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="yearendreview",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="6d0208dace382e902ce18ce9708941fc3822ae7e",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_03719",
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
                    hash="449f714754cb4d78ed8293c75eda9c8319e41de1",
                    operation="UPDATE",
                    pgid="pgtrigger_fixed_once_final_1038a",
                    table="monitoring_yearendreview",
                    when="BEFORE",
                ),
            ),
        ),
    ]
