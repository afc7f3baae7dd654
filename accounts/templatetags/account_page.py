"""Draws what the apps above `accounts/` contribute to an account's page (accounts/page.py)."""

from django import template

from accounts.page import actions_for, sections_for

register = template.Library()


@register.simple_tag(takes_context=True)
def account_actions(context, account) -> list[dict]:
    """`{% account_actions account as actions %}`: the header's buttons this person may see."""
    return actions_for(context["request"].user, account)


@register.simple_tag(takes_context=True)
def account_sections(context, account):
    """`{% account_sections account %}`: the other apps' sections, each from its own template."""
    return sections_for(context["request"], account)
