"""What the database itself refuses: deleting a kept record, rewriting a fixed one (PostgreSQL).

The rules are declared on each model (`Meta.triggers`) with django-pgtrigger and installed by the
migrations; the ORM refuses too (core.models.UndeletableModel), which is all SQLite gets. A row
trigger fires for DELETE and UPDATE, also for raw SQL and a cascade; TRUNCATE (a test flush, or a
DBA on purpose) is a statement, not a row change.

`refuse` and `drop_legacy` serve the migrations of the hand-written triggers that came before.
`record_changes` serves the tables whose rows are edited freely: every change is written into
core_tablechange by the database (issue 20).

None of this holds against the role that owns the tables (it may drop a trigger, disable it or
TRUNCATE): the app connects as a role with DML only, and `migrate` runs as the owner
(deploy/database-roles.sql, core/dbroles.py).
"""

import pgtrigger
from django.db import migrations

__all__ = ["Refuse", "drop_legacy", "fixed", "fixed_when", "keep_forever", "record_changes", "refuse"]


class Refuse(pgtrigger.Protect):
    """pgtrigger's Protect, raising a constraint error (IntegrityError in Django) that names the rule."""

    def get_func(self, model):
        what = "deleted" if self.operation == pgtrigger.Delete else "changed"
        return self.format_sql(
            f"""
            RAISE EXCEPTION 'a record kept by the city cannot be {what} (%.{self.name})', TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation';
            """
        )


def keep_forever() -> pgtrigger.Protect:
    """No DELETE of a row (G-4-5-エ: an account is never deleted; nor is the record of what was done)."""
    return Refuse(name="keep_forever", operation=pgtrigger.Delete)


def fixed() -> pgtrigger.Protect:
    """No UPDATE of any column: a reading, a log line, a vote, an audit row is as it was written.

    An UPDATE that writes the same values (a fixture reloaded by a test) changes nothing and passes.
    """
    return Refuse(name="fixed", operation=pgtrigger.Update, condition=pgtrigger.AnyChange())


def fixed_when(condition, name: str = "fixed_once_final") -> pgtrigger.Protect:
    """No UPDATE once the row is final: `condition` is SQL on OLD and NEW, or a pgtrigger condition."""
    if isinstance(condition, str):
        condition = pgtrigger.Condition(condition)
    return Refuse(name=name, operation=pgtrigger.Update, condition=condition)


# --- the hand-written triggers of earlier migrations ----------------------------------------------


def _function(name: str, message: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{message} (%%)', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""


def refuse(table: str, operations: str = "DELETE") -> migrations.RunPython:
    """(Earlier migrations) make PostgreSQL refuse `operations` on `table` with a hand-written trigger."""
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


_DROP_UNUSED_FUNCTION = """
DO $$ BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid WHERE p.proname = 'komae_refuse_change'
    ) THEN
        DROP FUNCTION IF EXISTS komae_refuse_change();
    END IF;
END $$;
"""


def drop_legacy(*triggers: tuple[str, str], functions: tuple[str, ...] = ()) -> migrations.RunPython:
    """Drop hand-written (table, trigger) pairs that pgtrigger's declared triggers replace.

    Forwards only: going back recreates nothing (the earlier migrations are not reversed past this).
    """

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, trigger in triggers:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table};")
        for function in functions:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}();")
        schema_editor.execute(_DROP_UNUSED_FUNCTION, params=())

    return migrations.RunPython(forwards, migrations.RunPython.noop)


# --- a record of every change, for the tables whose rows are edited freely --------------------------

RECORD_FUNCTION = """
CREATE OR REPLACE FUNCTION komae_record_change() RETURNS trigger AS $$
BEGIN
    INSERT INTO core_tablechange (table_name, operation, old_row, new_row, db_role, changed_at)
    VALUES (
        TG_TABLE_NAME,
        TG_OP,
        CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,
        CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END,
        session_user,
        clock_timestamp()
    );
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def record_changes(table: str) -> migrations.RunPython:
    """Every INSERT, UPDATE and DELETE of a row of `table` is written into core_tablechange (kept and
    fixed) by the database, whatever wrote it. A row trigger: the app's role may not TRUNCATE."""
    trigger = f"komae_record_{table}"[:63]

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(RECORD_FUNCTION, params=())
        schema_editor.execute(
            f"CREATE TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION komae_record_change();"
        )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table};")

    return migrations.RunPython(forwards, backwards)
