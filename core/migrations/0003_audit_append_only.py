from django.db import migrations

from core.protect import refuse


class Migration(migrations.Migration):
    """The audit trail is append-only (SPEC §7): PostgreSQL refuses UPDATE and DELETE of its rows."""

    dependencies = [("core", "0002_initial")]
    operations = [refuse("core_auditevent", "UPDATE OR DELETE")]
