"""Form pieces shared by every app."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from .dates import parse_date, to_wareki


class JapaneseDateInput(forms.DateInput):
    """A text box that takes 西暦 or 和暦 and shows the 和暦 of its current value beside it."""

    template_name = "core/widgets/japanese_date.html"
    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "text", "autocomplete": "off", **(attrs or {})}, format="%Y-%m-%d")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if isinstance(value, date):
            context["widget"]["wareki"] = to_wareki(value)
        return context


class JapaneseDateField(forms.DateField):
    """Accept 2026-04-01, 2026/4/1, 令和8年4月1日, R8.4.1 (SPEC §4, date fields)."""

    widget = JapaneseDateInput
    default_error_messages = {
        "invalid": "日付として読み取れません。2026-04-01、2026/4/1、令和8年4月1日、R8.4.1 の形で入力してください。"
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        try:
            return parse_date(str(value))
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from exc
