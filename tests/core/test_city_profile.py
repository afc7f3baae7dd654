"""The city profile (issue 15): what differs from city to city is read from a TOML file, validated
at start-up, and overridden by the settings of the same meaning."""

import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.urls import reverse

from komae_sns.city import BUNDLED, ImpactLevel, ProfileError, load_profile

ANOTHER_CITY = """
[city]
name = "架空野市"
reading = "かくうのし"
homepage_url = "https://www.city.kakuuno.example.jp/"
email_domain = "city.kakuuno.example.jp"

[guideline]
name = "架空野市SNS運用指針"

[committee]
name = "広報戦略会議"
chair_title = "議長"
member_title = "構成員"

[request_form]
number = "様式第3号"
name = "SNSアカウント開設申請書"

[review]
opens_month = 12

[suspension]
impact_levels = [
  { below = 500, label = "低", notice_days = 14 },
  { label = "高", notice_days = 45 },
]

[policy]
template = "%s"
""" % (BUNDLED.parent / "kakuuno-policy.toml")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "city.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_profile_is_komaes():
    profile = load_profile(BUNDLED)
    assert (profile.name, profile.email_domain, profile.review_opens_month) == ("狛江市", "city.komae.lg.jp", 2)
    assert profile.impact_levels[-1] == ImpactLevel(None, "大", 90)


def test_another_citys_profile_is_read(tmp_path):
    profile = load_profile(_write(tmp_path, ANOTHER_CITY))
    assert profile.name == "架空野市" and profile.guideline_name == "架空野市SNS運用指針"
    # What it leaves out reads as Komae's: the document's name, the 分野, the screening's advice.
    komae = load_profile(BUNDLED)
    assert (profile.policy_name, profile.fields, profile.screening) == (
        komae.policy_name,
        komae.fields,
        komae.screening,
    )
    assert profile.words("運用ポリシー案（P-5）") == "運用ポリシー案（運用ポリシー）"
    assert profile.impact_levels == (ImpactLevel(500, "低", 14), ImpactLevel(None, "高", 45))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("[review]\nopens_month = 12", "[review]\nopens_month = 13"), "[review] opens_month は1〜12の月"),
        (("opens_month = 12", 'opens_month = "12月"'), "[review] opens_month は整数"),
        # Issue 22: the archive's retention is one of the periods of 公文書管理.
        (
            ("[review]\nopens_month = 12", '[archive]\nretention = "7"\n\n[review]\nopens_month = 12'),
            "[archive] retention は",
        ),
        (('name = "架空野市"\n', ""), "[city] name がありません"),
        (('reading = "かくうのし"', 'reading = "かくうのし"\nmayor = "架空 太郎"'), "mayor という設定はありません"),
        (("[guideline]", "[guidelines]"), "[guidelines] という項目はありません"),
        (('reading = "かくうのし"', 'reading = "かくうのし"\nkind = "県"'), "[city] kind は 市・町・村・区 のどれか"),
        (('email_domain = "city.kakuuno.example.jp"', 'email_domain = "sns@kakuuno.jp"'), "[city] email_domain"),
        (('homepage_url = "https://www.city.kakuuno.example.jp/"', 'homepage_url = "www.kakuuno.jp"'), "homepage_url"),
        (('{ label = "高", notice_days = 45 }', '{ below = 900, label = "高", notice_days = 45 }'), "below なし"),
        (("notice_days = 14", 'notice_days = "二週間"'), "notice_days の型が違います"),
        (('name = "架空野市"', 'name = "架空野市'), "TOMLとして読めません"),
    ],
)
def test_a_broken_profile_is_refused_naming_the_key(tmp_path, change, message):
    old, new = change
    assert old in ANOTHER_CITY
    with pytest.raises(ProfileError) as refused:
        load_profile(_write(tmp_path, ANOTHER_CITY.replace(old, new)))
    assert message in str(refused.value)
    assert "city.toml" in str(refused.value)  # which file


