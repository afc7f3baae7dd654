from django.db import migrations

from core.protect import refuse


class Migration(migrations.Migration):
    """A request and its votes are the record of the committee's decision: kept forever."""

    dependencies = [("approvals", "0001_initial")]
    operations = [refuse("approvals_accountrequest"), refuse("approvals_vote"), refuse("approvals_requestcomment")]
