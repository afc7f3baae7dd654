"""Issue 24: the API through its OpenAPI document — every documented operation exercised with valid
input, and each answer valid against the schema the document gives for its status."""

import pytest
from django.test import Client
from jsonschema import Draft202012Validator

from monitoring import incidents
from tests.api.conftest import bearer, make_token
from tests.archive.made import at, keep_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(head_a, account_a):
    keep_post(account_a, "p1", "防災訓練のお知らせ", at(2026, 9, 1))
    incident = incidents.incident_open(account_id=account_a.pk, actor=head_a, kind="hijack", title="心当たりのない投稿")
    _, text = make_token(head_a)
    return {"account": account_a, "incident": incident, "token": text}


def _calls(world) -> dict[tuple[str, str], dict]:
    """Valid input for each operation: (path as documented, method) → query, JSON body or path values."""
    account, incident = world["account"], world["incident"]
    return {
        ("/api/v1/registry/accounts", "get"): {},
        ("/api/v1/registry/verify", "get"): {"query": {"q": account.profile_url}},
        ("/api/v1/screening", "post"): {"json": {"text": "詳しくは ○○ まで", "account": account.pk}},
        ("/api/v1/screening/accounts", "get"): {},
        ("/api/v1/archive/posts", "get"): {"query": {"q": "防災", "from": "2026-04-01", "to": "2027-03-31"}},
        ("/api/v1/archive/export", "post"): {"json": {"account": account.pk, "format": "csv"}},
        ("/api/v1/incidents", "get"): {"query": {"status": "all"}},
        ("/api/v1/incidents/{incident_id}", "get"): {"path": {"incident_id": incident.pk}},
    }


def _validate(document, schema, instance):
    Draft202012Validator({**schema, "components": document["components"]}).validate(instance)


def _answer_schema(operation, status: int, content_type: str):
    documented = operation["responses"].get(str(status))
    assert documented, f"status {status} is not documented"
    media = content_type.split(";")[0].strip()
    assert media in documented["content"], f"{media} is not a documented answer of {status}"
    return documented["content"][media]["schema"], media


def test_every_documented_operation_answers_as_documented(world):
    client = Client(enforce_csrf_checks=True)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    calls = _calls(world)
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert documented == set(calls), "an operation without a call here, or a call of an undocumented one"
    for (path, method), call in calls.items():
        operation = document["paths"][path][method]
        url = path.format(**call.get("path", {}))
        if "json" in call:
            request_schema = operation["requestBody"]["content"]["application/json"]["schema"]
            _validate(document, request_schema, call["json"])
            answer = client.post(url, call["json"], content_type="application/json", **bearer(world["token"]))
        else:
            answer = client.get(url, call.get("query", {}), **bearer(world["token"]))
        assert answer.status_code == 200, (path, answer.content[:300])
        schema, media = _answer_schema(operation, 200, answer["Content-Type"])
        if media == "application/json":
            _validate(document, schema, answer.json())
        else:
            assert b"".join(answer.streaming_content)
        # Each refusal is documented, in its documented shape: 401 without the token.
        refused = client.get(url) if method == "get" else client.post(url, {}, content_type="application/json")
        assert refused.status_code == 401
        schema, _ = _answer_schema(operation, 401, refused["Content-Type"])
        _validate(document, schema, refused.json())


def test_the_documented_refusals_have_the_documented_shape(world, staff_b):
    client = Client()
    document = client.get("/api/v1/openapi.json").json()
    _, narrow = make_token(staff_b, scopes=["registry"])
    cases = [
        ("/api/v1/registry/verify", "get", client.get("/api/v1/registry/verify", **bearer(world["token"])), 400),
        ("/api/v1/incidents", "get", client.get("/api/v1/incidents", **bearer(narrow)), 403),
        (
            "/api/v1/incidents/{incident_id}",
            "get",
            client.get(f"/api/v1/incidents/{world['incident'].pk}", **bearer(_own(staff_b))),
            404,
        ),
        (
            "/api/v1/screening",
            "post",
            client.post("/api/v1/screening", {"text": ""}, content_type="application/json", **bearer(world["token"])),
            400,
        ),
    ]
    for path, method, answer, status in cases:
        assert answer.status_code == status, (path, answer.content)
        schema, _ = _answer_schema(document["paths"][path][method], status, answer["Content-Type"])
        _validate(document, schema, answer.json())


def _own(person) -> str:
    return make_token(person, scopes=["incidents:read"], name="インシデント閲覧")[1]


def test_the_docs_are_served_by_the_app(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    assert "/api/v1/openapi.json" in html
