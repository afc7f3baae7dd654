"""Handing over an account's posts (issue 22: 情報公開請求): CSV, PDF and WARC 1.1.

One account and a period (published from – to, both days included, in Japan's time); each writer
writes into a binary file object, so that the command (`export_posts`) and the archive page produce the
same bytes. `posts_export` writes the file and then the audit row (AuditEvent POSTS_EXPORTED): an
export that failed half-way is not recorded as handed over.

- CSV: UTF-8 with a BOM, one row per version of a post, every cell formula-safe (core.exports).
- PDF: through the one PDF service (core.pdf: IPAex明朝, tagged PDF/A-2a, a fetcher that fetches
  nothing), laid out in parts of PDF_POSTS_PER_PART posts; each post with its time, URL, content hash,
  capture time and its images — the kept files, read from storage and handed to the layout with their
  part (core.pdf.DocumentImages), never fetched from the network — and the platform's answers (URL,
  SHA-256) listed once at the end.
- WARC 1.1 (warcio, gzipped per record): per platform answer a response and a request record (the body
  exactly as kept, its SHA-256 as the payload digest), and a resource record per kept media file. Every
  record names its WARC-Target-URI and carries a payload digest (PITFALLS), so it reads back with
  digests checked. An answer whose body was disposed of (retention) is left out; the CSV and the PDF
  still name it by its hash.
"""

import base64
import csv
import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from http import HTTPStatus
from itertools import islice
from urllib.parse import urlsplit

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from accounts.models import OfficialAccount
from core.audit import audit_record
from core.exports import safe_cell
from core.models import AuditEvent
from core.pdf import EMBED_MAX_BYTES, PART_IMAGES, DocumentImages, render_pdf_parts

from .capture import archive_of
from .models import MediaFile, Post, PostVersion, RawAnswer
from .search import in_period

FORMATS = ("csv", "pdf", "warc")
FORMAT_LABELS = {"csv": "CSV", "pdf": "PDF", "warc": "WARC"}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf", "warc": "application/gzip"}  # .warc.gz
EXTENSIONS = {"csv": "csv", "pdf": "pdf", "warc": "warc.gz"}

PDF_POSTS_PER_PART = 200  # core.pdf.render_pdf_parts: a part's layout stays short
# The archive page makes a PDF within its request (gunicorn's timeout: 60 s); 5,000 posts (a busy
# account's year) take ~12 s on two CPUs. Longer: the command, or the period in parts.
PDF_PAGE_MAX_POSTS = 5_000
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


@dataclass(frozen=True)
class Selection:
    """What is handed over: one account's posts published from `start` to `end` (either may be None)."""

    account: OfficialAccount
    start: date | None = None
    end: date | None = None

    def posts(self) -> QuerySet[Post]:
        """The posts, oldest first (a handover reads in the order things were said); a post without a
        time is last, and only when no period is asked for."""
        posts = in_period(Post.objects.filter(account=self.account), self.start, self.end)
        return posts.order_by(F("published_at").asc(nulls_last=True), "pk")

    @property
    def period_label(self) -> str:
        if self.start and self.end:
            return f"{_day(self.start)}〜{_day(self.end)}"
        if self.start:
            return f"{_day(self.start)}から"
        if self.end:
            return f"{_day(self.end)}まで"
        return "全期間"

    def filename(self, fmt: str) -> str:
        """保存した投稿_こまえ子ども_2026-04-01〜2027-03-31.pdf: no character a file system refuses."""
        period = "〜".join(d.isoformat() if d else "" for d in (self.start, self.end))
        if not (self.start or self.end):
            period = "全期間"
        name = _UNSAFE_NAME.sub("_", f"保存した投稿_{self.account.display_name}_{period}")
        return f"{name[:150]}.{EXTENSIONS[fmt]}"


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _local(when: datetime | None) -> str:
    """A time as the files write it: 2026-04-01 09:00:00 in Japan's time; "" for none."""
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M:%S") if when else ""


def state_of(post: Post) -> str:
    """廃棄済み / 削除を確認 with their time, else 保存済み."""
    if post.disposed_at:
        return f"廃棄済み（{_local(post.disposed_at)}）"
    if post.gone_at:
        return f"削除を確認（{_local(post.gone_at)}）"
    return "保存済み"


def recorded_how(post: Post) -> str:
    if post.by_hand:
        who = post.recorded_by.display_name if post.recorded_by_id else ""
        return f"手動で記録（{who}）" if who else "手動で記録"
    return "自動で保存"