def test_a_broken_profile_stops_start_up_and_check_says_why(tmp_path):
    broken = _write(tmp_path, ANOTHER_CITY.replace("opens_month = 12", "opens_month = 0"))
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={"PATH": "/usr/bin:/bin", "CITY_PROFILE": str(broken)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "[review] opens_month は1〜12の月で指定してください" in result.stderr


def test_settings_in_the_environment_override_the_profile(tmp_path):
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'komae_sns.settings'); django.setup();"
        "from django.conf import settings as s;"
        "print(s.CITY_NAME, s.CITY_EMAIL_DOMAIN, s.REVIEW_OPENS_MONTH, s.SUSPENSION_IMPACT_LEVELS)"
    )
    env = {"PATH": "/usr/bin:/bin", "CITY_PROFILE": str(_write(tmp_path, ANOTHER_CITY)), "REVIEW_OPENS_MONTH": "3"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "架空野市 city.kakuuno.example.jp 3 [(500, '低', 14), (None, '高', 45)]", out.stderr


@pytest.mark.django_db
def test_the_public_pages_name_the_profiles_city(client, settings, tmp_path, account_a):
    settings.CITY = load_profile(_write(tmp_path, ANOTHER_CITY))
    settings.CITY_NAME = settings.CITY.name
    page = client.get(reverse("registry:list")).content.decode()
    assert "<title>架空野市 公式SNSアカウント一覧 | 架空野市 公式SNSアカウント管理</title>" in page
    assert "架空野市が運用している公式アカウントです" in page and "架空野市SNS運用指針に基づく" in page
    verdict = client.get(reverse("registry:verify"), {"q": "@nobody_here"}).content.decode()
    assert "架空野市の公式アカウントとして登録されていません" in verdict
    assert client.get(reverse("registry:json")).json()["publisher"] == "架空野市"
    assert "架空野市公式SNSアカウント一覧.csv" in unquote(client.get(reverse("registry:csv"))["Content-Disposition"])
    for body in (page, verdict):
        assert "狛江" not in body


@pytest.mark.django_db
def test_the_committee_and_the_request_form_are_named_as_the_profile_says(
    client, another_city, staff_a, head_a, member
):
    """The committee's roles, the submission and the printed form use the other city's words."""
    import io

    from pypdf import PdfReader

    from approvals import services
    from tests.factories import complete_request_fields

    draft = services.request_create(actor=staff_a, fields=complete_request_fields(head_a))
    client.force_login(head_a)
    detail = client.get(reverse("approvals:detail", args=[draft.pk])).content.decode()
    assert "様式第3号をPDFで見る" in detail and "SNSアカウント開設申請書（様式第3号）" in detail
    response = client.post(reverse("approvals:submit", args=[draft.pk]), follow=True)
    assert "として広報戦略会議に提出しました" in response.content.decode()

    client.force_login(member)
    assert "広報戦略会議 構成員" in client.get("/").content.decode()
    pdf = client.get(reverse("approvals:form4_pdf", args=[draft.pk]))
    form = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()  # the draft 運用ポリシー follows
    assert "SNSアカウント開設申請書" in form and "様式第3号" in form and "広報戦略会議議長" in form
    assert "行政情報化推進委員会" not in form and "第４号様式" not in form


def test_the_screening_finds_addresses_in_the_profiles_city(another_city):
    """G-4-4-ア: an address down to the 番地 in the other city is personal data too."""
    from screening.rules import personal_data

    assert [f.code for f in personal_data("架空野市中央二丁目3番1号の方")] == ["address"]
    assert [f.code for f in personal_data("北海道架空野市中央二丁目3番1号")] == ["address"]


@pytest.mark.django_db
def test_the_policy_names_the_account_with_the_profiles_city(another_city, account_a):
    from policies.models import PolicyTemplate
    from policies.services import policy_values

    values = policy_values(account_a, PolicyTemplate.objects.first())
    assert values["名称"].startswith("架空野市") and "狛江" not in values["名称"]


POLICY = (BUNDLED.parent / "kakuuno-policy.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("{市名}{課名}が", "{市長名}{課名}が"), "差込項目 {市長名} はありません"),
        (("number = 2\n", "number = 3\n"), "第1条から順に並べてください"),
        (('heading = "定義"\n', ""), "number・heading・body を指定してください"),
        (('restrict_reply = "個別の投稿への返信"\n', ""), "[restriction_items] には restrict_follow"),
        (('title = "{名称}運用方針"', 'titel = "{名称}運用方針"'), "titel という設定はありません"),
    ],
)
def test_a_broken_policy_template_is_refused_naming_the_problem(tmp_path, change, message):
    old, new = change
    assert old in POLICY
    (tmp_path / "policy.toml").write_text(POLICY.replace(old, new), encoding="utf-8")
    profile = ANOTHER_CITY.replace(str(BUNDLED.parent / "kakuuno-policy.toml"), "policy.toml")
    with pytest.raises(ProfileError) as refused:
        load_profile(_write(tmp_path, profile))
    assert message in str(refused.value) and "policy.toml" in str(refused.value)


