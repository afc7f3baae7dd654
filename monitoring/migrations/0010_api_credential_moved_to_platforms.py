"""Issue 21: ApiCredential now belongs to platforms (platforms 0001). Its table and rows stay; here it
leaves monitoring's state, and its triggers are dropped under monitoring's names (platforms 0002
installs the same rules again under platforms' names, in the same migrate run)."""

import pgtrigger.migrations
from django.db import migrations

# The functions pgtrigger made for the triggers under monitoring's names (a dropped trigger leaves
# its function behind): nothing calls them once the triggers are gone.
OLD_FUNCTIONS = ("pgtrigger_keep_forever_bc4fc", "pgtrigger_identity_fixed_d7d1a", "pgtrigger_fixed_once_final_e1ca1")


def drop_old_functions(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in OLD_FUNCTIONS:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0009_credential_kinds_for_refresh"),
        ("platforms", "0001_api_credential_moved"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(model_name="apicredential", name="keep_forever"),
        pgtrigger.migrations.RemoveTrigger(model_name="apicredential", name="identity_fixed"),
        pgtrigger.migrations.RemoveTrigger(model_name="apicredential", name="fixed_once_final"),
        migrations.RunPython(drop_old_functions, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ApiCredential")],
            database_operations=[],
        ),
    ]
