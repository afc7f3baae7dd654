"""Handing over an account's kept posts (issue 22: 情報公開請求): CSV, PDF and WARC, from the command
and from the archive page — what each file holds, that the WARC reads back with its digests checked,
who may, and the audit row of each handover."""

import base64
import csv
import hashlib
import io
import re
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject
from warcio.archiveiterator import ArchiveIterator

from archive import exports
from archive.capture import capture_account
from archive.exports import Selection, posts_export
from archive.models import Post, RawAnswer
from core.audit import Job
from core.models import AuditEvent
from tests.archive.made import at, keep_post, png
from tests.pdf_reading import assert_archival_and_tagged, read_pdf
from tests.platform_fixtures import BSKY_DID, bluesky_feed_page, bluesky_post
from tests.platforms import api_support as api

# Also on the embedded defaults (SQLite): a small city keeps and hands over its posts there too.
pytestmark = [pytest.mark.django_db, pytest.mark.smoke]

EXPORT = reverse("archive:export")


@pytest.fixture
def year(account_a, head_a):
    """課A's account in 令和8年度, one post either side of it."""
    image = png()
    posts = {
        "before": keep_post(account_a, "before", "年度前の投稿", at(2026, 3, 31, 23, 59)),
        "bousai": keep_post(
            account_a,
            "bousai",
            "今週末は防災訓練を実施します。",
            at(2026, 4, 1, 0, 0),
            links=("https://www.city.komae.example.invalid/bousai",),
            images=(image,),
        ),
        "formula": keep_post(
            account_a, "formula", '=HYPERLINK("https://evil.example.invalid","押して")', at(2026, 5, 1)
        ),
        "gone": keep_post(
            account_a,
            "gone",
            "誤った内容の投稿",
            at(2026, 6, 1),
            edits=("誤った内容の投稿（訂正）",),
            gone_at=at(2026, 6, 2, 8, 30),
        ),
        "hand": keep_post(
            account_a, "line-1", "LINEで配信しました。", at(2026, 7, 1), by_hand=True, recorded_by=head_a
        ),
        "after": keep_post(account_a, "after", "年度後の投稿", at(2027, 4, 1, 0, 0)),
    }
    return {"posts": posts, "image": image, "selection": Selection(account_a, date(2026, 4, 1), date(2027, 3, 31))}


def export_bytes(selection, fmt, actor) -> bytes:
    out = io.BytesIO()
    posts_export(selection=selection, fmt=fmt, out=out, actor=actor, made_by="試験")
    return out.getvalue()


# --- CSV ------------------------------------------------------------------------------------------


def test_the_csv_has_a_bom_a_row_per_version_and_says_what_became_of_each_post(year, head_a):
    data = export_bytes(year["selection"], "csv", head_a)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == exports.CSV_HEADER
    assert [(r["投稿ID"], r["版"]) for r in rows] == [
        ("bousai", "1"),
        ("formula", "1"),
        ("gone", "1"),
        ("gone", "2"),
        ("line-1", "1"),
    ]  # oldest first; 年度前 and 年度後 left out
    bousai = rows[0]
    version = year["posts"]["bousai"].versions.get()
    assert bousai["アカウント"] == "こまえ子ども" and bousai["SNS"] == "X"
    assert bousai["投稿日時"] == "2026-04-01 00:00:00" and bousai["本文"] == "今週末は防災訓練を実施します。"
    assert bousai["SHA-256"] == version.sha256 and bousai["応答のSHA-256"] == version.answer.sha256
    assert bousai["リンク"] == "https://www.city.komae.example.invalid/bousai"
    assert hashlib.sha256(year["image"]).hexdigest() in bousai["画像・動画"] and "保存済み" in bousai["画像・動画"]
    assert bousai["状態"] == "保存済み" and bousai["記録"] == "自動で保存"
    assert rows[2]["状態"] == rows[3]["状態"] == "削除を確認（2026-06-02 08:30:00）"
    assert rows[3]["本文"] == "誤った内容の投稿（訂正）"
    assert rows[4]["記録"] == f"手動で記録（{head_a.display_name}）"


def test_a_cell_that_would_be_a_formula_is_plain_text(year, head_a):
    rows = list(csv.DictReader(io.StringIO(export_bytes(year["selection"], "csv", head_a).decode("utf-8-sig"))))
    assert rows[1]["本文"] == '\'=HYPERLINK("https://evil.example.invalid","押して")'


