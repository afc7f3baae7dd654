"""The public registry under a rush (P-7): answers kept in the cache until the registry changes.

When a fake account spreads, the city sends residents to /registry/ and they all arrive at once.
The registry changes a few times a month; every answer is kept in Django's cache, under a key made
of everything it depends on:

- the *generation*: renewed after every committed change of what the public pages show — an
  account (any field; an account's label is also its predecessors' link), a platform, a
  department — by post_save/post_delete, by the account and platform querysets' update() and
  bulk_create(), and by every `migrate` (a deploy); always once the transaction commits, never for
  one rolled back. It is the time in ns with a random suffix, so two changes never share one;
- the local date (the pages print 和暦 dates, the JSON its `generated_at`);
- the path, the variant (HTML or JSON by Accept) and the query parameters the page reads;
- the database, so two databases that share one Redis (a test run beside a dev server) never
  answer for each other.

An answer lives at most PAGE_SECONDS, so even a change made behind the app's back (SQL in a console)
shows within a minute; an answer to a query string lives QUERY_SECONDS, which bounds what a flood
of distinct queries can store (renders per second × QUERY_SECONDS); the views answer a value
longer than they read without keeping it.

HTTP: every shared answer carries a strong ETag (a digest of its bytes) and Last-Modified (the
generation's second, or the start of the day), and `Cache-Control: public, max-age=0,
must-revalidate`: browsers and proxies ask again each time and get 304 while nothing changed.
A page that renders base.html is shared only with nobody signed in and no message waiting: base.html
shows a signed-in person's name, notices and logout form (with a CSRF token). Those answers are
rendered afresh and marked `private, no-store`, without validators, so no cache — ours, a proxy's or
the browser's — keeps them.
"""

import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from datetime import time as clock
from functools import wraps

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connections, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag

log = logging.getLogger(__name__)

PAGE_SECONDS = 60
QUERY_SECONDS = 30
KEPT_HEADERS = ("Content-Type", "Content-Disposition")


def _prefix() -> str:
    db = connections["default"].settings_dict
    where = f"{db['ENGINE']} {db['HOST']} {db['PORT']} {db['NAME']}"
    return "registry:" + hashlib.sha256(where.encode()).hexdigest()[:12]


def _new_generation() -> str:
    return f"{time.time_ns()}-{secrets.token_hex(4)}"


def generation() -> str:
    """Return the registry's generation: "<time in ns of its last committed change>-<random>"."""
    key = f"{_prefix()}:generation"
    value = cache.get(key)
    if value is None:
        # First start, or a cache flushed or evicted: a new value never names the answers kept before.
        fresh = _new_generation()
        cache.add(key, fresh, timeout=None)
        value = cache.get(key) or fresh
    return value


def _bump() -> None:
    cache.set(f"{_prefix()}:generation", _new_generation(), timeout=None)


def registry_changed(using: str | None = None) -> None:
    """Renew the public pages once the current transaction commits (at once outside one)."""
    transaction.on_commit(_bump, using=using, robust=True)


def shared_page(request: HttpRequest) -> bool:
    """True when base.html shows this request nothing of its own: nobody signed in, no message."""
    return not request.user.is_authenticated and not len(get_messages(request))


def _last_modified(gen: str) -> int:
    """The generation's second, or the start of the day: the answers of a new day are new."""
    start_of_day = timezone.make_aware(datetime.combine(timezone.localdate(), clock.min))
    return max(int(gen.split("-")[0]) // 1_000_000_000, int(start_of_day.timestamp()))


def _key(request: HttpRequest, gen: str, variant: Sequence[str]) -> str:
    digest = hashlib.sha256("\x00".join([request.path, *variant]).encode()).hexdigest()[:32]
    return f"{_prefix()}:{gen}:{timezone.localdate().isoformat()}:{digest}"


def _entry(response: HttpResponse, gen: str) -> dict:
    body = response.content
    return {
        "body": body,
        "headers": {name: response[name] for name in KEPT_HEADERS if response.has_header(name)},
        "etag": quote_etag(hashlib.sha256(body).hexdigest()[:32]),
        "last_modified": _last_modified(gen),
    }


def kept_until_changed(variant: Callable[[HttpRequest], Sequence[str] | None]):
    """Serve a public view's answers from the cache until the registry changes; answer 304.

    `variant(request)` returns what the answer depends on besides the registry, the date and the
    path (the Accept variant, the query parameters it reads), or None when this request's answer
    must not be shared (see `shared_page`) or kept (a value too long).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            parts = variant(request)
            if parts is None:
                response = view(request, *args, **kwargs)
                add_never_cache_headers(response)
                return response
            try:
                gen = generation()
                key = _key(request, gen, parts)
                entry = cache.get(key)
            except Exception:  # the cache is down: the registry still answers, afresh
                log.exception("registry cache unavailable")
                response = view(request, *args, **kwargs)
                add_never_cache_headers(response)
                return response
            if entry is None:
                response = view(request, *args, **kwargs)
                if response.status_code != 200 or response.streaming:
                    return response
                entry = _entry(response, gen)
                try:
                    cache.set(key, entry, QUERY_SECONDS if request.GET else PAGE_SECONDS)
                except Exception:  # not kept this time; the answer itself is right
                    log.exception("registry cache unavailable")
            response = HttpResponse(entry["body"])
            for name, value in entry["headers"].items():
                response[name] = value
            response["ETag"] = entry["etag"]
            response["Last-Modified"] = http_date(entry["last_modified"])
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
            return get_conditional_response(
                request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
            )

        return wrapped

    return decorator


def _changed(sender, using=None, **kwargs) -> None:
    registry_changed(using)


def connect_signals(app_config) -> None:
    """Every save or delete of what the public pages show renews them (AccountsConfig.ready)."""
    from django.db.models.signals import post_delete, post_migrate, post_save

    from org.models import Department

    from .models import Impersonation, OfficialAccount, Platform

    # Issue 23: the warning list of impersonators is on the public pages too (P-7-2).
    for model in (OfficialAccount, Platform, Department, Impersonation):
        post_save.connect(_changed, sender=model, dispatch_uid=f"registry_{model.__name__}_save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"registry_{model.__name__}_delete")
    # A deploy runs migrate: new templates and data migrations show at once.
    post_migrate.connect(_changed, sender=app_config, dispatch_uid="registry_migrate")
