"""The database refuses deleting kept records and rewriting fixed ones (django-pgtrigger, core/protect.py)."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0002_dictionary_seed"),
    ]

    operations = [
        pgtrigger.migrations.AddTrigger(
            model_name="dictionaryterm",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="51ae70616dd23b9390635dfdffdadbc260f385f7",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_6bd8c",
                    table="screening_dictionaryterm",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="screeneddraft",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="650a1a0140f7fe1de513cf15b72d2d97b59f08fe",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_bda88",
                    table="screening_screeneddraft",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="screeneddraft",
            trigger=pgtrigger.compiler.Trigger(
                name="fixed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func="RAISE EXCEPTION 'a record kept by the city cannot be changed (%.fixed)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="37afd59b3336f245a313d46d3a97a46ff8c04753",
                    operation="UPDATE",
                    pgid="pgtrigger_fixed_7cc7f",
                    table="screening_screeneddraft",
                    when="BEFORE",
                ),
            ),
        ),
    ]
