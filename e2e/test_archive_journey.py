"""Browser journey of the archive (issue 22): a 課長 finds a kept post by a word, opens it, and exports
the 年度's posts as PDF for a request for disclosure (情報公開請求) — at a PC's width and a phone's."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from e2e.steps import BOTH_WIDTHS, assert_accessible, login
from tests.archive.made import at, keep_post

pytestmark = pytest.mark.browser


@BOTH_WIDTHS
def test_a_section_head_finds_a_post_opens_it_and_exports_the_year_as_pdf(page, live_server, head_a, account_a):
    post = keep_post(
        account_a,
        "bousai-2026",
        "今週末は市民総合防災訓練を実施します。",
        at(2026, 9, 1, 10, 0),
        edits=("今週末は市民総合防災訓練を実施します（会場を変更しました）。",),
        gone_at=at(2026, 9, 5, 8, 0),
    )
    keep_post(account_a, "gomi-2026", "ごみの収集日が変わります。", at(2026, 9, 2))

    login(page, live_server, head_a)
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="保存した投稿").click()
    expect(page.get_by_role("heading", name="保存した投稿", level=1)).to_be_visible()
    assert_accessible(page)

    search = page.get_by_role("search", name="保存した投稿の検索")
    search.get_by_label("語句").fill("防災")
    search.get_by_role("button", name="検索").click()
    expect(page.get_by_role("heading", name="「防災」を含む投稿：1件")).to_be_visible()
    expect(page.locator("mark", has_text="防災")).to_be_visible()
    expect(page.get_by_text("ごみの収集日")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="2026年9月1日 10:00").click()
    expect(page.get_by_role("heading", name="第2版（最新）")).to_be_visible()
    expect(page.get_by_text("2026年9月5日 08:00:00に、SNSに見当たらないことを確認しました")).to_be_visible()
    version = post.versions.get(number=2)
    expect(page.get_by_text(version.sha256)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="パンくずリスト").get_by_role("link", name="保存した投稿").click()
    export = page.get_by_role("region", name="書き出し（情報公開請求など）")
    export.get_by_label("アカウント").select_option(label=f"{account_a.display_name}（X @{account_a.handle}）")
    export.get_by_label("書き出す期間（から）").fill("令和8年4月1日")
    export.get_by_label("書き出す期間（まで）").fill("2027-03-31")
    export.get_by_label("PDF（画像を含む）").check()
    with page.expect_download() as download_info:
        export.get_by_role("button", name="書き出す").click()
    download = download_info.value
    assert download.suggested_filename == "保存した投稿_こまえ子ども_2026-04-01〜2027-03-31.pdf"
    with open(download.path(), "rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace("\n", "")
    assert "会場を変更しました" in text and version.sha256 in text and "ごみの収集日" in text
