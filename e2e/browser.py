"""Helpers for the browser tests: Debian's Chromium through Playwright, and axe-core checks.

A plain module (not a conftest) so that e2e/conftest.py and the tests can import from it.

* No browser is ever downloaded: ``launch_chromium`` drives the Chromium that Debian installs:
  ``$CHROMIUM_PATH`` if set, else the headless shell of the ``chromium-headless-shell`` package (what
  Playwright itself runs headless: the same Blink as ``chromium``, without the desktop browser around it,
  so each page opens and loads faster), else ``/usr/bin/chromium``. Never run ``playwright install``.
* axe-core is the copy bundled in the ``axe-playwright-python`` wheel (``axe_playwright_python/axe.min.js``);
  nothing is fetched from a CDN.
* The app sends a strict Content-Security-Policy (``script-src 'self'``), which blocks an injected inline
  ``<script>`` (so ``page.add_script_tag(content=...)`` fails). axe is therefore injected with
  ``frame.evaluate(AXE_SOURCE)``, which goes through the DevTools protocol and is not subject to the
  page's CSP; the page keeps its real CSP while it is checked (no ``bypass_csp`` needed).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

HEADLESS_SHELL_PATH = "/usr/lib/chromium/chromium-headless-shell"
DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium"

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
)

AXE_PACKAGE = "axe_playwright_python"
AXE_FILE = "axe.min.js"
AXE_SOURCE: str = files(AXE_PACKAGE).joinpath(AXE_FILE).read_text(encoding="utf-8")
_version = re.match(r"/\*! axe v(\S+)", AXE_SOURCE)
AXE_VERSION: str = _version.group(1) if _version else "unknown"

WCAG_TAGS = ("wcag2a", "wcag2aa")
DEFAULT_IMPACTS = ("serious", "critical")

# Runs in the page: axe.run on the document (or the given context), violations only.
_RUN_AXE = """
async ({context, tags}) => {
    const results = await axe.run(context ?? document, {
        runOnly: {type: "tag", values: tags},
        resultTypes: ["violations"],
    });
    return results.violations;
}
"""


def chromium_path() -> str:
    """Path of the Chromium binary: ``$CHROMIUM_PATH`` if set, else Debian's headless shell, else its
    ``/usr/bin/chromium``."""
    if os.environ.get("CHROMIUM_PATH"):
        return os.environ["CHROMIUM_PATH"]
    return HEADLESS_SHELL_PATH if Path(HEADLESS_SHELL_PATH).exists() else DEFAULT_CHROMIUM_PATH


def launch_chromium(playwright: Playwright, **launch_options: Any) -> Browser:
    """Launch headless Debian Chromium with Playwright (never a Playwright-downloaded browser).

    ``launch_options`` are passed on to ``playwright.chromium.launch`` and override the defaults.
    """
    path = chromium_path()
    if not Path(path).exists():
        raise FileNotFoundError(
            f"Chromium not found at {path}: install Debian's package (apt-get install chromium-headless-shell) "
            "or set CHROMIUM_PATH. Do not run `playwright install`."
        )
    options: dict[str, Any] = {
        "executable_path": path,
        "headless": True,
        "args": list(CHROMIUM_ARGS),
    }
    options.update(launch_options)
    return playwright.chromium.launch(**options)


def inject_axe(page: Page) -> None:
    """Load axe-core into every frame of ``page`` that does not have it yet.

    Every frame needs its own copy: axe only reports what is inside an <iframe> if axe runs there too.
    """
    for frame in page.frames:
        if frame.is_detached():
            continue
        if frame.evaluate("typeof window.axe === 'undefined'"):
            frame.evaluate(AXE_SOURCE)


def axe_violations(
    page: Page,
    *,
    impacts: Iterable[str] | None = DEFAULT_IMPACTS,
    tags: Iterable[str] = WCAG_TAGS,
    context: str | dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2 A and AA rules) on the page as it is now; return the violations.

    Only violations whose impact is in ``impacts`` are returned (``None``: all of them). Each is axe's
    result dict: ``id``, ``impact``, ``help``, ``helpUrl``, ``description``, ``tags`` and ``nodes``
    (each node with ``target``, ``html``, ``failureSummary``). ``context`` is an axe context (a CSS
    selector, or ``{"include": [...], "exclude": [...]}``); by default the whole document.
    """
    inject_axe(page)
    violations: list[dict[str, Any]] = page.evaluate(_RUN_AXE, {"context": context, "tags": list(tags)})
    if impacts is None:
        return violations
    wanted = set(impacts)
    return [v for v in violations if v.get("impact") in wanted]


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_violations(violations: list[dict[str, Any]], *, max_nodes: int = 3, html_limit: int = 200) -> str:
    """A readable report of axe violations, for an assertion message.

    Per rule: impact, rule id, help text and link, then the first ``max_nodes`` elements with their
    selector, HTML and axe's summary of what to fix.
    """
    if not violations:
        return "No accessibility violations."
    lines = [f"{len(violations)} accessibility violation(s) found by axe-core {AXE_VERSION}:"]
    for number, violation in enumerate(violations, start=1):
        nodes = violation.get("nodes") or []
        lines.append(
            f"{number}. [{violation.get('impact')}] {violation.get('id')}: {violation.get('help')}"
            f" ({len(nodes)} element(s))"
        )
        if violation.get("helpUrl"):
            lines.append(f"   {violation['helpUrl']}")
        for node in nodes[:max_nodes]:
            target = " >>> ".join(t if isinstance(t, str) else " ".join(map(str, t)) for t in node.get("target") or [])
            lines.append(f"   - {target}")
            if node.get("html"):
                lines.append(f"     {_shorten(node['html'], html_limit)}")
            for summary_line in (node.get("failureSummary") or "").splitlines():
                if summary_line.strip():
                    lines.append(f"       {summary_line.strip()}")
        if len(nodes) > max_nodes:
            lines.append(f"   … and {len(nodes) - max_nodes} more element(s)")
    return "\n".join(lines)
