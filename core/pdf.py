"""The one place that renders documents to PDF for the whole project (SPEC §3).

運用ポリシー, the 第４号様式 and the year-end review report all go through `render_pdf`. The rules:
- Japanese text in IPAex明朝, found by fontconfig and embedded as a subset; without it we refuse to
  print rather than produce boxes (tofu).
- Nothing is ever fetched: user text is escaped by the templates, and WeasyPrint gets a fetcher that
  allows `data:` URLs only, without redirects, for the HTML and for every stylesheet (PITFALLS); a long
  document's images are handed over in memory with its parts (`DocumentImages`).
- One FontConfiguration and the parsed base stylesheet are reused across renders in a process.
- Every document is issued as tagged PDF/A-2a (`PDF_OPTIONS`): the city keeps its documents for years
  (行政文書) and publishes them to everyone (JIS X 8341-3), so each claims its archival form and carries
  its structure — language (`<html lang="ja">`), title (`<title>`), headings, lists and tables with their
  header cells — for a screen reader. Decoration (the 「案」 watermark, borders) is drawn as an artifact.
"""

import base64
import functools
import gc
import hashlib
import multiprocessing
import os
import queue
import shutil
import subprocess
import threading
import time
import zlib
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.formatting_structure.boxes import MarginBox
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

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


# A long document's images are not put in its HTML as `data:` URLs (a year's 500 photos are 20 MB of
# base64 that the HTML parser reads, and that are decoded again: a second of the work): each part of
# render_pdf_parts hands its images over beside its HTML (its context's PART_IMAGES), named by the SHA-256
# of their bytes, and its <img> asks for `komae-image:<sha256>`. The parts' fetcher serves those names
# from memory, and still fetches nothing: no file, no network.
IMAGE_SCHEME = "komae-image"
PART_IMAGES = "document_images"


class DocumentImages(dict):
    """The images of a part of a long document (render_pdf_parts), by the SHA-256 of their bytes."""

    def add(self, data: bytes) -> str | None:
        """The `src` that draws `data`, or None when it is no image we draw or too large."""
        if image_type(data[:16]) is None or len(data) > EMBED_MAX_BYTES:
            return None
        name = hashlib.sha256(data).hexdigest()
        self[name] = data
        return f"{IMAGE_SCHEME}:{name}"


class _PartsFetcher(URLFetcher):
    """The fetcher of a long document's parts: `data:` URLs, and the images the parts handed over."""

    def __init__(self):
        super().__init__(allowed_protocols=("data",), allow_redirects=False, timeout=2)
        self.images: dict[str, bytes] = {}

    def fetch(self, url, headers=None):
        scheme, _, name = url.partition(":")
        if scheme.lower() != IMAGE_SCHEME:
            return super().fetch(url, headers)
        if (data := self.images.get(name)) is None:  # WeasyPrint leaves the image out, as a broken data: URL
            raise ValueError(f"no such image in the document: {url}")
        return URLFetcherResponse(url, data, {"Content-Type": image_type(data[:16])})


def _part(template_name: str, context: dict) -> tuple[str, dict[str, bytes]]:
    """A part's HTML and the images it names."""
    html = render_to_string(template_name, {**city_context(), **context})
    return html, dict(context.get(PART_IMAGES) or {})


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


class _ZlibAtDefaultLevel:
    """zlib as pydyf sees it, with its streams compressed at zlib's default level (6) instead of 9."""

    level = zlib.Z_DEFAULT_COMPRESSION

    def __getattr__(self, name):
        return getattr(zlib, name)

    def compressobj(self, level=None, *args, **kwargs):
        return zlib.compressobj(self.level, *args, **kwargs)


def _default_compression_level() -> None:
    """pydyf 0.13 compresses every stream (pages, fonts, images) at level 9: a year of posts spent a
    sixth of its writing in zlib (0.5 s of each share's 3 s), for a file 0.2 % smaller than at level 6
    (measured on the 5,000 posts of bench/archive.py)."""
    import pydyf

    if not isinstance(pydyf.zlib, _ZlibAtDefaultLevel):
        pydyf.zlib = _ZlibAtDefaultLevel()


_default_compression_level()


class _LaidOutKept:
    """Keeps the parts already laid out out of the garbage collector's way.

    A long document keeps every part's pages (millions of objects) until it is written, and Python's
    collector walks all of them again and again as the next parts make new ones: a year's parts took
    0.4 s each at first and 0.7–1.0 s by the twentieth. After each part the collector gathers that
    part's garbage once and then leaves what is still alive alone (gc.freeze): every part costs the
    same (16 s → 12 s for 5,000 posts in one process, measured), and no garbage is kept. `release()`
    gives the objects back to the collector. A process that froze objects of its own (a server that
    forks workers) is left as it is."""

    def __init__(self):
        self.active = gc.get_freeze_count() == 0

    def part_done(self) -> None:
        if self.active:
            gc.collect()
            gc.freeze()

    def release(self) -> None:
        if self.active:
            self.active = False
            gc.unfreeze()


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
    times as long as five of 1,000), so each part is laid out as a document of its own, out of the
    garbage collector's way once laid out (`_LaidOutKept`), and their pages are joined; the page
    numbers run on (each part's first page is numbered after the last part's).
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
    documents, pages, images, fetcher, kept = [], 0, {}, _PartsFetcher(), _LaidOutKept()
    with _render_lock:
        try:
            for context in contexts:
                html, part_images = _part(template_name, context)
                fetcher.images.update(part_images)
                document = HTML(string=html, url_fetcher=fetcher, base_url=None).render(
                    stylesheets=[*stylesheets, _numbering(pages + 1)],
                    font_config=_font_config(),
                    cache=images,
                    **PDF_OPTIONS,
                )
                documents.append(document)
                pages += len(document.pages)
                kept.part_done()
            if not documents:
                raise ValueError("render_pdf_parts needs at least one part")
            joined = documents[0].copy([page for document in documents for page in document.pages])
            return joined.write_pdf(**PDF_OPTIONS)
        finally:
            kept.release()


