"""A refused form in the browser (issue 12): focus goes to the list of problems, each link there
takes focus to its field, and a date box says which date it reads while the user types."""

import re

import pytest
from playwright.sync_api import expect

from approvals import services as approvals
from e2e.steps import assert_accessible, login
from tests.factories import complete_request_fields

pytestmark = pytest.mark.browser


def test_a_failed_sign_in_is_announced_where_focus_is(page, live_server, head_a):
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill(head_a.username)
    page.locator("#id_password").fill("not-the-password")
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_title(re.compile(r"^エラー：ログイン"))
    summary = page.get_by_role("alert").filter(has_text="ログインできませんでした")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("ユーザー名またはパスワードが正しくありません。")
    expect(page.locator("#id_username")).to_have_value(head_a.username)
    assert_accessible(page)


def test_a_vote_without_a_choice_leads_back_to_the_choice(page, live_server, staff_a, head_a, member):
    draft = approvals.request_create(actor=staff_a, fields=complete_request_fields(head_a))
    approvals.request_submit(request_id=draft.pk, actor=head_a)
    login(page, live_server, member)
    page.goto(f"{live_server.url}/requests/{draft.pk}/")
    page.get_by_label("意見").fill("根拠の補足を求めます。")
    page.get_by_role("button", name="賛否を記録").click()

    summary = page.get_by_role("alert").filter(has_text="入力内容を確認してください（1件）")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^エラー："))
    expect(page.get_by_label("意見")).to_have_value("根拠の補足を求めます。")
    summary.get_by_role("link", name="賛否：賛成・反対・保留のいずれかを選んでください。").click()
    first = page.get_by_role("radio", name="賛成")
    expect(first).to_be_focused()
    expect(first).to_have_attribute("aria-invalid", "true")
    expect(first).to_have_accessible_description("賛成・反対・保留のいずれかを選んでください。")
    assert_accessible(page)


def test_a_date_box_says_the_date_it_reads(page, live_server, head_a, account_a):
    login(page, live_server, head_a)
    page.goto(f"{live_server.url}/accounts/{account_a.pk}/")
    box = page.get_by_label("記録日")
    expect(box).to_have_accessible_description(re.compile("令和8年4月1日、R8.4.1 のいずれの形でも入力できます。"))
    preview = page.locator("#id_recorded_on_preview")
    box.fill("R8.4.1")
    expect(preview).to_have_text("令和8年4月1日（2026年4月1日）")
    box.fill("2026/2/30")
    expect(preview).to_have_text("")  # not yet: the user may still be typing
    box.press("Tab")
    expect(preview).to_have_text("2026年2月30日は存在しません。")

    box.fill("4月1日ごろ")
    page.get_by_label("フォロワー数").fill("1234")
    page.get_by_role("button", name="記録する").click()
    expect(page.get_by_role("alert").filter(has_text="入力内容を確認してください（1件）")).to_be_focused()
    expect(page.get_by_label("記録日")).to_have_value("4月1日ごろ")
    expect(page.get_by_label("フォロワー数")).to_have_value("1234")
    assert_accessible(page)
