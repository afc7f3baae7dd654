"""Browser journey of an incident's evidence from the archive (issue 22, G-4-3-カ): a burst of posts opens
a 乗っ取り incident with them attached; the security officer attaches another archived post, found by a
word, and prints the incident's evidence."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from archive.capture import capture_account
from archive.models import Post
from e2e.steps import BOTH_WIDTHS, assert_accessible, login
from monitoring.models import Incident
from tests.archive.test_capture import HANDLE, feed
from tests.pdf_reading import read_pdf
from tests.platform_fixtures import BSKY_DID, bluesky_post
from tests.platforms import api_support as api

pytestmark = pytest.mark.browser


def ago(**delta) -> str:
    return (datetime.now(UTC) - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@BOTH_WIDTHS
def test_the_security_officer_attaches_an_archived_post_and_prints_the_evidence(
    page, live_server, dept_b, head_b, security_officer, settings, monkeypatch
):
    settings.ARCHIVE_BURST_POSTS, settings.ARCHIVE_BURST_MINUTES = 3, 60
    with api.serve(settings, monkeypatch, "bluesky") as bsky:
        account = api.city_account(dept_b, head_b, "bluesky", HANDLE, BSKY_DID)
        feed(
            bsky,
            (
                [
                    bluesky_post("p5", "限定プレゼント③ https://example.invalid/win", ago(minutes=10)),
                    bluesky_post("p4", "限定プレゼント② https://example.invalid/win", ago(minutes=20)),
                    bluesky_post("p3", "限定プレゼント① https://example.invalid/win", ago(minutes=30)),
                    bluesky_post("p2", "子育てひろばのお知らせ", ago(hours=3)),
                    bluesky_post("p1", "防災訓練のお知らせ", ago(days=20)),
                ],
                None,
                None,
            ),
        )
        capture_account(account.pk)
    incident = Incident.objects.get(anomaly="post_burst")
    notice = Post.objects.get(text="防災訓練のお知らせ")

    login(page, live_server, security_officer)
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="インシデント").click()
    page.get_by_role("link", name=incident.title).click()
    posts = page.get_by_role("region", name="保存した投稿")
    expect(posts.get_by_role("article")).to_have_count(3)
    expect(posts.get_by_text("限定プレゼント①")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="保存した投稿から選んで追加").click()
    expect(page.get_by_role("heading", name="保存した投稿から証拠を追加")).to_be_visible()
    page.get_by_label("本文の語").fill("防災")
    page.get_by_role("button", name="絞り込む").click()
    expect(page.get_by_role("checkbox")).to_have_count(1)
    assert_accessible(page)
    page.get_by_role("checkbox", name="防災訓練のお知らせ").check()
    page.get_by_role("button", name="選んだ投稿を証拠に追加").click()
    expect(page.get_by_text("保存した投稿1件を証拠に追加しました。")).to_be_visible()
    expect(posts.get_by_role("article")).to_have_count(4)
    expect(posts.get_by_text("防災訓練のお知らせ")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="証拠を印刷（PDF）").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"インシデント証拠_{incident.pk}_")
    with open(download.path(), "rb") as handle:
        text = read_pdf(handle.read()).reading
    version = notice.versions.get()
    assert "防災訓練のお知らせ" in text and "限定プレゼント③" in text
    assert version.sha256 in text and version.answer.sha256 in text
