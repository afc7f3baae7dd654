from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "共通"

    def ready(self):
        from .dbroles import guard_trigger_switch

        post_migrate.connect(guard_trigger_switch, sender=self, dispatch_uid="core.guard_trigger_switch")
