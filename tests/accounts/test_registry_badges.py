"""P-7-3 (issue 23): the registry shows, beside the city's 認証の状況, what the platform itself showed of
the badge at the last status check — in the page, the JSON and the CSV alike."""

import csv
import io
import json
from datetime import date

import pytest
from django.urls import reverse

from accounts.models import VerificationStatus
from accounts.services import account_record_platform_verification
from core.audit import Job
from tests.factories import AccountFactory, platform

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(dept_b, head_b):
    """X @komae_city read with X's 政府・自治体 badge though its record still says 申請中; Bluesky read
    without one; YouTube, whose interface does not say."""
    x = AccountFactory(
        department=dept_b,
        manager=head_b,
        handle="komae_city",
        display_name="狛江市",
        platform=platform("x"),
        verification_status=VerificationStatus.APPLIED,
    )
    bsky = AccountFactory(
        department=dept_b,
        manager=head_b,
        handle="komae-city.bsky.social",
        display_name="狛江市（Bluesky）",
        platform=platform("bluesky"),
    )
    youtube = AccountFactory(
        department=dept_b,
        manager=head_b,
        handle="komae_channel",
        display_name="狛江市チャンネル",
        platform=platform("youtube"),
    )
    for account, verified in ((x, True), (bsky, False)):
        account_record_platform_verification(
            account_id=account.pk, verified=verified, note="読み取り", read_on=date(2026, 6, 1), actor=Job.STATUS_CHECK
        )
    return {"x": x, "bsky": bsky, "youtube": youtube}


def test_the_page_shows_the_platforms_badge_beside_the_citys_record(client, accounts):
    body = client.get(reverse("registry:list")).content.decode()
    row = body[body.index("@komae_city<") :]
    row = row[: row.index("</tr>")]
    assert "申請中" in row and "SNS上で認証を確認（令和8年6月1日）" in row
    row = body[body.index("@komae-city.bsky.social<") :]
    assert "SNS上の認証表示なし（令和8年6月1日）" in row[: row.index("</tr>")]
    row = body[body.index("@komae_channel<") :]
    assert "SNS上" not in row[: row.index("</tr>")]


def test_json_and_csv_carry_the_badge(client, accounts):
    payload = {a["handle"]: a for a in json.loads(client.get(reverse("registry:json")).content)["accounts"]}
    x = payload["@komae_city"]
    assert (x["verification"], x["platform_verified"], x["platform_verification_read_on"]) == (
        "申請中",
        True,
        "2026-06-01",
    )
    assert x["platform_verification"] == "SNS上で認証を確認（令和8年6月1日）"
    assert payload["@komae-city.bsky.social"]["platform_verified"] is False
    assert payload["@komae_channel"]["platform_verified"] is None
    assert payload["@komae_channel"]["platform_verification"] == ""

    rows = list(csv.reader(io.StringIO(client.get(reverse("registry:csv")).content.decode("utf-8-sig"))))
    column = rows[0].index("SNS上の認証表示")
    assert rows[0][6] == "認証"  # the columns before stay where they were
    by_handle = {r[3]: r[column] for r in rows[1:]}
    assert by_handle == {
        "komae_city": "SNS上で認証を確認（令和8年6月1日）",
        "komae-city.bsky.social": "SNS上の認証表示なし（令和8年6月1日）",
        "komae_channel": "",
    }


def test_a_new_reading_renews_the_kept_registry(client, accounts, django_capture_on_commit_callbacks):
    assert "令和8年6月1日" in client.get(reverse("registry:list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        account_record_platform_verification(
            account_id=accounts["x"].pk,
            verified=True,
            note="読み取り",
            read_on=date(2026, 6, 2),
            actor=Job.STATUS_CHECK,
        )
    body = client.get(reverse("registry:list")).content.decode()
    assert "SNS上で認証を確認（令和8年6月2日）" in body


def test_the_account_page_reminds_to_apply_where_the_platform_has_a_program(client, accounts, head_b):
    client.force_login(head_b)
    page = client.get(reverse("accounts:detail", args=[accounts["bsky"].pk])).content.decode()
    assert "SNS上の認証表示なし（令和8年6月1日）：読み取り" in page
    assert "認証を申請してください" in page
    page = client.get(reverse("accounts:detail", args=[accounts["x"].pk])).content.decode()
    assert "認証を申請してください" not in page  # X shows the badge: the record is to be updated instead
