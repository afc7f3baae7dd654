import pytest
from django.test import Client

from api import tokens
from core.audit import Job

ALL_SCOPES = ["registry", "screening", "archive", "incidents:read"]


def make_token(owner, scopes=ALL_SCOPES, days=30, name="テスト用ツール"):
    """A token created by the server's command (no sysadmin needed), and its text."""
    created = tokens.token_create(actor=Job.API_TOKEN_COMMAND, owner_id=owner.pk, name=name, scopes=scopes, days=days)
    return created.token, created.text


def bearer(text: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


@pytest.fixture
def api_client():
    """A client as another tool is: no session, and Django's CSRF check enforced."""
    return Client(enforce_csrf_checks=True)
