"""Another municipality by configuration alone (issue 15): with the shipped second city's profile in
force, no page, export, mail or PDF names 狛江 — every URL of the permission matrix as every role
that may open it, every PDF, the admin, and every notice (a mail carries the notice's text)."""

import io
import json
import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Platform
from core.models import Notice
from komae_sns.city import CLAUSE_ID
from tests.test_permission_matrix import PEOPLE, POSTS, RULES, _build_people_and_world

KOMAE = "狛江"
# Komae's name for an account's policy document; the second city's documents are 運用方針.
KOMAE_POLICY = "運用ポリシー"


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response["Content-Type"]
    if kind.startswith("application/pdf"):
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    if kind.startswith("image/"):
        return ""  # the evidence a user uploaded, as uploaded
    return body.decode()


@pytest.fixture
def world_and_people(another_city_data):
    """The permission matrix's people and world, made after the second city's profile is in force
    (the matrix shares one world built under Komae's)."""
    people, world = _build_people_and_world()
    return world, people.__getitem__


def _crawl(client, world, people):
    """Every URL of the permission matrix as every role that may open it (a PDF once): (who, what, text).

    Each request starts with no cookie but the person's session, made at their first request (a new
    sign-in before each of the 300 requests took 40 % of the crawl)."""
    pdfs = set()
    sessions = {}
    # The pages, and the answers of a POST that come back as a page (a form again, the API's JSON).
    sent = [(name, "get", kwargs_name, None, expected) for name, (kwargs_name, expected) in RULES.items()]
    sent += [(name, "post", kwargs_name, body, expected) for name, (kwargs_name, body, expected) in POSTS.items()]
    for url_name, method, kwargs_name, body_name, expected_by_person in sent:
        url = reverse(url_name, kwargs=world[kwargs_name] if kwargs_name else None)
        for person in PEOPLE:
            if expected_by_person[person] != 200:
                continue
            if url_name in pdfs:
                continue  # a PDF reads the same for everyone who may open it
            client.cookies.clear()
            if (user := people(person)) is not None and person in sessions:
                client.cookies[settings.SESSION_COOKIE_NAME] = sessions[person]
            elif user is not None:
                client.force_login(user)
                sessions[person] = client.cookies[settings.SESSION_COOKIE_NAME].value
            if method == "get":
                response = client.get(url)
            elif url_name == "screening:api":
                response = client.post(
                    url, json.dumps(world["bodies"][body_name](user)), content_type="application/json"
                )
            else:
                response = client.post(url + world["queries"].get(url_name, ""), world["bodies"][body_name](user))
            assert response.status_code == 200, f"{person} → {url_name}"
            if response["Content-Type"].startswith("application/pdf"):
                pdfs.add(url_name)
            yield person, url_name, _text(response)


@pytest.mark.django_db
def test_no_page_export_mail_or_pdf_names_komae(client, world_and_people):
    world, people = world_and_people
    seen, pdfs = 0, set()
    for person, url_name, text in _crawl(client, world, people):
        assert KOMAE not in text and "city.komae" not in text, f"{person} → {url_name} names Komae"
        assert KOMAE_POLICY not in text, f"{person} → {url_name} calls the city's 運用方針 {KOMAE_POLICY}"
        # Users read the city's own clause labels, never the code's IDs (G-4-5-エ, P-7).
        raw = set(CLAUSE_ID.findall(text))
        assert not raw, f"{person} → {url_name} shows clause IDs {raw}"
        seen += 1
        if url_name.endswith("pdf"):
            assert "架空野市" in text or "広報戦略会議" in text, url_name
            pdfs.add(url_name)
    assert pdfs == {
        "policies:draft_pdf",
        "policies:version_pdf",
        "approvals:form4_pdf",
        "reviews:report_pdf",
        "monitoring:incident_pdf",
    }
    assert seen > 250  # pages, exports and PDFs, role by role

    client.force_login(people("admin"))
    opened = 0
    for model in admin.site._registry:
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(changelist)
        if response.status_code == 403:
            continue  # kept out of the admin on purpose (the roles are fixed)
        page = response.content.decode()
        assert response.status_code == 200 and KOMAE not in page and KOMAE_POLICY not in page, changelist
        opened += 1
    assert opened > 5
    index = client.get(reverse("admin:index")).content.decode()
    assert "運用方針" in index and KOMAE_POLICY not in index
    # Every model's edit form or read-only view, and its list's column titles: labels in the city's
    # words, its 分野, no clause IDs.
    changed = 0
    for model in admin.site._registry:
        opts = model._meta
        first = model._default_manager.order_by("pk").first()
        lists = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if first is None or lists.status_code == 403:
            continue
        headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', lists.content.decode(), re.S)
        page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])).content.decode()
        labels = re.findall(r"<label[^>]*>(.*?)</label>|<div class=\"help\"[^>]*>(.*?)</div>", page, re.S)
        titles = re.findall(r"<title>(.*?)</title>|<h1[^>]*>(.*?)</h1>", page, re.S)
        texts = [*headers, *("".join(pair) for pair in [*labels, *titles])]  # the system's words, not data
        raw = {ref for text in texts for ref in CLAUSE_ID.findall(text)}
        assert not raw, f"{opts.label}: the admin's labels show clause IDs {raw}"
        assert not [text for text in texts if KOMAE_POLICY in text], opts.label
        changed += 1
    assert changed > 8
    account_page = client.get(reverse("admin:accounts_officialaccount_change", args=[world["account"]["pk"]]))
    assert "運用方針第5条" in account_page.content.decode()  # 発信する内容（P-5）

    notices = list(Notice.objects.values_list("subject", "body"))
    assert notices, "the world's submissions and decisions told people"
    assert not [n for n in notices if KOMAE in "".join(n) or CLAUSE_ID.search("".join(n))]
    assert not [n for n in notices if KOMAE_POLICY in "".join(n)]


