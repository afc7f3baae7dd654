"""Issue 24: the sysadmin creates a token of the API for a person, sees it once, and revokes it; the
API's docs, served by the app itself, render under the site's Content-Security-Policy."""

import re

import pytest
from playwright.sync_api import expect

from api.models import ApiToken
from e2e.steps import assert_accessible, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_sysadmin_creates_a_token_sees_it_once_and_revokes_it(page, live_server, admin, staff_a):
    login(page, live_server, admin)
    page.goto("/")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="システム管理").click()
    page.get_by_role("link", name="外部ツール用トークン").click()
    page.get_by_role("link", name="トークンを作成する").click()
    page.get_by_role("combobox", name=re.compile(r"^利用者")).select_option(label=f"{staff_a.display_name}（staff_a）")
    page.get_by_role("textbox", name=re.compile(r"^用途")).fill("広報の集計ツール")
    page.get_by_role("checkbox", name=re.compile(r"^公式アカウント一覧")).check()
    page.get_by_role("checkbox", name=re.compile(r"^保存した投稿")).check()
    assert_accessible(page)
    page.get_by_role("button", name="作成する").click()

    expect(page.get_by_role("heading", name="APIトークン（外部ツール用）を作成しました")).to_be_visible()
    text = page.locator("#new-token").inner_text()
    assert text.startswith("ksns_")
    assert_accessible(page)
    # The API answers it at once.
    answer = page.request.get(
        f"{live_server.url}/api/v1/registry/accounts", headers={"Authorization": f"Bearer {text}"}
    )
    assert answer.status == 200

    page.get_by_role("link", name="一覧に戻る").click()
    row = page.get_by_role("row").filter(has_text="広報の集計ツール")
    expect(row).to_contain_text("有効")
    assert text not in page.content()  # shown once: never on the list
    row.get_by_role("link", name=re.compile("失効させる")).click()
    page.get_by_role("textbox", name="理由（任意）").fill("ツールの廃止")
    page.get_by_role("button", name="失効させる").click()
    expect(page.get_by_role("row").filter(has_text="広報の集計ツール")).to_contain_text("失効")
    assert ApiToken.objects.get().status == ApiToken.Status.REVOKED
    answer = page.request.get(
        f"{live_server.url}/api/v1/registry/accounts", headers={"Authorization": f"Bearer {text}"}
    )
    assert answer.status == 401


def test_the_api_docs_render_without_a_csp_error(page, live_server):
    """The page fixture fails the test on any console error: a CSP violation or a file not found."""
    page.goto("/api/v1/docs")
    expect(page.get_by_text("/api/v1/screening", exact=True).first).to_be_visible()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("API")
