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
import multiprocessing
import os
import queue
import shutil
import subprocess
import threading
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.formatting_structure.boxes import MarginBox
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


def _stylesheets(extra_css: str) -> list[CSS]:
    stylesheets = [_base_css()]
    if extra_css:
        stylesheets.append(CSS(string=extra_css, url_fetcher=_fetcher(), font_config=_font_config()))
    return stylesheets


def _numbering(first_page: int) -> CSS:
    """The page counter of a part whose first page is `first_page` (the page numbers run on)."""
    rule = f"@page :first {{ counter-reset: page {first_page} }}"
    return CSS(string=rule, url_fetcher=_fetcher(), font_config=_font_config())


def render_pdf_parts(template_name: str, contexts, *, extra_css: str = "", count: int | None = None) -> bytes:
    """Render a long document as `render_pdf` does, one part per context, into one PDF.

    WeasyPrint's layout grows faster than the length of a document (a 5,000-post document took three
    times as long as five of 1,000), so each part is laid out as a document of its own and their pages
    are joined; the page numbers run on (each part's first page is numbered after the last part's).
    The parts share the fonts, the stylesheets and the image cache (an image used twice is read once).
    The document's title, language and metadata are the first part's. `contexts` may be a generator:
    each part's context is built when it is laid out.

    Given the `count` of parts, a document of several parts is laid out by several processes at once
    (`PDF_PROCESSES`, one per CPU by default): see `_render_in_processes`.
    """
    _fonts_checked()
    processes = _processes_for(count)
    if processes > 1:
        return _render_in_processes(template_name, contexts, extra_css=extra_css, count=count, processes=processes)
    stylesheets = _stylesheets(extra_css)
    documents, pages, images = [], 0, {}
    with _render_lock:
        for context in contexts:
            html = render_to_string(template_name, {**city_context(), **context})
            document = HTML(string=html, url_fetcher=_fetcher(), base_url=None).render(
                stylesheets=[*stylesheets, _numbering(pages + 1)],
                font_config=_font_config(),
                cache=images,
                **PDF_OPTIONS,
            )
            documents.append(document)
            pages += len(document.pages)
        if not documents:
            raise ValueError("render_pdf_parts needs at least one part")
        joined = documents[0].copy([page for document in documents for page in document.pages])
        return joined.write_pdf(**PDF_OPTIONS)


# --- a long document in several processes (issue 22: a year of 5,000 posts in < 20 s) ---------------
# WeasyPrint lays out and paints in one thread, and a year's posts are 600 pages of it. The parts are
# shared out in order: the first shares go to worker processes (spawned: a fresh interpreter that imports
# this module and WeasyPrint, no Django settings, no database, no threads of ours), the last share stays
# here. This process builds every part's HTML in order (the database, the templates, the numbering of
# things across parts, as in one process) and hands each to its share's process as it is built, so the
# first process starts while the others' parts are still being read.
# A share's page numbers depend on the pages of the shares before it, known only when those are laid
# out: every share but the first is laid out without page numbers, tells its number of pages, waits for
# those of the shares before it, and then lays out its page numbers alone (empty pages under the same
# stylesheets) and puts them on its pages. Each share is written as a PDF of its own and
# core.pdf_join makes them one, with one structure tree.
# A Celery prefork worker's processes may not have children: there the document is laid out here alone.

PDF_PROCESSES_MAX = 4  # beyond it the parts' share of the work left here (HTML, joining) dominates
_NO_PAGE_NUMBERS = "@page { @bottom-center { content: none } }"  # document.css's one margin box
_SHARE_WAIT_SECONDS = 600  # a share's process that has not answered in this time is taken as lost


@functools.cache
def _no_page_numbers() -> CSS:
    return CSS(string=_NO_PAGE_NUMBERS, url_fetcher=_fetcher(), font_config=_font_config())


def _processes_for(count: int | None) -> int:
    wanted = getattr(settings, "PDF_PROCESSES", 0)
    if not wanted:
        wanted = min(len(os.sched_getaffinity(0)), PDF_PROCESSES_MAX)
    if count is None or count < 2 or multiprocessing.current_process().daemon:
        return 1
    return max(1, min(wanted, count))


