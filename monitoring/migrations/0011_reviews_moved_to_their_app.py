"""Issue 21: YearEndReview and SuspensionPlan now belong to reviews (reviews 0001). Their tables and rows
stay; here their rules are dropped under monitoring's names (reviews 0002 installed the same rules
under reviews' names just before), and the models leave monitoring's state."""

import pgtrigger.migrations
from django.db import migrations

# The functions pgtrigger made for the triggers under monitoring's names (a dropped trigger leaves
# its function behind): nothing calls them once the triggers are gone.
OLD_FUNCTIONS = (
    "pgtrigger_keep_forever_03719",
    "pgtrigger_fixed_once_final_1038a",
    "pgtrigger_keep_forever_5ab23",
    "pgtrigger_fixed_538a6",
)


def drop_old_functions(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in OLD_FUNCTIONS:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0010_api_credential_moved_to_platforms"),
        ("reviews", "0002_review_and_plan_triggers"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(model_name="yearendreview", name="keep_forever"),
        pgtrigger.migrations.RemoveTrigger(model_name="yearendreview", name="fixed_once_final"),
        pgtrigger.migrations.RemoveTrigger(model_name="suspensionplan", name="keep_forever"),
        pgtrigger.migrations.RemoveTrigger(model_name="suspensionplan", name="fixed"),
        migrations.RunPython(drop_old_functions, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="SuspensionPlan"),
                migrations.DeleteModel(name="YearEndReview"),
            ],
            database_operations=[],
        ),
    ]
