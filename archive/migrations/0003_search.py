"""The archive's search (issue 22): a GIN index over each post's character bigrams, on PostgreSQL.

`Post.grams` holds a post's distinct bigrams separated by spaces (archive/search.py); the index is
built on the array they make, the same expression the search asks for (`string_to_array(grams, ' ')
@> ARRAY[…]`). SQLite gets nothing: the search there reads `search_text LIKE`.
"""

from django.db import migrations

INDEX = "archive_post_grams"  # archive.search.GRAMS_INDEX


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON archive_post USING gin (string_to_array(grams, ' '))"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("archive", "0002_retention")]
    operations = [migrations.RunPython(forwards, backwards)]
