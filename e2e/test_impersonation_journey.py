"""Browser journey of a fake account (issue 23, P-7-2, G-4-3-カ): a resident reports it from the registry;
the security officer judges it なりすまし; the resident's lookup and the registry then warn about it; the
incident holds the impersonator's profile as the platform answered it."""

import pytest
from playwright.sync_api import expect

from discovery.models import Candidate, ProfileCapture
from e2e.steps import BOTH_WIDTHS, assert_accessible, login
from monitoring.models import Incident
from tests.platform_fixtures import BSKY_DID
from tests.platforms import api_support as api

pytestmark = pytest.mark.browser

HANDLE = "komae-city.bsky.social"
FAKE_HANDLE = "komae-c1ty.bsky.social"
FAKE_DID = "did:plc:fakek0mae0000000000000"


@BOTH_WIDTHS
def test_a_reported_fake_is_judged_and_residents_are_warned(
    page, live_server, dept_b, head_b, security_officer, settings, monkeypatch
):
    with api.serve(settings, monkeypatch, "bluesky") as bsky:
        account = api.city_account(dept_b, head_b, "bluesky", HANDLE, BSKY_DID)
        bsky.answer(
            "/xrpc/app.bsky.actor.getProfile",
            json={"did": FAKE_DID, "handle": FAKE_HANDLE, "displayName": "狛江市【公式】", "description": "偽の告知"},
        )
        fake_url = f"https://bsky.app/profile/{FAKE_HANDLE}"

        # A resident, not signed in, reports the fake from the registry.
        page.goto(f"{live_server.url}/registry/")
        page.get_by_role("link", name="なりすましと思われるアカウントを知らせる").click()
        expect(page.get_by_role("heading", name="なりすましと思われるアカウントを知らせる")).to_be_visible()
        assert_accessible(page)
        page.get_by_label("アカウントのURLまたは @ユーザー名").fill(fake_url)
        page.get_by_label("気づいたこと（任意）").fill("当選したのでDMで個人情報を送るようにと言われた")
        page.get_by_role("button", name="知らせる").click()
        expect(page.get_by_role("heading", name="お知らせを受け付けました")).to_be_visible()
        assert_accessible(page)

        # The security officer finds it in the queue and judges it なりすまし.
        login(page, live_server, security_officer)
        page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="なりすまし候補").click()
        expect(page.get_by_role("heading", name="なりすまし候補", exact=True)).to_be_visible()
        assert_accessible(page)
        page.get_by_role("link", name="（表示名不明）").click()
        expect(page.get_by_text("当選したのでDMで個人情報を送るようにと言われた")).to_be_visible()
        page.get_by_label("なりすまし（インシデントを起票し、警告の一覧に載せる）").check()
        page.get_by_label("まねている公式アカウント（なりすましの場合）").select_option(str(account.pk))
        page.get_by_label("判断の理由・メモ").fill("市の名前と公式を名乗っている")
        page.get_by_role("button", name="判断を記録する").click()
        expect(page.get_by_text("なりすましと判断しました。")).to_be_visible()
        assert_accessible(page)

        candidate = Candidate.objects.get()
        incident = Incident.objects.get(kind=Incident.Kind.IMPERSONATION)
        assert candidate.incident == incident
        # The incident holds the profile as the platform answered it, with its hash.
        page.get_by_role("link", name=incident.title).click()
        section = page.get_by_role("region", name="なりすましアカウントの保存したプロフィール")
        expect(section).to_be_visible()
        capture = ProfileCapture.objects.filter(incident=incident).exclude(sha256="").first()
        assert capture is not None and capture.body
        expect(section.get_by_text(capture.sha256)).to_be_visible()

    # The resident checks the account again: the answer now warns, and the registry lists it.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/registry/verify?q={fake_url}")
    expect(page.get_by_role("heading", name="確認結果：狛江市が確認したなりすましアカウントです")).to_be_visible()
    expect(page.get_by_role("link", name=account.label)).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/registry/")
    warnings = page.get_by_role("region", name="なりすましにご注意ください")
    expect(warnings.get_by_text(f"@{FAKE_HANDLE}")).to_be_visible()
    assert_accessible(page)
