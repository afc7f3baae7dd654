"""Issue 24: `python manage.py create_api_token --user NAME --scopes a,b [--days N]`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from api.models import ApiToken
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("create_api_token", *args, stdout=out)
    return out.getvalue()


def test_the_token_is_the_last_word_and_works(api_client, staff_a):
    output = _run("--user", "staff_a", "--scopes", "registry,screening", "--days", "7")
    text = output.split()[-1]
    assert text.startswith("ksns_")
    token = ApiToken.objects.get()
    assert token.scopes == ["registry", "screening"] and token.owner == staff_a
    assert api_client.get("/api/v1/registry/accounts", **bearer(text)).status_code == 200
    assert api_client.get("/api/v1/incidents", **bearer(text)).status_code == 403


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--user", "nobody", "--scopes", "registry"), "見つかりません"),
        (("--user", "staff_a", "--scopes", "registry,everything"), "知らない範囲"),
        (("--user", "staff_a", "--scopes", ","), "範囲を1つ以上"),
        (("--user", "staff_a", "--scopes", "registry", "--days", "0"), "有効期間"),
        (("--user", "staff_a", "--scopes", "registry", "--days", "9999"), "有効期間"),
    ],
)
def test_a_wrong_ask_is_refused_and_nothing_is_made(staff_a, args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert not ApiToken.objects.exists()
