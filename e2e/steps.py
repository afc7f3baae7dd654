"""Steps the browser journeys share: signing in, a page of its own per user, the axe check."""

import re

import pytest

from e2e.browser import axe_violations, format_violations
from tests.factories import PASSWORD

LOCALE = "ja-JP"
# The journeys run at a PC's width and at a phone's (issue 12): `@BOTH_WIDTHS` on a test.
VIEWPORTS = {"pc": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
VIEWPORT = VIEWPORTS["pc"]
BOTH_WIDTHS = pytest.mark.parametrize("viewport", list(VIEWPORTS), indirect=True)
TIMEOUT_MS = 10_000


def assert_accessible(page) -> None:
    """No serious or critical WCAG 2 A/AA violation on the page as it is now, and nothing runs off
    the right edge at the window's width (1.4.10: a phone's 390 px included)."""
    violations = axe_violations(page)
    assert violations == [], f"{page.url}\n{format_violations(violations)}"
    assert_fits_the_width(page)


def sns_link(scope, *parts: str):
    """A link to an account on its SNS, named by its parts: 「狛江市」「（X @komae_city）」「（外部サイト）」.

    Chromium puts a space between the visible and the visually hidden parts of the name.
    """
    return scope.get_by_role("link", name=re.compile(r"^" + r"\s*".join(re.escape(p) for p in parts) + r"$"))


def account_entry(scope, link_name: str):
    """The registry's row of the account whose link is named ``link_name`` (a card on a phone)."""
    link = scope.page.get_by_role("link", name=link_name)
    return scope.locator("tr:visible").filter(has=link)


def assert_fits_the_width(page) -> None:
    """Nothing runs off the right edge: the page scrolls down only (1.4.10)."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{page.url} is wider than {width} px"


def watch_errors(page) -> list[str]:
    """Collect console errors (a CSP violation, a missing static file) and uncaught exceptions."""
    errors: list[str] = []

    def on_console(message) -> None:
        if message.type == "error":
            location = message.location or {}
            errors.append(f"console error at {location.get('url', page.url)}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"uncaught exception at {page.url}: {error}"))
    return errors


def login(page, live_server, user, password: str = PASSWORD) -> None:
    """Sign in through the real login form, as the user would; wait until the dashboard is shown."""
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="ログイン").click()
    assert page.url == f"{live_server.url}/", f"login of {user.username} failed: still at {page.url}"


def page_for(browser, live_server, user, viewport=VIEWPORT):
    """A signed-in page in a browser context of its own, for journeys with several people.

    Its console errors are in `page.console_errors`; the test asserts them empty at its end.
    """
    context = browser.new_context(locale=LOCALE, viewport=viewport, base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.console_errors = watch_errors(page)
    login(page, live_server, user)
    return page
