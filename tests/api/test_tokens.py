"""Issue 24: the API's tokens — created by the sysadmin (or the server's command) for a person, with
scopes and an expiry; shown once, kept only as a hash, revocable, their last use shown."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from api import tokens
from api.models import ApiToken
from core.audit import Job
from core.errors import TransitionError
from core.models import AuditEvent, DeletionForbidden
from tests.api.conftest import bearer, make_token

pytestmark = pytest.mark.django_db


def test_the_sysadmin_creates_a_token_seen_once_and_kept_as_a_hash(client, admin, staff_a):
    client.force_login(admin)
    response = client.post(
        reverse("api:token_create"),
        {"owner": staff_a.pk, "name": "広報の集計ツール", "scopes": ["registry", "archive"], "days": "90"},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = response.context["text"]
    assert text.startswith("ksns_") and text in response.content.decode()
    token = ApiToken.objects.get()
    assert (token.owner, token.created_by, token.scopes) == (staff_a, admin, ["registry", "archive"])
    assert token.digest == hashlib.sha256(text.encode()).hexdigest()
    assert text not in str(list(ApiToken.objects.values()))  # the secret is nowhere in the row
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    event = AuditEvent.objects.get(object_id=token.pk, action=AuditEvent.Action.CREATED)
    assert event.actor == admin and token.prefix in event.summary and text not in event.summary
    # The list shows it, never its text.
    page = client.get(reverse("api:tokens")).content.decode()
    assert token.prefix in page and "広報の集計ツール" in page and text not in page


def test_a_token_works_until_it_is_revoked_and_stays_listed(client, api_client, admin, staff_a):
    token, text = make_token(staff_a)
    assert api_client.get("/api/v1/registry/accounts", **bearer(text)).status_code == 200
    client.force_login(admin)
    confirm = client.get(reverse("api:token_revoke", args=[token.pk]))
    assert confirm.status_code == 200 and "失効させますか" in confirm.content.decode()
    client.post(reverse("api:token_revoke", args=[token.pk]), {"comment": "漏えいの疑い"})
    token.refresh_from_db()
    assert token.status == ApiToken.Status.REVOKED and token.revoked_by == admin
    event = AuditEvent.objects.get(object_id=token.pk, action=AuditEvent.Action.TRANSITION)
    assert event.actor == admin and event.comment == "漏えいの疑い"
    response = api_client.get("/api/v1/registry/accounts", **bearer(text))
    assert response.status_code == 401 and response.json()["error"] == "このトークンは失効しています。"
    assert "失効" in client.get(reverse("api:tokens")).content.decode()
    with pytest.raises(TransitionError, match="すでに失効"):
        tokens.token_revoke(actor=admin, token_id=token.pk)


def test_only_the_sysadmin_handles_the_tokens(client, staff_a, head_a, security_officer):
    for person in (staff_a, head_a, security_officer):
        client.force_login(person)
        assert client.get(reverse("api:tokens")).status_code == 403
        assert client.post(reverse("api:token_create"), {"owner": person.pk}).status_code == 403
        with pytest.raises(PermissionDenied):
            tokens.token_create(actor=person, owner_id=person.pk, name="x", scopes=["registry"], days=1)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("scopes", "days", "message"),
    [
        ([], 30, "範囲を1つ以上"),
        (["registry", "admin"], 30, "知らない範囲です：admin"),
        (["registry"], 0, "有効期間は1〜365日"),
        (["registry"], 366, "有効期間は1〜365日"),
    ],
)
def test_a_token_asked_wrongly_is_refused_and_nothing_is_made(staff_a, scopes, days, message):
    with pytest.raises(TransitionError, match=message):
        make_token(staff_a, scopes=scopes, days=days)
    assert not ApiToken.objects.exists() and not AuditEvent.objects.filter(action="created").exists()


def test_a_token_for_a_deactivated_person_is_not_made(staff_a):
    staff_a.is_active = False
    staff_a.save()
    with pytest.raises(TransitionError, match="無効"):
        make_token(staff_a)


def test_the_form_refuses_more_days_than_allowed_naming_the_field(client, admin, staff_a):
    client.force_login(admin)
    response = client.post(
        reverse("api:token_create"), {"owner": staff_a.pk, "name": "x", "scopes": ["registry"], "days": "400"}
    )
    assert response.status_code == 200 and response.context["form"].errors["days"]
    assert not ApiToken.objects.exists()


def test_last_use_is_shown_and_written_at_most_once_a_minute(api_client, staff_a):
    token, text = make_token(staff_a)
    assert token.last_used_at is None
    api_client.get("/api/v1/registry/accounts", **bearer(text), REMOTE_ADDR="192.0.2.9")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and token.last_used_from == "192.0.2.9"
    api_client.get("/api/v1/registry/accounts", **bearer(text))
    token.refresh_from_db()
    assert token.last_used_at == first
    tokens.note_use(token, "192.0.2.10", now=first + timedelta(seconds=61))
    token.refresh_from_db()
    assert token.last_used_at == first + timedelta(seconds=61) and token.last_used_from == "192.0.2.10"


def test_a_token_is_never_deleted(staff_a):
    token, _ = make_token(staff_a)
    with pytest.raises(DeletionForbidden):
        token.delete()
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError, match="cannot be deleted"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM api_apitoken WHERE id = %s", [token.pk])
        # Its scopes are what it was made with: widening them is a new token.
        with pytest.raises(IntegrityError, match="cannot be changed"), transaction.atomic():
            ApiToken.objects.filter(pk=token.pk).update(scopes=["registry", "archive", "screening"])
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_the_command_is_audited_as_the_command(staff_a):
    token, _ = make_token(staff_a)
    event = AuditEvent.objects.get(object_id=token.pk, action=AuditEvent.Action.CREATED)
    assert event.actor_job == Job.API_TOKEN_COMMAND and token.created_by is None
