import json

import pytest
from django.urls import reverse

from screening.models import ScreenedDraft

pytestmark = pytest.mark.django_db


def test_the_page_marks_each_finding_and_keeps_the_record(client, staff_a, account_a):
    """G-4-3-エ: an identifiable person asks for consent; the answer is kept for the 課長."""
    client.force_login(staff_a)
    text = "○○さんの写真です。連絡は03-3430-1111まで <b>太字</b>"
    body = client.post(
        reverse("screening:screen"), {"account": account_a.pk, "text": text, "check": "1"}
    ).content.decode()
    assert '<mark title="ガイドライン４(4)イ">○○</mark>' in body
    assert '<mark title="ガイドライン４(4)ア">03-3430-1111</mark>' in body
    assert "&lt;b&gt;太字&lt;/b&gt;" in body  # the draft is escaped
    # Findings are advice: kept without the consent answer, and the 課長 sees that it is missing.
    client.post(reverse("screening:screen"), {"account": account_a.pk, "text": text, "keep": "1"})
    assert "本人等の了解：未確認" in client.get(reverse("screening:records")).content.decode()
    client.post(
        reverse("screening:screen"),
        {"account": account_a.pk, "text": text, "keep": "1", "consent_confirmed": "on", "note": "了解済み"},
    )
    kept = ScreenedDraft.objects.first()
    assert kept.consent_confirmed and {f["code"] for f in kept.findings} >= {"fuseji", "phone", "consent"}
    records = client.get(reverse("screening:records")).content.decode()
    assert text[:10] in records and "本人等の了解：確認済" in records


def test_a_kept_draft_counts_as_posted_for_the_next_one(client, staff_a, account_a):
    client.force_login(staff_a)
    text = "【お知らせ】市民まつりは10月12日に開催します。ぜひお越しください。"
    client.post(reverse("screening:screen"), {"account": account_a.pk, "text": text, "keep": "1"})
    body = client.post(
        reverse("screening:screen"), {"account": account_a.pk, "text": text, "check": "1"}
    ).content.decode()
    assert "以前の投稿とほぼ同じ内容です" in body


def test_the_json_endpoint_does_the_same(client, staff_a, account_a, staff_b):
    client.force_login(staff_a)
    response = client.post(
        reverse("screening:api"),
        json.dumps({"account": account_a.pk, "text": "詳しくは https://bit.ly/abc"}),
        content_type="application/json",
    )
    assert response.json()["findings"][0]["code"] == "shortener"
    assert client.post(reverse("screening:api"), "not json", content_type="application/json").status_code == 400
    client.force_login(staff_b)
    response = client.post(
        reverse("screening:api"), json.dumps({"account": account_a.pk, "text": "x"}), content_type="application/json"
    )
    assert response.status_code == 400  # 課B cannot screen for 課A's account


@pytest.mark.parametrize(
    "body",
    [
        "[1,2]",
        "null",
        '"str"',
        "123",
        '{"account": 1e400}',
        '{"account": true, "text": "x"}',
        '{"account": 99999999999999999999999, "text": "x"}',
        '{"account": -1, "text": "x"}',
        '{"account": "１２", "text": "x"}',
        '{"account": {"id": 1}, "text": "x"}',
        '{"account": 1, "text": ["x"]}',
        "[" * 100_000 + "]" * 100_000,
        "\udcff",
    ],
)
def test_the_json_endpoint_answers_400_json_to_any_malformed_body(client, staff_a, account_a, body):
    client.force_login(staff_a)
    response = client.post(
        reverse("screening:api"), body.encode("utf-8", "surrogatepass"), content_type="application/json"
    )
    assert response.status_code == 400
    assert "error" in response.json()


def test_section_b_does_not_see_section_a_records(client, staff_a, staff_b, account_a):
    client.force_login(staff_a)
    client.post(reverse("screening:screen"), {"account": account_a.pk, "text": "秘密の下書き", "keep": "1"})
    client.force_login(staff_b)
    assert "秘密の下書き" not in client.get(reverse("screening:records")).content.decode()


@pytest.mark.parametrize("person", ["member", "chair", "security_officer", "pr_officer"])
def test_who_posts_on_no_account_is_offered_no_screening_form(client, request, person, account_a, staff_a):
    """SPEC §6: the check is for who posts on an account. The others were shown a form whose every
    account choice the POST then refused; they get neither the page nor its menu entry."""
    client.force_login(request.getfixturevalue(person))
    url = reverse("screening:screen")
    assert client.get(url).status_code == 403
    response = client.post(url, {"account": account_a.pk, "text": "お知らせです。", "keep": "1"})
    assert response.status_code == 403 and not ScreenedDraft.objects.exists()
    assert f'href="{url}"' not in client.get(reverse("dashboard")).content.decode()
    client.force_login(staff_a)
    assert f'href="{url}"' in client.get(reverse("dashboard")).content.decode()
