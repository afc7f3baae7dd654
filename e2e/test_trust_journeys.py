"""Browser journeys of the trust-boundaries issue, at 1280 px and on a phone (390 px):

* A clerk changes the display name of a 運用中 account; the public keeps the old one until the 課長
  approves it from the dashboard (four-eyes on what the public sees, P-7).
* A sign-in is locked after repeated failures (the name at that address); the 統括情報セキュリティ責任者
  sees it, the sysadmin releases the name, and the user signs in (django-axes).
"""

import pytest
from playwright.sync_api import expect

from e2e.steps import TIMEOUT_MS, assert_accessible, login, page_for, watch_errors
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


def _registry_text(browser, live_server) -> str:
    context = browser.new_context(locale="ja-JP", viewport=PHONE, base_url=live_server.url)
    page = context.new_page()
    page.goto("/registry/")
    text = page.locator("main").inner_text()
    assert_accessible(page)
    context.close()
    return text


def test_a_clerks_change_of_a_public_name_waits_for_the_section_head(browser, live_server, staff_a, head_a, account_a):
    clerk = page_for(browser, live_server, staff_a)
    clerk.goto(f"/accounts/{account_a.pk}/")
    clerk.get_by_role("link", name="登録内容を編集").click()
    expect(clerk.get_by_text("課長の承認を経て公開されます")).to_be_visible()
    assert_accessible(clerk)
    clerk.get_by_label("表示名").fill("こまえ子ども応援団")
    clerk.get_by_role("button", name="更新する").click()
    expect(clerk.get_by_text("公開一覧に載る項目（表示名）の変更を課長に申請しました")).to_be_visible()
    pending = "課長の承認を待っている公開情報の変更（運用ポリシー第７条）"
    expect(clerk.get_by_role("heading", name=pending)).to_be_visible()
    expect(clerk.get_by_role("button", name="申請を取り下げる")).to_be_visible()
    assert_accessible(clerk)
    assert "こまえ子ども応援団" not in _registry_text(browser, live_server)

    head = page_for(browser, live_server, head_a)
    head.set_viewport_size(PHONE)
    expect(head.get_by_role("heading", name="承認を待っている公開情報の変更")).to_be_visible()
    head.get_by_role("link", name=account_a.display_name).first.click()
    expect(head.get_by_role("cell", name="こまえ子ども応援団")).to_be_visible()
    assert_accessible(head)
    head.get_by_label("コメント（任意）").fill("名称変更の決裁済み")
    head.get_by_role("button", name="承認して公開する").click()
    expect(head.get_by_text("公開情報の変更を承認しました")).to_be_visible()
    expect(head.get_by_text("公開情報の変更（表示名）：承認待ち → 承認")).to_be_visible()  # its 経過
    assert "こまえ子ども応援団" in _registry_text(browser, live_server)
    assert clerk.console_errors == [] and head.console_errors == []


def test_a_locked_sign_in_is_seen_by_the_security_officer_and_released_by_the_sysadmin(
    browser, live_server, staff_a, security_officer, admin, settings
):
    settings.LOGIN_FAILURE_LIMIT = 3
    context = browser.new_context(locale="ja-JP", viewport=PHONE, base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    user = context.new_page()
    errors = watch_errors(user)
    for _ in range(3):
        user.goto("/login/")
        user.locator("#id_username").fill("ｓtaff_a")  # a full-width ｓ counts as staff_a
        user.locator("#id_password").fill("wrong-password")
        user.get_by_role("button", name="ログイン").click()
    expect(user.get_by_role("heading", name="しばらくログインできません")).to_be_visible()
    assert_accessible(user)

    officer = page_for(browser, live_server, security_officer)
    expect(officer.get_by_text("ロック中または減速中の利用者名・アドレスが")).to_be_visible()
    officer.get_by_role("link", name="ログインのロックを確認する").click()
    row = officer.locator("#pairs").get_by_role("row").filter(has_text="staff_a")  # the name at that address
    expect(row.get_by_text("ロック中")).to_be_visible()
    assert officer.get_by_role("button", name="解除する").count() == 0
    assert_accessible(officer)

    sysadmin = page_for(browser, live_server, admin)
    sysadmin.goto("/security/lockouts/")
    row = sysadmin.locator("#names").get_by_role("row").filter(has_text="staff_a")
    row.get_by_label("理由・本人確認の方法（staff_a）").fill("本人に内線で確認")
    row.get_by_role("button", name="解除する").click()
    expect(sysadmin.get_by_text("「staff_a」のロックを解除しました。")).to_be_visible()
    expect(sysadmin.get_by_text("本人に内線で確認")).to_be_visible()
    assert_accessible(sysadmin)

    login(user, live_server, staff_a, PASSWORD)
    # The lockout page itself is answered 429 (Too Many Requests), which the browser logs.
    assert [e for e in errors if "status of 429" not in e] == []
    assert officer.console_errors == [] and sysadmin.console_errors == []
