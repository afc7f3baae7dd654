"""The database refuses deleting kept records and rewriting fixed ones (django-pgtrigger, core/protect.py)."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

from core.protect import drop_legacy


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0002_refuse_deletes"),
    ]

    operations = [
        # The hand-written triggers these replace (core/protect.py: refuse).
        drop_legacy(
            *[
                ("approvals_accountrequest", "approvals_accountrequest_refuse_delete"),
                ("approvals_vote", "approvals_vote_refuse_delete"),
                ("approvals_requestcomment", "approvals_requestcomment_refuse_delete"),
            ],
            functions=(),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="accountrequest",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="5ba539416dd8e817d6745446804afdc547c28c5d",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_40aca",
                    table="approvals_accountrequest",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="accountrequest",
            trigger=pgtrigger.compiler.Trigger(
                name="fixed_once_final",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.status IN ('approved', 'rejected'))",
                    func="RAISE EXCEPTION 'a record kept by the city cannot be changed (%.fixed_once_final)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="7d0119044f97d956e989d602b3b7b7b685c2a662",
                    operation="UPDATE",
                    pgid="pgtrigger_fixed_once_final_327c5",
                    table="approvals_accountrequest",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="requestcomment",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="2f7e9fa732a5822ea021798298f03c32215b60ae",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_650bb",
                    table="approvals_requestcomment",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="requestcomment",
            trigger=pgtrigger.compiler.Trigger(
                name="fixed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func="RAISE EXCEPTION 'a record kept by the city cannot be changed (%.fixed)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="2688f4d84b84fae866ddf523c6aaa0f28450fd9c",
                    operation="UPDATE",
                    pgid="pgtrigger_fixed_c8ff2",
                    table="approvals_requestcomment",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="requestcounter",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="196b4f24274f413debc95e1f220dd4b9df18f6e1",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_e4a5e",
                    table="approvals_requestcounter",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="vote",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="aa6fdebf0c454364b131a04f6ce26d1478bcb3e8",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_f9b0e",
                    table="approvals_vote",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="vote",
            trigger=pgtrigger.compiler.Trigger(
                name="fixed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func="RAISE EXCEPTION 'a record kept by the city cannot be changed (%.fixed)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="320ca819b893a108931a399a0f1bb6ac267266f1",
                    operation="UPDATE",
                    pgid="pgtrigger_fixed_43603",
                    table="approvals_vote",
                    when="BEFORE",
                ),
            ),
        ),
    ]
