from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

from accounts.models import AccountStatus
from accounts.selectors import account_panels, account_status_counts, accounts_visible_to
from approvals.selectors import requests_waiting_for
from core.dates import current_fiscal_year
from monitoring.models import YearEndReview
from monitoring.selectors import review_targets, reviews_open
from org import lockouts
from org.roles import Role, has_role, sees_all

from .tasks import HEARTBEAT_KEY


@login_required
def dashboard(request):
    """The landing page: what waits for this user, by role."""
    visible = accounts_visible_to(user=request.user)
    counts = account_status_counts(visible)
    return render(
        request,
        "core/dashboard.html",
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


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_broker() -> str:
    with Connection(
        settings.CELERY_BROKER_URL, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS, connect_timeout=2
    ) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


@never_cache
@require_safe
def healthz(request):
    """Report the database and the broker for load balancers and operators (no login, no secrets)."""
    checks = {}
    for name, check in (("database", _check_database), ("broker", _check_broker)):
        try:
            checks[name] = check()
        except Exception as exc:  # any failure is the answer here
            checks[name] = f"error: {exc.__class__.__name__}"
    try:
        heartbeat = cache.get(HEARTBEAT_KEY)
    except Exception:  # the cache shares Redis with the broker, reported above
        heartbeat = None
    seen = parse_datetime(heartbeat) if heartbeat else None
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            **checks,
            "broker_transport": settings.CELERY_BROKER_URL.split("://", 1)[0],
            "worker_last_seen_seconds": round((timezone.now() - seen).total_seconds()) if seen else None,
        },
        status=200 if healthy else 503,
    )
