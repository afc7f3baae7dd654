"""The public registry (P-7, P-8): citizens list, search and verify accounts without logging in."""

import csv
import io
import json
from datetime import date
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from accounts.models import AccountStatus
from tests.factories import AccountFactory, platform

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(dept_a, dept_b, head_a, head_b):
    """X @komae_city (運用中, the PR account), YouTube channel with its permanent id, a suspended
    account, one in 開設準備 and one closed."""
    city = AccountFactory(
        department=dept_b, manager=head_b, handle="komae_city", display_name="狛江市", platform=platform("x")
    )
    youtube = AccountFactory(
        department=dept_b,
        manager=head_b,
        platform=platform("youtube"),
        handle="komae_channel",
        display_name="狛江市公式チャンネル",
        platform_account_id="UCabcdefghijklmnopqrstuv",
    )
    gomi = AccountFactory(
        department=dept_a,
        manager=head_a,
        handle="komae_gomi",
        display_name="狛江市ごみ分別",
        status=AccountStatus.SUSPENDED,
        suspension_reason="市公式アカウントに集約したため",
        suspended_on=date(2026, 3, 31),
        successor=city,
    )
    AccountFactory(department=dept_a, manager=head_a, handle="komae_junbi", status=AccountStatus.PREPARING)
    AccountFactory(
        department=dept_a,
        manager=head_a,
        handle="komae_old",
        display_name="旧アカウント",
        status=AccountStatus.CLOSED,
    )
    return {"city": city, "youtube": youtube, "gomi": gomi}


PASTED_OFFICIAL = [
    "https://x.com/komae_city",
    "http://x.com/komae_city",
    "x.com/komae_city",
    "https://www.x.com/komae_city/",
    "https://twitter.com/komae_city",
    "https://mobile.twitter.com/Komae_City?s=20&t=abc",
    "https://m.twitter.com/komae_city/status/1234567890",
    "HTTPS://X.COM/KOMAE_CITY",
    "  https://x.com/komae_city#top  ",
    "@komae_city",
    "＠ｋｏｍａｅ＿ｃｉｔｙ",
    "komae_city",
    "https://www.youtube.com/@komae_channel",
    "https://youtube.com/channel/UCabcdefghijklmnopqrstuv",
    "https://m.youtube.com/@Komae_Channel/videos",
]


@pytest.mark.parametrize("pasted", PASTED_OFFICIAL)
def test_verify_recognises_what_citizens_paste(client, registry, pasted):
    """P-7: a citizen checks whether a pasted URL or @handle is an official account."""
    response = client.get(reverse("registry:verify"), {"q": pasted}, HTTP_ACCEPT="application/json")
    data = response.json()
    assert response.status_code == 200
    assert data["result"] == "official", data
    assert data["official"] is True


@pytest.mark.parametrize(
    ("pasted", "result"),
    [
        ("https://x.com/komae_city_official", "not_found"),  # an impostor's look-alike
        ("https://www.instagram.com/komae_city/", "not_found"),  # same name, platform we are not on
        ("@komae_junbi", "not_found"),  # not announced yet
        ("https://x.com/komae_gomi", "suspended"),
        ("https://x.com/komae_old", "closed"),
        ("https://example.com/komae_city", "unrecognized"),
        ("https://x.com/home", "unrecognized"),
        ("<script>alert(1)</script>", "unrecognized"),
    ],
)
def test_verify_near_misses(client, registry, pasted, result):
    data = client.get(reverse("registry:verify"), {"q": pasted}, HTTP_ACCEPT="application/json").json()
    assert data["result"] == result
    assert data["official"] is False


def test_verify_answers_html_to_a_browser(client, registry):
    body = client.get(reverse("registry:verify"), {"q": "twitter.com/komae_city"}).content.decode()
    assert "確認結果：公式アカウントです" in body
    body = client.get(reverse("registry:verify"), {"q": "https://x.com/komae_city_jp"}).content.decode()
    assert "公式アカウントではありません" in body
    assert "なりすましの可能性があります" in body


def test_verify_of_a_suspended_account_points_to_its_successor(client, registry):
    body = client.get(reverse("registry:verify"), {"q": "@komae_gomi"}).content.decode()
    assert "運用を停止した公式アカウントです" in body
    assert "市公式アカウントに集約したため" in body
    assert "https://x.com/komae_city" in body


