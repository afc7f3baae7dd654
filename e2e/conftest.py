"""Fixtures of the browser tests: one headless Chromium per run, a fresh context per test.

The named people and accounts of tests/conftest.py (staff_a, head_a, account_a, …) are available here
too. Pages are served by pytest-django's ``live_server`` (a real HTTP server in a thread of this
process, static files included); every test that uses it runs on ``transactional_db``, with
serialized rollback (see ``page``). ``login`` signs a user in through the real login form.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from e2e.browser import launch_chromium
from e2e.steps import LOCALE, TIMEOUT_MS, VIEWPORTS, watch_errors

# Fixtures of the unit tests, by name; `import *` skips the autouse ones (leading underscore), so
# those are imported explicitly: fast password hashing, media in tmp, a clean cache per test.
from tests.conftest import *  # noqa: F403
from tests.conftest import (  # noqa: F401
    _clear_cache,
    _fast_password_hashing,
    _flush_by_delete,
    _media_in_tmp,
    _reload_seed_data_past_the_triggers,
    _tasks_run_in_place,
)

# Playwright's sync API runs an asyncio event loop in the test's thread; Django would otherwise refuse
# every ORM call made from that thread (factories, assertions) as "async unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def playwright(django_db_setup) -> Iterator:
    """Playwright's sync API, for the whole run, in this (the main) thread.

    Playwright leaves its asyncio event loop set as the running loop of this thread. Django keeps
    database connections in an ``asgiref`` thread-critical local, which then switches from the
    thread's storage to a context-local one: without the lines below, this thread would get new
    connection objects, which lack the test database's serialized contents (so serialized rollback
    silently restores nothing) while the originals stay open and block dropping the test database.
    The connections set up by ``django_db_setup`` are therefore put back as this thread's.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    wrappers = {alias: connections[alias] for alias in connections}
    with sync_playwright() as pw:
        for alias, wrapper in wrappers.items():
            connections[alias] = wrapper
        yield pw


@pytest.fixture(scope="session")
def browser(playwright, live_server) -> Iterator:
    # Set up after the live server, so closed before it: Chromium's keep-alive connections end (and
    # the server's request threads close their database connections) before the test database goes.
    chromium = launch_chromium(playwright)
    yield chromium
    chromium.close()


@pytest.fixture
def viewport(request) -> dict:
    """The window size: a PC's unless the test is parametrized with ``BOTH_WIDTHS``."""
    return VIEWPORTS[getattr(request, "param", "pc")]


@pytest.fixture
def page(browser, live_server, viewport, django_db_serialized_rollback) -> Iterator:
    """A page in a new browser context (ja-JP, the ``viewport``); the test fails if the page logs an error.

    The test runs on ``transactional_db`` (``live_server`` serves the pages from another thread, so
    the data must be committed) with serialized rollback, like every transactional test of the
    suite: the flush at the end of a transactional test empties every table, including what the data
    migrations seeded (the SNS platforms, the role groups, the 見本 template, the content types), and
    serialized rollback restores those rows before the next such test. Mixing in a transactional test
    without it breaks its neighbours (content types recreated under new ids, or missing).

    Console errors include a Content-Security-Policy violation and a static asset that failed to
    load (404); uncaught JavaScript exceptions come through ``pageerror``.
    """
    context = browser.new_context(locale=LOCALE, viewport=viewport, base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    new_page = context.new_page()
    errors = watch_errors(new_page)
    yield new_page
    context.close()
    assert not errors, "the page logged errors:\n" + "\n".join(errors)
