from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The staff's front door: the dashboard that gathers every workflow's work, and the demo data."""

    name = "portal"
    verbose_name = "ポータル"

    def ready(self):
        from . import city_profile  # noqa: F401 (registers the demo file's system check)
