"""The test database and the cache of `make mutate` (loaded by pyproject's [tool.mutmut] only).

mutmut runs pytest in its own process to learn which tests reach which function, then once per mutant
in a forked copy of that process, several at a time (scripts/mutate.py). Left alone, every one of
those runs would create and migrate the test database again (seconds per mutant), and two runs at
once would share one database and one cache: one run's rows, locks or FLUSH could fail the other's
tests, and a mutant would read as killed by its neighbour. So:

- the first run in mutmut's process makes the test database (`test_<name>_mutate`) and one copy of
  it per worker (PostgreSQL: CREATE DATABASE … TEMPLATE), once;
- a forked run takes a free copy (a lock file, held until the run exits) and uses it alone;
- every run keeps the cache in its own memory (the rule modules never read the cache);
- every run closes its connections at its end, so that no forked run inherits an open socket;
- mutmut's process drops the databases when it exits.

mutmut names the tests to run by the node ids of its first run, and runs pytest again in the same
process. pytest keeps the ids it escaped on a parametrize mark and escapes them once more in the next
run: an id with a backslash or with Japanese text (test_lookup.py's repr() ids of pasted text) changes
from run to run, pytest answers "not found", and the mutant would read as killed. So here a
parametrization never reuses the ids kept on its mark, and a run given node ids collects their files
and keeps exactly the items with those ids, in the order given (mutmut's: the fastest first).

A forked run that cannot do its work (no free copy, a test id not found) exits with status 35, which
mutmut reads as "suspicious" and scripts/mutate.py counts as not killed.
"""

import atexit
import fcntl
import functools
import os
import sys
import tempfile
from pathlib import Path

import pytest
from _pytest.python import Metafunc

WORKERS = int(os.environ.get("MUTATE_WORKERS", "2"))
SUSPICIOUS = 35  # mutmut's exit status for a run that says nothing about the mutant

_made_in: int | None = None  # the process that made the databases (mutmut's own)
_test_name = ""
_slot_file = None  # the lock of the copy a forked run uses, held until it exits
_original_setup_databases = None


def pytest_configure(config):
    global _original_setup_databases
    import django.test.utils as test_utils
    from django.test.utils import override_settings

    if _original_setup_databases is None:  # once per process: mutmut runs pytest several times in it
        override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}).enable()
        Metafunc.parametrize = _parametrize_with_fresh_ids(Metafunc.parametrize)
        _original_setup_databases = test_utils.setup_databases
        # pytest-django imports setup_databases when its django_db_setup fixture runs.
        test_utils.setup_databases = _setup_databases


_wanted: dict[str, int] = {}  # the node ids this run was given, in their order


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session):
    args = session.config.args
    _wanted.clear()
    if any("::" in arg for arg in args):
        _wanted.update((node_id, order) for order, node_id in enumerate(dict.fromkeys(args)))
        args[:] = list(dict.fromkeys(arg.split("::", 1)[0] for arg in args))


def pytest_collection_modifyitems(config, items):
    if not _wanted:
        return
    kept = sorted((item for item in items if item.nodeid in _wanted), key=lambda item: _wanted[item.nodeid])
    missing = set(_wanted) - {item.nodeid for item in kept}
    if missing:
        if _made_in is not None and os.getpid() != _made_in:
            os._exit(SUSPICIOUS)
        raise pytest.UsageError(f"tests not found: {', '.join(sorted(missing)[:3])}")
    config.hook.pytest_deselected(items=[item for item in items if item.nodeid not in _wanted])
    items[:] = kept


def _parametrize_with_fresh_ids(parametrize):
    @functools.wraps(parametrize)
    def fresh(self, *args, _param_mark=None, **kwargs):  # the mark is only where pytest keeps its ids
        return parametrize(self, *args, **kwargs)

    return fresh


def pytest_sessionfinish(session):
    from django.db import connections

    connections.close_all()


def _copy_name(slot: int) -> str:
    return f"{_test_name}_{slot}"


def _setup_databases(*, verbosity, interactive, **kwargs):
    global _made_in, _test_name
    from django.db import connections

    connection = connections["default"]
    if _made_in is None:
        if connection.vendor != "postgresql":
            raise pytest.UsageError(
                "make mutate needs PostgreSQL (DATABASE_URL): the workers use copies of one database"
            )
        connection.settings_dict["TEST"]["NAME"] = f"test_{connection.settings_dict['NAME']}_mutate"
        kwargs["keepdb"] = True  # pytest-django, given --reuse-db, leaves it in place after the run
        config = _original_setup_databases(verbosity=verbosity, interactive=interactive, **kwargs)
        _made_in, _test_name = os.getpid(), connection.settings_dict["NAME"]
        connection.close()  # a template must have no connection
        with connection._nodb_cursor() as cursor:
            for slot in range(WORKERS):
                cursor.execute(f'DROP DATABASE IF EXISTS "{_copy_name(slot)}"')
                cursor.execute(f'CREATE DATABASE "{_copy_name(slot)}" TEMPLATE "{_test_name}"')
        atexit.register(_drop_databases)
        return config
    if os.getpid() != _made_in:  # a forked run, testing one mutant
        connection.settings_dict["NAME"] = _copy_name(_take_slot())
    return []


def _lock_path(slot: int) -> Path:
    return Path(tempfile.gettempdir()) / f"{_copy_name(slot)}.lock"


def _take_slot() -> int:
    global _slot_file
    for slot in range(WORKERS):
        handle = _lock_path(slot).open("w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        _slot_file = handle
        return slot
    print(f"more runs at once than the {WORKERS} copies of the test database (MUTATE_WORKERS)", file=sys.stderr)
    os._exit(SUSPICIOUS)


def _drop_databases():
    if os.getpid() != _made_in:
        return
    from django.db import connections

    connection = connections["default"]
    connection.close()
    with connection._nodb_cursor() as cursor:
        for name in [_copy_name(slot) for slot in range(WORKERS)] + [_test_name]:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    for slot in range(WORKERS):
        _lock_path(slot).unlink(missing_ok=True)
