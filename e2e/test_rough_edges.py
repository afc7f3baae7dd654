"""The rough edges clerks met in a browser (issue 20, "the people who use it"): the menu, the skip
link, required fields, a refused notice, the 運用停止 button, links to another 課's account, error pages."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts import services as account_services
from core.dates import to_wareki
from core.notices import notify
from e2e.steps import BOTH_WIDTHS, assert_accessible, login, page_for

pytestmark = [pytest.mark.browser]


def _current(page):
    return page.get_by_role("navigation", name="メインメニュー").locator("[aria-current=page]")


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/", "ダッシュボード"),
        ("/reviews/dashboard/", "効果測定"),
        ("/monitoring/incidents/", "インシデント"),
        ("/platforms/credentials/", "システム管理"),  # issue 24: the sysadmin's pages, one entry
        ("/accounts/peers/", "システム管理"),
        ("/accounts/", "公式アカウント"),
        ("/archive/", "保存した投稿"),  # issue 22
    ],
)
def test_the_menu_marks_one_link_as_the_current_page(page, live_server, admin, path, name):
    login(page, live_server, admin)
    page.goto(path)
    expect(_current(page)).to_have_count(1)
    expect(_current(page)).to_have_text(name)


def test_the_sysadmins_menu_is_one_line_at_a_pcs_width(page, live_server, admin):
    """1280 px: every link of the sysadmin's menu (the longest) sits on one line with the user's part,
    an unread count included."""
    notify([admin], subject="確認のお願い")
    login(page, live_server, admin)
    bar = page.get_by_role("navigation", name="メインメニュー")
    tops = {round(item.bounding_box()["y"]) for item in bar.get_by_role("link").all()}
    brand = bar.get_by_role("link").first.bounding_box()
    assert max(tops) - min(tops) < brand["height"], f"the menu wraps: link tops {sorted(tops)}"
    assert_accessible(page)


@BOTH_WIDTHS
def test_the_skip_link_is_seen_when_tab_wraps_to_it_from_the_page_end(page, live_server, staff_a):
    """2.4.7: at a phone's width the page scrolled to show the 1-px hidden link, then the link grew above it."""
    login(page, live_server, staff_a)
    page.goto("/accounts/")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    last = page.locator("a, button, input, select, textarea").last
    last.focus()
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('skip-link')"):
            break
    else:
        pytest.fail("Tab did not wrap to the skip link")
    skip = page.get_by_role("link", name="本文へ移動")
    box = skip.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"], f"off-screen: {box}"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_a_required_fields_name_is_its_label_without_the_mark(page, live_server, staff_a):
    """A screen reader read 「分野*」: the mark is for the eye, the box says 必須 itself."""
    login(page, live_server, staff_a)
    page.goto("/requests/new/")
    field = page.get_by_role("combobox", name="分野", exact=True)
    expect(field).to_be_visible()
    expect(field).to_have_attribute("required", "")
    label = page.locator(f"label[for='{field.get_attribute('id')}']")
    expect(label.locator(".asteriskField")).to_be_visible()


def test_a_short_notice_is_refused_beside_its_reason_with_the_dates_as_typed(
    page, live_server, head_a, account_a, pr_account
):
    """#12: the refusal is on the field 目安より短い周知期間にする理由, the summary links to it, and the
    dates come back in 和暦 as they were sent."""
    login(page, live_server, head_a)
    page.goto(f"/accounts/{account_a.pk}/transition/announce_suspension/")
    today = timezone.localdate()
    start = page.get_by_label("事前周知の開始日")
    expect(start).to_have_value(to_wareki(today))
    ends = today + timedelta(days=3)
    typed_end = to_wareki(ends).replace("年", "年 ", 1)  # as a clerk types it, with a stray space
    page.get_by_label("停止の理由").fill("情報を集約するため")
    page.get_by_label("事前周知の終了日").fill(typed_end)
    page.get_by_label("今後の情報提供元（誘導先）").select_option(label=str(pr_account))
    page.get_by_role("button", name="停止予告の開始を行う").click()

    summary = page.get_by_role("alert").filter(has_text="入力内容を確認してください")
    expect(summary).to_be_focused()
    reason = page.get_by_label("目安より短い周知期間にする理由")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description(re.compile("短くする理由を入力してください"))
    expect(start).to_have_value(to_wareki(today))
    expect(page.get_by_label("事前周知の終了日")).to_have_value(typed_end)
    summary.get_by_role("link", name=re.compile("^目安より短い周知期間にする理由：")).click()
    expect(reason).to_be_focused()
    assert_accessible(page)


def test_the_suspend_button_says_from_when_and_the_successor_link_opens(
    page, live_server, head_a, account_a, pr_account
):
    """#19: during the notice period the button says from when 運用停止 can be done, instead of
    refusing when pressed. #10: the successor (another 課's) is not a link to a page that is 404."""
    today = timezone.localdate()
    ends = today + timedelta(days=30)
    account_services.account_announce_suspension(
        account_id=account_a.pk,
        actor=head_a,
        reason="情報を集約するため",
        notice_starts_on=today,
        notice_ends_on=ends,
        successor_id=pr_account.pk,
    )
    login(page, live_server, head_a)
    page.goto(f"/accounts/{account_a.pk}/")
    button = page.get_by_role("button", name=f"運用停止（{to_wareki(ends + timedelta(days=1))}から）")
    expect(button).to_be_disabled()
    expect(page.get_by_role("link", name="運用停止", exact=True)).to_have_count(0)
    successor = page.get_by_role("link", name=re.compile(re.escape(pr_account.label)))
    expect(successor).to_have_attribute("href", pr_account.profile_url)
    expect(page.get_by_text(f"（{pr_account.department.name}の所管）")).to_be_visible()
    assert_accessible(page)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_form_left_open_while_the_clerk_signed_in_again_gets_our_page(browser, live_server, staff_a, account_a):
    """#23: signing in again (here in a second tab) renews the CSRF token; the old page's form was met
    with Django's English 「403 Forbidden」."""
    page = page_for(browser, live_server, staff_a)
    page.goto(f"/accounts/{account_a.pk}/edit/")
    other = page.context.new_page()
    other.goto("/")
    other.get_by_role("button", name="ログアウト").click()
    login(other, live_server, staff_a)
    other.close()

    page.get_by_label("目的（プロフィール表記）").fill("書き換えた目的")
    page.get_by_role("button", name="更新する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("送信した内容は保存されていません")
    expect(page.get_by_text("内容は何も保存・変更していません")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="元の画面を開き直し").click()
    expect(page).to_have_url(re.compile(rf"/accounts/{account_a.pk}/edit/$"))
    expect(page.get_by_label("目的（プロフィール表記）")).not_to_have_value("書き換えた目的")
    # The browser logs the 403 itself; nothing else may be logged.
    assert [e for e in page.console_errors if "status of 403" not in e] == []
    page.context.close()
