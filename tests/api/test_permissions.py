"""Issue 24: who handles the API's tokens, and what a token's scopes let through (rules for make mutate)."""

import pytest

from api.permissions import can_manage_api_tokens, ensure_can_manage_api_tokens, token_allows
from tests.conftest import refused, who_may

pytestmark = [pytest.mark.django_db, pytest.mark.rules]


def test_the_sysadmin_alone_handles_the_api_tokens_for_other_tools(people):
    assert who_may(people, can_manage_api_tokens) == {"admin"}
    messages = refused(people, ensure_can_manage_api_tokens)
    assert set(messages) == set(people) - {"admin"}
    assert set(messages.values()) == {"APIトークン（外部ツール用）を扱えるのはシステム管理者です。"}


def test_a_deactivated_sysadmin_does_not(admin):
    admin.is_active = False
    assert not can_manage_api_tokens(admin)


def test_a_token_reaches_only_its_scopes_and_a_session_every_one():
    assert token_allows(["registry", "archive"], "archive")
    assert not token_allows(["registry"], "archive")
    assert not token_allows([], "registry")
    assert token_allows(None, "incidents:read")
