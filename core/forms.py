"""Form pieces shared by every app."""

from datetime import date

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from .dates import FORMAT_EXAMPLES, parse_date, to_wareki

FORMAT_HELP = f"{FORMAT_EXAMPLES} のいずれの形でも入力できます。"


def date_preview(value: date) -> str:
    """How the box beside a date field reads a date: 令和8年4月1日（2026年4月1日）."""
    return f"{to_wareki(value)}（{value.year}年{value.month}月{value.day}日）"


class InCityWords:
    """Form mixin: labels, help texts and fixed choices in the city's own words (the city profile,
    issue 15): clause IDs (「発信する内容（P-5）」) in its numbering, 市公式ホームページ and 市政 in its
    kind (町, 村)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        words = settings.CITY.words
        for field in self.fields.values():
            if field.label:
                field.label = words(field.label)
            if field.help_text:
                field.help_text = words(field.help_text)
            if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                field.choices = [
                    (value, words(label) if isinstance(label, str) else label) for value, label in field.choices
                ]


class JapaneseDateInput(forms.DateInput):
    """A text box that takes 西暦 or 和暦, with the date it reads shown beside it as 和暦 and 西暦.

    static/js/date-preview.js keeps that line up to date while the user types (aria-live), parsing as
    core.dates.parse_date does; without JavaScript it shows the value the page was built with.
    """

    template_name = "core/widgets/japanese_date.html"
    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "text", "autocomplete": "off", **(attrs or {})}, format="%Y-%m-%d")

    def format_value(self, value):
        """A date the app fills in (today, a stored date) in 和暦, as the clerk would type it; after a
        refusal the box comes back with what was sent, so a default left untouched stays 和暦 (issue 20)."""
        if isinstance(value, date):
            try:
                return to_wareki(value)
            except ValueError:  # before 明治
                pass
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        if widget_attrs.get("id"):
            # The date as read is part of the box's description, after its help text and error.
            preview_id = f"{widget_attrs['id']}_preview"
            widget_attrs["aria-describedby"] = " ".join(
                filter(None, [widget_attrs.get("aria-describedby"), preview_id])
            )
            context["widget"]["preview_id"] = preview_id
        if isinstance(value, str) and value.strip():
            try:  # a refused form comes back as typed: show how the box reads it, without JavaScript too
                value = parse_date(value)
            except ValueError:
                pass
        if isinstance(value, date):
            try:
                context["widget"]["preview"] = date_preview(value)
            except ValueError:  # before 明治: no 和暦 to show
                pass
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
        # The accepted forms are said before anything is typed (WCAG 3.3.2), linked to the box by
        # aria-describedby (Django describes a field by its help text).
        kwargs["help_text"] = " ".join(filter(None, [kwargs.get("help_text", ""), FORMAT_HELP]))
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget):
        # The limits the preview script checks, as to_python does.
        attrs = {
            **super().widget_attrs(widget),
            "data-date-min": self.MIN_DATE.isoformat(),
            "data-date-max": self.MAX_DATE.isoformat(),
        }
        if self.past_only:
            attrs["data-date-past-only"] = "true"
        return attrs

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()  # a box of spaces is an empty box, as for Django's own DateField
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


def show_errors(form: forms.BaseForm, errors: dict[str, str]) -> None:
    """Show problems found outside the form's own validation (what a submission still lacks) beside
    its fields, as errors the error summary lists; the form may be unbound (a page opened to fix them)."""
    if not form.is_bound:
        form.full_clean()  # an unbound form's errors are empty and it has no cleaned data yet
        form.cleaned_data = {}
    for name, message in errors.items():
        form.add_error(name if name in form.fields else None, message)


def show_refusal(form: forms.BaseForm, exc: Exception) -> None:
    """Put a service's refusal on the form: beside the field it is about when the form has it
    (aria-invalid, a link from the summary), otherwise at the top of the form."""
    field = getattr(exc, "field", "")
    form.add_error(field if field in form.fields else None, str(exc))
