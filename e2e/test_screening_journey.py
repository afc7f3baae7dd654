"""Browser journey of the 投稿前チェック: paste, see the marked findings, keep the record."""

import pytest
from playwright.sync_api import expect

from e2e.steps import BOTH_WIDTHS, assert_accessible, login
from screening.models import ScreenedDraft

pytestmark = pytest.mark.browser


@BOTH_WIDTHS
def test_a_clerk_screens_a_draft_and_keeps_the_record(page, live_server, staff_a, account_a):
    login(page, live_server, staff_a)
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="投稿前チェック").click()
    page.get_by_label("アカウント").select_option(label=str(account_a))
    page.get_by_label("投稿の下書き").fill("○○さんの写真です。お問い合わせは03-3430-1111まで。")
    page.get_by_role("button", name="チェックする").click()
    result = page.get_by_role("region", name="チェックの結果：4件の指摘")
    expect(result.locator("mark").filter(has_text="03-3430-1111")).to_be_visible()
    expect(result.get_by_text("伏せ字は要らぬ詮索を招きます")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("写っている人・名前の出る人（団体）の了解を得ています（ガイドライン４(3)エ）").check()
    page.get_by_label("指摘への対応（記録する場合）").fill("本人の了解済み。伏せ字は実名に直して投稿")
    page.get_by_role("button", name="結果を下書きと一緒に記録する").click()
    expect(page.get_by_text("チェックの結果を下書きと一緒に記録しました。")).to_be_visible()
    expect(page.get_by_text("本人の了解済み")).to_be_visible()
    expect(page.get_by_text("本人等の了解：確認済")).to_be_visible()
    assert_accessible(page)
    assert ScreenedDraft.objects.get().consent_confirmed
