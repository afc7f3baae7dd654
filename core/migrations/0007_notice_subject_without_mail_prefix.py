"""In-app notices no longer carry the mail's 「[公式SNS] 」 prefix (issue 20 #18): strip it from those
already written. Nothing is deleted; the mails already sent keep theirs."""

from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Substr

PREFIX = "[公式SNS] "


def strip_prefix(apps, schema_editor):
    Notice = apps.get_model("core", "Notice")
    Notice.objects.filter(subject__startswith=PREFIX).update(subject=Substr(F("subject"), len(PREFIX) + 1))


def add_prefix(apps, schema_editor):
    from django.db.models.functions import Concat, Left

    Notice = apps.get_model("core", "Notice")
    Notice.objects.exclude(subject__startswith=PREFIX).update(subject=Left(Concat(Value(PREFIX), F("subject")), 200))


class Migration(migrations.Migration):
    dependencies = [("core", "0006_backup_record")]

    operations = [migrations.RunPython(strip_prefix, add_prefix)]
