from django.db import migrations

# A starting dictionary (G-4-4-ア/ウ); the sysadmin maintains it in the admin.
TERMS = [
    ("検討中", "unannounced", "意思形成過程の情報は発信しない（G-4-4-ア）"),
    ("未定ですが", "unannounced", ""),
    ("予定です（非公表）", "unannounced", ""),
    ("内部情報", "unannounced", ""),
    ("らしい", "rumour", "噂や憶測（G-4-4-ア/ウ）"),
    ("噂", "rumour", ""),
    ("との情報", "rumour", ""),
    ("違法ダウンロード", "illegal", ""),
]


def seed(apps, schema_editor):
    DictionaryTerm = apps.get_model("screening", "DictionaryTerm")
    for term, category, note in TERMS:
        DictionaryTerm.objects.get_or_create(term=term, category=category, defaults={"note": note})


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
