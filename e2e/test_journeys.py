"""Journeys through the app in a real browser (Debian Chromium), checked with axe-core on the way.

* A 課's clerk registers an account that already runs, first with a mistake the form must explain.
* A citizen, not logged in, checks on the public registry whether an account is the city's.
* A suspended account stays on the public registry with the reason it was stopped.

Every page on the way is checked against WCAG 2 A/AA (serious and critical violations).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import AccountStatus, OfficialAccount
from core.dates import to_wareki
from core.models import AuditEvent
from e2e.steps import BOTH_WIDTHS, account_entry, assert_accessible, assert_fits_the_width, login, sns_link
from tests.factories import AccountFactory

pytestmark = [pytest.mark.browser]

VERIFY_LABEL = "SNSアカウントのURLまたは @ユーザー名"


def _main_menu_link(page: Page, name: str):
    return page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name=name, exact=True)


def _field(page: Page, name: str):
    """The form group crispy renders for a field: its label, widget, help text and error."""
    return page.locator(f"#div_id_{name}")


@BOTH_WIDTHS
def test_staff_registers_an_existing_account(page: Page, live_server, staff_a, head_a):
    page.goto("/login/")
    expect(page.get_by_role("heading", name="職員ログイン")).to_be_visible()
    assert_accessible(page)

    login(page, live_server, staff_a)
    expect(page.get_by_role("heading", name="ダッシュボード", level=1)).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text(f"{staff_a.display_name}（子ども政策課）")
    assert_accessible(page)

    _main_menu_link(page, "公式アカウント").click()
    expect(page.get_by_role("heading", name="公式アカウント", level=1)).to_be_visible()
    page.get_by_role("link", name="既存アカウントを登録").click()
    expect(page.get_by_role("heading", name="既存アカウントの登録", level=1)).to_be_visible()
    assert_accessible(page)

    # Filled in as a clerk would, with a private address by mistake.
    manager_label = f"{head_a.display_name}（子ども政策課）"
    platform = page.get_by_role("combobox", name=re.compile(r"^SNS"))
    platform.select_option(label="Instagram")
    page.get_by_label("ユーザー名").fill("@komae_kosodate")
    page.get_by_label("表示名").fill("こまえ子育て")
    page.get_by_label("プロフィールURL").fill("https://www.instagram.com/komae_kosodate/")
    page.get_by_label("運営主体（プロフィール表記）").fill("狛江市 子ども政策課")
    page.get_by_label("目的（プロフィール表記）").fill("子育て・教育の情報をお届けします。")
    page.get_by_label("管理者").select_option(label=manager_label)
    page.get_by_label("市のイベント情報や新たな施策等、市政一般情報").check()
    page.get_by_label("登録メールアドレス").fill("komae.kosodate@gmail.com")
    page.get_by_label("パスワード最終変更日").fill("令和8年4月1日")
    # A clerk's registration waits in 開設準備 for the 課長's 運用開始.
    page.get_by_label("現在の状態").select_option(label="開設準備")
    page.get_by_role("button", name="登録する").click()

    # Refused: the reason in Japanese beside the field, and nothing the clerk typed is lost.
    email = _field(page, "registered_email")
    expect(email.locator(".invalid-feedback")).to_contain_text("市のドメイン（@city.komae.lg.jp）")
    # … and tied to the field, so that a screen reader reads it out with the field.
    email_box = page.get_by_label("登録メールアドレス")
    expect(email_box).to_have_attribute("aria-invalid", "true")
    expect(email_box).to_have_accessible_description(re.compile("市のドメイン（@city.komae.lg.jp）"))
    expect(email_box).to_have_value("komae.kosodate@gmail.com")
    expect(page.locator(".invalid-feedback")).to_have_count(1)
    expect(platform.locator("option:checked")).to_have_text("Instagram")
    expect(page.get_by_label("ユーザー名")).to_have_value("@komae_kosodate")
    expect(page.get_by_label("表示名")).to_have_value("こまえ子育て")
    expect(page.get_by_label("プロフィールURL")).to_have_value("https://www.instagram.com/komae_kosodate/")
    expect(page.get_by_label("運営主体（プロフィール表記）")).to_have_value("狛江市 子ども政策課")
    expect(page.get_by_label("目的（プロフィール表記）")).to_have_value("子育て・教育の情報をお届けします。")
    expect(page.locator("#id_manager option:checked")).to_have_text(manager_label)
    expect(page.get_by_label("市のイベント情報や新たな施策等、市政一般情報")).to_be_checked()
    expect(page.get_by_label("パスワード最終変更日")).to_have_value("令和8年4月1日")
    expect(page.locator("#id_initial_status option:checked")).to_have_text("開設準備")
    assert not OfficialAccount.objects.exists()
    assert_accessible(page)

    page.get_by_label("登録メールアドレス").fill("kosodate-sns@city.komae.lg.jp")
    page.get_by_role("button", name="登録する").click()

    account = OfficialAccount.objects.get()
    expect(page).to_have_url(f"{live_server.url}/accounts/{account.pk}/")
    expect(page.get_by_role("status")).to_have_text("「こまえ子育て」を登録しました。")
    expect(page.get_by_role("heading", name="こまえ子育て", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="@komae_kosodate")).to_have_attribute(
        "href", "https://www.instagram.com/komae_kosodate/"
    )
    expect(page.get_by_text("2026年4月1日（令和8年4月1日）")).to_be_visible()
    timeline = page.get_by_role("region", name="経過（監査記録）")
    entry = timeline.get_by_role("listitem").filter(has_text="アカウントを登録（開設準備）")
    expect(entry).to_have_count(1)
    registered_at = AuditEvent.objects.for_object(account).get().at
    expect(entry.locator("time")).to_contain_text(to_wareki(timezone.localtime(registered_at).date()))
    expect(entry).to_contain_text(staff_a.display_name)
    assert (account.handle, account.status, account.manager, account.password_changed_on) == (
        "komae_kosodate",
        AccountStatus.PREPARING,
        head_a,
        datetime.date(2026, 4, 1),
    )
    assert_accessible(page)

    _main_menu_link(page, "公式アカウント").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="こまえ子育て"))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Instagram")
    expect(row).to_contain_text("開設準備")
    expect(page.locator("caption")).to_have_text("1件")
    assert_accessible(page)


@BOTH_WIDTHS
def test_citizen_checks_an_account_on_the_public_registry(page: Page, account_a, pr_account, viewport):
    page.goto("/registry/")
    expect(page).to_have_title("狛江市 公式SNSアカウント一覧 | 狛江市 公式SNSアカウント管理")
    operating = page.get_by_role("region", name="運用中のアカウント")
    # The link names the account and says it leaves the site (2.4.4).
    link = sns_link(operating, "こまえ子ども", "（X @komae_kodomo）", "（外部サイト）")
    expect(link).to_have_attribute("href", "https://x.com/komae_kodomo")
    expect(sns_link(operating, "狛江市", "（X @komae_city）", "（外部サイト）")).to_be_visible()
    expect(page.get_by_role("link", name="職員ログイン")).to_be_visible()
    entry = account_entry(operating, "こまえ子ども")
    expect(entry).to_contain_text("児童青少年部子ども政策課")
    assert_fits_the_width(page)
    # The verify box comes before the list.
    verify_box = page.get_by_label(VERIFY_LABEL).bounding_box()
    assert verify_box["y"] < entry.bounding_box()["y"]
    lines = "el => { const r = document.createRange(); r.selectNodeContents(el); return r.getClientRects().length; }"
    if viewport["width"] < 576:
        # A card per account on a phone: no six-column table squeezing 所管課 to a character a line.
        card = entry.bounding_box()
        assert card["width"] > operating.bounding_box()["width"] * 0.9
        assert card["height"] < 200
        assert entry.get_by_text("児童青少年部子ども政策課").evaluate(lines) == 1
    else:
        expect(entry.get_by_role("rowheader")).to_contain_text("こまえ子ども")
        verification = entry.locator("td").last
        expect(verification).to_have_text("未申請")
        # One line: 認証済 / 未申請 never wraps.
        assert verification.evaluate(lines) == 1
    assert_accessible(page)

    # A link copied from the app of the old name, with a share parameter and other capitals.
    page.get_by_label(VERIFY_LABEL).fill("https://twitter.com/Komae_Kodomo?s=20")
    page.get_by_role("button", name="確かめる").click()
    expect(page).to_have_url(re.compile(r"/registry/verify\?q="))
    expect(page.get_by_role("heading", name="確認結果：公式アカウントです")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^確認結果：公式アカウントです（https://twitter.com/Komae_Kodomo\?s=20）"))
    expect(page.locator(".verdict-message")).to_have_text(
        f"狛江市の公式アカウントです（{account_a.department.full_name}）。"
    )
    expect(page.get_by_label(VERIFY_LABEL)).to_have_value("https://twitter.com/Komae_Kodomo?s=20")
    assert_fits_the_width(page)
    assert_accessible(page)

    # An impostor's handle that merely looks like the city's.
    page.get_by_label(VERIFY_LABEL).fill("@komae_kodomo_official")
    page.get_by_role("button", name="確かめる").click()
    expect(page.get_by_role("heading", name="確認結果：公式アカウントではありません")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^確認結果：公式アカウントではありません（@komae_kodomo_official）"))
    expect(page.locator(".verdict-message")).to_contain_text("なりすましの可能性があります")
    assert_accessible(page)


@BOTH_WIDTHS
def test_suspended_account_stays_on_the_registry_with_its_reason(page: Page, dept_a, head_a, pr_account):
    AccountFactory(
        department=dept_a,
        manager=head_a,
        handle="komae_gomi",
        display_name="こまえごみ分別",
        status=AccountStatus.SUSPENDED,
        suspension_reason="市の広報アカウントに統合したため",
        notice_starts_on=datetime.date(2026, 3, 1),
        notice_ends_on=datetime.date(2026, 3, 31),
        suspended_on=datetime.date(2026, 3, 31),
        successor=pr_account,
    )
    page.goto("/registry/")
    operating = page.get_by_role("region", name="運用中のアカウント")
    suspended = page.get_by_role("region", name="運用を停止したアカウント")
    expect(sns_link(operating, "狛江市", "（X @komae_city）", "（外部サイト）")).to_be_visible()
    expect(operating.get_by_role("link", name="こまえごみ分別")).to_have_count(0)

    entry = account_entry(suspended, "こまえごみ分別")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("運用停止")
    expect(entry).to_contain_text("2026年3月31日（令和8年3月31日）")
    expect(entry).to_contain_text("市の広報アカウントに統合したため")
    # The 誘導先 is named with its SNS and handle: the city has several accounts called 狛江市.
    successor = sns_link(entry, "狛江市（X @komae_city）", "（外部サイト）")
    expect(successor).to_have_attribute("href", "https://x.com/komae_city")
    assert_fits_the_width(page)
    assert_accessible(page)

    # Asked about, it is the city's but stopped, and the citizen is sent to the successor.
    page.get_by_label(VERIFY_LABEL).fill("https://x.com/komae_gomi")
    page.get_by_role("button", name="確かめる").click()
    expect(page.get_by_role("heading", name="確認結果：運用を停止した公式アカウントです")).to_be_visible()
    expect(page.get_by_text("停止の理由：市の広報アカウントに統合したため")).to_be_visible()
    assert_accessible(page)