def test_verify_without_a_query_shows_the_form_or_a_json_error(client, registry):
    assert client.get(reverse("registry:verify")).status_code == 200
    response = client.get(reverse("registry:verify"), HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "q に URL" in response.json()["error"]


@pytest.mark.smoke
def test_the_registry_lists_public_accounts_and_suspended_ones_with_reason(client, registry):
    """P-7 and P-8: the official accounts are listed; a stopped one with its reason and date."""
    body = client.get(reverse("registry:list")).content.decode()
    assert "狛江市公式チャンネル" in body
    assert "狛江市ごみ分別" in body
    assert "市公式アカウントに集約したため" in body
    assert "2026年3月31日（令和8年3月31日）" in body
    assert "komae_junbi" not in body
    assert "旧アカウント" not in body


def test_the_registry_search(client, registry):
    body = client.get(reverse("registry:list"), {"q": "チャンネル"}).content.decode()
    assert "狛江市公式チャンネル" in body and "狛江市ごみ分別" not in body
    body = client.get(reverse("registry:list"), {"platform": "youtube"}).content.decode()
    assert "狛江市公式チャンネル" in body and "ごみ分別" not in body
    body = client.get(reverse("registry:list"), {"status": "suspended"}).content.decode()
    assert "ごみ分別" in body and "公式チャンネル" not in body


def test_json_and_csv_carry_the_same_list(client, registry):
    payload = json.loads(client.get(reverse("registry:json")).content)
    handles = sorted(a["handle"] for a in payload["accounts"])
    assert handles == ["@komae_channel", "@komae_city", "@komae_gomi"]
    gomi = next(a for a in payload["accounts"] if a["handle"] == "@komae_gomi")
    assert gomi["status_label"] == "運用停止"
    assert gomi["suspension_reason"] == "市公式アカウントに集約したため"
    assert gomi["suspended_on"] == "2026-03-31"
    assert gomi["successor_url"] == "https://x.com/komae_city"
    # Five of the demo's accounts are called 狛江市: the name alone does not say which one.
    assert gomi["successor_platform"] == "X"
    assert gomi["successor_handle"] == "@komae_city"
    assert gomi["successor_label"] == "狛江市（X @komae_city）"

    response = client.get(reverse("registry:csv"))
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["所管課", "SNS", "アカウント名", "ユーザー名"]
    assert sorted("@" + r[3] for r in rows[1:]) == handles
    assert any(r[8] == "市公式アカウントに集約したため" for r in rows[1:])
    gomi_row = next(r for r in rows[1:] if r[3] == "komae_gomi")
    assert gomi_row[9:11] == ["狛江市（X @komae_city）", "https://x.com/komae_city"]


class _Links(HTMLParser):
    """The links of a page as a screen reader names them: text without aria-hidden parts, and row headers."""

    def __init__(self):
        super().__init__()
        self.links, self.row_headers = [], []
        self._href, self._text, self._hidden, self._th = None, [], 0, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._hidden or attrs.get("aria-hidden") == "true":
            self._hidden += 1
        if tag == "a":
            self._href, self._text = attrs.get("href"), []
        if tag == "th" and attrs.get("scope") == "row":
            self._th = []

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append(("".join(self._text).strip(), self._href))
            self._href = None
        if tag == "th" and self._th is not None:
            self.row_headers.append(" ".join("".join(self._th).split()))
            self._th = None
        if self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            if self._href is not None:
                self._text.append(data)
            if self._th is not None:
                self._th.append(data)


def links_of(body: str) -> _Links:
    parser = _Links()
    parser.feed(body)
    return parser


def test_the_successor_is_named_with_its_platform_and_handle(client, registry):
    for url in (reverse("registry:list"), reverse("registry:verify") + "?q=@komae_gomi"):
        links = links_of(client.get(url).content.decode()).links
        assert ("狛江市（X @komae_city）（外部サイト）", "https://x.com/komae_city") in links, url


def test_registry_links_say_which_account_and_that_they_leave_the_site(client, registry):
    """2.4.4: not several links named 「狛江市」; every row has its account as row header (1.3.1)."""
    page = links_of(client.get(reverse("registry:list")).content.decode())
    to_sns = [name for name, href in page.links if href.startswith("https://")]
    assert "狛江市（X @komae_city）（外部サイト）" in to_sns
    assert "狛江市公式チャンネル（YouTube @komae_channel）（外部サイト）" in to_sns
    assert all(name.endswith("（外部サイト）") for name in to_sns), to_sns
    assert "狛江市" not in to_sns
    assert [h for h in page.row_headers if h.startswith("狛江市")] == [
        "狛江市（X @komae_city）（外部サイト） @komae_city",
        "狛江市公式チャンネル（YouTube @komae_channel）（外部サイト） @komae_channel",
        "狛江市ごみ分別（X @komae_gomi）（外部サイト） @komae_gomi",
    ]


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("@komae_city", "確認結果：公式アカウントです（@komae_city）"),
        ("@komae_gomi", "確認結果：運用を停止した公式アカウントです（@komae_gomi）"),
        ("@komae_fake", "確認結果：公式アカウントではありません（@komae_fake）"),
        ("", "公式アカウントか確かめる |"),
    ],
)
def test_the_verify_page_title_gives_the_answer(client, registry, query, title):
    """2.4.2: a tab or a screen reader's page list tells one answer from another."""
    body = client.get(reverse("registry:verify"), {"q": query}).content.decode()
    assert f"<title>{title}" in body


