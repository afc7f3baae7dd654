"""The database refuses deleting kept records and rewriting fixed ones (django-pgtrigger, core/protect.py)."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

from core.protect import drop_legacy


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_account_field"),
    ]

    operations = [
        # The hand-written triggers these replace (core/protect.py: refuse).
        drop_legacy(
            *[
                ("accounts_officialaccount", "accounts_officialaccount_refuse_delete"),
                ("accounts_followersnapshot", "accounts_followersnapshot_refuse_delete"),
                ("accounts_platform", "accounts_platform_refuse_delete"),
            ],
            functions=(),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="followersnapshot",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="d76d09e25a2b987a997799a5dbdf2228f20186d6",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_e224e",
                    table="accounts_followersnapshot",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="officialaccount",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="5e7cd2d606170fd13e77b83347a2048aaf6b8b5f",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_6f2a9",
                    table="accounts_officialaccount",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="platform",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="a99795ac2d3eca1b8f65d0b1845e4ab76256ae95",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_ead90",
                    table="accounts_platform",
                    when="BEFORE",
                ),
            ),
        ),
    ]
