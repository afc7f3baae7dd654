"""Issue 24: what the API answers a request that may not act — each refusal clear, JSON, and nothing changed."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from api.models import ApiToken
from core.models import AuditEvent
from tests.api.conftest import bearer, make_token

pytestmark = pytest.mark.django_db

ACCOUNTS = "/api/v1/registry/accounts"


def _refusal(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    return response.json()["error"]


def test_no_token_is_401_with_the_realm(api_client):
    response = api_client.get(ACCOUNTS)
    assert "APIトークンが必要です" in _refusal(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="komae-sns"'
    # Another scheme is no token either.
    response = api_client.get(ACCOUNTS, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")
    assert _refusal(response, 401) and response["WWW-Authenticate"] == 'Bearer realm="komae-sns"'


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "形式が正しくありません"),
        ("abc", "形式が正しくありません"),
        ("ksns_zzzzzzzz_" + "a" * 43, "形式が正しくありません"),
        ("ksns_0123abcd_" + "a" * 43, "トークンが正しくありません"),
    ],
)
def test_a_malformed_or_wrong_token_is_401_invalid_token(api_client, staff_a, value, message):
    make_token(staff_a)
    response = api_client.get(ACCOUNTS, HTTP_AUTHORIZATION=f"Bearer {value}")
    assert message in _refusal(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="komae-sns", error="invalid_token"'


def test_a_token_with_its_prefix_but_another_secret_is_wrong(api_client, staff_a):
    _, text = make_token(staff_a)
    forged = text[:-4] + ("AAAA" if not text.endswith("AAAA") else "BBBB")
    assert _refusal(api_client.get(ACCOUNTS, **bearer(forged)), 401) == "トークンが正しくありません。"


def test_an_expired_token_is_401(api_client, staff_a):
    token, text = make_token(staff_a, days=1)
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        response = api_client.get(ACCOUNTS, **bearer(text))
    assert _refusal(response, 401) == "このトークンは有効期限が切れています。"
    token.refresh_from_db()
    assert token.last_used_at is None  # a refused token's use is not recorded


def test_a_token_whose_owner_left_is_401(api_client, staff_a):
    _, text = make_token(staff_a)
    staff_a.is_active = False
    staff_a.save()
    assert _refusal(api_client.get(ACCOUNTS, **bearer(text)), 401) == "このトークンの利用者は無効になっています。"


def test_a_token_without_the_scope_is_403_and_changes_nothing(api_client, head_a, account_a):
    _, text = make_token(head_a, scopes=["registry"])
    before = AuditEvent.objects.count()
    response = api_client.post(
        "/api/v1/archive/export",
        {"account": account_a.pk, "format": "csv"},
        content_type="application/json",
        **bearer(text),
    )
    assert "範囲「archive」" in _refusal(response, 403)
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    assert AuditEvent.objects.count() == before
    for path in ("/api/v1/incidents", "/api/v1/screening/accounts", "/api/v1/archive/posts"):
        assert _refusal(api_client.get(path, **bearer(text)), 403)


def test_a_token_acts_within_its_owners_rights(api_client, member, account_a):
    """The committee sees every account but posts on none: its token cannot screen, whatever its scopes."""
    _, text = make_token(member)
    response = api_client.post(
        "/api/v1/screening", {"text": "こんにちは"}, content_type="application/json", **bearer(text)
    )
    assert "投稿前チェックを使えるのは" in _refusal(response, 403)


def test_too_many_requests_is_429_with_retry_after(api_client, staff_a, settings):
    settings.API_RATE_LIMIT, settings.API_RATE_SECONDS = 2, 60
    _, text = make_token(staff_a)
    assert api_client.get(ACCOUNTS, **bearer(text)).status_code == 200
    assert api_client.get(ACCOUNTS, **bearer(text)).status_code == 200
    response = api_client.get(ACCOUNTS, **bearer(text))
    assert "リクエストが多すぎます" in _refusal(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another token has its own budget.
    _, other = make_token(staff_a, name="別のツール")
    assert api_client.get(ACCOUNTS, **bearer(other)).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": 3}, "text"),
        ({"text": "x" * 10_001}, "text"),
        ({"text": "お知らせ", "account": "abc"}, "account"),
        ({"text": "お知らせ", "account": 0}, "account"),
        ({"text": "お知らせ", "platform": "myspace"}, "platform"),
        ({"text": "お知らせ", "colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_400_naming_the_field(api_client, staff_a, account_a, body, field):
    _, text = make_token(staff_a)
    response = api_client.post("/api/v1/screening", body, content_type="application/json", **bearer(text))
    assert _refusal(response, 400)
    assert response.json()["field"] == field and field in response.json()["fields"]


def test_a_body_that_is_not_json_is_400(api_client, staff_a):
    _, text = make_token(staff_a)
    response = api_client.post("/api/v1/screening", "{text: ", content_type="application/json", **bearer(text))
    assert _refusal(response, 400) == "リクエストの本文をJSONとして読めません。"
    response = api_client.post("/api/v1/screening", ["x"], content_type="application/json", **bearer(text))
    assert _refusal(response, 400)


def test_bad_query_parameters_name_the_field(api_client, staff_a):
    _, text = make_token(staff_a)
    assert api_client.get("/api/v1/registry/verify", **bearer(text)).json()["field"] == "q"
    assert api_client.get("/api/v1/archive/posts?from=2026-13-01", **bearer(text)).json()["field"] == "from"
    response = api_client.get("/api/v1/archive/posts?from=2026-05-01&to=2026-04-01", **bearer(text))
    assert response.status_code == 400 and response.json()["field"] == "to"
    assert api_client.get("/api/v1/incidents?page=0", **bearer(text)).json()["field"] == "page"


def test_a_token_post_needs_no_csrf_token(api_client, staff_a, account_a):
    _, text = make_token(staff_a)
    response = api_client.post(
        "/api/v1/screening",
        {"text": "お知らせ", "account": account_a.pk},
        content_type="application/json",
        **bearer(text),
    )
    assert response.status_code == 200


def test_a_session_post_keeps_csrf(api_client, head_a, account_a):
    api_client.force_login(head_a)
    before = AuditEvent.objects.count()
    response = api_client.post(
        "/api/v1/archive/export", {"account": account_a.pk, "format": "csv"}, content_type="application/json"
    )
    assert "CSRFトークンがありません" in _refusal(response, 403)
    assert AuditEvent.objects.count() == before
    # With the token of its session, the browser's request is answered.
    api_client.get("/api/v1/registry/accounts")
    from django.middleware.csrf import get_token
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.COOKIES = {}
    token = get_token(request)
    api_client.cookies["csrftoken"] = token
    response = api_client.post(
        "/api/v1/archive/export",
        {"account": account_a.pk, "format": "csv"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200


def test_a_session_get_needs_no_token(client, staff_a):
    client.force_login(staff_a)
    assert client.get(ACCOUNTS).status_code == 200


def test_the_session_screening_endpoint_still_answers(client, staff_a, account_a):
    client.force_login(staff_a)
    response = client.post(
        "/screening/api", {"account": account_a.pk, "text": "お知らせ"}, content_type="application/json"
    )
    assert response.status_code == 200 and "findings" in response.json()


def test_a_revoked_token_changes_nothing(api_client, admin, head_a, account_a):
    from api import tokens

    token, text = make_token(head_a)
    tokens.token_revoke(actor=admin, token_id=token.pk)
    before = AuditEvent.objects.count()
    response = api_client.post(
        "/api/v1/archive/export",
        {"account": account_a.pk, "format": "csv"},
        content_type="application/json",
        **bearer(text),
    )
    assert _refusal(response, 401) == "このトークンは失効しています。"
    assert AuditEvent.objects.count() == before
    assert ApiToken.objects.get(pk=token.pk).last_used_at is None
