from django.contrib import admin

from accounts.admin import CityFieldAdminMixin
from core.admin import NoDeleteAdminMixin

from .models import AccountRequest


@admin.register(AccountRequest)
class AccountRequestAdmin(CityFieldAdminMixin, NoDeleteAdminMixin, admin.ModelAdmin):
    """Read-only: requests change only through the approvals services (audited, locked)."""

    list_display = ("__str__", "department", "status", "chair_exception", "submitted_at", "decided_at")
    list_filter = ("status", "chair_exception", "fiscal_year")
    list_select_related = ("department", "department__parent")
    search_fields = ("title", "desired_handle")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
