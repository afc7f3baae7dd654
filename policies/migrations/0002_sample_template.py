from django.db import migrations

from policies.sample import SAMPLE_ARTICLES, SAMPLE_SERVICE_DESCRIPTION, SAMPLE_TITLE


def seed(apps, schema_editor):
    """The default template: the guideline's 見本 (P-1〜P-10), revision 1."""
    PolicyTemplate = apps.get_model("policies", "PolicyTemplate")
    TemplateArticle = apps.get_model("policies", "TemplateArticle")
    TemplateRevision = apps.get_model("policies", "TemplateRevision")
    template, created = PolicyTemplate.objects.get_or_create(
        platform=None,
        name="見本（ガイドライン添付）",
        defaults={"title": SAMPLE_TITLE, "service_description": SAMPLE_SERVICE_DESCRIPTION},
    )
    if not created:
        return
    for number, heading, body in SAMPLE_ARTICLES:
        TemplateArticle.objects.create(template=template, number=number, heading=heading, body=body)
    TemplateRevision.objects.create(
        template=template,
        revision=1,
        title=SAMPLE_TITLE,
        service_description=SAMPLE_SERVICE_DESCRIPTION,
        articles=[{"number": n, "heading": h, "body": b} for n, h, b in SAMPLE_ARTICLES],
    )


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
