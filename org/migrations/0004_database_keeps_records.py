"""The database refuses deleting kept records and rewriting fixed ones (django-pgtrigger, core/protect.py)."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0003_lockoutrelease"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="department",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="4ac06591574caef623e45569db4f99da44c968a7",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_fcdca",
                    table="org_department",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="lockoutrelease",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="e746a235c652622dd05db6072950d1da63c96079",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_ab8ad",
                    table="org_lockoutrelease",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="lockoutrelease",
            trigger=pgtrigger.compiler.Trigger(
                name="fixed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func="RAISE EXCEPTION 'a record kept by the city cannot be changed (%.fixed)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="32b11a33c17437a79e0479f075b6a9f867ed6b32",
                    operation="UPDATE",
                    pgid="pgtrigger_fixed_bf1b9",
                    table="org_lockoutrelease",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="user",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="8b84c1b4fbddda4c73abcf2074e5eb0ab3cc7112",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_71938",
                    table="org_user",
                    when="BEFORE",
                ),
            ),
        ),
    ]