def test_a_disposed_post_says_so(year, head_a):
    Post.objects.filter(pk=year["posts"]["bousai"].pk).update(disposed_at=at(2031, 4, 1))
    rows = list(csv.DictReader(io.StringIO(export_bytes(year["selection"], "csv", head_a).decode("utf-8-sig"))))
    assert rows[0]["状態"] == "廃棄済み（2031-04-01 09:00:00）"


# --- WARC -----------------------------------------------------------------------------------------


def read_warc(data: bytes) -> list[dict]:
    """Every record, read back with warcio checking its digests (a failed check fails the test)."""
    records = []
    for record in ArchiveIterator(io.BytesIO(data), check_digests=True):
        body = record.content_stream().read()
        headers = record.rec_headers
        assert record.digest_checker.passed is True, (
            headers.get_header("WARC-Target-URI"),
            record.digest_checker.problems,
        )
        assert headers.get_header("WARC-Target-URI") and headers.get_header("WARC-Payload-Digest")
        records.append(
            {
                "type": record.rec_type,
                "uri": headers.get_header("WARC-Target-URI"),
                "date": headers.get_header("WARC-Date"),
                "version": headers.protocol,
                "status": record.http_headers.get_statuscode() if record.http_headers else None,
                "content_type": record.http_headers.get_header("Content-Type") if record.http_headers else None,
                "body": body,
                "payload_digest": headers.get_header("WARC-Payload-Digest"),
                "concurrent_to": headers.get_header("WARC-Concurrent-To"),
                "id": headers.get_header("WARC-Record-ID"),
            }
        )
    return records


def test_the_warc_holds_each_answer_as_a_request_and_response_pair_and_each_kept_file(year, head_a):
    records = read_warc(export_bytes(year["selection"], "warc", head_a))
    answers = list(
        RawAnswer.objects.filter(versions__post__in=year["selection"].posts()).distinct().order_by("captured_at", "pk")
    )
    assert len(answers) == 4  # bousai, formula, and the two versions of gone; none for the post kept by hand
    assert [r["type"] for r in records] == ["response", "request"] * 4 + ["resource"]  # warcio's order
    assert {r["version"] for r in records} == {"WARC/1.1"}
    for answer, (response, request) in zip(answers, zip(records[0:8:2], records[1:8:2], strict=True), strict=True):
        assert request["uri"] == response["uri"] == answer.url
        assert request["concurrent_to"] == response["id"]
        assert response["status"] == "200" and response["content_type"] == answer.content_type
        assert response["body"] == bytes(answer.body)
        # The payload digest is the answer's SHA-256 (base32, as WARC writes digests).
        assert response["payload_digest"] == "sha256:" + base64.b32encode(bytes.fromhex(answer.sha256)).decode()
    image = records[-1]
    assert image["uri"] == year["posts"]["bousai"].versions.get().media_urls[0]
    assert image["body"] == year["image"]


def test_an_answer_disposed_of_is_left_out_of_the_warc_and_the_rest_reads_back(year, head_a):
    disposed = year["posts"]["formula"].versions.get().answer
    RawAnswer.objects.filter(pk=disposed.pk).update(disposed_at=at(2031, 4, 1), body=b"")
    records = read_warc(export_bytes(year["selection"], "warc", head_a))
    assert [r["type"] for r in records] == ["response", "request"] * 3 + ["resource"]
    digest = "sha256:" + base64.b32encode(bytes.fromhex(disposed.sha256)).decode()
    assert digest not in {r["payload_digest"] for r in records}


def test_the_warc_of_a_capture_holds_the_platforms_answers_exactly_as_sent(settings, monkeypatch, dept_b, head_b):
    account = api.city_account(dept_b, head_b, "bluesky", "komae-city.bsky.social", BSKY_DID)
    page = bluesky_feed_page([bluesky_post("p1", "防災訓練のお知らせ", "2026-11-20T09:00:00.000Z")])
    with api.serve(settings, monkeypatch, "bluesky") as bsky:
        bsky.answer("/xrpc/app.bsky.feed.getAuthorFeed", json=page)
        assert capture_account(account.pk).new == 1
    (response, request) = read_warc(export_bytes(Selection(account), "warc", head_b))
    kept = RawAnswer.objects.get()
    assert response["body"] == bytes(kept.body)
    assert hashlib.sha256(response["body"]).hexdigest() == kept.sha256
    assert request["uri"].startswith(bsky.url) and "getAuthorFeed" in request["uri"]