@pytest.mark.parametrize(
    ("addition", "message"),
    [
        ('[guideline.clauses]\n"G-4-9-ア" = "第9条"\n', "G-4-9-ア は画面で引用する条項ではありません"),
        ('[[platforms]]\ncode = "mastodon"\nname = "Mastodon"\n', "hosts がありません"),
        (
            '[[platforms]]\ncode = "m"\nname = "M"\nhosts = "m.example"\nprofile_url_template = "https://m.example/"\n',
            "{handle} を含む https のURL",
        ),
        ('[demo]\nfile = "nowhere.toml"\n', "[demo] file"),
        ('[accounts.fields]\nharbour = "港湾"\n', "[accounts.fields] harbour という分野はありません"),
        ("[accounts.fields]\n", "[accounts.fields] には分野を一つ以上"),
        ('[accounts.fields]\ngeneral = ""\n', "[accounts.fields] general は空でない文字列"),
        ('[accounts]\nfields = "市政"\n', "[accounts] fields は表"),
        ('[accounts]\nbunya = ["市政"]\n', "[accounts] bunya という設定はありません"),
        ('[screening]\nspam = "宣伝です。"\n', "[screening] spam という設定はありません"),
        ('[screening]\nlength = "{件数}文字を超えています。"\n', "[screening] length の差込項目 {件数} はありません"),
    ],
)
def test_clauses_platforms_and_the_demo_file_are_checked(tmp_path, addition, message):
    with pytest.raises(ProfileError) as refused:
        load_profile(_write(tmp_path, ANOTHER_CITY + addition))
    assert message in str(refused.value)


def test_the_shipped_second_city_differs_in_every_respect():
    """架空野市 (issue 15): another committee, form, numbering, review month, levels, SNS, wording, people."""
    komae, other = load_profile(BUNDLED), load_profile(BUNDLED.parent / "kakuuno.toml")
    for field in ("name", "guideline_name", "committee_name", "committee_chair_title", "form_number"):
        assert getattr(komae, field) != getattr(other, field), field
    assert other.review_opens_month != komae.review_opens_month and other.impact_levels != komae.impact_levels
    assert other.clause("G-4-5-エ") == "運用指針第11条" and komae.clause("G-4-5-エ") == "ガイドライン４(5)エ"
    assert [p["code"] for p in other.platforms] == ["pinterest"]
    assert (komae.policy_name, other.policy_name) == ("運用ポリシー", "運用方針")
    assert other.clause("P-9") == "運用方針" and komae.clause("P-9") == "運用ポリシー"  # a clause left unlabelled
    assert other.fields != komae.fields and "town" not in other.fields
    assert other.advice("length", 文字数="150文字", 上限=140) == "文字数が上限を超えています（150文字、上限140文字）。"
    assert komae.advice("length", 文字数="150文字", 上限=140) == "長すぎます：150文字。上限は140文字です。"
    assert other.advice("phone") == komae.advice("phone")  # left out: the system's own words
    assert other.policy.articles[0][1] != komae.policy.articles[0][1]
    departments = {d["name"] for city in (komae, other) for d in city.demo["departments"]}
    assert len(departments) > len(komae.demo["departments"])
    profile_text = "".join(p.read_text(encoding="utf-8") for p in BUNDLED.parent.glob("kakuuno*.toml"))
    assert "狛江" not in profile_text and "こまえ" not in profile_text


