from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "公式アカウント"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed

        from .registry_cache import connect_signals
        from .services import _roles_changed

        connect_signals(self)
        # A role withdrawn in 管理画面 or by the directory ends the contractor's assignments.
        m2m_changed.connect(_roles_changed, sender=get_user_model().groups.through, dispatch_uid="accounts.roles")
