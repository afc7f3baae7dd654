"""The monitoring sections of an account's page, drawn by monitoring so accounts need not know it."""

import uuid

from django import template
from django.urls import reverse

from monitoring.permissions import can_log_content_check, can_request_check, can_see_check_interface
from monitoring.status import check_result_message, manual_run_key
from platforms.checks import plain_words_of

register = template.Library()


@register.filter
def check_method(label: str) -> str:
    """How a reading was made, in plain words (issue 20; the adapter registry knows them)."""
    return plain_words_of(label)


def _requested_run(request) -> uuid.UUID | None:
    """The 今すぐ確認 this page was opened after (?check=<run>, set by monitoring:check_now)."""
    try:
        return uuid.UUID(request.GET.get("check", ""))
    except ValueError:
        return None


@register.inclusion_tag("monitoring/_account_sections.html", takes_context=True)
def account_monitoring_sections(context, account):
    request = context["request"]
    user = request.user
    run = _requested_run(request)
    requested = None
    if run is not None:
        result = account.status_checks.filter(run_key=manual_run_key(run)).first()
        requested = {
            "message": check_result_message(result) if result else "",
            "poll_url": reverse("monitoring:check_result", args=[account.pk, run]),
        }
    return {
        "account": account,
        "checks": account.status_checks.all()[:10],
        "last_content_check": account.content_checks.select_related("checked_by").first(),
        "can_log_content_check": can_log_content_check(user, account),
        "can_request_check": can_request_check(user, account),
        "show_interface": can_see_check_interface(user),
        "requested_check": requested,
        "csrf_token": context.get("csrf_token"),
    }
