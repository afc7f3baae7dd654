"""The public warning list of impersonators (issue 23, P-7-2): on /registry/, in its JSON and CSV, as an
Atom feed, and as the answer of /registry/verify — and what stays when the platform removes one."""

import csv
import io
from xml.etree import ElementTree

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.impersonations import impersonation_confirm, impersonation_gone, impersonation_withdraw
from accounts.models import Impersonation
from core.audit import Job
from core.errors import TransitionError
from core.models import AuditEvent
from tests.factories import platform

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def fake(pr_account, security_officer):
    return impersonation_confirm(
        platform=platform("x"),
        handle="komae_c1ty",
        display_name="狛江市【公式】",
        profile_url="https://x.com/komae_c1ty",
        platform_account_id="998877",
        imitates=pr_account,
        actor=security_officer,
    )


def verify_json(client, query):
    return client.get(reverse("registry:verify"), {"q": query}, HTTP_ACCEPT="application/json").json()


def test_verify_answers_an_impersonator_with_the_facts_and_never_official(client, fake, pr_account):
    data = verify_json(client, "https://x.com/komae_c1ty")
    assert data["result"] == "impersonation" and data["official"] is False
    (entry,) = data["impersonations"]
    assert entry["handle"] == "@komae_c1ty" and entry["display_name"] == "狛江市【公式】"
    assert entry["imitates"]["handle"] == f"@{pr_account.handle}"
    assert entry["confirmed_on"] == str(timezone.localdate()) and entry["gone"] is False
    assert "なりすまし" in data["message"] and pr_account.display_name in data["message"]
    # By the bare @handle too, whatever its case.
    assert verify_json(client, "@KOMAE_C1TY")["result"] == "impersonation"
    # The same handle on another platform is not the one the city confirmed.
    assert verify_json(client, "https://bsky.app/profile/komae_c1ty")["result"] == "not_found"


def test_an_impersonator_renamed_is_still_known_by_its_permanent_id(client, pr_account, security_officer):
    impersonation_confirm(
        platform=platform("bluesky"),
        handle="komae-city-official.bsky.social",
        display_name="狛江市",
        profile_url="https://bsky.app/profile/komae-city-official.bsky.social",
        platform_account_id="did:plc:fake0000000000000000000",
        imitates=pr_account,
        actor=security_officer,
    )
    data = verify_json(client, "https://bsky.app/profile/did:plc:fake0000000000000000000")
    assert data["result"] == "impersonation"


def test_verify_page_warns_and_points_to_the_real_account(client, fake, pr_account):
    page = client.get(reverse("registry:verify"), {"q": "https://x.com/komae_c1ty"}).content.decode()
    assert "確認したなりすましアカウントです" in page and "verdict-danger" in page
    assert pr_account.profile_url in page  # the real one is linked …
    assert 'href="https://x.com/komae_c1ty"' not in page  # … the fake is never


def test_the_citys_own_registry_always_wins(client, fake, pr_account):
    assert verify_json(client, pr_account.profile_url)["result"] == "official"


@pytest.mark.smoke  # also on the embedded defaults (SQLite)
def test_the_registry_json_csv_and_feed_carry_the_warning_list(client, fake):
    page = client.get(reverse("registry:list")).content.decode()
    assert "なりすましにご注意ください" in page and "komae_c1ty" in page
    assert 'href="https://x.com/komae_c1ty"' not in page
    data = client.get(reverse("registry:json")).json()
    assert [e["handle"] for e in data["impersonations"]] == ["@komae_c1ty"]
    body = client.get(reverse("registry:warnings_csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:2] == ["SNS", "ユーザー名"] and rows[1][1] == "komae_c1ty" and rows[1][-1] == "確認時点で存在"
    feed = client.get(reverse("registry:warnings_atom"))
    assert feed["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(feed.content)
    (entry,) = root.findall(f"{ATOM}entry")
    assert "komae_c1ty" in entry.find(f"{ATOM}title").text
    assert "なりすまし" in entry.find(f"{ATOM}summary").text


def test_a_removed_impersonator_says_so_and_stays_in_the_history(client, fake):
    impersonation_gone(entry_id=fake.pk, actor=Job.DISCOVERY, how="アカウントが見つかりません")
    data = verify_json(client, "https://x.com/komae_c1ty")
    assert data["result"] == "impersonation" and data["impersonations"][0]["gone"] is True
    assert "削除されたことを確認" in data["message"]
    page = client.get(reverse("registry:list")).content.decode()
    assert "削除を確認" in page
    feed = ElementTree.fromstring(client.get(reverse("registry:warnings_atom")).content)
    assert "削除を確認" in feed.find(f"{ATOM}entry").find(f"{ATOM}title").text
    gone_at = Impersonation.objects.get().gone_at
    impersonation_gone(entry_id=fake.pk, actor=Job.DISCOVERY)  # found gone again: the first time stays
    assert Impersonation.objects.get().gone_at == gone_at
    assert AuditEvent.objects.for_object(fake).filter(action=AuditEvent.Action.WARNING_GONE).count() == 1


def test_a_withdrawn_entry_leaves_the_public_list_with_its_reason_kept(client, fake, security_officer):
    with pytest.raises(TransitionError, match="理由"):
        impersonation_withdraw(entry_id=fake.pk, actor=security_officer, reason="  ")
    impersonation_withdraw(entry_id=fake.pk, actor=security_officer, reason="他団体の公式と判明")
    assert verify_json(client, "https://x.com/komae_c1ty")["result"] == "not_found"
    assert client.get(reverse("registry:json")).json()["impersonations"] == []
    assert Impersonation.objects.get().withdrawn_reason == "他団体の公式と判明"
    with pytest.raises(TransitionError, match="すでに取り消されています"):
        impersonation_withdraw(entry_id=fake.pk, actor=security_officer, reason="二度目")


def test_confirming_the_same_account_twice_lists_it_once(fake, pr_account, security_officer):
    again = impersonation_confirm(
        platform=platform("x"),
        handle="Komae_C1ty",
        display_name="別の名前",
        profile_url="",
        platform_account_id="",
        imitates=pr_account,
        actor=security_officer,
    )
    assert again.pk == fake.pk and Impersonation.objects.count() == 1


def test_the_database_keeps_what_was_confirmed(fake):
    with pytest.raises(IntegrityError), transaction.atomic():
        Impersonation.objects.filter(pk=fake.pk).update(handle="other")
    with pytest.raises(IntegrityError), transaction.atomic():
        Impersonation.objects.filter(pk=fake.pk)._raw_delete(Impersonation.objects.db)


def test_hostile_names_are_escaped_and_isolated(client, pr_account, security_officer):
    impersonation_confirm(
        platform=platform("x"),
        handle="komae_evil",
        display_name="<script>alert(1)</script>\u202e市江狛",
        profile_url="https://x.com/komae_evil",
        platform_account_id="",
        imitates=pr_account,
        actor=security_officer,
    )
    page = client.get(reverse("registry:list")).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert '<span dir="auto">&lt;script&gt;' in page  # bidi isolated by its own element
    ElementTree.fromstring(client.get(reverse("registry:warnings_atom")).content)  # still well-formed
