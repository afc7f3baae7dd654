from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from core.admin import NoDeleteAdminMixin

from .models import Department, User
from .roles import Role


@admin.register(Department)
class DepartmentAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "sort_order", "is_active")
    list_filter = ("kind", "is_active", "parent")
    search_fields = ("name", "code")
    list_select_related = ("parent",)
    ordering = ("sort_order", "code")


@admin.register(User)
class UserAdmin(NoDeleteAdminMixin, BaseUserAdmin):
    list_display = ("username", "display_name", "department", "title", "role_names", "is_active")
    list_filter = ("groups", "is_active", "department__parent")
    list_select_related = ("department", "department__parent")
    search_fields = ("username", "last_name", "first_name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("氏名・所属", {"fields": ("last_name", "first_name", "email", "department", "title")}),
        ("役割・権限", {"fields": ("is_active", "groups")}),
        ("記録", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2")}),
        ("氏名・所属", {"fields": ("last_name", "first_name", "email", "department", "title", "groups")}),
    )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups":
            # Roles are Groups named by code (SPEC §1); show the Japanese role names.
            labels = dict(Role.choices)
            field.label = "役割"
            field.help_text = ""
            field.label_from_instance = lambda group: labels.get(group.name, group.name)
        return field

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="役割")
    def role_names(self, obj):
        labels = dict(Role.choices)
        return "、".join(labels.get(g.name, g.name) for g in obj.groups.all())
