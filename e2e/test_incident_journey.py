"""Browser journey of an incident raised by a status check: the security officer works through
its checklist, keeps a screenshot and closes it (G-4-3-カ, G-4-5-エ)."""

import pytest
from playwright.sync_api import expect

from e2e.steps import BOTH_WIDTHS, assert_accessible, login
from monitoring import status
from monitoring.models import Incident
from tests.page_platform import PAGE_PLATFORM, on_page_platform
from tests.platform_server import PlatformServer

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@BOTH_WIDTHS
def test_the_security_officer_works_through_an_incident_raised_by_a_check(
    page, live_server, account_a, security_officer, settings, page_platform, tmp_path
):
    with PlatformServer() as platform:
        settings.STATUS_CHECK_BASES = {PAGE_PLATFORM: platform.url}  # the local server plays まちSNS
        on_page_platform(account_a, "gone")
        status.check_now([account_a])
    incident = Incident.objects.get()

    login(page, live_server, security_officer)
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="インシデント").click()
    assert_accessible(page)
    page.get_by_role("link", name=incident.title).click()
    expect(page.get_by_text("状態確認による自動検知")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="所属長へ報告した").click()
    page.get_by_role("button", name="統括情報セキュリティ責任者へ報告した").click()
    expect(page.get_by_text("報告を記録しました。")).to_be_visible()
    for step in incident.steps.all():
        row = page.get_by_role("row").filter(has_text=step.label)
        row.get_by_label(f"メモ（{step.label}）").fill("対応済み")
        row.get_by_role("button", name="実施した").click()
        expect(page.get_by_text(f"「{step.label}」を記録しました。")).to_be_visible()
    file_input = page.get_by_label("画像（PNG・JPEG・GIF）またはPDF、10 MBまで")
    # Too large: the browser says so before sending anything (the server refuses it too). Chosen from
    # a folder, as a person does: Chromium reads the file itself (a buffer of 10 MB took seconds to send).
    too_large = tmp_path / "大きな画面.png"
    too_large.write_bytes(PNG + b"\x00" * (10 * 1024 * 1024))
    file_input.set_input_files(too_large)
    assert file_input.evaluate("input => input.validationMessage") == "ファイルが大きすぎます（10 MBまで）。"
    file_input.set_input_files(files=[{"name": "画面の保存.png", "mimeType": "image/png", "buffer": PNG}])
    page.get_by_role("button", name="添付する").click()
    expect(page.get_by_role("link", name="画面の保存.png")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="対応を完了する").click()
    expect(page.get_by_text("インシデントを完了しました。")).to_be_visible()
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED and incident.reported_to_ciso_by == security_officer
