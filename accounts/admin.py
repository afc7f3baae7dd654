from django.contrib import admin

from core.admin import NoDeleteAdminMixin

from .models import FollowerSnapshot, OfficialAccount, Platform


class CityFieldAdminMixin:
    """分野 as the city names it (its profile), where the admin shows a record's 分野 read-only: the
    model's fixed labels are Komae's."""

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "city_field"]
        return ["city_field" if f == "field" else f for f in fields]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "city_field"]

    @admin.display(description="分野")
    def city_field(self, obj):
        return obj.get_field_display()


@admin.register(Platform)
class PlatformAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    list_display = ("name", "former_name", "code", "hosts", "follower_word", "verification_available", "is_active")
    list_editable = ()
    ordering = ("sort_order", "code")


@admin.register(OfficialAccount)
class OfficialAccountAdmin(CityFieldAdminMixin, NoDeleteAdminMixin, admin.ModelAdmin):
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
