"""A year's posts as one PDF laid out by several processes (issue 22: 5,000 posts in < 20 s).

What the reader of the PDF must not be able to tell: the pages, their numbers, the text a screen reader
reads in order and the bookmarks are those of the document laid out in one process.
"""

import gc
import io
import multiprocessing
import os
import re
import threading

import pytest
import time_machine
from pypdf import PdfReader

from archive import exports
from archive.exports import Selection
from core import pdf
from tests.archive.made import at, keep_post, png
from tests.archive.test_exports import export_bytes
from tests.pdf_reading import assert_archival_and_tagged, read_pdf

pytestmark = pytest.mark.django_db

TITLE = "保存した投稿　こまえ子ども（X）全期間"


@pytest.fixture
def long_year(account_a, monkeypatch):
    """Nine posts long enough for a page or two each, in parts of two (five parts); one with an image,
    each in an answer of its own."""
    monkeypatch.setattr(exports, "PDF_POSTS_PER_PART", 2)
    for n in range(1, 10):
        keep_post(
            account_a,
            f"p{n}",
            f"投稿{n}番の本文です。" + "長い文章が続きます。" * (60 + 25 * (n % 3)),
            at(2026, 5, n),
            images=(png(),) if n == 4 else (),
        )
    return Selection(account_a)


def laid_out(selection, head, settings, processes: int) -> bytes:
    """The export as made at one instant (its cover says when, to the minute): two exports compared
    must not straddle a minute."""
    settings.PDF_PROCESSES = processes
    with time_machine.travel("2026-12-04 09:00:05 +0900", tick=True):
        return export_bytes(selection, "pdf", head)


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize("processes", [2, 3])
def test_the_pdf_laid_out_by_several_processes_is_the_one_laid_out_alone(long_year, head_a, settings, processes):
    alone = laid_out(long_year, head_a, settings, 1)
    shared = laid_out(long_year, head_a, settings, processes)

    assert page_texts(shared) == page_texts(alone)  # the same pages, numbers included
    numbers = [int(re.search(r"－ (\d+) －", text).group(1)) for text in page_texts(shared)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) > 5

    doc = read_pdf(shared)
    assert_archival_and_tagged(doc, title=TITLE)
    # One structure tree: every post in order under the one /Document, each element's page found
    # (read_pdf maps each /Pg to a page of the document), no text left out but the page numbers.
    one = read_pdf(alone)
    assert doc.reading == one.reading
    assert [node.tag for node in doc.root.children] == [node.tag for node in one.root.children]
    assert [int(n) for n in re.findall(r"投稿(\d)番", doc.reading)] == list(range(1, 10))
    assert all(re.fullmatch(r"(－ \d+ －)?", text) for text in doc.untagged), doc.untagged
    assert len(doc.root.find("Figure")) == 1

    reader = PdfReader(io.BytesIO(shared))
    assert [item.title for item in reader.outline] == ["保存した投稿", "取得した応答"]
    last = reader.get_destination_page_number(reader.outline[-1])
    assert "取得した応答" in page_texts(shared)[last]
    keys = [int(page["/StructParents"]) for page in reader.pages]
    assert len(set(keys)) == len(keys)  # every page its own marked-content key


def test_a_share_whose_process_dies_fails_the_pdf_in_words_and_leaves_no_process(long_year, settings):
    settings.PDF_PROCESSES = 2
    contexts = list(exports.pdf_parts(long_year, made_by="試験"))  # read here: the thread has no test data
    assert len(contexts) == 5

    def killing():
        for number, context in enumerate(contexts):
            if number == 3:  # the second share (parts 3–5) has its first part; its process dies
                for child in multiprocessing.active_children():
                    child.kill()
            yield context

    result = {}

    def render():
        try:
            pdf.render_pdf_parts("archive/pdf/posts.html", killing(), extra_css=exports.PDF_CSS, count=5)
        except RuntimeError as exc:
            result["error"] = str(exc)

    worker = threading.Thread(target=render)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "the PDF waited for a process that had died"
    assert "PDFの作成を分担したプロセス" in result["error"]
    assert not [child for child in multiprocessing.active_children() if child.is_alive()]


@pytest.mark.parametrize("processes", [1, 2])
def test_a_long_pdf_gives_what_it_laid_out_back_to_the_garbage_collector(long_year, head_a, settings, processes):
    """Laid-out parts are kept out of the collector's way while the document is made (core.pdf
    _LaidOutKept), and given back when it is done: a server's process does not keep them for ever."""
    assert gc.get_freeze_count() == 0
    laid_out(long_year, head_a, settings, processes)
    assert gc.get_freeze_count() == 0

    kept_by_the_server = [object()]  # a server that froze its own objects before forking its workers
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        laid_out(long_year, head_a, settings, processes)
        assert 0 < gc.get_freeze_count() <= frozen  # neither thawed nor added to (some were freed)
    finally:
        gc.unfreeze()
    assert kept_by_the_server


@pytest.mark.parametrize(("count", "processes"), [(25, 2), (25, 4), (2, 2), (7, 3)])
def test_the_shares_cover_every_part_in_order_and_leave_this_process_the_smallest(count, processes):
    shares = pdf._shares(count, processes)
    assert sum(shares) == count and len(shares) == processes and all(shares)
    assert shares[0] == min(shares)  # this process's: it builds the parts and joins the shares too


def test_a_short_document_is_laid_out_here_alone(settings):
    settings.PDF_PROCESSES = 4
    assert pdf._processes_for(None) == 1 and pdf._processes_for(1) == 1
    assert pdf._processes_for(3) == 3 and pdf._processes_for(25) == 4
    settings.PDF_PROCESSES = 0  # one per CPU
    assert pdf._processes_for(25) == min(len(os.sched_getaffinity(0)), pdf.PDF_PROCESSES_MAX)