def test_another_citys_embedded_data_lives_apart():
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'komae_sns.settings'); django.setup();"
        "from django.conf import settings as s; print(s.VAR_DIR.name, s.DATABASES['default']['NAME'])"
    )
    env = {"PATH": "/usr/bin:/bin", "CITY_PROFILE": str(BUNDLED.parent / "kakuuno.toml")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split()[0] == "kakuuno" and out.stdout.split()[1].endswith("var/kakuuno/db.sqlite3"), out.stderr


@pytest.mark.django_db
def test_apply_city_profile_adds_what_is_missing_and_keeps_what_was_edited(another_city, settings):
    """The profile's SNS and template reach the database; an edited template is left alone unless the
    operator asks for the profile's text as its next revision (audited)."""
    from io import StringIO

    from django.core.management import call_command

    from accounts.models import Platform
    from core.models import AuditEvent
    from policies.models import PolicyTemplate

    out = StringIO()
    call_command("apply_city_profile", stdout=out)
    assert Platform.objects.get(code="pinterest").post_word == "ピン"
    template = PolicyTemplate.objects.get(platform__isnull=True)
    assert "変更していません" in out.getvalue() and template.title == "{名称}アカウント運用ポリシー"  # Komae's, kept

    Platform.objects.filter(code="pinterest").update(name="Pinterest（編集済み）")
    out = StringIO()
    call_command("apply_city_profile", "--policy-template", stdout=out)
    assert Platform.objects.get(code="pinterest").name == "Pinterest（編集済み）"
    template.refresh_from_db()
    assert (template.title, template.revision) == ("{名称}運用方針", 2)
    assert [a.heading for a in template.articles.all()][:2] == ["趣旨", "定義"]
    assert template.revisions.get(revision=1).title == "{名称}アカウント運用ポリシー"  # the history stays
    from_profile = AuditEvent.objects.filter(action=AuditEvent.Action.FROM_PROFILE)
    assert [e.actor_job for e in from_profile] == [AuditEvent.Job.PROFILE_COMMAND] * 2
    out = StringIO()
    call_command("apply_city_profile", stdout=out)
    assert "プロファイルと同じです" in out.getvalue() and "登録済みです" in out.getvalue()


@pytest.mark.django_db
def test_a_demo_file_with_a_wrong_reference_is_refused_by_name(settings):
    import dataclasses

    from django.core.management import CommandError, call_command

    demo = dict(settings.CITY.demo)
    demo["accounts"] = [{**demo["accounts"][0], "department": "999"}]
    settings.CITY = dataclasses.replace(settings.CITY, demo=demo)
    with pytest.raises(CommandError, match="department 999 が departments の課にありません"):
        call_command("seed_demo", force=True)
    settings.CITY = dataclasses.replace(settings.CITY, demo=None)
    with pytest.raises(CommandError, match=r"\[demo\] file がありません"):
        call_command("seed_demo", force=True)


def test_check_names_what_is_wrong_in_the_demo_file(tmp_path):
    for path in BUNDLED.parent.glob("kakuuno*.toml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    demo = tmp_path / "kakuuno-demo.toml"
    demo.write_text(demo.read_text(encoding="utf-8").replace('status = "closed"', 'status = "deleted"'), "utf-8")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={"PATH": "/usr/bin:/bin", "CITY_PROFILE": str(tmp_path / "kakuuno.toml")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "accounts の note:kakuuno_library の status は preparing, active" in result.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: {**d, "departments": [{"name": "コードのない部", "sections": [{"name": "課"}]}]}, "形式が違います"),
        (lambda d: {**d, "request": {**d["request"], "manager": "nobody"}}, "[request] manager は users"),
        (lambda d: {**d, "incident": {**d["incident"], "account": "x:nobody"}}, "[incident] account は accounts"),
    ],
)
def test_a_demo_file_of_the_wrong_shape_is_refused_not_crashed(settings, change, message):
    import dataclasses

    from portal.city_profile import DemoError, demo_organisation

    settings.CITY = dataclasses.replace(settings.CITY, demo=change(settings.CITY.demo))
    with pytest.raises(DemoError) as refused:
        demo_organisation()
    assert message in str(refused.value)


def test_every_clause_the_screens_cite_has_a_label_in_both_shipped_profiles():
    """A clause cited by a template ({% clause %}) or the code (.clause(…), cited text) is one the
    profiles label; otherwise it would read as the bare guideline name."""
    import re

    from komae_sns.city import CLAUSE_ID, CLAUSES

    root = BUNDLED.parents[2]
    cited = set()
    for path in [*root.glob("templates/**/*.html"), *root.glob("*/templates/**/*.html")]:
        cited |= set(re.findall(r'\{% clause "([^"]+)" %\}', path.read_text(encoding="utf-8")))
    for path in root.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        cited |= set(re.findall(r"\.clause\(['\"]([^'\"]+)['\"]\)", source))
        for call in re.findall(r"cited\((f?\"[^)]*)\)", source):
            cited |= {m.replace("/", "・") for m in CLAUSE_ID.findall(call)}
    parts = {part for ref in cited for part in ([ref] if ref in CLAUSES else ref.split("・"))}
    assert len(parts) > 15 and parts <= set(CLAUSES), parts - set(CLAUSES)
    for profile in (load_profile(BUNDLED), load_profile(BUNDLED.parent / "kakuuno.toml")):
        assert set(profile.clause_labels) == set(CLAUSES), set(CLAUSES) - set(profile.clause_labels)


