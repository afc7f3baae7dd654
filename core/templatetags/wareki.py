"""Template filters for 和暦 and 年度, built into every template (settings.TEMPLATES builtins)."""

from datetime import date, datetime

from django import template
from django.utils import timezone

from core import dates

register = template.Library()


def _as_date(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value if isinstance(value, date) else None


@register.filter
def wareki(value, arg=""):
    """令和8年11月23日; `|wareki:"zenkaku"` gives 令和８年１１月２３日 for documents."""
    d = _as_date(value)
    if d is None:
        return ""
    try:
        return dates.to_wareki(d, zenkaku=arg == "zenkaku")
    except ValueError:  # before 明治: show the 西暦 rather than fail the page
        return d.isoformat()


@register.filter
def seireki_wareki(value):
    """2026年11月23日（令和8年11月23日）: 西暦 with 和暦 beside it, as the screens show dates."""
    d = _as_date(value)
    if d is None:
        return ""
    return f"{d.year}年{d.month}月{d.day}日（{wareki(d)}）"


@register.filter
def nendo(value):
    """The 年度 label of a date or of a 年度 number: 令和8年度."""
    if isinstance(value, int):
        return dates.fiscal_year_label(value)
    d = _as_date(value)
    return dates.fiscal_year_label(dates.fiscal_year(d)) if d else ""


@register.filter
def is_change(value) -> bool:
    """An audit row's change is [old, new]; other entries are a value recorded as it was."""
    return isinstance(value, list | tuple) and len(value) == 2
