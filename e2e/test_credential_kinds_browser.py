"""The API token form follows the SNS chosen (issue 17), at 1280 px and 390 px: X offers only its
ベアラートークン and its own accounts, LINE only its チャネルアクセストークン and its accounts; a wrong
kind sent anyway (as without JavaScript) is refused beside the field."""

import re

import pytest
from playwright.sync_api import expect

from e2e.steps import BOTH_WIDTHS, assert_accessible, login
from platforms.models import ApiCredential
from tests.factories import AccountFactory, platform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _options(select) -> list[str]:
    return [text.strip() for text in select.locator("option").all_inner_texts()]


@BOTH_WIDTHS
def test_the_kinds_and_accounts_offered_follow_the_sns(page, live_server, admin, account_a):
    line_account = AccountFactory(
        platform=platform("line"), handle="@komae_line", display_name="こまえLINE", department=account_a.department
    )
    login(page, live_server, admin)
    page.goto("/platforms/credentials/")
    sns = page.get_by_role("combobox", name=re.compile(r"^SNS"))
    kind = page.get_by_role("combobox", name=re.compile(r"^種類"))
    account = page.get_by_role("combobox", name=re.compile(r"^アカウント"))
    assert "Bluesky" not in _options(sns)  # its check reads without a token

    sns.select_option(label="X（旧ツイッター）")
    assert _options(kind) == ["選んでください", "ベアラートークン"]
    expect(kind).to_have_value("bearer_token")  # the one kind X takes, chosen
    assert _options(account) == ["このSNSのすべてのアカウント", account_a.label]
    account.select_option(label=account_a.label)
    assert_accessible(page)

    sns.select_option(label="LINE")
    assert _options(kind) == ["選んでください", "チャネルアクセストークン"]
    expect(kind).to_have_value("channel_access_token")
    assert _options(account) == ["このSNSのすべてのアカウント", line_account.label]
    expect(account).to_have_value("")  # the X account chosen before is not LINE's

    sns.select_option(label="TikTok")
    assert _options(kind) == [
        "選んでください",
        "アクセストークン",
        "リフレッシュトークン",
        "クライアントキー:クライアントシークレット",
    ]
    expect(kind).to_have_value("")  # several: the person chooses
    assert_accessible(page)


def test_a_wrong_kind_sent_anyway_is_refused_beside_the_field(page, live_server, admin):
    login(page, live_server, admin)
    page.goto("/platforms/credentials/")
    page.get_by_role("combobox", name=re.compile(r"^SNS")).select_option(label="X（旧ツイッター）")
    # What a browser without the script could send: put the LINE kind back and choose it.
    page.evaluate(
        """() => {
            const kind = document.querySelector("select[name=kind]");
            kind.add(new Option("チャネルアクセストークン", "channel_access_token", true, true));
        }"""
    )
    page.get_by_label(re.compile(r"^\s*トークン")).fill("AAAA-komae-bearer-token-5c1e9a7b3d2f4e6a8b0c1d2e3f4a5b6c")
    page.get_by_label("有効期限なし（SNSが有効期限のないトークンを発行した場合）").check()
    page.get_by_role("button", name="登録する").click()
    kind = page.get_by_role("combobox", name=re.compile(r"^種類"))
    expect(kind).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Xには「チャネルアクセストークン」は使えません。").first).to_be_visible()
    assert not ApiCredential.objects.exists()
    assert_accessible(page)