@pytest.mark.django_db
def test_the_second_citys_words_reach_its_users(client, world_and_people):
    """The other city's committee, form, clause numbering, review month and policy wording are used."""
    world, people = world_and_people
    client.force_login(people("chair"))
    decide = client.get(reverse("approvals:decide", kwargs=world["request"])).content.decode()
    assert "広報戦略会議" in decide or "議長" in decide
    assert "運用指針第5条第2項・第3項" in decide  # the 委員長特認 clause, in the city's numbering
    client.force_login(people("security_officer"))
    incident = client.get(reverse("monitoring:incident", kwargs=world["incident"])).content.decode()
    assert "最高情報セキュリティ責任者への報告" in incident and "統括情報セキュリティ責任者" not in incident
    client.force_login(people("head_a"))
    reviews = client.get(reverse("reviews:list")).content.decode()
    assert "運用指針第10条第1項により" in reviews
    version = client.get(reverse("policies:version_pdf", kwargs=world["version"]))
    policy = _text(version)
    assert "運用方針" in policy and "架空野市ソーシャルメディア運用指針" in policy
    assert "（趣旨）" in policy.replace(" ", "") or "趣旨" in policy


@pytest.mark.django_db
def test_the_second_citys_fields_and_screening_advice(client, world_and_people):
    """Its 分野 (its list, its order, its words) and its 投稿前チェック's advice, from its profile."""
    world, people = world_and_people
    client.force_login(people("staff_a"))
    start = client.get(reverse("approvals:create")).content.decode()
    offered = re.findall(r'<option value="([a-z]+)"[^>]*>(.*?)</option>', start)
    assert offered == [
        ("general", "市政・シティプロモーション"),
        ("safety", "危機管理・防災"),
        ("children", "こども・若者・教育"),
        ("welfare", "健康・福祉・介護"),
        ("environment", "環境・資源循環"),
        ("tourism", "観光・商工・文化芸術"),
        ("other", "その他の分野"),
    ]
    refused = client.get(reverse("approvals:create"), {"field": "town", "platform": Platform.objects.first().pk})
    assert "まちづくり" not in refused.content.decode()
    detail = client.get(reverse("approvals:detail", kwargs=world["request"])).content.decode()
    assert "こども・若者・教育" in detail and "子育て・教育" not in detail  # the request's 分野 (children)
    edit = client.get(reverse("accounts:edit", kwargs=world["account"])).content.decode()
    assert "こども・若者・教育" in edit and "子育て・教育" not in edit

    draft = {"account": world["account"]["pk"], "text": "○○さんの写真です。詳しくは https://bit.ly/x まで。"}
    found = client.post(reverse("screening:api"), draft, content_type="application/json").json()
    advice = {f["code"]: f["message"] for f in found["findings"]}
    assert advice["fuseji"] == "伏せ字は憶測を呼びます。伏せずに書くか、書かないことにしてください。"
    assert advice["shortener"] == "短縮URLはリンク先が分かりません。元のURLを載せてください。"
    assert advice["consent"] == "個人が分かる場合は、本人または団体の同意を得ましたか。"


# What the system itself says of a 市 (never what people typed): a 町 reads 町公式ホームページ, 町民 ….
CITY_WORDS = (
    "市公式ホームページ",
    "市ホームページ",
    "市民の方へ",
    "市の公式アカウント",
    "市の既存",
    "市広報アカウント",
    "市政全般",
    "市のイベント情報",
    "市政一般情報",
)


@pytest.fixture
def a_town(settings, tmp_path, db):
    """架空野市 as a town, 架空野町: the same profile and wording, its kind 町 (derived from its name)."""
    from core.audit import Job
    from komae_sns.city import BUNDLED, MUNICIPAL_WORD, load_profile
    from portal.city_profile import apply_profile

    for path in BUNDLED.parent.glob("kakuuno*.toml"):
        text = path.read_text(encoding="utf-8").replace("架空野市", "架空野町")
        (tmp_path / path.name).write_text(MUNICIPAL_WORD.sub("町", text), encoding="utf-8")
    town = load_profile(tmp_path / "kakuuno.toml")
    settings.CITY, settings.CITY_NAME, settings.CITY_EMAIL_DOMAIN = town, town.name, town.email_domain
    apply_profile(actor=Job.PROFILE_COMMAND, revise_policy_template=True)
    people, world = _build_people_and_world()
    return world, people.__getitem__


def test_a_town_reads_its_own_kind_everywhere(client, a_town):
    """G-4-5-エ, P-7 … and 市公式ホームページ: a 町 adopting the system reads 町 in what the system says."""
    world, people = a_town
    seen = 0
    for person, url_name, text in _crawl(client, world, people):
        found = [word for word in CITY_WORDS if word in text]
        assert not found, f"{person} → {url_name} says {found}"
        seen += 1
    assert seen > 250
    client.logout()
    registry = client.get(reverse("registry:list")).content.decode()
    assert "町の公式アカウントではありません" in registry


def test_a_towns_messages_say_town_too(a_town):
    """What the services say (not only the pages a crawl opens) reads in the town's kind."""
    from django.core.exceptions import ValidationError

    from accounts.models import validate_city_email

    with pytest.raises(ValidationError) as refused:
        validate_city_email("sns@example.com")
    assert "町のドメイン" in refused.value.messages[0]
