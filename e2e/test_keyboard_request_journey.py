"""The request journey with the keyboard alone (JIS X 8341-3 AA 2.1.1, 2.1.2, 2.4.7): a clerk drafts
and hands it over, the 課長 submits, a member votes and the chair approves — Tab, type, Space, the
arrow keys and Enter only, at a PC's width and at a phone's."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import AccountStatus, OfficialAccount
from approvals.models import AccountRequest
from e2e.keyboard import activate, choose_option, choose_radio, toggle, type_into
from e2e.steps import BOTH_WIDTHS, LOCALE, TIMEOUT_MS, assert_accessible, watch_errors
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def keyboard_user(browser, live_server, user, viewport):
    """A new browser window, signed in with the keyboard."""
    context = browser.new_context(locale=LOCALE, viewport=viewport, base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.console_errors = watch_errors(page)
    page.goto("/login/")
    type_into(page, page.get_by_label("ユーザー名"), user.username)
    type_into(page, page.get_by_label("パスワード"), PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="ダッシュボード", level=1)).to_be_visible()
    return page


TEXTS = {
    "希望するユーザー名": "komae_kids_line",
    "表示名": "こまえ子育てLINE",
    "(ア) の理由": "子育て世帯への個別の通知が必要なため。",
    "(イ) の理由": "毎週の健診・予防接種の案内があるため。",
    "(ウ) の理由": "週3回の配信は市公式アカウントを圧迫するため。",
    "件名": "子育て情報LINEアカウントの開設",
    "対象者": "市内の子育て世帯",
    "発信内容": "健診・予防接種の案内、子育てイベント",
    "想定投稿頻度": "週2〜3回",
    "開始予定日": "R9.4.1",
    "経費": "なし",
    "個人情報の取扱い": "取り扱わない",
    "セキュリティ対策": "二段階認証、端末の限定",
    "連携アプリの利用": "なし",
    "登録メールアドレス": "kosodate-line@city.komae.lg.jp",
}


@BOTH_WIDTHS
def test_a_request_goes_through_with_the_keyboard_alone(
    browser, live_server, staff_a, head_a, member, chair, pr_account, viewport
):
    clerk = keyboard_user(browser, live_server, staff_a, viewport)
    activate(clerk, clerk.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="新規申請"))
    activate(clerk, clerk.get_by_role("link", name="新しく申請を作成"))
    choose_option(clerk, clerk.get_by_label("分野"), "子育て・教育")
    choose_option(clerk, clerk.get_by_label("利用したいSNS"), "LINE")
    activate(clerk, clerk.get_by_role("button", name="次へ"))
    expect(clerk.get_by_role("heading", name="関係する市の既存アカウント（ガイドライン４(2)ア）")).to_be_visible()

    # Saved half-done and handed over too early: the page opens on the list of what is missing, and
    # Enter on an item of it takes the focus to that field.
    type_into(clerk, clerk.get_by_label("希望するユーザー名"), TEXTS["希望するユーザー名"])
    activate(clerk, clerk.get_by_role("button", name="下書きを保存"))
    expect(clerk.get_by_text("下書きを保存しました。")).to_be_visible()
    activate(clerk, clerk.get_by_role("button", name="課長に提出を依頼"))
    summary = clerk.get_by_role("alert").filter(has_text="入力内容を確認してください")
    expect(summary).to_be_focused()
    expect(clerk).to_have_title(re.compile(r"^エラー：申請の編集"))
    first_item = summary.get_by_role("link").first
    field_id = first_item.get_attribute("href").split("#")[1]
    activate(clerk, first_item)
    expect(clerk.locator(f"#{field_id}")).to_be_focused()

    for label, text in TEXTS.items():
        type_into(clerk, clerk.get_by_label(label, exact=True), text)
    type_into(clerk, clerk.get_by_label("目的", exact=True), "子育て世帯に健診・子育て支援の情報を届ける。")
    for question, answer in (("(ア)", "いいえ"), ("(イ)", "いいえ"), ("(ウ)", "はい")):
        choose_radio(clerk, clerk.get_by_role("group", name=question), answer)
    choose_option(clerk, clerk.get_by_label("管理者"), f"{head_a.display_name}（{head_a.title or head_a.department}）")
    toggle(clerk, clerk.get_by_label("市のイベント情報や新たな施策等、市政一般情報"))
    choose_option(clerk, clerk.get_by_label("表現の硬軟"), "柔らかい（親しみやすい表現・絵文字も可）")
    activate(clerk, clerk.get_by_role("button", name="下書きを保存"))
    expect(clerk.get_by_text("下書きを保存しました。")).to_be_visible()
    activate(clerk, clerk.get_by_role("button", name="課長に提出を依頼"))
    expect(clerk.get_by_text("課長に提出を依頼しました。")).to_be_visible()
    assert_accessible(clerk)
    obj = AccountRequest.objects.get()

    head = keyboard_user(browser, live_server, head_a, viewport)
    activate(head, head.get_by_role("link", name="（未提出） 子育て情報LINEアカウントの開設"))
    activate(head, head.get_by_role("link", name="委員会に提出する（課長）"))
    activate(head, head.get_by_role("button", name="提出する"))
    obj.refresh_from_db()
    expect(head.get_by_text(f"{obj.reference} として行政情報化推進委員会に提出しました。")).to_be_visible()

    voter = keyboard_user(browser, live_server, member, viewport)
    activate(voter, voter.get_by_role("link", name=f"{obj.reference} 子育て情報LINEアカウントの開設"))
    choose_radio(voter, voter.get_by_role("group", name="賛否"), "賛成")
    type_into(voter, voter.get_by_label("意見"), "妥当と考えます。")
    activate(voter, voter.get_by_role("button", name="賛否を記録"))
    expect(voter.get_by_text("「賛成」を記録しました。")).to_be_visible()

    decider = keyboard_user(browser, live_server, chair, viewport)
    activate(decider, decider.get_by_role("link", name=f"{obj.reference} 子育て情報LINEアカウントの開設"))
    activate(decider, decider.get_by_role("link", name="決定する（委員長）"))
    choose_radio(decider, decider.get_by_role("group", name="決定"), "承認")
    activate(decider, decider.get_by_role("button", name="決定を記録"))
    expect(decider.get_by_text("承認しました。")).to_be_visible()
    assert_accessible(decider)

    account = OfficialAccount.objects.get(handle_key="komae_kids_line")
    assert account.status == AccountStatus.PREPARING
    for page in (clerk, head, voter, decider):
        assert page.console_errors == []
