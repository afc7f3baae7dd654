"""The dashboard: what waits for the signed-in user, gathered from every workflow by role."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render

from accounts.models import AccountStatus
from accounts.selectors import account_panels, account_status_counts, accounts_visible_to
from approvals.selectors import requests_waiting_for
from core.dates import current_fiscal_year
from monitoring.models import YearEndReview
from monitoring.selectors import review_targets, reviews_open
from org import lockouts
from org.roles import Role, has_role, sees_all


@login_required
def dashboard(request):
    """The landing page: what waits for this user, by role."""
    visible = accounts_visible_to(user=request.user)
    counts = account_status_counts(visible)
    return render(
        request,
        "portal/dashboard.html",
        {
            "panels": account_panels(user=request.user),
            "waiting_requests": list(requests_waiting_for(user=request.user)[:20]),
            "reviews_due": _reviews_due(request.user),
            "review_year": current_fiscal_year(),
            "scope_label": "全庁の" if sees_all(request.user) else "担当の",
            "status_counts": [(s.label, s.value, counts[s.value]) for s in AccountStatus],
            "lockouts": lockouts.lockouts_current_count() if lockouts.can_view_lockouts(request.user) else None,
        },
    )


def _reviews_due(user) -> list:
    """G-4-5-ア: from February, the 課's 運用中 accounts whose review of this 年度 is not signed off."""
    if not reviews_open() or not has_role(user, Role.STAFF, Role.SECTION_HEAD):
        return []
    targets = review_targets(user=user, fiscal_year=current_fiscal_year())
    due = targets.filter(Q(review_status__isnull=True) | Q(review_status=YearEndReview.Status.DRAFT))
    return list(due.filter(department_id=user.department_id)[:20])
