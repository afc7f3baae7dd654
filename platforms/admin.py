from django.contrib import admin

from core.admin import NoDeleteAdminMixin

from .models import ApiCredential


@admin.register(ApiCredential)
class ApiCredentialAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    """Shown for the record only; tokens are entered at /platforms/credentials/. Never the secret."""

    list_display = ("platform", "account", "kind", "fingerprint", "expires_on", "registered_at", "retired_at")
    list_filter = ("platform", "kind")
    list_select_related = ("platform", "account", "account__platform")
    exclude = ("secret",)
    readonly_fields = ("fingerprint", "registered_by", "registered_at", "retired_at", "retired_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
