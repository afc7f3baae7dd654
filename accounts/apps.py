from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "公式アカウント"

    def ready(self):
        from .registry_cache import connect_signals

        connect_signals(self)
