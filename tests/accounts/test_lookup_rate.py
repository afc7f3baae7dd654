"""The public lookup under a rush (issue 20 item 22): each address may make LOOKUP_RATE lookups that
the server must work out; beyond that it gets a Japanese 429 with Retry-After, and nothing else slows."""

import pytest
import time_machine
from django.test import Client

from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

VERIFY = "/registry/verify"


@pytest.fixture
def limited(settings, dept_a, head_a):
    settings.LOOKUP_RATE_LIMIT, settings.LOOKUP_RATE_SECONDS = 3, 60
    AccountFactory(department=dept_a, manager=head_a, handle="komae_kodomo")


def _ask(client, q, **headers):
    return client.get(VERIFY, {"q": q}, headers=headers)


def test_an_address_that_asks_too_often_is_told_when_to_come_back(limited):
    resident = Client(REMOTE_ADDR="203.0.113.7")
    with time_machine.travel("2026-12-03 10:00:10+09:00", tick=False):
        for n in range(3):
            assert _ask(resident, f"@komae_fake{n}").status_code == 200
        refused = _ask(resident, "@komae_fake9")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "50"  # the rest of the minute
    body = refused.content.decode()
    assert "確認の回数が多すぎます" in body and "50秒ほど待ってから" in body
    assert '<html lang="ja"' in body
    assert "no-store" in refused["Cache-Control"]
    # JSON callers get the same answer as JSON.
    with time_machine.travel("2026-12-03 10:00:20+09:00", tick=False):
        as_json = _ask(resident, "@komae_fake10", accept="application/json")
    assert as_json.status_code == 429 and as_json["Retry-After"] == "40"
    assert "確認の回数が多すぎます" in as_json.json()["error"]
    # Another address is not affected, and the first may ask again in the next minute.
    with time_machine.travel("2026-12-03 10:00:30+09:00", tick=False):
        assert _ask(Client(REMOTE_ADDR="203.0.113.8"), "@komae_fake11").status_code == 200
    with time_machine.travel("2026-12-03 10:01:01+09:00", tick=False):
        assert _ask(resident, "@komae_fake12").status_code == 200


def test_an_answer_already_worked_out_is_never_refused(limited):
    """Only lookups the server must work out count: a resident behind a shared address (a carrier's
    NAT) still gets the answer everyone is asking for."""
    resident = Client(REMOTE_ADDR="203.0.113.7")
    with time_machine.travel("2026-12-03 10:00:10+09:00", tick=False):
        for _ in range(10):
            response = _ask(resident, "@komae_kodomo")
            assert response.status_code == 200 and "公式アカウントです" in response.content.decode()


def test_the_address_is_read_from_the_trusted_proxy_only(limited, settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    with time_machine.travel("2026-12-03 10:00:10+09:00", tick=False):
        # Two residents behind nginx: counted apart.
        for n in range(3):
            assert _ask(Client(REMOTE_ADDR="127.0.0.1"), f"@a{n}", x_forwarded_for="198.51.100.1").status_code == 200
        assert _ask(Client(REMOTE_ADDR="127.0.0.1"), "@b", x_forwarded_for="198.51.100.2").status_code == 200
        assert _ask(Client(REMOTE_ADDR="127.0.0.1"), "@a9", x_forwarded_for="198.51.100.1").status_code == 429
        # A client that names another address itself is still counted by its own.
        spoofer = Client(REMOTE_ADDR="203.0.113.9")
        for n in range(3):
            assert _ask(spoofer, f"@s{n}", x_forwarded_for=f"192.0.2.{n}").status_code == 200
        assert _ask(spoofer, "@s9", x_forwarded_for="192.0.2.99").status_code == 429
