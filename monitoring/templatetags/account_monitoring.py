"""The monitoring sections of an account's page, drawn by monitoring so accounts need not know it."""

from django import template

from monitoring.permissions import can_log_content_check, can_request_check

register = template.Library()


@register.inclusion_tag("monitoring/_account_sections.html", takes_context=True)
def account_monitoring_sections(context, account):
    user = context["request"].user
    return {
        "account": account,
        "checks": account.status_checks.all()[:10],
        "last_content_check": account.content_checks.select_related("checked_by").first(),
        "can_log_content_check": can_log_content_check(user, account),
        "can_request_check": can_request_check(user, account),
        "csrf_token": context.get("csrf_token"),
    }
