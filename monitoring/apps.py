from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "監視"

    def ready(self):
        from .page import contribute

        contribute()  # the account page's sections and its incident button (accounts/page.py)
