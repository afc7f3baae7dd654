"""What monitoring contributes to an account's page (accounts/page.py, the page's one extension point)."""

import uuid

from django.urls import reverse

from accounts.page import Action, Section, add_action, add_section

from .permissions import (
    can_decide_platform_proposal,
    can_log_content_check,
    can_request_check,
    can_see_check_interface,
)
from .proposals import pending_proposals
from .status import check_result_message, manual_run_key


def _requested_run(request) -> uuid.UUID | None:
    """The 今すぐ確認 this page was opened after (?check=<run>, set by monitoring:check_now)."""
    try:
        return uuid.UUID(request.GET.get("check", ""))
    except ValueError:
        return None


def _sections_context(request, account) -> dict:
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
        "checks": account.status_checks.all()[:10],
        "last_content_check": account.content_checks.select_related("checked_by").first(),
        "can_log_content_check": can_log_content_check(user, account),
        "can_request_check": can_request_check(user, account),
        "show_interface": can_see_check_interface(user),
        "requested_check": requested,
        # G-4-3-カ, P-7-3: what a status check read on the platform, waiting for the 課長.
        "platform_proposals": pending_proposals(account),
        "can_decide_proposals": can_decide_platform_proposal(user, account),
    }


def contribute() -> None:
    # SPEC §4.5 (G-4-3-オ・カ, P-5-2): anyone who sees the account may report an incident on it.
    add_action(Action("incident", "インシデントを起票", "monitoring:incident_new", style="outline-danger", order=200))
    # G-4-3-ア (content checks) and G-4-5-エ・G-4-3-カ (status checks).
    add_section(Section("monitoring", "monitoring/_account_sections.html", _sections_context, order=100))
