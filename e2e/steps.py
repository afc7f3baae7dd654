"""Steps the browser journeys share: signing in, a page of its own per user, the axe check."""

from e2e.browser import axe_violations, format_violations
from tests.factories import PASSWORD

LOCALE = "ja-JP"
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000


def assert_accessible(page) -> None:
    """No serious or critical WCAG 2 A/AA violation on the page as it is now."""
    violations = axe_violations(page)
    assert violations == [], f"{page.url}\n{format_violations(violations)}"


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


def page_for(browser, live_server, user):
    """A signed-in page in a browser context of its own, for journeys with several people.

    Its console errors are in `page.console_errors`; the test asserts them empty at its end.
    """
    context = browser.new_context(locale=LOCALE, viewport=VIEWPORT, base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.console_errors = watch_errors(page)
    login(page, live_server, user)
    return page