# --- a long document in several processes (issue 22: a year of 5,000 posts in < 20 s) ---------------
# WeasyPrint lays out and paints in one thread, and a year's posts are 600 pages of it. The parts are
# shared out in order: the first share stays here, the others go to worker processes (spawned: a fresh
# interpreter that imports this module and WeasyPrint, no Django settings, no database, no threads of
# ours). This process builds every part's HTML in order (the database, the templates, the numbering of
# things across parts, as in one process): its own share's first, kept, then the others', each handed
# to its share's process as it is built; then it lays out its own.
# A share's page numbers depend on the pages of the shares before it, known only when those are laid
# out: the first share (this process's) numbers its pages as it lays them out and never waits; every
# other share is laid out without page numbers, tells its number of pages, waits for those of the
# shares before it, and then lays out its page numbers alone (empty pages under the same stylesheets)
# and puts them on its pages. Each share is written as a PDF of its own and core.pdf_join makes them
# one, with one structure tree.
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
    """The number of parts of each share, in order. The first one is this process's: it builds every
    part's HTML and, at the end, joins the shares, but the others first start their interpreter and
    lay out their page numbers apart; it takes its even share, rounded down (measured: the two
    processes of a 5,000-post year end within a second of each other)."""
    own = count // processes
    rest, others = count - own, processes - 1
    return [own] + [rest // others + (1 if i < rest % others else 0) for i in range(others)]


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
        self.documents, self.pages, self.images, self.fetcher = [], 0, {}, _PartsFetcher()
        self.kept = _LaidOutKept()

    def add(self, html: str, images: dict[str, bytes]) -> None:
        # The first share numbers its pages as it goes; the others learn their first page later.
        numbering = _numbering(self.pages + 1) if self.index == 0 else _no_page_numbers()
        self.fetcher.images.update(images)
        document = HTML(string=html, url_fetcher=self.fetcher, base_url=None).render(
            stylesheets=[*self.stylesheets, numbering], font_config=_font_config(), cache=self.images, **PDF_OPTIONS
        )
        self.documents.append(document)
        self.pages += len(document.pages)
        self.kept.part_done()

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
        try:
            first_page = self.first_page(alive=alive)
            if not self.documents:
                return None
            pages = [page for document in self.documents for page in document.pages]
            if self.index:
                _page_numbers_on(pages, self.stylesheets, first_page)
            return self.documents[0].copy(pages).write_pdf(**PDF_OPTIONS)
        finally:
            self.kept.release()


def _lay_out_share(index: int, extra_css: str, counts, changed, parts, results, parent: int) -> None:
    """A share's process: lay out the parts (HTML, images) that come on `parts` until None, then write
    its PDF to `results`. It gives up when the process that started it (`parent`) is gone."""
    try:
        share = _Share(index, extra_css, counts, changed)
        while (part := parts.get()) is not None:
            share.add(*part)
        results.put((index, "pdf", share.write(alive=lambda: os.getppid() == parent)))
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
    workers = []  # share 1, 2, …: (process, its parts' queue)
    try:
        for index in range(1, processes):
            parts = spawn.Queue()
            worker = spawn.Process(
                target=_lay_out_share,
                args=(index, extra_css, counts, changed, parts, results, os.getpid()),
                daemon=True,
            )
            worker.start()
            workers.append((worker, parts))
        with _render_lock:
            mine = _hand_out(template_name, contexts, sizes, [parts for _, parts in workers])
            own = _Share(0, extra_css, counts, changed)
            try:
                while mine:
                    own.add(*mine.pop(0))
                first = own.write()
            finally:
                own.kept.release()
        shares = _shares_written(workers, results)
        return join_pdfs([document for document in [first, *shares] if document is not None])
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


def _hand_out(template_name: str, contexts, sizes: list[int], queues: list) -> list:
    """Build every part in order: the first share's are kept and returned, each later share's parts go
    to its process's queue as they are built (any part beyond the count foreseen with the last)."""
    mine, share, given, built = [], 0, 0, 0
    for context in contexts:
        part = _part(template_name, context)
        built += 1
        while share < len(queues) and given == sizes[share]:
            if share:
                queues[share - 1].put(None)
            share, given = share + 1, 0
        if share:
            queues[share - 1].put(part)
        else:
            mine.append(part)
        given += 1
    for parts in queues[max(share - 1, 0) :]:
        parts.put(None)
    if not built:
        raise ValueError("render_pdf_parts needs at least one part")
    return mine


def _shares_written(workers, results) -> list[bytes | None]:
    """The PDFs of the shares laid out by `workers`, in order, as they put them on `results`. A process
    that ended without a word fails the document (after a second's grace for its last words), as does
    one that has not answered within _SHARE_WAIT_SECONDS."""
    written: dict[int, bytes | None] = {}
    silent: set[int] = set()
    deadline = time.monotonic() + _SHARE_WAIT_SECONDS
    while len(written) < len(workers):
        try:
            share, kind, payload = results.get(timeout=1)
        except queue.Empty:
            gone = {i for i, (worker, _) in enumerate(workers, start=1) if i not in written and not worker.is_alive()}
            if gone & silent or time.monotonic() > deadline:
                raise ShareLost("PDFの作成を分担したプロセスが途中で終了しました。") from None
            silent |= gone
            continue
        if kind == "error":
            raise RuntimeError(f"PDFの作成を分担したプロセスで失敗しました。\n{payload}")
        written[share] = payload
    return [written[i] for i in range(1, len(workers) + 1)]
