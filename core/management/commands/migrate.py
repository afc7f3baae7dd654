"""Django's migrate, connected as the role that owns the schema (MIGRATE_DATABASE_URL; core.dbroles)."""

from django.core.management.commands.migrate import Command as DjangoMigrate

from core.dbroles import connect_as_schema_owner


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        connect_as_schema_owner(options["database"])
        return super().handle(*args, **options)
