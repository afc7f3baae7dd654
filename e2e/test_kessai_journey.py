"""Browser journey of 決裁 and matching (issue 25; G-4-3-ア, カ): a 担当職員 drafts and screens a post, the
課長 returns it and then approves the revision; the archive captures the post from the local platform
server and shows it 決裁済み; a second post that nobody drafted waits 未確認 in the 管理者's queue and is
reported, which opens a 乗っ取り incident holding the post — at a PC's width and a phone's."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from archive.capture import capture_account
from archive.models import PostEvidence
from e2e.steps import BOTH_WIDTHS, assert_accessible, login
from monitoring.models import Incident
from screening.models import PostDraft
from tests.archive.test_capture import HANDLE, feed
from tests.platform_fixtures import BSKY_DID, bluesky_post
from tests.platforms import api_support as api

pytestmark = pytest.mark.browser

FIXED = "市民まつりは10月12日に多摩川河川敷で開催します。"
STRAY = "フォロワー限定プレゼント！こちらから応募してください"


def ago(**delta) -> str:
    return (datetime.now(UTC) - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _draft(page, text: str) -> None:
    page.get_by_label("投稿の下書き").fill(text)
    now = timezone.localtime()
    page.get_by_label("投稿の予定日").fill(now.date().isoformat())
    page.get_by_label("投稿の予定時刻（日本時間）").fill(now.strftime("%H:%M"))
    page.get_by_role("button", name="チェックする").click()
    expect(page.get_by_role("region", name="チェックの結果")).to_be_visible()
    page.get_by_role("button", name="決裁に回す").click()
    expect(page.get_by_text("下書きを決裁に回しました。")).to_be_visible()


def _as(page, live_server, user) -> None:
    page.context.clear_cookies()
    login(page, live_server, user)


def _menu(page, name: str) -> None:
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name=name).click()


@BOTH_WIDTHS
def test_a_post_is_decided_posted_matched_and_a_stray_post_reported(
    page, live_server, dept_a, head_a, staff_a, settings, monkeypatch
):
    with api.serve(settings, monkeypatch, "bluesky") as bsky:
        account = api.city_account(dept_a, head_a, "bluesky", HANDLE, BSKY_DID)

        login(page, live_server, staff_a)
        _menu(page, "投稿の決裁")
        page.get_by_role("link", name="投稿を起案する").click()
        page.get_by_label("アカウント").select_option(label=str(account))
        _draft(page, "市民まつりは10月12日に開催しまス。")
        assert_accessible(page)

        _as(page, live_server, head_a)
        _menu(page, "投稿の決裁")
        page.get_by_role("region", name="あなたの決裁を待っている下書き").get_by_role("link").click()
        page.get_by_label("差し戻す").check()
        page.get_by_label("コメント").fill("会場を書いてください。誤字もあります。")
        page.get_by_role("button", name="送る").click()
        expect(page.get_by_text("差し戻しました。")).to_be_visible()
        assert_accessible(page)

        _as(page, live_server, staff_a)
        _menu(page, "投稿の決裁")
        page.get_by_role("link", name="市民まつりは10月12日に開催しまス。").click()
        expect(page.get_by_text("会場を書いてください。誤字もあります。").first).to_be_visible()
        page.get_by_role("link", name="修正して出し直す").click()
        expect(page.get_by_role("heading", name="差し戻された下書き")).to_be_visible()
        _draft(page, FIXED)

        _as(page, live_server, head_a)
        _menu(page, "投稿の決裁")
        page.get_by_role("region", name="あなたの決裁を待っている下書き").get_by_role("link", name=FIXED).click()
        page.get_by_label("決裁する").check()
        page.get_by_role("button", name="送る").click()
        expect(page.get_by_text("決裁しました。")).to_be_visible()
        expect(page.get_by_role("region", name="差戻しと修正の履歴")).to_be_visible()
        assert PostDraft.objects.get(text=FIXED).state == PostDraft.State.APPROVED

        # The 課 posts on the platform itself; the archive reads what appeared.
        feed(bsky, ([bluesky_post("p2", STRAY, ago(seconds=1)), bluesky_post("p1", FIXED, ago(seconds=2))], None, None))
        capture_account(account.pk)

    _menu(page, "保存した投稿")
    results = page.get_by_role("table")
    expect(results.get_by_role("row").filter(has_text=FIXED).get_by_text("決裁済み")).to_be_visible()
    expect(results.get_by_role("row").filter(has_text=STRAY).get_by_text("未確認")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="決裁のない投稿の確認").click()
    row = page.get_by_role("row").filter(has_text=STRAY)
    expect(row).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=FIXED)).to_have_count(0)
    assert_accessible(page)
    row.get_by_label("心当たりがない（乗っ取りとして報告）").check()
    row.get_by_label("理由・状況（事後確認では必須）").fill("誰も投稿していません")
    row.get_by_role("button", name="回答する").click()
    expect(page.get_by_text("乗っ取りの疑いとしてインシデントを起票し、投稿を証拠に加えました。")).to_be_visible()
    posts = page.get_by_role("region", name="保存した投稿")
    expect(posts.get_by_text(STRAY)).to_be_visible()
    assert_accessible(page)
    incident = Incident.objects.get()
    assert incident.kind == Incident.Kind.HIJACK
    assert PostEvidence.objects.get(incident=incident).post.text == STRAY
