"""The kernel's views: the health check (no login, no secrets) and the page of a refused stale form."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

from .tasks import HEARTBEAT_KEY


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
            "version": settings.VERSION,  # the release an operator upgrades from (CHANGELOG.md)
        },
        status=200 if healthy else 503,
    )


def csrf_failure(request, reason: str = ""):
    """A form refused by the CSRF check, in Japanese (CSRF_FAILURE_VIEW; issue 20): nothing was saved, and how to go on.

    Mostly a page left open past the session, or one opened before the clerk signed in again in
    another tab (signing in renews the token). Django's own page is English, production included.
    """
    referer = request.META.get("HTTP_REFERER", "")
    back = ""
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        back = parts.path + (f"?{parts.query}" if parts.query else "")
    return render(
        request,
        "403_csrf.html",
        {"back": back, "no_cookie": reason == REASON_NO_CSRF_COOKIE},
        status=403,
    )
