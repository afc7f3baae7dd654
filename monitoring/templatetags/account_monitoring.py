"""Filters of monitoring's templates."""

from django import template

from platforms.checks import plain_words_of

register = template.Library()


@register.filter
def check_method(label: str) -> str:
    """How a reading was made, in plain words (issue 20; the adapter registry knows them)."""
    return plain_words_of(label)
