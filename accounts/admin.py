from django.contrib import admin

from core.admin import NoDeleteAdminMixin

from .models import FollowerSnapshot, OfficialAccount, Platform


@admin.register(Platform)
class PlatformAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    list_display = ("name", "former_name", "code", "hosts", "follower_word", "verification_available", "is_active")
    list_editable = ()
    ordering = ("sort_order", "code")


@admin.register(OfficialAccount)
class OfficialAccountAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    """Read-mostly: the lifecycle changes only through the app's audited services (SPEC §4.2)."""

    list_display = ("display_name", "platform", "handle", "department", "status", "verification_status")
    list_filter = ("status", "platform", "department__parent", "verification_status")
    search_fields = ("display_name", "handle", "platform_account_id")
    list_select_related = ("platform", "department", "department__parent")
    readonly_fields = [f.name for f in OfficialAccount._meta.fields] + ["contractors"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Viewing is allowed; every write goes through accounts.services so it is audited.
        return False


@admin.register(FollowerSnapshot)
class FollowerSnapshotAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    list_display = ("account", "recorded_on", "count", "recorded_by")
    list_select_related = ("account", "account__platform", "recorded_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
