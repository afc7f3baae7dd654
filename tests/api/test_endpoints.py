"""Issue 24: the endpoints answer as the person's own pages do — same findings, same visibility."""

import pytest
from django.conf import settings

from core.audit import ActorKind
from core.models import AuditEvent
from monitoring import incidents
from screening import services as screening
from tests.api.conftest import bearer, make_token
from tests.archive.made import at, keep_post
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_the_screening_gives_the_pages_findings(api_client, staff_a, account_a):
    _, text = make_token(staff_a, scopes=["screening"])
    draft = "詳しくは ○○ まで。電話 03-1234-5678"
    response = api_client.post(
        "/api/v1/screening", {"text": draft, "account": account_a.pk}, content_type="application/json", **bearer(text)
    )
    assert response.status_code == 200
    expected = [f.as_dict() for f in screening.screen_draft(account=account_a, text=draft)]
    got = response.json()["findings"]
    assert [{k: f[k] for k in expected[0]} for f in got] == expected and expected
    assert all(f["clause_label"] == settings.CITY.clause(f["clause"]) for f in got)


def test_the_screening_of_another_sections_account_is_refused(api_client, staff_b, account_a):
    _, text = make_token(staff_b, scopes=["screening"])
    response = api_client.post(
        "/api/v1/screening",
        {"text": "お知らせ", "account": account_a.pk},
        content_type="application/json",
        **bearer(text),
    )
    assert response.status_code == 403
    response = api_client.post(
        "/api/v1/screening", {"text": "お知らせ", "account": 999999}, content_type="application/json", **bearer(text)
    )
    assert response.status_code == 400 and response.json()["field"] == "account"


def test_the_screening_without_an_account_uses_the_platforms_length(api_client, staff_a):
    _, text = make_token(staff_a, scopes=["screening"])
    long = "あ" * 200
    loose = api_client.post("/api/v1/screening", {"text": long}, content_type="application/json", **bearer(text))
    on_x = api_client.post(
        "/api/v1/screening", {"text": long, "platform": "x"}, content_type="application/json", **bearer(text)
    )
    assert "length" not in [f["code"] for f in loose.json()["findings"]]
    assert "length" in [f["code"] for f in on_x.json()["findings"]]


def _incident(account, actor):
    return incidents.incident_open(account_id=account.pk, actor=actor, kind="hijack", title="心当たりのない投稿")


def test_a_person_of_another_section_cannot_read_its_incidents(
    api_client, head_a, staff_b, account_a, security_officer
):
    incident = _incident(account_a, head_a)
    _, own = make_token(head_a, scopes=["incidents:read"])
    _, other = make_token(staff_b, scopes=["incidents:read"])
    _, officer = make_token(security_officer, scopes=["incidents:read"])
    assert [i["id"] for i in api_client.get("/api/v1/incidents", **bearer(own)).json()["incidents"]] == [incident.pk]
    assert api_client.get("/api/v1/incidents", **bearer(other)).json()["incidents"] == []
    assert api_client.get(f"/api/v1/incidents/{incident.pk}", **bearer(other)).status_code == 404
    detail = api_client.get(f"/api/v1/incidents/{incident.pk}", **bearer(officer)).json()
    assert detail["title"] == "心当たりのない投稿" and detail["steps"]


def test_a_person_of_another_section_cannot_search_or_export_its_archive(api_client, staff_b, account_a, staff_a):
    keep_post(account_a, "p1", "防災訓練のお知らせ", at(2026, 9, 1))
    _, own = make_token(staff_a, scopes=["archive"])
    _, other = make_token(staff_b, scopes=["archive"])
    found = api_client.get("/api/v1/archive/posts?q=防災", **bearer(own)).json()
    assert [p["post_id"] for p in found["posts"]] == ["p1"]
    assert api_client.get("/api/v1/archive/posts?q=防災", **bearer(other)).json()["posts"] == []
    assert api_client.get(f"/api/v1/archive/posts?account={account_a.pk}", **bearer(other)).status_code == 403
    before = AuditEvent.objects.count()
    response = api_client.post(
        "/api/v1/archive/export", {"account": account_a.pk}, content_type="application/json", **bearer(other)
    )
    assert response.status_code == 403 and AuditEvent.objects.count() == before


def test_a_contractor_reads_but_does_not_export(api_client, contractor, account_a):
    account_a.contractors.add(contractor)
    keep_post(account_a, "p1", "防災訓練のお知らせ", at(2026, 9, 1))
    _, text = make_token(contractor, scopes=["archive"])
    assert len(api_client.get("/api/v1/archive/posts", **bearer(text)).json()["posts"]) == 1
    response = api_client.post(
        "/api/v1/archive/export", {"account": account_a.pk}, content_type="application/json", **bearer(text)
    )
    assert response.status_code == 403 and "市の職員" in response.json()["error"]


def test_an_export_through_a_token_is_audited_with_the_token_as_actor(api_client, head_a, account_a):
    keep_post(account_a, "p1", "防災訓練のお知らせ", at(2026, 9, 1))
    token, text = make_token(head_a, scopes=["archive"])
    response = api_client.post(
        "/api/v1/archive/export",
        {"account": account_a.pk, "from": "2026-04-01", "to": "2027-03-31", "format": "csv"},
        content_type="application/json",
        **bearer(text),
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "防災訓練のお知らせ" in b"".join(response.streaming_content).decode("utf-8-sig")
    event = AuditEvent.objects.get(action=AuditEvent.Action.POSTS_EXPORTED)
    assert (event.actor_kind, event.actor_token, event.actor) == (ActorKind.API_TOKEN, token.prefix, head_a)


def test_the_registry_lists_the_public_accounts_and_verifies(api_client, staff_a, account_a):
    AccountFactory(department=account_a.department, handle="komae_closed", status="closed")
    _, text = make_token(staff_a, scopes=["registry"])
    listed = api_client.get("/api/v1/registry/accounts", **bearer(text)).json()
    assert [a["handle"] for a in listed["accounts"]] == ["@komae_kodomo"]
    verdict = api_client.get(f"/api/v1/registry/verify?q={account_a.profile_url}", **bearer(text)).json()
    assert verdict["result"] == "official" and verdict["official"] is True
