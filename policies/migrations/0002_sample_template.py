from django.conf import settings
from django.db import migrations


def seed(apps, schema_editor):
    """The default template, revision 1: the 見本 of the city profile's policy file (issue 15; for
    Komae the guideline's own 見本, P-1〜P-10). A database migrated before the profile existed has it."""
    PolicyTemplate = apps.get_model("policies", "PolicyTemplate")
    TemplateArticle = apps.get_model("policies", "TemplateArticle")
    TemplateRevision = apps.get_model("policies", "TemplateRevision")
    policy = settings.CITY.policy
    template, created = PolicyTemplate.objects.get_or_create(
        platform=None,
        name=policy.name,
        defaults={"title": policy.title, "service_description": policy.service_description},
    )
    if not created:
        return
    for number, heading, body in policy.articles:
        TemplateArticle.objects.create(template=template, number=number, heading=heading, body=body)
    TemplateRevision.objects.create(
        template=template,
        revision=1,
        title=policy.title,
        service_description=policy.service_description,
        articles=[{"number": n, "heading": h, "body": b} for n, h, b in policy.articles],
    )


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
