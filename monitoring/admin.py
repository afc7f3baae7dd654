from django.contrib import admin

from core.admin import NoDeleteAdminMixin

from .models import Incident, StatusCheck


class ReadOnlyAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    """Records written by the monitoring services only; the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StatusCheck)
class StatusCheckAdmin(ReadOnlyAdmin):
    list_display = ("account", "checked_at", "outcome", "dormant", "error_shown")
    list_filter = ("outcome", "dormant")
    exclude = ("error",)  # shown scrubbed: a reading stored before issue 20 may hold an echoed credential
    readonly_fields = ("error_shown",)

    @admin.display(description="エラー")
    def error_shown(self, obj):
        return obj.error_shown

    list_select_related = ("account", "account__platform")


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "status", "account", "opened_at", "closed_at")
    list_filter = ("kind", "status")
    list_select_related = ("account", "account__platform")
