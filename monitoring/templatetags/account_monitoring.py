"""Filters of monitoring's templates."""

from django import template

from monitoring.status import FOUND_BY
from platforms.checks import plain_words_of

register = template.Library()


@register.filter
def check_method(label: str) -> str:
    """How a reading was made, in plain words (issue 20; the adapter registry knows them); a reading that
    did not read the profile says what found the anomaly (`record_anomaly`: 「投稿の保存」)."""
    if label.startswith(FOUND_BY):
        return label.removeprefix(FOUND_BY) + "で検知"
    return plain_words_of(label)
