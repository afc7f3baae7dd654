"""Browser journey of the status checks against the platforms (issue 13), at 1280 px and 390 px:

The sysadmin asks for a check of an X account; without a bearer token it ends as 確認できず with the
reason, and the dashboard lists the account. The sysadmin registers X's bearer token for every X
account (it is never shown again, only its fingerprint), checks again, and the check reads X's API —
here the local server playing it at STATUS_CHECK_BASE_X — and names the interface it used.
"""

import re
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from playwright.sync_api import expect

from e2e.steps import BOTH_WIDTHS, assert_accessible, login
from komae_sns.celery import app
from monitoring.models import StatusCheck
from platforms.models import ApiCredential
from tests.platform_fixtures import X_TOKEN, X_USER_ID, x_tweets, x_user
from tests.platform_server import PlatformServer
from tests.platforms.api_support import register_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@BOTH_WIDTHS
def test_the_sysadmin_sees_why_an_account_is_not_checked_and_registers_the_token(
    page, live_server, admin, account_a, settings
):
    account_a.platform_account_id = X_USER_ID
    account_a.profile_operator = "狛江市"
    account_a.save()
    handle = account_a.handle.lstrip("@")
    with PlatformServer() as x_api:
        settings.STATUS_CHECK_BASES = {"x": x_api.url}
        x_api.answer(
            f"/2/users/by/username/{handle}",
            json=x_user(username=handle, name=account_a.display_name),
        )
        x_api.answer(f"/2/users/{X_USER_ID}/tweets", json=x_tweets())
        login(page, live_server, admin)

        page.goto(f"/accounts/{account_a.pk}/")
        page.get_by_role("button", name="今すぐ確認").click()
        # The result is on the page without a reload (issue 15; here the task ran before the page came).
        expect(page.get_by_role("status").filter(has_text="状態確認が終わりました：確認できず")).to_be_visible()
        history = page.get_by_role("table", name="状態確認の履歴（新しい順に10件）")
        expect(history.get_by_role("row").nth(1)).to_contain_text("確認できず")
        expect(history.get_by_role("row").nth(1)).to_contain_text("APIの設定がありません")
        assert x_api.server.RequestHandlerClass.requests == []  # nothing was sent without a token

        page.goto("/")
        heading = "状態確認ができていないアカウント（ガイドライン４(3)カ・ガイドライン４(5)エ）"
        unchecked = page.get_by_role("region", name=heading)
        expect(unchecked.get_by_role("link", name=account_a.label)).to_be_visible()
        expect(unchecked).to_contain_text("X API のベアラートークン")
        assert_accessible(page)
        unchecked.get_by_role("link", name="APIトークンを登録する").click()

        expect(page.get_by_role("heading", name="状態確認のAPIトークン", level=1)).to_be_visible()
        assert_accessible(page)
        page.get_by_role("combobox", name=re.compile(r"^SNS")).select_option(label="X（旧ツイッター）")
        page.get_by_role("combobox", name=re.compile(r"^種類")).select_option(label="ベアラートークン")
        page.get_by_label(re.compile(r"^\s*トークン")).fill(X_TOKEN)
        page.get_by_label("有効期限なし（SNSが有効期限のないトークンを発行した場合）").check()
        page.get_by_role("button", name="登録する").click()
        expect(page.get_by_text("APIトークンを登録しました（指紋")).to_be_visible()
        row = page.get_by_role("row").filter(has_text="このSNSのすべてのアカウント")
        expect(row).to_contain_text("ベアラートークン")
        expect(row).to_contain_text("使用中")
        assert X_TOKEN not in page.content()  # never shown again
        assert_accessible(page)

        page.goto(f"/accounts/{account_a.pk}/")
        page.get_by_role("button", name="今すぐ確認").click()
        expect(page.get_by_role("status").filter(has_text="状態確認が終わりました：異常なし")).to_be_visible()
        latest = page.get_by_role("table", name="状態確認の履歴（新しい順に10件）").get_by_role("row").nth(1)
        expect(latest).to_contain_text("異常なし")
        # Plain words for everyone, and for the sysadmin the interface's technical name (issue 20).
        expect(latest).to_contain_text("方法：Xの公開情報（API）で確認")
        expect(latest).to_contain_text("技術情報：x：X API v2")
        assert_accessible(page)
        sent = x_api.server.RequestHandlerClass.requests
        assert sent and all(headers.get("Authorization") == f"Bearer {X_TOKEN}" for _, headers in sent)

        page.goto("/")
        expect(page.get_by_text("状態確認ができていないアカウント")).to_have_count(0)


