from django.db import migrations

# SPEC §1 roles, as Django Groups (org.roles.Role holds the same names and their labels).
ROLE_NAMES = [
    "staff",
    "section_head",
    "contractor",
    "committee",
    "committee_chair",
    "security_officer",
    "pr_office",
    "sysadmin",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_NAMES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
