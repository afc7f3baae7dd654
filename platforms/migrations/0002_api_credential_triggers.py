# Issue 21: the rules of monitoring 0008 on the same table, under the names pgtrigger gives them in platforms.

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0010_api_credential_moved_to_platforms"),
        ("platforms", "0001_api_credential_moved"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="apicredential",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="e173f207c8d01dcad3a5acd516b9ffed79dda577",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_7746e",
                    table="monitoring_apicredential",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="apicredential",
            trigger=pgtrigger.compiler.Trigger(
                name="identity_fixed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."account_id" IS DISTINCT FROM (NEW."account_id") OR OLD."expires_on" IS DISTINCT FROM (NEW."expires_on") OR OLD."fingerprint" IS DISTINCT FROM (NEW."fingerprint") OR OLD."kind" IS DISTINCT FROM (NEW."kind") OR OLD."platform_id" IS DISTINCT FROM (NEW."platform_id") OR OLD."registered_at" IS DISTINCT FROM (NEW."registered_at") OR OLD."registered_by_id" IS DISTINCT FROM (NEW."registered_by_id"))',
                    func="RAISE EXCEPTION 'a record kept by the city cannot be changed (%.identity_fixed)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="787b0b262e3763134d1846f6a93fb0f56d869d0c",
                    operation="UPDATE",
                    pgid="pgtrigger_identity_fixed_b6188",
                    table="monitoring_apicredential",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="apicredential",
            trigger=pgtrigger.compiler.Trigger(
                name="fixed_once_final",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.retired_at IS NOT NULL)",
                    func="RAISE EXCEPTION 'a record kept by the city cannot be changed (%.fixed_once_final)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="a78a660a6235a4b96af2131b41423eacfd836f39",
                    operation="UPDATE",
                    pgid="pgtrigger_fixed_once_final_954a3",
                    table="monitoring_apicredential",
                    when="BEFORE",
                ),
            ),
        ),
    ]
