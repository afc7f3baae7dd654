"""Who handles the platforms' API tokens (platforms/permissions.py, issue 13). `make mutate` runs these."""

import pytest

from platforms.permissions import can_manage_credentials, ensure_can_manage_credentials
from tests.conftest import refused, who_may

pytestmark = [pytest.mark.django_db, pytest.mark.rules]


def test_the_sysadmin_alone_handles_the_api_tokens(people):
    assert who_may(people, can_manage_credentials) == {"admin"}
    assert refused(people, ensure_can_manage_credentials) == dict.fromkeys(
        set(people) - {"admin"}, "APIトークンを扱えるのはシステム管理者です。"
    )
