"""The one place that renders documents to PDF for the whole project (SPEC §3).

運用ポリシー, the 第４号様式 and the year-end review report all go through `render_pdf`. The rules:
- Japanese text in IPAex明朝, found by fontconfig and embedded as a subset; without it we refuse to
  print rather than produce boxes (tofu).
- Nothing is ever fetched: user text is escaped by the templates, and WeasyPrint gets a fetcher that
  allows `data:` URLs only, without redirects, for the HTML and for every stylesheet (PITFALLS).
- One FontConfiguration and the parsed base stylesheet are reused across renders in a process.
- Every document is issued as tagged PDF/A-2a (`PDF_OPTIONS`): the city keeps its documents for years
  (行政文書) and publishes them to everyone (JIS X 8341-3), so each claims its archival form and carries
  its structure — language (`<html lang="ja">`), title (`<title>`), headings, lists and tables with their
  header cells — for a screen reader. Decoration (the 「案」 watermark, borders) is drawn as an artifact.
"""

import base64
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

# PDF/A-2 rather than -1 (which forbids the watermark's transparency), -3 (which lets any file ride along
# inside a document meant to stand on its own) or -4 (PDF 2.0, fewer readers, and no accessible level).
# Level A is PDF/A's accessible level: tagged, every character mapped to Unicode (Japanese extracts).
# WeasyPrint embeds the fonts and writes the sRGB output intent, the file identifier and the XMP
# identification (pdfaid:part 2, conformance A); its own CI checks its level-A output with veraPDF.
# Known limits of WeasyPrint 70's tags: the page numbers (a margin box) are marked content left out of
# the structure tree, so a screen reader does not read them; a table or paragraph broken across pages
# becomes two elements, so document.css keeps a table row on one page, and a <thead> repeats per page.
PDF_VARIANT = "pdf/a-2a"
PDF_OPTIONS = {"pdf_variant": PDF_VARIANT, "pdf_tags": True}

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
    """Render a Django template to tagged PDF/A bytes with the document stylesheet (A4, 明朝).

    The template gives `<html lang="ja">`, a `<title>`, real headings and tables with `<th>` (scope
    "row" where the header is the first cell of each row): they become the PDF's language, title and
    structure.
    """
    _fonts_checked()
    html = render_to_string(template_name, {**city_context(), **context})
    stylesheets = [_base_css()]
    if extra_css:
        stylesheets.append(CSS(string=extra_css, url_fetcher=_fetcher(), font_config=_font_config()))
    with _render_lock:
        return HTML(string=html, url_fetcher=_fetcher(), base_url=None).write_pdf(
            stylesheets=stylesheets, font_config=_font_config(), **PDF_OPTIONS
        )


# --- images in documents (issue 22: an incident's evidence, an account's posts) ---------------------------
# The fetcher follows `data:` URLs only, so an image a document shows is put in it as one: typed by its
# content, never by a name or a stored type, and only the kinds WeasyPrint draws.
EMBED_MAX_BYTES = 10 * 1024 * 1024  # a larger image is listed with its hash, not drawn
_IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def image_type(data: bytes) -> str | None:
    """The image type of `data` by its first bytes (PNG, JPEG, GIF, WebP), or None."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for magic, kind in _IMAGE_SIGNATURES if data.startswith(magic)), None)


def image_data_url(data: bytes) -> str | None:
    """`data` as a `data:` URL a document can draw, or None when it is no image we draw or too large."""
    kind = image_type(data[:16])
    if kind is None or len(data) > EMBED_MAX_BYTES:
        return None
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


# --- long documents (issue 22: a year of an account's posts, hundreds of pages) ---------------------


def _memoised_page_references() -> None:
    """pydyf 0.13 rebuilds the tuple of every page's reference each time one is asked for, and a tagged
    PDF asks once per structure element: quadratic in the pages (18 s of a 700-page document's 24).
    The tuple is kept until a page is added."""
    import pydyf

    original = getattr(pydyf.PDF, "page_references", None)
    if not isinstance(original, property) or getattr(original.fget, "memoised", False):
        return

    def page_references(self):
        kids = self.pages["Kids"]
        kept = self.__dict__.get("_page_references")
        if kept is None or kept[0] != len(kids):
            kept = (len(kids), original.fget(self))
            self.__dict__["_page_references"] = kept
        return kept[1]

    page_references.memoised = True
    pydyf.PDF.page_references = property(page_references)


_memoised_page_references()


def render_pdf_parts(template_name: str, contexts, *, extra_css: str = "") -> bytes:
    """Render a long document as `render_pdf` does, one part per context, into one PDF.

    WeasyPrint's layout grows faster than the length of a document (a 5,000-post document took three
    times as long as five of 1,000), so each part is laid out as a document of its own and their pages
    are joined; the page numbers run on (each part's first page is numbered after the last part's).
    The parts share the fonts, the stylesheets and the image cache (an image used twice is read once).
    The document's title, language and metadata are the first part's. `contexts` may be a generator:
    each part's context is built when it is laid out.
    """
    _fonts_checked()
    stylesheets = [_base_css()]
    if extra_css:
        stylesheets.append(CSS(string=extra_css, url_fetcher=_fetcher(), font_config=_font_config()))
    documents, pages, images = [], 0, {}
    with _render_lock:
        for context in contexts:
            html = render_to_string(template_name, {**city_context(), **context})
            numbering = CSS(
                string=f"@page :first {{ counter-reset: page {pages + 1} }}",
                url_fetcher=_fetcher(),
                font_config=_font_config(),
            )
            document = HTML(string=html, url_fetcher=_fetcher(), base_url=None).render(
                stylesheets=[*stylesheets, numbering], font_config=_font_config(), cache=images, **PDF_OPTIONS
            )
            documents.append(document)
            pages += len(document.pages)
        if not documents:
            raise ValueError("render_pdf_parts needs at least one part")
        joined = documents[0].copy([page for document in documents for page in document.pages])
        return joined.write_pdf(**PDF_OPTIONS)