def _versions(selection: Selection) -> QuerySet[PostVersion]:
    """Every version of the selection's posts, in the posts' order, without the answers' bodies."""
    return (
        PostVersion.objects.filter(post__in=selection.posts().values("pk"))
        .select_related("post", "post__recorded_by", "answer")
        .defer("post__search_text", "post__grams", "answer__body")
        .prefetch_related(Prefetch("media", queryset=MediaFile.objects.order_by("pk")))
        .order_by(F("post__published_at").asc(nulls_last=True), "post_id", "number")
    )


# --- CSV ------------------------------------------------------------------------------------------

CSV_HEADER = [
    "アカウント",
    "SNS",
    "投稿ID",
    "URL",
    "投稿日時",
    "本文",
    "リンク",
    "画像・動画",
    "版",
    "取得日時",
    "SHA-256",
    "応答のSHA-256",
    "応答のURL",
    "記録",
    "状態",
]


def _media_line(media: MediaFile) -> str:
    digest = f"、SHA-256 {media.sha256}" if media.sha256 else ""
    return f"{media.url or media.file.name}（{media.get_state_display()}{digest}）"


def csv_rows(selection: Selection) -> Iterator[list]:
    """One row per version of each post (an edit is its next row), in CSV_HEADER's order."""
    account = selection.account
    for version in _versions(selection).iterator(chunk_size=1000):
        post = version.post
        yield [
            account.display_name,
            account.platform.name,
            post.post_id,
            post.url,
            _local(post.published_at) or version.published,
            version.text,
            "\n".join(version.links),
            "\n".join(_media_line(m) for m in version.media.all()),
            version.number,
            _local(version.captured_at),
            version.sha256,
            version.answer.sha256 if version.answer_id else "",
            version.answer.url if version.answer_id else "",
            recorded_how(post),
            state_of(post),
        ]


def write_csv(selection: Selection, out) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        text.write("\ufeff")  # Excel, which most offices open CSV with, needs it for Japanese
        writer = csv.writer(text)
        writer.writerow(CSV_HEADER)
        for row in csv_rows(selection):
            writer.writerow([safe_cell(value) for value in row])
        text.flush()
    finally:
        text.detach()  # the caller's file stays open


# --- WARC -----------------------------------------------------------------------------------------


def _sha256_digest(data: bytes) -> str:
    """A WARC digest header value: the algorithm and the digest in base32 (the CSV's and the PDF's
    SHA-256 are the same digest in hexadecimal)."""
    return "sha256:" + base64.b32encode(hashlib.sha256(data).digest()).decode("ascii")


def _warc_date(when: datetime | None) -> str:
    return datetime_to_iso_date((when or timezone.now()).astimezone(UTC).replace(tzinfo=None), use_micros=True)


