"""{% clause "G-4-5-エ" %}: a clause the code cites, in the words of the city's guideline (issue 15)."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def clause(ref: str) -> str:
    return settings.CITY.clause(ref)
