"""Self-test of e2e/browser.py: Debian Chromium starts, and axe-core runs under the app's strict CSP.

The pages are served by a tiny http.server on 127.0.0.1 (no Django, no database) with the same kind
of Content-Security-Policy the app sends, so an injected inline <script> would be blocked.

Playwright's sync API cannot be started twice in one thread, and e2e/conftest.py may hold its own
session-wide Playwright open in the main thread; so this test drives its browser in a thread of its own.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from e2e.browser import AXE_SOURCE, AXE_VERSION, axe_violations, format_violations, launch_chromium

pytestmark = [pytest.mark.browser]

CSP = "default-src 'self'; script-src 'self'"

# An inline script in every page: under the CSP above it must not run.
_INLINE = "<script>window.inlineScriptRan = true;</script>"


def _page(title: str, body: str) -> bytes:
    return (
        '<!doctype html>\n<html lang="ja">\n<head><meta charset="utf-8">'
        f"<title>{title}</title>{_INLINE}</head>\n<body>\n{body}\n</body>\n</html>\n"
    ).encode()


PAGES = {
    "/accessible": _page(
        "お問い合わせ | 狛江市",
        """<main>
<h1>お問い合わせ</h1>
<form method="post" action="/accessible">
  <label for="name">お名前</label>
  <input id="name" name="name" type="text" autocomplete="name" required>
  <label for="body">内容</label>
  <textarea id="body" name="body"></textarea>
  <button type="submit">送信</button>
</form>
</main>""",
    ),
    "/missing-alt": _page("画像", '<main><h1>画像</h1><img src="/pixel.png"></main>'),
    "/unlabelled-input": _page(
        "検索", '<main><h1>検索</h1><form action="/"><input type="text" name="q"></form></main>'
    ),
    "/framed": _page("埋め込み", '<main><h1>埋め込み</h1><iframe title="画像" src="/missing-alt"></iframe></main>'),
}

# A 1x1 transparent PNG, so the <img> pages load cleanly.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000000500010d0a2db40000000049454e44ae426082"
)


class _CspHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path in PAGES:
            body, content_type = PAGES[self.path], "text/html; charset=utf-8"
        elif self.path == "/pixel.png":
            body, content_type = PIXEL, "image/png"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def csp_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CspHandler)
    thread = threading.Thread(target=server.serve_forever, name="csp-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _in_own_thread(func: Callable[[], Any], timeout: float = 180) -> Any:
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = func()
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="browser-helpers-selftest", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        pytest.fail(f"the browser scan did not finish within {timeout} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _scan(base_url: str) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            for path in PAGES:
                response = page.goto(base_url + path)
                assert response is not None
                results[path] = {
                    "status": response.status,
                    "csp": response.headers.get("content-security-policy"),
                    "inline_script_ran": page.evaluate("window.inlineScriptRan === true"),
                    "violations": axe_violations(page),
                    "all_impacts": axe_violations(page, impacts=None),
                    "minor_only": axe_violations(page, impacts=("minor",)),
                }
            # What axe_violations must not rely on: an injected inline <script> is blocked by the CSP.
            page.goto(base_url + "/accessible")
            try:
                page.add_script_tag(content="window.injected = true;")
            except PlaywrightError as exc:
                results["add_script_tag_error"] = str(exc)
            else:
                results["add_script_tag_error"] = None
        finally:
            browser.close()
    return results


@pytest.fixture(scope="module")
def scans(csp_site: str) -> dict[str, Any]:
    return _in_own_thread(lambda: _scan(csp_site))


def _ids(violations: list[dict[str, Any]]) -> set[str]:
    return {v["id"] for v in violations}


def test_axe_source_is_the_bundled_axe_core() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", AXE_VERSION), AXE_VERSION
    assert AXE_SOURCE.startswith(f"/*! axe v{AXE_VERSION}")
    assert "axe.run" in AXE_SOURCE or "run:" in AXE_SOURCE


def test_pages_are_served_with_an_enforced_strict_csp(scans: dict[str, Any]) -> None:
    for path in PAGES:
        assert scans[path]["status"] == 200, path
        assert scans[path]["csp"] == CSP, path
        assert scans[path]["inline_script_ran"] is False, f"{path}: the CSP did not block the inline script"
    assert scans["add_script_tag_error"] is not None
    assert "Content Security Policy" in scans["add_script_tag_error"]


def test_accessible_page_has_no_violations(scans: dict[str, Any]) -> None:
    result = scans["/accessible"]
    assert result["violations"] == [], format_violations(result["violations"])
    assert result["all_impacts"] == [], format_violations(result["all_impacts"])


def test_img_without_alt_is_found(scans: dict[str, Any]) -> None:
    violations = scans["/missing-alt"]["violations"]
    assert "image-alt" in _ids(violations), format_violations(violations)
    image_alt = next(v for v in violations if v["id"] == "image-alt")
    assert image_alt["impact"] == "critical"
    assert image_alt["nodes"][0]["target"] == ["img"]


def test_input_without_label_is_found(scans: dict[str, Any]) -> None:
    violations = scans["/unlabelled-input"]["violations"]
    assert "label" in _ids(violations), format_violations(violations)
    assert all(v["impact"] in {"serious", "critical"} for v in violations)


def test_violation_inside_an_iframe_is_found(scans: dict[str, Any]) -> None:
    violations = scans["/framed"]["violations"]
    assert "image-alt" in _ids(violations), format_violations(violations)
    image_alt = next(v for v in violations if v["id"] == "image-alt")
    assert image_alt["nodes"][0]["target"] == ["iframe", "img"]


def test_impacts_filter(scans: dict[str, Any]) -> None:
    result = scans["/missing-alt"]
    assert "image-alt" in _ids(result["all_impacts"])
    assert "image-alt" not in _ids(result["minor_only"])


def test_format_violations_tells_what_to_fix(scans: dict[str, Any]) -> None:
    report = format_violations(scans["/missing-alt"]["violations"])
    assert "[critical] image-alt:" in report
    assert "Images must have alternative text" in report
    assert '<img src="/pixel.png">' in report
    assert "dequeuniversity.com" in report
    assert f"axe-core {AXE_VERSION}" in report
    assert format_violations([]) == "No accessibility violations."
