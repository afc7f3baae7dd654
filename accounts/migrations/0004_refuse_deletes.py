from django.db import migrations

from core.protect import refuse


class Migration(migrations.Migration):
    """G-4-5-エ: an official account is never deleted, not even by raw SQL or a cascade."""

    dependencies = [("accounts", "0003_platforms")]
    operations = [
        refuse("accounts_officialaccount"),
        refuse("accounts_followersnapshot"),
        refuse("accounts_platform"),
    ]
