"""Browser journey of the federation of registries (issue 24): the sysadmin adds a neighbouring city's
list on the peers' page, which is read at once; a resident, not signed in, checks one of that city's
accounts on /registry/verify and reads which municipality it belongs to — never 狛江市's."""

import pytest
from playwright.sync_api import expect

from e2e.steps import BOTH_WIDTHS, assert_accessible, assert_fits_the_width, login
from tests.peer_server import PeerServer, peer_account, peer_payload

pytestmark = pytest.mark.browser


@BOTH_WIDTHS
def test_a_sysadmin_adds_a_peer_and_a_resident_reads_whose_account_it_is(page, live_server, admin, settings):
    settings.CITY_CODE = "132195"
    settings.PEER_FETCH_TIMEOUT = 5.0
    with PeerServer() as server:
        url = server.publish(
            "/registry/accounts.json",
            peer_payload(
                "調布市",
                "132080",
                [peer_account("chofu_kosodate", name="調布市子育て情報", department="子ども政策課")],
                site="https://www.city.chofu.example.jp/",
            ),
        )
        login(page, live_server, admin)
        page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="システム管理").click()
        page.get_by_role("link", name="他団体の一覧").click()
        expect(page.get_by_role("heading", name="他の団体の公式アカウント一覧")).to_be_visible()
        assert_accessible(page)
        page.get_by_label("一覧のURL").fill(url)
        page.get_by_role("button", name="追加して取得する").click()
        expect(page.get_by_text("「調布市」の一覧を追加しました。更新（1件のアカウント）")).to_be_visible()
        row = page.get_by_role("row").filter(has_text=url)
        expect(row.get_by_role("cell").first).to_contain_text("調布市")
        expect(row.get_by_role("cell").first).to_contain_text("コード 132080")
        assert_accessible(page)

    # The resident, not signed in, checks the account; the answer names 調布市 (read before the peer's
    # server stopped: its last good copy is what answers).
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/registry/verify")
    page.get_by_label("アカウントのURLまたは @ユーザー名").fill("https://x.com/chofu_kosodate")
    page.get_by_role("button", name="確かめる").click()
    heading = "確認結果：調布市の公式アカウントです（狛江市のものではありません）"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(
        page.get_by_text("このアカウントは調布市の公式アカウント（子ども政策課）として、調布市の一覧に掲載されています")
    ).to_be_visible()
    expect(page.get_by_role("link", name="調布市")).to_be_visible()
    expect(page.get_by_text("全国地方公共団体コード 132080")).to_be_visible()
    assert_accessible(page)
    assert_fits_the_width(page)
