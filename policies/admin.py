from django.contrib import admin, messages

from core.admin import NoDeleteAdminMixin
from org.roles import is_sysadmin

from . import services
from .models import PolicyTemplate, PolicyVersion, TemplateArticle, TemplateRevision


class TemplateArticleInline(NoDeleteAdminMixin, admin.StackedInline):
    model = TemplateArticle
    extra = 0

    def has_add_permission(self, request, obj=None):
        return is_sysadmin(request.user)

    def has_delete_permission(self, request, obj=None):
        # An article may be removed from a template; issued policies keep their own copy of the text.
        return is_sysadmin(request.user)


@admin.register(PolicyTemplate)
class PolicyTemplateAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    list_display = ("name", "platform", "revision", "updated_at")
    readonly_fields = ("revision",)
    inlines = [TemplateArticleInline]
    actions = ["copy_template"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.template_record_revision(template_id=form.instance.pk, actor=request.user)

    @admin.action(description="選択したテンプレートを複製（他のSNS用の文言を作る）")
    def copy_template(self, request, queryset):
        for template in queryset:
            copy = services.template_copy(template_id=template.pk, actor=request.user)
            messages.success(request, f"「{copy.name}」を作成しました。SNSを選んで文言を直してください。")


@admin.register(TemplateRevision)
class TemplateRevisionAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    list_display = ("template", "revision", "saved_by", "saved_at")
    list_select_related = ("template", "saved_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PolicyVersion)
class PolicyVersionAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    list_display = ("account", "number", "kind", "issued_on", "issued_by", "pdf_sha256")
    list_select_related = ("account", "account__platform", "issued_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
