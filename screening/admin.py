from django.contrib import admin

from core.admin import NoDeleteAdminMixin

from .models import DictionaryTerm


@admin.register(DictionaryTerm)
class DictionaryTermAdmin(NoDeleteAdminMixin, admin.ModelAdmin):
    """The sysadmin keeps the words by category; retire a word with 使用中 instead of deleting it."""

    list_display = ("term", "category", "note", "is_active")
    list_filter = ("category", "is_active")
    search_fields = ("term",)
