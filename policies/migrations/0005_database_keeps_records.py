"""The database refuses deleting kept records and rewriting fixed ones (django-pgtrigger, core/protect.py)."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

from core.protect import drop_legacy


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0004_version_comparison"),
    ]

    operations = [
        # The hand-written triggers these replace (core/protect.py: refuse).
        drop_legacy(
            *[
                ("policies_policyversion", "policies_policyversion_refuse_delete"),
                ("policies_policyversion", "policies_policyversion_fixed"),
            ],
            functions=("policies_version_fixed",),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="policydraft",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="d31e1b06cbf3448880e5f06ce50072f7db943508",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_c984a",
                    table="policies_policydraft",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="policytemplate",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="87224fd0d88b2bb6e19aac7855c01f1a3ea5cab6",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_edd2f",
                    table="policies_policytemplate",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="policyversion",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="6fe52ab003ff1dd374da2c65d9de39dc1cfa6650",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_c28b3",
                    table="policies_policyversion",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="policyversion",
            trigger=pgtrigger.compiler.Trigger(
                name="text_is_fixed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."account_id" IS DISTINCT FROM (NEW."account_id") OR OLD."articles" IS DISTINCT FROM (NEW."articles") OR OLD."comment" IS DISTINCT FROM (NEW."comment") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."history" IS DISTINCT FROM (NEW."history") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."issued_by_id" IS DISTINCT FROM (NEW."issued_by_id") OR OLD."issued_on" IS DISTINCT FROM (NEW."issued_on") OR OLD."kind" IS DISTINCT FROM (NEW."kind") OR OLD."number" IS DISTINCT FROM (NEW."number") OR OLD."template_revision" IS DISTINCT FROM (NEW."template_revision") OR OLD."title" IS DISTINCT FROM (NEW."title"))',
                    func="RAISE EXCEPTION 'a record kept by the city cannot be changed (%.text_is_fixed)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="df23c5f32ed10de2163fb6dc58e831d4a9f52906",
                    operation="UPDATE",
                    pgid="pgtrigger_text_is_fixed_7378f",
                    table="policies_policyversion",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="policyversion",
            trigger=pgtrigger.compiler.Trigger(
                name="pdf_once",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.pdf <> '' AND (OLD.pdf IS DISTINCT FROM NEW.pdf OR OLD.pdf_sha256 IS DISTINCT FROM NEW.pdf_sha256))",
                    func="RAISE EXCEPTION 'a record kept by the city cannot be changed (%.pdf_once)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="1b69c767ea55763d10f3956096f5fc9569665c96",
                    operation="UPDATE",
                    pgid="pgtrigger_pdf_once_dbbb1",
                    table="policies_policyversion",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="policyversion",
            trigger=pgtrigger.compiler.Trigger(
                name="comparison_once",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.comparison IS NOT NULL AND OLD.comparison IS DISTINCT FROM NEW.comparison)",
                    func="RAISE EXCEPTION 'a record kept by the city cannot be changed (%.comparison_once)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="ec266339de6a93d016c458e45a53265ed15103f0",
                    operation="UPDATE",
                    pgid="pgtrigger_comparison_once_118da",
                    table="policies_policyversion",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="templaterevision",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_forever",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'a record kept by the city cannot be deleted (%.keep_forever)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="f3707f5654ba9a33d2b694740b4ad29e6155a907",
                    operation="DELETE",
                    pgid="pgtrigger_keep_forever_0cc2d",
                    table="policies_templaterevision",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="templaterevision",
            trigger=pgtrigger.compiler.Trigger(
                name="fixed",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func="RAISE EXCEPTION 'a record kept by the city cannot be changed (%.fixed)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';",
                    hash="66d851b05ce8a419cd74e10180f6327a4235e055",
                    operation="UPDATE",
                    pgid="pgtrigger_fixed_30bbd",
                    table="policies_templaterevision",
                    when="BEFORE",
                ),
            ),
        ),
    ]
