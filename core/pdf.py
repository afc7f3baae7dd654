"""The one place that renders documents to PDF for the whole project (SPEC §3).

運用ポリシー, the 第４号様式 and the year-end review report all go through `render_pdf`. The rules:
- Japanese text in IPAex明朝, found by fontconfig and embedded as a subset; without it we refuse to
  print rather than produce boxes (tofu).
- Nothing is ever fetched: user text is escaped by the templates, and WeasyPrint gets a fetcher that
  allows `data:` URLs only, without redirects, for the HTML and for every stylesheet (PITFALLS).
- One FontConfiguration and the parsed base stylesheet are reused across renders in a process.
"""

import functools
import shutil
import subprocess
import threading
from pathlib import Path

from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from core.context_processors import city_context

MINCHO_FAMILY = "IPAexMincho"
BASE_CSS_PATH = Path(__file__).resolve().parent / "document.css"

# Renders share the font configuration; WeasyPrint's layout is not documented as thread-safe.
_render_lock = threading.Lock()


class DocumentFontMissing(RuntimeError):
    """No Japanese 明朝 font is installed; printing would give boxes instead of characters."""

    def __init__(self):
        super().__init__(
            "日本語の明朝フォント（IPAex明朝）がインストールされていないため、PDFを作成できません。"
            "システム管理者に fonts-ipaexfont-mincho のインストールを依頼してください。"
        )


@functools.cache
def _fetcher() -> URLFetcher:
    return URLFetcher(allowed_protocols=("data",), allow_redirects=False, timeout=2)


@functools.cache
def _font_config() -> FontConfiguration:
    return FontConfiguration()


@functools.cache
def _base_css() -> CSS:
    return CSS(string=BASE_CSS_PATH.read_text(), url_fetcher=_fetcher(), font_config=_font_config())


def check_fonts() -> None:
    """Raise DocumentFontMissing unless fontconfig knows IPAex明朝."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise DocumentFontMissing()
    try:
        # Fixed arguments, no user input: ask fontconfig, which WeasyPrint uses too, for the family.
        found = subprocess.run(  # noqa: S603
            [fc_list, f"{MINCHO_FAMILY}:lang=ja", "family"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise DocumentFontMissing() from exc
    if MINCHO_FAMILY not in found:
        raise DocumentFontMissing()


@functools.cache
def _fonts_checked() -> bool:
    check_fonts()
    return True


def render_pdf(template_name: str, context: dict, *, extra_css: str = "") -> bytes:
    """Render a Django template to PDF bytes with the document stylesheet (A4, 明朝)."""
    _fonts_checked()
    html = render_to_string(template_name, {**city_context(), **context})
    stylesheets = [_base_css()]
    if extra_css:
        stylesheets.append(CSS(string=extra_css, url_fetcher=_fetcher(), font_config=_font_config()))
    with _render_lock:
        return HTML(string=html, url_fetcher=_fetcher(), base_url=None).write_pdf(
            stylesheets=stylesheets, font_config=_font_config()
        )
