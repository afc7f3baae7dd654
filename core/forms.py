"""Form pieces shared by every app."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

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

    # SNS accounts exist from the 2000s on; a typo such as 1026-04-01 must not reach a record.
    MIN_DATE = date(2000, 1, 1)
    MAX_DATE = date(2100, 12, 31)

    def __init__(self, *args, past_only: bool = False, **kwargs):
        """`past_only`: a date of something that has happened (a password change, a count taken)."""
        self.past_only = past_only
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            parsed = value
        else:
            try:
                parsed = parse_date(str(value))
            except ValueError as exc:
                raise ValidationError(str(exc), code="invalid") from exc
        if not self.MIN_DATE <= parsed <= self.MAX_DATE:
            raise ValidationError(
                "日付は2000年1月1日から2100年12月31日までの範囲で入力してください。", code="out_of_range"
            )
        if self.past_only and parsed > timezone.localdate():
            raise ValidationError("未来の日付は入力できません。今日までの日付を入力してください。", code="future")
        return parsed