@BOTH_WIDTHS
@pytest.mark.integration  # a real Celery worker through the real broker: the result comes after the page
def test_the_section_head_sees_the_result_arrive_without_reloading(
    page, live_server, head_a, admin, account_a, settings
):
    """Issue 15: after 今すぐ確認 the page says the result is coming, and shows it when the worker has
    recorded it — in a live region (role=status) a screen reader reads out — with no reload; issue 20:
    the 課長 reads how it was checked in plain words, never the interface's technical name."""
    account_a.platform_account_id = X_USER_ID
    account_a.profile_operator = "狛江市"
    account_a.save()
    handle = account_a.handle.lstrip("@")
    register_token(admin, account_a, X_TOKEN, kind=ApiCredential.Kind.BEARER_TOKEN, for_platform=True)
    # X answers slowly (two requests of 1.5 s), so the page is shown well before the check is recorded.
    with PlatformServer(latency=1.5) as x_api:
        settings.STATUS_CHECK_BASES = {"x": x_api.url}
        x_api.answer(f"/2/users/by/username/{handle}", json=x_user(username=handle, name=account_a.display_name))
        x_api.answer(f"/2/users/{X_USER_ID}/tweets", json=x_tweets())
        with start_worker(app, pool="threads", concurrency=1, perform_ping_check=False, shutdown_timeout=10):
            login(page, live_server, head_a)
            page.goto(f"/accounts/{account_a.pk}/")
            page.get_by_role("button", name="今すぐ確認").click()
            waiting = page.get_by_role("status").filter(has_text="状態確認を依頼しました")
            expect(waiting).to_contain_text("結果が届くと、ここに表示します")  # what the script says
            assert StatusCheck.objects.count() == 0  # not there yet: the page will ask for it
            page.evaluate("window.notReloaded = true")
            assert_accessible(page)

            done = page.get_by_role("status").filter(has_text="状態確認が終わりました：異常なし")
            expect(done).to_be_visible(timeout=20_000)
            assert page.evaluate("window.notReloaded === true")
            latest = page.get_by_role("table", name="状態確認の履歴（新しい順に10件）").get_by_role("row").nth(1)
            expect(latest).to_contain_text("異常なし")
            expect(latest).to_contain_text("方法：Xの公開情報（API）で確認")
            expect(latest).not_to_contain_text("X API v2")
            expect(page.get_by_text("まだ確認していません。")).to_have_count(0)
            assert_accessible(page)
    connection.close()
    assert StatusCheck.objects.get().outcome == StatusCheck.Outcome.OK


def test_when_the_result_cannot_be_asked_for_the_page_says_to_reload(page, live_server, head_a, account_a):
    """The answer is not the result (issue 15; here a proxy's page in its place): the page stops
    asking and says what to do."""
    page.route(
        "**/monitoring/check-now/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<html>maintenance</html>"),
    )
    login(page, live_server, head_a)
    page.goto(f"/accounts/{account_a.pk}/?check={uuid.uuid4()}")  # a run not recorded (yet)
    status = page.get_by_role("status").filter(has_text="結果がまだ届きません")
    expect(status).to_contain_text("しばらくしてからこのページを再読み込みしてください。")
    assert_accessible(page)
