from django.db import migrations

from core.protect import refuse

# An issued policy's text never changes; its PDF is attached once (SPEC §3).
FIXED_TEXT = """
CREATE OR REPLACE FUNCTION policies_version_fixed() RETURNS trigger AS $$
BEGIN
    IF NEW.account_id IS DISTINCT FROM OLD.account_id OR NEW.number IS DISTINCT FROM OLD.number
       OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.title IS DISTINCT FROM OLD.title
       OR NEW.articles::text IS DISTINCT FROM OLD.articles::text OR NEW.issued_on IS DISTINCT FROM OLD.issued_on
       OR NEW.history::text IS DISTINCT FROM OLD.history::text
       OR (OLD.pdf <> '' AND (NEW.pdf IS DISTINCT FROM OLD.pdf OR NEW.pdf_sha256 IS DISTINCT FROM OLD.pdf_sha256))
    THEN
        RAISE EXCEPTION 'an issued policy version is fixed' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER policies_policyversion_fixed BEFORE UPDATE ON policies_policyversion
    FOR EACH ROW EXECUTE FUNCTION policies_version_fixed();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FIXED_TEXT, params=())


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS policies_policyversion_fixed ON policies_policyversion;")


class Migration(migrations.Migration):
    dependencies = [("policies", "0002_sample_template")]
    operations = [
        refuse("policies_policyversion"),
        migrations.RunPython(forwards, backwards),
    ]
