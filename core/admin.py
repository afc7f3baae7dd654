from django.contrib import admin

from .models import AuditEvent, TableChange


class NoDeleteAdminMixin:
    """Whoever the admin site admits (org.admin_site: the sysadmin role) may view, add and change;
    records are retired, never deleted (G-4-5-エ): no delete anywhere."""

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(AuditEvent)
class AuditEventAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    list_display = ("at", "content_type", "object_id", "summary", "actor")
    list_filter = ("action", "content_type")
    list_select_related = ("actor", "content_type")
    search_fields = ("summary", "comment")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TableChange)
class TableChangeAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    """The database's own record of every row change of the tables edited freely (read only)."""

    list_display = ("changed_at", "table", "operation", "db_role")
    list_filter = ("table", "operation")
    fields = ("changed_at", "table", "operation", "db_role", "old_row", "new_row")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