# --- PDF ------------------------------------------------------------------------------------------


def figure_alts(data: bytes) -> list[str]:
    """The alternative text of each Figure of the structure tree (what a screen reader says of an image)."""
    alts = []

    def walk(element):
        element = element.get_object()
        if not isinstance(element, DictionaryObject):
            return
        if element.get("/S") == "/Figure":
            alts.append(str(element.get("/Alt", "")))
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, ArrayObject) else [kids]:
            if not isinstance(kid, int):
                walk(kid)

    walk(PdfReader(io.BytesIO(data)).trailer["/Root"]["/StructTreeRoot"])
    return alts


def test_the_pdf_shows_each_post_with_its_time_url_hashes_and_image(year, head_a):
    data = export_bytes(year["selection"], "pdf", head_a)
    doc = read_pdf(data)
    assert_archival_and_tagged(doc, title="保存した投稿　こまえ子ども（X）2026年4月1日〜2027年3月31日")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    flat = text.replace("\n", "")
    bousai = year["posts"]["bousai"]
    version = bousai.versions.get()
    assert "今週末は防災訓練を実施します。" in flat and "2026-04-01 00:00" in flat
    assert version.sha256 in flat and version.answer.sha256 in flat and bousai.url in flat
    assert hashlib.sha256(year["image"]).hexdigest() in flat
    assert "削除を確認（2026-06-02 08:30:00）" in flat and "第2版" in flat and "手動で記録" in flat
    assert "年度前の投稿" not in flat and "年度後の投稿" not in flat
    images = {image.name: image for page in PdfReader(io.BytesIO(data)).pages for image in page.images}
    (image,) = images.values()  # the kept PNG, drawn from storage (the pages share their resources)
    assert image.image.size == (4, 4) and image.image.getpixel((0, 0)) == (200, 30, 30)
    assert figure_alts(data) == [f"画像1（SHA-256 {hashlib.sha256(year['image']).hexdigest()}）"]


def test_a_long_pdf_is_laid_out_in_parts_with_its_page_numbers_running_on(account_a, head_a, monkeypatch):
    monkeypatch.setattr(exports, "PDF_POSTS_PER_PART", 3)
    for n in range(1, 9):
        keep_post(account_a, f"p{n}", f"投稿{n}番の本文です。" + "長い文章。" * 120, at(2026, 5, n))
    reader = PdfReader(io.BytesIO(export_bytes(Selection(account_a), "pdf", head_a)))
    text = [page.extract_text().replace("\n", "") for page in reader.pages]
    assert all(f"投稿{n}番" in "".join(text) for n in range(1, 9))
    numbers = [int(re.search(r"－ (\d+) －", t).group(1)) for t in text]
    assert numbers == list(range(1, len(reader.pages) + 1)) and len(reader.pages) > 3


def test_hostile_text_in_the_pdf_is_text(account_a, head_a):
    keep_post(account_a, "h", '<img src="file:///etc/passwd"><link rel=attachment href="file:///etc/passwd">防災', None)
    data = export_bytes(Selection(account_a), "pdf", head_a)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace("\n", "")
    assert '<img src="file:///etc/passwd">' in text and "root:" not in text
    assert PdfReader(io.BytesIO(data)).attachments == {}


# --- the command ------------------------------------------------------------------------------------


