"""Django admin for the `sysadmin` role (SPEC §1): masters, users and roles; never deletes."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

from .roles import is_sysadmin


class KomaeAdminSite(admin.AdminSite):
    @property
    def site_header(self):
        return f"{settings.CITY_NAME} 公式SNSアカウント管理システム 管理画面"

    site_title = "公式SNS管理"
    index_title = "マスタ・利用者の管理"

    def has_permission(self, request):
        # The role decides, not Django's is_staff flag: one place to grant and revoke it.
        return is_sysadmin(request.user)


class KomaeAdminConfig(AdminConfig):
    default_site = "org.admin_site.KomaeAdminSite"
