"""Browser journeys of the policies and approvals issues: an administrator issues a 運用ポリシー and
downloads its PDF; a request goes from the clerk's draft through the committee to an account."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import AccountStatus, OfficialAccount
from approvals.models import AccountRequest, RequestStatus
from e2e.steps import BOTH_WIDTHS, assert_accessible, assert_fits_the_width, page_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


@BOTH_WIDTHS
def test_an_administrator_issues_version_1_and_downloads_the_pdf(browser, live_server, admin, account_a, viewport):
    page = page_for(browser, live_server, admin, viewport)
    page.goto(f"/accounts/{account_a.pk}/")
    page.get_by_role("link", name="運用ポリシー").click()
    expect(page).to_have_title(re.compile(r"^運用ポリシー：こまえ子ども（X @komae_kodomo）"))
    assert_accessible(page)
    page.get_by_role("button", name="案を作成").click()
    expect(page.get_by_role("heading", name="運用ポリシー案の編集")).to_be_visible()
    assert_fits_the_width(page)
    assert_accessible(page)
    page.get_by_role("button", name="案を保存").click()
    # The draft's PDF is an action, and looks like one (not a grey outline).
    draft_pdf = page.get_by_role("link", name="案をPDFで見る（「案」の透かし入り）")
    expect(draft_pdf).to_have_css("background-color", "rgb(13, 110, 253)")
    expect(draft_pdf).to_have_css("color", "rgb(255, 255, 255)")
    page.get_by_role("link", name="制定する").click()
    page.get_by_label("制定日・改正日").fill("令和8年4月1日")
    assert_accessible(page)
    page.get_by_role("button", name="制定する").click()
    expect(page.get_by_text("運用ポリシー第1版を制定しました。")).to_be_visible()
    expect(page.get_by_text("第1版（制定：2026年4月1日（令和8年4月1日））")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDFをダウンロード").click()
    download = download_info.value
    assert download.suggested_filename == "狛江市子ども政策課Xアカウント運用ポリシー_第1版.pdf"
    with open(download.path(), "rb") as handle:
        content = pdf_text(handle.read())
    assert "令和８年４月１日制定" in content and "（なりすまし等の防止）" in content
    assert page.console_errors == []


def _fill_request(page, head):
    page.get_by_label("希望するユーザー名").fill("komae_kids_line")
    page.get_by_label("表示名").fill("こまえ子育てLINE")
    for question, answer in (("(ア)", "いいえ"), ("(イ)", "いいえ"), ("(ウ)", "はい")):
        page.get_by_role("group", name=question).get_by_label(answer).check()
    page.get_by_label("(ア) の理由").fill("子育て世帯への個別の通知が必要なため。")
    page.get_by_label("(イ) の理由").fill("毎週の健診・予防接種の案内があるため。")
    page.get_by_label("(ウ) の理由").fill("週3回の配信は市公式アカウントを圧迫するため。")
    page.get_by_label("件名").fill("子育て情報LINEアカウントの開設")
    page.get_by_label("目的", exact=True).fill("子育て世帯に健診・子育て支援の情報を届ける。")
    page.get_by_label("対象者").fill("市内の子育て世帯")
    page.get_by_label("発信内容").fill("健診・予防接種の案内、子育てイベント")
    page.get_by_label("想定投稿頻度").fill("週2〜3回")
    page.get_by_label("開始予定日").fill("R9.4.1")
    page.get_by_label("経費").fill("なし")
    page.get_by_label("個人情報の取扱い").fill("取り扱わない")
    page.get_by_label("セキュリティ対策").fill("二段階認証、端末の限定")
    page.get_by_label("連携アプリの利用").fill("なし")
    page.get_by_label("管理者").select_option(label=f"{head.display_name}（{head.department}）")
    page.get_by_label("市のイベント情報や新たな施策等、市政一般情報").check()
    page.get_by_label("表現の硬軟").select_option(label="柔らかい（親しみやすい表現・絵文字も可）")
    page.get_by_label("登録メールアドレス").fill("kosodate-line@city.komae.lg.jp")


@BOTH_WIDTHS
def test_a_request_goes_from_draft_to_an_account(
    browser, live_server, staff_a, head_a, member, chair, pr_account, viewport
):
    # The clerk drafts: 分野 and SNS first, then the existing accounts and the reuse questions.
    clerk = page_for(browser, live_server, staff_a, viewport)
    clerk.get_by_role("link", name="新規申請").click()
    clerk.get_by_role("link", name="新しく申請を作成").click()
    clerk.get_by_label("分野").select_option(label="子育て・教育")
    clerk.get_by_label("利用したいSNS").select_option(label="LINE")
    clerk.get_by_role("button", name="次へ").click()
    expect(clerk.get_by_role("heading", name="関係する市の既存アカウント（ガイドライン４(2)ア）")).to_be_visible()
    assert_accessible(clerk)
    _fill_request(clerk, head_a)
    clerk.get_by_role("button", name="下書きを保存").click()
    expect(clerk.get_by_text("下書きを保存しました。")).to_be_visible()
    expect(clerk.get_by_text("提出は課長が行います")).to_be_visible()  # staff do not submit: they hand it over
    expect(clerk.get_by_role("link", name="委員会に提出する（課長）")).to_have_count(0)
    assert_accessible(clerk)
    form4 = clerk.get_by_role("link", name="第４号様式をPDFで見る")
    expect(form4).to_have_css("background-color", "rgb(13, 110, 253)")  # an action, not a grey outline
    clerk.get_by_role("button", name="課長に提出を依頼").click()
    expect(clerk.get_by_text("課長に提出を依頼しました。")).to_be_visible()
    obj = AccountRequest.objects.get()

    # The 課長 sees the request on the dashboard, confirms, and submits.
    head = page_for(browser, live_server, head_a, viewport)
    expect(head.get_by_text("提出の依頼あり")).to_be_visible()
    head.get_by_role("link", name="（未提出） 子育て情報LINEアカウントの開設").click()
    head.get_by_role("link", name="委員会に提出する（課長）").click()
    expect(head.get_by_role("heading", name="行政情報化推進委員会への提出の確認")).to_be_visible()
    assert_accessible(head)
    head.get_by_role("button", name="提出する").click()
    obj.refresh_from_db()
    expect(head.get_by_text(f"{obj.reference} として行政情報化推進委員会に提出しました。")).to_be_visible()

    # A member votes; the chair returns it once (差戻し), the 課 answers, the chair approves.
    voter = page_for(browser, live_server, member, viewport)
    voter.get_by_role("link", name=f"{obj.reference} 子育て情報LINEアカウントの開設").click()
    voter.get_by_label("賛成").check()
    voter.get_by_label("意見").fill("妥当と考えます。")
    voter.get_by_role("button", name="賛否を記録").click()
    expect(voter.get_by_text("「賛成」を記録しました。")).to_be_visible()
    assert_accessible(voter)

    decider = page_for(browser, live_server, chair, viewport)
    decider.goto(f"/requests/{obj.pk}/")
    decider.get_by_role("link", name="決定する（委員長）").click()
    expect(decider.get_by_text("賛成 1票")).to_be_visible()  # the tally of this round
    decider.get_by_label("差戻し").check()
    decider.get_by_label("理由・コメント").fill("(ウ)の配信回数の根拠を補足してください。")
    assert_accessible(decider)
    decider.get_by_role("button", name="決定を記録").click()
    expect(decider.get_by_text("申請を課に差し戻しました。差戻しのコメントを課に伝えました。")).to_be_visible()

    clerk.goto(f"/requests/{obj.pk}/")
    expect(clerk.get_by_text("(ウ)の配信回数の根拠を補足してください。").first).to_be_visible()
    clerk.get_by_role("link", name="編集").click()
    clerk.get_by_label("(ウ) の理由").fill(
        "週3回の配信（健診・予防接種・イベント）は市公式の配信数の半分に当たるため。"
    )
    clerk.get_by_role("button", name="下書きを保存").click()
    head.goto(f"/requests/{obj.pk}/edit/")
    head.get_by_role("button", name="保存して提出（課長）").click()
    head.get_by_role("button", name="提出する").click()
    expect(head.get_by_text(f"{obj.reference} として行政情報化推進委員会に提出しました。")).to_be_visible()
    # The 差戻し comment is history now, not the request's 「決定の理由」.
    expect(head.get_by_text("差戻しのコメント：")).to_have_count(0)

    voter.goto(f"/requests/{obj.pk}/")
    voter.get_by_label("賛成").check()
    voter.get_by_role("button", name="賛否を記録").click()
    decider.goto(f"/requests/{obj.pk}/decide/")
    decider.get_by_label("承認").check()
    decider.get_by_role("button", name="決定を記録").click()
    expect(decider.get_by_text("承認しました。")).to_be_visible()
    assert_accessible(decider)

    # The account is in the 課's list as 開設準備, and its policy PDF downloads.
    account = OfficialAccount.objects.get(handle_key="komae_kids_line")
    assert account.status == AccountStatus.PREPARING
    assert AccountRequest.objects.get().status == RequestStatus.APPROVED
    clerk.get_by_role("link", name="公式アカウント", exact=True).click()
    row = clerk.get_by_role("row").filter(has_text="こまえ子育てLINE")
    expect(row.get_by_text("開設準備")).to_be_visible()
    clerk.goto(f"/accounts/{account.pk}/policy/")
    expect(clerk.get_by_role("row").filter(has_text="第1版")).to_be_visible()
    with clerk.expect_download() as download_info:
        clerk.get_by_role("row").filter(has_text="第1版").get_by_role("link", name="PDF").click()
    with open(download_info.value.path(), "rb") as handle:
        assert "狛江市子ども政策課LINEアカウント運用ポリシー" in pdf_text(handle.read())
    for page in (clerk, head, voter, decider):
        assert page.console_errors == []