def test_the_registry_reveals_nothing_internal(client, registry):
    payload = client.get(reverse("registry:json")).content.decode()
    for secret in ("registered_email", "city.komae.lg.jp", "manager", "linked_apps", "password"):
        assert secret not in payload


def test_an_account_under_notice_shows_its_date_reason_and_successor(client, registry, dept_a, head_a):
    AccountFactory(
        department=dept_a,
        manager=head_a,
        handle="komae_kankyo",
        display_name="狛江市環境",
        status=AccountStatus.NOTICE,
        suspension_reason="市公式アカウントに集約するため",
        notice_ends_on=date(2027, 1, 31),
        successor=registry["city"],
    )
    body = client.get(reverse("registry:list")).content.decode()
    assert "令和9年1月31日で停止予定。市公式アカウントに集約するため" in body
    assert "今後は" in body


def test_a_bare_handle_names_the_platforms_it_is_official_on(client, registry):
    data = client.get(reverse("registry:verify"), {"q": "@komae_city"}, HTTP_ACCEPT="application/json").json()
    assert data["result"] == "official"
    assert "X上の狛江市の公式アカウントです" in data["message"]
    assert "他のSNSで同じ名前のアカウントは公式ではありません" in data["message"]


FORMULAS = [
    '=HYPERLINK("http://evil.example/","公式")',
    "+81-3-1234-5678",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    '＝HYPERLINK("http://evil.example/")',
]


@pytest.mark.parametrize("payload", FORMULAS)
def test_no_csv_cell_can_start_a_formula(client, dept_a, head_a, admin, payload):
    """OWASP CSV injection: a display name or reason typed as a formula is written as text."""
    AccountFactory(department=dept_a, manager=head_a, handle="komae_a", display_name=payload)
    AccountFactory(
        department=dept_a,
        manager=head_a,
        handle="komae_b",
        status=AccountStatus.SUSPENDED,
        suspension_reason=payload,
        suspended_on=date(2026, 3, 31),
    )
    client.force_login(admin)
    for response in (
        client.get(reverse("registry:csv")),
        client.get(reverse("reviews:dashboard"), {"format": "csv"}),
    ):
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        cells = [cell for row in rows for cell in row]
        assert any(cell == "'" + payload for cell in cells), "the value is kept, as text"
        dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r", "＝")]
        assert dangerous == []


@pytest.mark.parametrize(
    "pasted",
    [
        "https://x.com/komae_city/../impostor_komae",
        "https://x.com/komae_city/%2e%2e/impostor_komae",
        "https://x.com\\komae_city\\..\\impostor_komae",
        "https://x.com:8443/komae_city",
    ],
)
def test_a_url_that_opens_another_page_is_never_answered_official(client, registry, pasted):
    response = client.get(reverse("registry:verify"), {"q": pasted}, HTTP_ACCEPT="application/json")
    assert response.json()["official"] is False


def test_the_registry_rows_escape_what_a_clerk_typed(client, dept_a, head_a):
    """The rows are written in Python for speed (registry_rows.py): every value is still escaped."""
    AccountFactory(
        department=dept_a,
        manager=head_a,
        handle="komae_esc",
        display_name='<script>alert(1)</script>"狛江',
        status=AccountStatus.NOTICE,
        suspension_reason="<b>統合</b>のため",
        notice_ends_on=date(2027, 1, 31),
    )
    body = client.get(reverse("registry:list")).content.decode()
    assert "<script>alert(1)</script>" not in body and "<b>統合</b>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;狛江" in body
    assert "令和9年1月31日で停止予定。&lt;b&gt;統合&lt;/b&gt;のため" in body
