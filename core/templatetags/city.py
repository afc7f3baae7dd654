"""{% clause "G-4-5-エ" %}: a clause the code cites, in the words of the city's guideline (issue 15)."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def clause(ref: str) -> str:
    return settings.CITY.clause(ref)


@register.filter
def cited(text: str) -> str:
    """{{ step.label|cited }}: text with the clause IDs in it as the city's users read them."""
    return settings.CITY.words(text) if text else text


@register.filter(name="clause")
def clause_filter(ref: str) -> str:
    """{{ panel.clause|clause }}: the same, for a clause ID held in data."""
    return settings.CITY.clause(ref) if ref else ""
