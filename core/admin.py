from django.conf import settings
from django.contrib import admin
from django.utils.text import capfirst

from .models import AuditEvent, TableChange


class InCityWordsAdminMixin:
    """The admin's field labels and help texts in the city's own words (the city profile): clause IDs
    in its numbering, its name for the policy document, its kind (町, 村). Given to the admin's form,
    whose labels the read-only views use too; the models' own verbose names stay as written, so
    migrations never see a city's words."""

    def get_form(self, request, obj=None, **kwargs):
        words = settings.CITY.words
        fields = [*self.model._meta.fields, *self.model._meta.many_to_many]
        labels = {f.name: capfirst(words(f.verbose_name)) for f in fields}
        help_texts = {f.name: words(f.help_text) for f in fields if f.help_text}
        kwargs["labels"] = {**labels, **kwargs.get("labels", {})}
        kwargs["help_texts"] = {**help_texts, **kwargs.get("help_texts", {})}
        return super().get_form(request, obj, **kwargs)


class NoDeleteAdminMixin(InCityWordsAdminMixin):
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


class AuditActionFilter(admin.SimpleListFilter):
    """The closed list of actions, its labels in the city's words (its name for the policy)."""

    title = "種別"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return [(value, settings.CITY.words(label)) for value, label in AuditEvent.Action.choices]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    list_display = ("at", "content_type", "object_id", "action_shown", "summary", "actor_shown")
    list_filter = (AuditActionFilter, "actor_kind", "actor_job", "content_type")
    fields = (
        "at",
        "content_type",
        "object_id",
        "action_shown",
        "summary",
        "from_state",
        "to_state",
        "actor_shown",
        "actor_kind",
        "actor",
        "actor_job",
        "actor_token",
        "comment",
        "changes",
    )
    readonly_fields = fields
    list_select_related = ("actor", "content_type")
    search_fields = ("summary", "comment")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="種別", ordering="action")
    def action_shown(self, event: AuditEvent) -> str:
        return settings.CITY.words(event.get_action_display())

    @admin.display(description="実施者")
    def actor_shown(self, event: AuditEvent) -> str:
        return event.actor_label


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
