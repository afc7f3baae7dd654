"""Django's migrate, connected as the role that owns the schema (MIGRATE_DATABASE_URL; core.dbroles),
and leaving pgtrigger's switch to skip a trigger to that role only."""

from django.core.management.commands.migrate import Command as DjangoMigrate

from core.dbroles import connect_as_schema_owner, guard_trigger_switch


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        connect_as_schema_owner(options["database"])
        super().handle(*args, **options)
        guard_trigger_switch(options["database"])  # pgtrigger wrote its own with each trigger it installed