def _write_exchange(writer: WARCWriter, answer: RawAnswer) -> None:
    """The request the capture made and the platform's answer, exactly as kept."""
    body = bytes(answer.body)
    parts = urlsplit(answer.url)
    target = parts.path or "/"
    if parts.query:
        target += f"?{parts.query}"
    try:
        reason = HTTPStatus(answer.status).phrase
    except ValueError:
        reason = ""
    headers = [("Content-Type", answer.content_type or "application/octet-stream"), ("Content-Length", str(len(body)))]
    response = writer.create_warc_record(
        answer.url,
        "response",
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=StatusAndHeaders(f"{answer.status} {reason}".strip(), headers, protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Date": _warc_date(answer.captured_at), "WARC-Payload-Digest": _sha256_digest(body)},
    )
    request = writer.create_warc_record(
        answer.url,
        "request",
        http_headers=StatusAndHeaders(f"GET {target} HTTP/1.1", [("Host", parts.netloc)], is_http_request=True),
        warc_headers_dict={"WARC-Date": _warc_date(answer.captured_at)},
    )
    writer.write_request_response_pair(request, response)


def _write_media(writer: WARCWriter, media: MediaFile) -> None:
    with default_storage.open(media.file.name, "rb") as handle:
        data = handle.read()
    digest = _sha256_digest(data)
    record = writer.create_warc_record(
        media.url or f"urn:sha256:{media.sha256 or hashlib.sha256(data).hexdigest()}",
        "resource",
        payload=io.BytesIO(data),
        length=len(data),
        warc_content_type=media.content_type or "application/octet-stream",
        # A resource record's block is its payload: one digest, checked twice on reading.
        warc_headers_dict={
            "WARC-Date": _warc_date(media.fetched_at),
            "WARC-Payload-Digest": digest,
            "WARC-Block-Digest": digest,
        },
    )
    writer.write_record(record)


def write_warc(selection: Selection, out) -> None:
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    answer_ids = PostVersion.objects.filter(post__in=selection.posts().values("pk")).values("answer_id")
    answers = RawAnswer.objects.filter(pk__in=answer_ids, disposed_at__isnull=True).order_by("captured_at", "pk")
    for answer in answers.iterator(chunk_size=50):
        _write_exchange(writer, answer)
    written = set()  # one file named by several versions is written once
    for media in _kept_media(selection).iterator(chunk_size=200):
        if media.sha256 and media.sha256 in written:
            continue
        _write_media(writer, media)
        written.add(media.sha256)


def _kept_media(selection: Selection) -> QuerySet[MediaFile]:
    return (
        MediaFile.objects.filter(
            version__post__in=selection.posts().values("pk"), state=MediaFile.State.KEPT, disposed_at__isnull=True
        )
        .exclude(file="")
        .order_by("pk")
    )


# --- PDF ------------------------------------------------------------------------------------------

# Compact: a post is its heading line (number, time, URL), its text, and a line of small print (capture
# time, hash and the answer's number) — layout costs by the line and by the box (WeasyPrint: ~0.6 ms a
# line, 5,000 posts a year; the URL on a line of its own cost a fifth of the time).
PDF_CSS = """
@page { margin: 20mm 18mm 18mm 20mm; }
html { font-size: 9.5pt; line-height: 1.55; }
.cover p { margin: 0; }
.cover { margin: 0 0 4mm; }
.note { font-size: 8pt; margin: 2mm 0 5mm; }
h2.post-head { font-size: 9.5pt; margin: 0; padding-top: 1mm; border-top: .4pt solid #000; font-weight: normal;
  bookmark-level: none; overflow-wrap: anywhere; }
/* 明朝 has no bold; a long URL breaks anywhere rather than leave the page */
p { margin: 0; }
.text { white-space: pre-wrap; overflow-wrap: break-word; }
.meta { font-size: 7.5pt; line-height: 1.4; overflow-wrap: break-word; word-break: break-all; margin-bottom: 2.5mm; }
img.post-image { display: block; max-width: 70mm; max-height: 50mm; margin: .5mm 0; }
table.answers { width: 100%; border-collapse: collapse; font-size: 7.5pt; line-height: 1.4; table-layout: fixed; }
table.answers th:nth-child(1) { width: 12mm; }
table.answers th:nth-child(2) { width: 34mm; }
table.answers th, table.answers td { border: .4pt solid #000; padding: .5mm 1mm; text-align: left; vertical-align: top;
  word-break: break-all; }
table.answers th { font-weight: normal; }
table.answers tr { break-inside: avoid; }
"""


def _image_src(media: MediaFile, images: DocumentImages) -> str:
    """A kept image put in the part's `images` (read from storage, never fetched): its `src`; "" for
    anything else (a video, a document, a file too large to draw, or one that is not an image — by its
    bytes, whatever the platform said)."""
    if media.state != MediaFile.State.KEPT or media.disposed_at or not media.file or media.size > EMBED_MAX_BYTES:
        return ""
    try:
        with default_storage.open(media.file.name, "rb") as handle:
            data = handle.read(EMBED_MAX_BYTES + 1)
    except OSError:
        return ""
    return images.add(data) or ""


def _pdf_posts(selection: Selection) -> QuerySet[Post]:
    return selection.posts().select_related("recorded_by").defer("search_text", "grams")


def _chunks(posts: Iterator[Post], size: int) -> Iterator[list[Post]]:
    while chunk := list(islice(posts, size)):
        yield chunk


def _versions_of(posts: list[Post]) -> dict[int, list[tuple[PostVersion, list[MediaFile]]]]:
    """The versions of `posts` in order, each with its files: two queries for a part's posts, read by
    hand — Django's prefetch builds a queryset per post, a third of the HTML's time at 5,000 posts."""
    versions = list(PostVersion.objects.filter(post__in=[post.pk for post in posts]).order_by("post_id", "number"))
    media: dict[int, list[MediaFile]] = defaultdict(list)
    for file in MediaFile.objects.filter(version__in=[version.pk for version in versions]).order_by("pk"):
        media[file.version_id].append(file)
    by_post: dict[int, list[tuple[PostVersion, list[MediaFile]]]] = defaultdict(list)
    for version in versions:
        by_post[version.post_id].append((version, media[version.pk]))
    return by_post


def _pdf_item(number: int, post: Post, versions: list, answers: dict, images: DocumentImages) -> dict:
    """A post as the PDF shows it, with its `versions` (_versions_of); `answers` numbers the platform
    answers in order of first use, its images go into the part's `images`."""
    items = []
    for version, files in versions:
        media = [{"file": m, "uri": _image_src(m, images)} for m in files]
        answer = answers.setdefault(version.answer_id, len(answers) + 1) if version.answer_id else None
        items.append({"version": version, "media": media, "answer": answer})
    return {
        "number": number,
        "post": post,
        "published": _local(post.published_at)[:16] if post.published_at else "",
        "state": state_of(post),
        "recorded": recorded_how(post),
        "versions": items,
        "post_id_in_url": bool(post.post_id) and post.post_id in post.url,
    }


def _answer_rows(answers: dict) -> list[tuple[int, RawAnswer]]:
    kept = RawAnswer.objects.defer("body").in_bulk(list(answers))
    return [(number, kept[pk]) for pk, number in answers.items() if pk in kept]


def pdf_parts(selection: Selection, *, made_by: str) -> Iterator[dict]:
    """The contexts of the PDF's parts (core.pdf.render_pdf_parts): the cover with the first part,
    PDF_POSTS_PER_PART posts each, the list of the platform's answers with the last; each part's files
    are read when it is laid out."""
    posts = _pdf_posts(selection)
    total = posts.count()
    common = {
        "selection": selection,
        "account": selection.account,
        "total": total,
        "made_by": made_by,
        "made_at": _local(timezone.now())[:16],
    }
    answers: dict[int, int] = {}  # RawAnswer pk → its number in the document
    batch, images, first = [], DocumentImages(), True
    number = 0
    for chunk in _chunks(posts.iterator(chunk_size=PDF_POSTS_PER_PART), PDF_POSTS_PER_PART):
        versions = _versions_of(chunk)
        for post in chunk:
            number += 1
            batch.append(_pdf_item(number, post, versions[post.pk], answers, images))
            if len(batch) == PDF_POSTS_PER_PART and number < total:
                yield {**common, "first": first, "items": batch, PART_IMAGES: images}
                batch, images, first = [], DocumentImages(), False
    # The last part (the cover alone when there is no post) and the answers the posts came in.
    last = {"last": True, "answers": _answer_rows(answers), PART_IMAGES: images}
    yield {**common, "first": first, "items": batch, **last}


def write_pdf(selection: Selection, out, *, made_by: str = "") -> None:
    parts = max(1, -(-selection.posts().count() // PDF_POSTS_PER_PART))  # as pdf_parts yields them
    contexts = pdf_parts(selection, made_by=made_by)
    out.write(render_pdf_parts("archive/pdf/posts.html", contexts, extra_css=PDF_CSS, count=parts))


# --- the service ----------------------------------------------------------------------------------


def write_export(*, selection: Selection, fmt: str, out, made_by: str = "") -> int:
    """Write the selection's posts to `out` in `fmt`; return the number of posts."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    count = selection.posts().count()
    if fmt == "pdf":
        write_pdf(selection, out, made_by=made_by)
    elif fmt == "warc":
        write_warc(selection, out)
    else:
        write_csv(selection, out)
    return count


@transaction.atomic
def record_export(*, selection: Selection, fmt: str, actor, count: int) -> None:
    """The audit row of a handover (POSTS_EXPORTED), on the account's archive, once the file is whole."""
    audit_record(
        target=archive_of(selection.account),
        actor=actor,
        action=AuditEvent.Action.POSTS_EXPORTED,
        summary=f"{FORMAT_LABELS[fmt]}で書き出し（{selection.period_label}、投稿 {count}件）",
    )


def posts_export(*, selection: Selection, fmt: str, out, actor, made_by: str = "") -> int:
    """Write the selection's posts to `out` in `fmt`, then record the handover; return the number of
    posts. The caller has checked who may (archive.permissions)."""
    count = write_export(selection=selection, fmt=fmt, out=out, made_by=made_by)
    record_export(selection=selection, fmt=fmt, actor=actor, count=count)
    return count
