"""Database-level guards for records that must never be deleted or rewritten (PostgreSQL only).

The ORM already refuses (core.models); these triggers also stop a raw DELETE or a cascade.
TRUNCATE (used by test flushes and by a DBA on purpose) is a statement, not a row delete.
"""

from django.db import migrations


def _function(name: str, message: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{message} (%%)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""


def refuse(table: str, operations: str = "DELETE") -> migrations.RunPython:
    """Return a migration operation that makes PostgreSQL refuse `operations` on `table`."""
    trigger = f"{table}_refuse_{operations.lower().replace(' or ', '_')}"
    function = "komae_refuse_change"

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(_function(function, "this record is kept forever"), params=())
        schema_editor.execute(
            f"CREATE TRIGGER {trigger} BEFORE {operations} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}();"
        )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table};")

    return migrations.RunPython(forwards, backwards)
