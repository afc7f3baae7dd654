"""Another municipality by configuration (issue 15), in the browser: under 架空野市's profile the 課長
submits a request to its 広報戦略会議, the 議長 approves it by 議長特認 citing the city's own rules,
the 課 downloads the 運用方針 in the city's wording, and a citizen checks the city's registry."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import OfficialAccount
from approvals import services as approvals
from e2e.steps import BOTH_WIDTHS, TIMEOUT_MS, assert_accessible, page_for
from tests.factories import complete_request_fields

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@BOTH_WIDTHS
def test_another_city_runs_its_own_committee_policy_and_registry(
    another_city_data, browser, live_server, staff_a, head_a, chair, pr_account, viewport
):
    draft = approvals.request_create(actor=staff_a, fields=complete_request_fields(head_a))

    head = page_for(browser, live_server, head_a, viewport)
    expect(head).to_have_title("ダッシュボード | 架空野市 公式SNSアカウント管理")
    head.goto(f"/requests/{draft.pk}/")
    expect(head.get_by_text("SNSアカウント開設申請書（様式第3号）").first).to_be_visible()
    expect(head.get_by_text("既存アカウントの活用の検討（運用指針第5条第1項）")).to_be_visible()
    head.get_by_role("link", name="広報戦略会議に提出する（課長）").click()
    expect(head.get_by_role("heading", name="広報戦略会議への提出の確認")).to_be_visible()
    assert_accessible(head)
    head.get_by_role("button", name="提出する").click()
    draft.refresh_from_db()
    expect(head.get_by_text(f"{draft.reference} として広報戦略会議に提出しました。")).to_be_visible()

    # Before any vote only the chair's exception approves: in the city's words and numbering.
    decider = page_for(browser, live_server, chair, viewport)
    decider.goto(f"/requests/{draft.pk}/")
    decider.get_by_role("link", name="決定する（議長）").click()
    expect(decider.get_by_role("heading", name=f"広報戦略会議の決定（{draft.reference}）")).to_be_visible()
    expect(decider.get_by_text("議長特認：運用指針第5条第2項・第3項のただし書")).to_be_visible()
    decider.get_by_label("議長特認により承認").check()
    decider.get_by_label("理由・コメント").fill("年度当初からの配信に間に合わせるため。")
    assert_accessible(decider)
    decider.get_by_role("button", name="決定を記録").click()
    expect(decider.get_by_text("承認しました。")).to_be_visible()
    expect(decider.get_by_text("議長特認", exact=True).first).to_be_visible()

    # The account's 運用方針 version 1 is the city's template, not Komae's 見本.
    account = OfficialAccount.objects.get(handle_key="komae_kids_line")
    head.goto(f"/accounts/{account.pk}/policy/")
    expect(head.get_by_role("heading", name="運用方針", exact=True)).to_be_visible()  # its documents' name
    expect(head.get_by_text("運用ポリシー")).to_have_count(0)
    with head.expect_download() as download_info:
        head.get_by_role("row").filter(has_text="第1版").get_by_role("link", name="PDF").click()
    download = download_info.value
    assert download.suggested_filename == "架空野市子ども政策課LINE運用方針_第1版.pdf"
    with open(download.path(), "rb") as handle:
        policy = "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    assert "（趣旨）" in policy and "架空野市ソーシャルメディア運用指針" in policy and "狛江" not in policy

    # A citizen checks an account on the city's public registry.
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    context.set_default_timeout(TIMEOUT_MS)
    citizen = context.new_page()
    citizen.goto("/registry/")
    expect(citizen).to_have_title("架空野市 公式SNSアカウント一覧 | 架空野市 公式SNSアカウント管理")
    expect(citizen.get_by_text("なりすましにご注意ください（運用方針第7条）")).to_be_visible()
    citizen.get_by_label("SNSアカウントのURLまたは @ユーザー名").fill("@komae_city")
    citizen.get_by_role("button", name="確かめる").click()
    expect(citizen.get_by_text("確認結果：公式アカウントです")).to_be_visible()
    expect(citizen.get_by_text("架空野市の公式アカウント").first).to_be_visible()
    assert_accessible(citizen)
    assert "狛江" not in citizen.content()
    for page in (head, decider):
        assert page.console_errors == []
