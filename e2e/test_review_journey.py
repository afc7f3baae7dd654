"""Browser journey of the year-end review: a 課 drafts, the 課長 signs off 停止検討, the plan and its
notice, the final 運用停止; the dashboard and the public registry show it (G-4-5-ア〜エ, P-8)."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import AccountStatus, OfficialAccount
from core.dates import TOKYO, current_fiscal_year, to_wareki
from e2e.steps import BOTH_WIDTHS, account_entry, assert_accessible, assert_fits_the_width, page_for, sns_link

pytestmark = pytest.mark.browser


@BOTH_WIDTHS
def test_a_review_leads_to_a_suspension_shown_on_the_registry(
    page, browser, live_server, staff_a, head_a, admin, account_a, pr_account, settings, viewport
):
    # This city reviews all year round (REVIEW_OPENS_MONTH=4); the account has run since 2024.
    settings.REVIEW_OPENS_MONTH = 4
    fy = current_fiscal_year()
    OfficialAccount.objects.filter(pk=account_a.pk).update(created_at=datetime(2024, 4, 1, tzinfo=TOKYO))
    clerk = page_for(browser, live_server, staff_a, viewport)
    clerk.goto("/reviews/dashboard/")  # where the menu's 効果測定 leads
    clerk.get_by_role("link", name="効果測定の一覧（作成・課長の確認）へ").click()
    expect(clerk).to_have_url(f"{live_server.url}/reviews/?fy={fy}")
    assert_accessible(clerk)
    clerk.get_by_role("row").filter(has_text=account_a.display_name).get_by_role("button", name="作成する").click()
    clerk.get_by_label("年度初めのフォロワー数").fill("900")
    clerk.get_by_label("年度末のフォロワー数").fill("850")
    clerk.get_by_label("年度内の投稿数").fill("24")
    for question, answer in (("(ア)", "はい"), ("(イ)", "はい"), ("(ウ)", "いいえ")):
        clerk.get_by_role("group", name=question).get_by_label(answer).check()
    clerk.get_by_label("(ア) の理由").fill("市公式アカウントで十分に届けられる")
    clerk.get_by_label("(イ) の理由").fill("月2回程度の軽微な内容")
    clerk.get_by_label("(ウ) の理由").fill("回数が少ない")
    clerk.get_by_role("group", name="運用の効果").get_by_label("担保できていない").check()
    clerk.get_by_label("効果の判断の理由").fill("フォロワーが減少している")
    clerk.get_by_role("group", name="独自性").get_by_label("担保できていない").check()
    clerk.get_by_label("独自性の判断の理由").fill("市公式アカウントと内容が重なる")
    clerk.get_by_label("停止検討").check()
    clerk.get_by_label("集約先の市広報アカウント").select_option(label=str(pr_account))
    assert_accessible(clerk)
    clerk.get_by_role("button", name="保存", exact=True).click()
    expect(clerk.get_by_text("保存しました。")).to_be_visible()

    head = page_for(browser, live_server, head_a, viewport)
    head.goto(clerk.url)
    head.get_by_role("button", name="保存して課長が確認").click()
    expect(head.get_by_text("課長が確認しました。")).to_be_visible()
    assert_accessible(head)
    head.get_by_role("link", name="運用停止の計画を作成する").click()
    expect(head.get_by_text("停止による影響度（ガイドライン４(5)イ）：小")).to_be_visible()
    head.get_by_label("停止の理由（公開）").fill("市公式アカウントに情報を集約するため")
    today = timezone.localdate()
    head.get_by_label("事前周知の開始日").fill(today.isoformat())
    assert_accessible(head)
    head.get_by_role("button", name="計画を作成").click()
    ends = today + timedelta(days=30)  # 850 followers: impact 小, 30 days
    expect(head.get_by_text(f"{to_wareki(ends)}をもって運用を停止します")).to_be_visible()
    assert_accessible(head)
    head.get_by_role("button", name="周知を開始する（運用中 → 停止予告中）").click()
    expect(head.get_by_text("停止予告を開始しました。")).to_be_visible()

    # Not before the notice period ends (G-4-5-ウ): the button says from when (issue 20 #19) ...
    stop_from = to_wareki(ends + timedelta(days=1))
    expect(head.get_by_role("button", name=f"運用停止（{stop_from}から）")).to_be_disabled()
    head.goto(f"/accounts/{account_a.pk}/transition/suspend/")  # a page opened all the same refuses
    head.get_by_role("button", name="運用停止を行う").click()
    expect(head.get_by_text("が終わるまで運用停止にできません")).to_be_visible()
    # ... unless the sysadmin records why; the account itself is kept (G-4-5-エ).
    sysadmin = page_for(browser, live_server, admin, viewport)
    sysadmin.goto(f"/accounts/{account_a.pk}/transition/suspend/")
    sysadmin.get_by_label("コメント").fill("課長の依頼により、周知期間の途中で停止する（乗っ取りの恐れ）")
    sysadmin.get_by_role("button", name="運用停止を行う").click()
    expect(sysadmin.get_by_text("「運用停止」を行いました。")).to_be_visible()
    assert OfficialAccount.objects.get(pk=account_a.pk).status == AccountStatus.SUSPENDED

    head.goto(f"/reviews/dashboard/?fy={fy}")
    expect(head.get_by_text("停止検討 1件")).to_be_visible()
    assert_accessible(head)

    page.goto("/registry/")
    suspended = page.get_by_role("region", name="運用を停止したアカウント")
    entry = account_entry(suspended, account_a.display_name)
    expect(entry).to_contain_text("市公式アカウントに情報を集約するため")
    expect(sns_link(entry, f"{pr_account.label}", "（外部サイト）")).to_be_visible()  # the 誘導先, by SNS and handle
    assert_fits_the_width(page)
    assert_accessible(page)
    assert clerk.console_errors == [] and head.console_errors == [] and sysadmin.console_errors == []
