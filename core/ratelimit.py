"""A per-address budget of costly requests, counted in Django's cache (Redis in production, the
filesystem cache on the embedded defaults), in fixed windows of whole seconds since the epoch.

A fixed window lets an address spend at most twice its budget across a boundary; that bounds the
work well enough and keeps one counter per address and window (no list of timestamps to trim).
"""

import logging
import time

from django.core.cache import cache

log = logging.getLogger(__name__)


def spend(scope: str, address: str, *, limit: int, seconds: int) -> int:
    """Count one request of `address` in `scope`; return 0 when it is within `limit` per `seconds`,
    otherwise the seconds until the window ends (the Retry-After)."""
    now = int(time.time())
    start = now - now % seconds
    key = f"rate:{scope}:{address}:{start}"
    try:
        cache.add(key, 0, timeout=seconds + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add() and incr()
            cache.set(key, 1, timeout=seconds + 1)
            count = 1
    except Exception:  # the cache is down: answer rather than refuse everyone
        log.exception("rate limit unavailable")
        return 0
    if count <= limit:
        return 0
    return max(1, start + seconds - now)
