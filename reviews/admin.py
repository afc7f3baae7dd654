from django.contrib import admin

from core.admin import NoDeleteAdminMixin

from .models import SuspensionPlan, YearEndReview


class ReadOnlyAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    """Records written by the review services only; the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(YearEndReview)
class YearEndReviewAdmin(ReadOnlyAdmin):
    list_display = ("account", "fiscal_year", "status", "decision", "signed_at")
    list_filter = ("fiscal_year", "status", "decision")
    list_select_related = ("account", "account__platform")


@admin.register(SuspensionPlan)
class SuspensionPlanAdmin(ReadOnlyAdmin):
    list_display = ("account", "impact", "notice_starts_on", "notice_ends_on", "redirect_to")
    list_select_related = ("account", "account__platform", "redirect_to", "redirect_to__platform")