def _shares(count: int, processes: int) -> list[int]:
    """The number of parts of each share, in order. The last one is this process's: it builds every
    part's HTML and, at the end, joins the shares, but the others first start their interpreter; it
    takes its even share, rounded down."""
    own = count // processes
    rest, others = count - own, processes - 1
    return [rest // others + (1 if i < rest % others else 0) for i in range(others)] + [own]


def _page_numbers_on(pages, stylesheets, first_page: int) -> None:
    """Put the page numbers from `first_page` on `pages` (laid out without them): the margin boxes of
    as many empty pages laid out under the same stylesheets."""
    blank = "<div style='break-after: page'></div>" * (len(pages) - 1)
    numbers = HTML(string=f"<html lang='ja'><body>{blank}<div></div></body></html>", url_fetcher=_fetcher()).render(
        stylesheets=[*stylesheets, _numbering(first_page)], font_config=_font_config(), **PDF_OPTIONS
    )
    for page, numbered in zip(pages, numbers.pages, strict=True):
        box = page._page_box  # WeasyPrint 70: the laid-out page that paint() draws
        box.children = [
            *(child for child in box.children if not isinstance(child, MarginBox)),
            *(child for child in numbered._page_box.children if isinstance(child, MarginBox)),
        ]


class ShareLost(RuntimeError):
    """A process laying out an earlier share of the document ended without telling its pages."""


class _Share:
    """One share's layout, in whichever process lays it out: its parts come one by one, its number of
    pages goes into `counts[index]`, and it waits for the counts of the shares before it."""

    def __init__(self, index: int, extra_css: str, counts, changed):
        self.index, self.counts, self.changed = index, counts, changed
        self.stylesheets = _stylesheets(extra_css)
        self.documents, self.pages, self.images = [], 0, {}

    def add(self, html: str) -> None:
        # The first share numbers its pages as it goes; the others learn their first page later.
        numbering = _numbering(self.pages + 1) if self.index == 0 else _no_page_numbers()
        document = HTML(string=html, url_fetcher=_fetcher(), base_url=None).render(
            stylesheets=[*self.stylesheets, numbering], font_config=_font_config(), cache=self.images, **PDF_OPTIONS
        )
        self.documents.append(document)
        self.pages += len(document.pages)

    def first_page(self, *, alive=lambda: True) -> int:
        """Tell this share's number of pages; wait for those of the shares before it; its first page."""
        with self.changed:
            self.counts[self.index] = self.pages
            self.changed.notify_all()
            before = range(self.index)
            while not all(self.counts[i] >= 0 for i in before):
                self.changed.wait(timeout=1)
                if not alive():
                    raise ShareLost("PDFの作成を分担したプロセスが途中で終了しました。")
            return sum(self.counts[i] for i in before) + 1

    def write(self, *, alive=lambda: True) -> bytes | None:
        first_page = self.first_page(alive=alive)
        if not self.documents:
            return None
        pages = [page for document in self.documents for page in document.pages]
        if self.index:
            _page_numbers_on(pages, self.stylesheets, first_page)
        return self.documents[0].copy(pages).write_pdf(**PDF_OPTIONS)


def _lay_out_share(index: int, extra_css: str, counts, changed, parts, results) -> None:
    """A share's process: lay out the HTML that comes on `parts` until None, then write its PDF to `results`."""
    try:
        share = _Share(index, extra_css, counts, changed)
        while (html := parts.get()) is not None:
            share.add(html)
        results.put((index, "pdf", share.write()))
    except BaseException:  # whatever ends the share is told, then the process ends
        import traceback

        results.put((index, "error", traceback.format_exc()))


def _render_in_processes(template_name: str, contexts, *, extra_css: str, count: int, processes: int) -> bytes:
    from core.pdf_join import join_pdfs

    spawn = multiprocessing.get_context("spawn")
    sizes = _shares(count, processes)
    counts = spawn.Array("q", [-1] * processes, lock=False)
    changed = spawn.Condition()
    results = spawn.Queue()
    workers = []
    try:
        for index in range(processes - 1):
            parts = spawn.Queue()
            worker = spawn.Process(
                target=_lay_out_share, args=(index, extra_css, counts, changed, parts, results), daemon=True
            )
            worker.start()
            workers.append((worker, parts))

        def alive() -> bool:
            return all(worker.is_alive() or counts[i] >= 0 for i, (worker, _) in enumerate(workers))

        def failed(message: str) -> RuntimeError:
            told = []
            while True:
                try:
                    _, kind, payload = results.get(timeout=1)
                except queue.Empty:
                    break
                if kind == "error":
                    told.append(payload)
            return RuntimeError("\n".join([message, *told]))

        own = _Share(processes - 1, extra_css, counts, changed)
        index, given, parts_built = 0, 0, 0
        with _render_lock:
            for context in contexts:
                html = render_to_string(template_name, {**city_context(), **context})
                parts_built += 1
                while index < len(workers) and given == sizes[index]:
                    workers[index][1].put(None)
                    index, given = index + 1, 0
                if index < len(workers):
                    workers[index][1].put(html)
                    given += 1
                else:
                    own.add(html)  # the last share, and any part beyond the count foreseen
            for _, parts in workers[index:]:
                parts.put(None)
            if not parts_built:
                raise ValueError("render_pdf_parts needs at least one part")
            try:
                mine = own.write(alive=alive)
            except ShareLost as lost:
                raise failed(str(lost)) from None
        shares: dict[int, bytes | None] = {}
        while len(shares) < len(workers):
            share, kind, payload = results.get(timeout=_SHARE_WAIT_SECONDS)
            if kind == "error":
                raise RuntimeError(f"PDFの作成を分担したプロセスで失敗しました。\n{payload}")
            shares[share] = payload
        documents = [shares[i] for i in range(len(workers))] + [mine]
        return join_pdfs([document for document in documents if document is not None])
    finally:
        for worker, parts in workers:
            # A part put for a process that is gone would keep this one from ending (the queue's
            # feeder thread waits to write it): what was not read is dropped.
            parts.cancel_join_thread()
            parts.close()
            if worker.is_alive():
                worker.join(timeout=5)
            if worker.is_alive():
                worker.kill()
                worker.join()
