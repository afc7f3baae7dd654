"""Each worker of `pytest -n N` (pytest-xdist, as `make test` runs the suite) on a Redis database of its own.

Every test empties the cache (tests/conftest.py), and the integration tests' Celery workers take
whatever the broker holds: two workers on one Redis database would empty each other's cache and run
each other's tasks. pytest-django gives each worker a test database of its own (test_<name>_gw0,
_gw1, …); this gives each its Redis database, counting down from the one REDIS_URL names: gw0 on
that one, gw1 on the next one down, and so on (modulo Redis's 16).

It sets REDIS_URL in the worker's environment before Django reads its settings (a plugin given by
`-p` is imported before pytest-django sets Django up), so that the servers and workers the tests
start as other processes inherit it too.
"""

import os


def worker_redis_url(url: str, worker: str) -> str:
    """REDIS_URL for the xdist worker `worker` ("gw0", "gw1", …)."""
    base, _, database = url.rstrip("/").rpartition("/")
    if not worker.startswith("gw") or not database.isdigit() or not base.startswith("redis"):
        return url
    return f"{base}/{(int(database) - int(worker[2:])) % 16}"


_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker and os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = worker_redis_url(os.environ["REDIS_URL"], _worker)