@pytest.mark.django_db
def test_the_placeholders_a_template_may_use_are_the_ones_a_policy_fills(account_a):
    from accounts.models import ContentCategory
    from komae_sns.city import CONTENT_CATEGORIES, POLICY_PLACEHOLDERS
    from policies.models import PolicyTemplate
    from policies.services import policy_values

    assert set(policy_values(account_a, PolicyTemplate.objects.first())) == set(POLICY_PLACEHOLDERS)
    assert set(CONTENT_CATEGORIES) == set(ContentCategory.values)


def test_the_fields_a_profile_may_name_are_the_ones_a_record_stores():
    """[accounts.fields] names accounts.models.Field's values; left out, they read as the model's labels."""
    from accounts.models import Field
    from komae_sns.city import FIELDS

    assert FIELDS == dict(Field.choices)


# --- hostile files (issue 20): every file a profile names is bounded in size and depth ---------------


def _check(profile: Path) -> subprocess.CompletedProcess:
    """`manage.py check` with the profile, as a city's start-up reads it (a hang is a failure too)."""
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={"PATH": "/usr/bin:/bin", "CITY_PROFILE": str(profile)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_arrays_nested_beyond_reason_are_refused_naming_the_file_and_key(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    profile = _write(tmp_path, ANOTHER_CITY.replace("impact_levels = [\n", f"impact_levels = [\n  {deep},\n"))
    result = _check(profile)
    assert result.returncode != 0 and "RecursionError" not in result.stderr
    assert f"CITY_PROFILE（{profile}）：[suspension] impact_levels の入れ子が深すぎます" in result.stderr


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("x = " + "{ a = " * 5000 + "1" + " }" * 5000, "x"),  # inline tables
        ('[incident]\nnote = "[[[[ in a string, not nested ]]]]"\nx = ' + "[" * 5000 + "]" * 5000, "[incident] x"),
        ("a" + ".a" * 5000 + " = 1", "a.a.a.a"),  # dotted keys nest without a bracket
        ("[" + ".".join(["t"] * 5000) + "]\nk = 1", "t.t.t.t"),
    ],
)
def test_a_demo_file_nested_beyond_reason_is_refused_naming_the_file_and_key(tmp_path, text, key):
    demo = tmp_path / "demo.toml"
    demo.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as refused:
        load_profile(_write(tmp_path, ANOTHER_CITY + '[demo]\nfile = "demo.toml"\n'))
    said = str(refused.value)
    assert f"[demo] file（{demo}）" in said and key in said and "入れ子が深すぎます" in said


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_a_demo_file_that_is_not_a_regular_file_is_refused_at_once(tmp_path, special):
    import os

    if special == "fifo":
        special = str(tmp_path / "fifo")
        os.mkfifo(special)
    result = _check(_write(tmp_path, ANOTHER_CITY + f'[demo]\nfile = "{special}"\n'))
    assert result.returncode != 0 and "MemoryError" not in result.stderr
    assert f"[demo] file（{special}）：通常のファイルではありません" in result.stderr


def test_a_file_too_large_is_refused_naming_the_key(tmp_path):
    from komae_sns.city import MAX_FILE_BYTES

    policy = tmp_path / "policy.toml"
    text = (BUNDLED.parent / "kakuuno-policy.toml").read_text(encoding="utf-8")
    policy.write_text(text + "#" * (MAX_FILE_BYTES - len(text.encode())) + "\n", encoding="utf-8")
    profile = _write(tmp_path, ANOTHER_CITY.replace(str(BUNDLED.parent / "kakuuno-policy.toml"), str(policy)))
    with pytest.raises(ProfileError) as refused:
        load_profile(profile)
    assert f"[policy] template（{policy}）：大きすぎます" in str(refused.value)
    policy.write_text(text + "#" * (MAX_FILE_BYTES - len(text.encode()) - 1) + "\n", encoding="utf-8")
    assert load_profile(profile).policy.path == policy  # up to the limit is read
    profile.write_text(ANOTHER_CITY + "#" * MAX_FILE_BYTES, encoding="utf-8")
    with pytest.raises(ProfileError, match=r"CITY_PROFILE（.*city\.toml）：大きすぎます"):
        load_profile(profile)