def test_the_command_writes_the_file_and_records_the_handover(year, tmp_path, account_a):
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "r8.csv"
    out = io.StringIO()
    call_command(
        "export_posts", "--account", str(account_a.pk), "--from", "2026-04-01", "--to", "2027-03-31",
        "--format", "csv", "-o", str(target), stdout=out,
    )  # fmt: skip
    assert target.read_bytes().startswith(b"\xef\xbb\xbf") and "防災訓練" in target.read_text("utf-8-sig")
    assert "投稿 4件（2026年4月1日〜2027年3月31日）" in out.getvalue()
    event = AuditEvent.objects.get(action=AuditEvent.Action.POSTS_EXPORTED)
    assert (
        event.actor_job == Job.EXPORT_COMMAND
        and event.summary == "CSVで書き出し（2026年4月1日〜2027年3月31日、投稿 4件）"
    )
    assert list(target.parent.iterdir()) == [target]  # no partial file left beside it


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "--account・--format・-o を指定してください。"),
        (["--account", "abc", "--format", "csv", "-o", "{dir}/x.csv"], "--account にはアカウントのID（数字）"),
        (["--account", "{pk}", "--format", "xlsx", "-o", "{dir}/x"], "--format は csv・pdf・warc のいずれか"),
        (["--account", "{pk}", "--format", "csv", "-o", "{dir}/x", "--from", "2026/04/01"], "YYYY-MM-DD の形"),
        (["--account", "{pk}", "--format", "csv", "-o", "{dir}/x", "--to", "2026-02-30"], "ありえない日付"),
        (
            ["--account", "{pk}", "--format", "csv", "-o", "{dir}/x", "--from", "2026-05-01", "--to", "2026-04-01"],
            "--to の日付が --from より前です",
        ),
        (["--account", "999999", "--format", "csv", "-o", "{dir}/x"], "ID 999999 のアカウントはありません"),
        (["--account", "{pk}", "--format", "csv", "-o", "{dir}/no/such/x.csv"], "フォルダ"),
    ],
    ids=["nothing", "account", "format", "date-form", "no-such-day", "reversed", "no-account", "no-folder"],
)
def test_the_command_refuses_bad_input_in_japanese_and_writes_nothing(account_a, tmp_path, args, message):
    (tmp_path / "out").mkdir()
    args = [a.format(pk=account_a.pk, dir=tmp_path / "out") for a in args]
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("export_posts", *args)
    assert list((tmp_path / "out").iterdir()) == []
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.POSTS_EXPORTED).exists()


# --- the archive page's export ------------------------------------------------------------------------


def form(account, fmt, **extra):
    return {"export-account": account.pk, "export-format": fmt, **{f"export-{k}": v for k, v in extra.items()}}


@pytest.mark.parametrize("fmt", ["csv", "pdf", "warc"])
def test_the_section_head_downloads_a_year_and_it_is_recorded(client, year, head_a, account_a, fmt):
    client.force_login(head_a)
    response = client.post(EXPORT, form(account_a, fmt, start="令和8年4月1日", end="2027-03-31"))
    assert response.status_code == 200
    assert response["Content-Type"] == exports.CONTENT_TYPES[fmt]
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and f".{exports.EXTENSIONS[fmt]}" in disposition
    body = b"".join(response.streaming_content)
    assert body.startswith({"csv": b"\xef\xbb\xbf", "pdf": b"%PDF", "warc": b"\x1f\x8b"}[fmt])
    event = AuditEvent.objects.get(action=AuditEvent.Action.POSTS_EXPORTED)
    assert event.actor == head_a and "投稿 4件" in event.summary


def test_another_departments_staff_cannot_export_department_as_posts(client, year, staff_b, account_a):
    client.force_login(staff_b)
    response = client.post(EXPORT, form(account_a, "csv"))
    assert response.status_code == 200 and "正しく選択してください" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.POSTS_EXPORTED).exists()


def test_a_contractor_sees_the_posts_but_the_city_hands_them_over(client, year, contractor, account_a):
    account_a.contractors.add(contractor)
    client.force_login(contractor)
    assert client.get(reverse("archive:post", args=[year["posts"]["bousai"].pk])).status_code == 200
    response = client.post(EXPORT, form(account_a, "pdf"))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.POSTS_EXPORTED).exists()


def test_a_bad_export_form_comes_back_with_japanese_messages(client, year, head_a, account_a):
    client.force_login(head_a)
    response = client.post(EXPORT, form(account_a, "docx", start="2027-04-01", end="2026-04-01"))
    html = response.content.decode()
    assert response.status_code == 200 and "期間の終わりが始まりより前です" in html and "正しく選択してください" in html
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.POSTS_EXPORTED).exists()


def test_a_pdf_longer_than_the_page_makes_in_one_request_is_refused_with_a_way_out(
    client, year, head_a, account_a, monkeypatch
):
    monkeypatch.setattr("archive.views.PDF_PAGE_MAX_POSTS", 3)
    client.force_login(head_a)
    response = client.post(EXPORT, form(account_a, "pdf", start="2026-04-01", end="2027-03-31"))
    html = response.content.decode()
    assert response.status_code == 200 and "この期間の投稿は4件です。PDFはこの画面から一度に3件まで" in html
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.POSTS_EXPORTED).exists()
    assert client.post(EXPORT, form(account_a, "csv", start="2026-04-01")).status_code == 200  # CSV has no bound


def test_the_export_only_answers_post(client, head_a):
    client.force_login(head_a)
    assert client.get(EXPORT).status_code == 405
