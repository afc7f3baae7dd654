"""Threads' long-lived tokens (60 days) are refreshed from themselves before they lapse, so the city's
Threads checks do not end as 確認できず every two months; against the local server playing the
Threads API (STATUS_CHECK_BASE_THREADS)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from core.models import AuditEvent
from platforms import credentials
from platforms.models import ApiCredential
from platforms.renewals import renew_tokens
from tests.platform_fixtures import graph_error
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db

OLD = "THAAinventedLongLivedToken-0001-aaaaaaaaaaaaaaaa"
NEW = "THAAinventedLongLivedToken-0002-bbbbbbbbbbbbbbbb"
TODAY = date(2026, 11, 25)


@pytest.fixture
def threads(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "threads") as server:
        yield server


@pytest.fixture
def account(dept_b, head_b):
    return api.city_account(dept_b, head_b, "threads", "komae_city_invented")


def _registered(admin, account, *, expires_on, days_ago=10):
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 11, 25, 9)) - timedelta(days=days_ago)):
        return api.register_token(admin, account, OLD, expires_on=expires_on)


@time_machine.travel("2026-11-25 10:00 +0900")
def test_a_token_in_its_last_days_is_refreshed_and_used_from_then_on(threads, admin, account):
    old = _registered(admin, account, expires_on=TODAY + timedelta(days=10))
    threads.answer(
        "/refresh_access_token",
        json={"access_token": NEW, "token_type": "bearer", "expires_in": 5184000},
        match={"grant_type": "th_refresh_token", "access_token": OLD},
    )
    assert renew_tokens().renewed == 1

    old.refresh_from_db()
    assert old.retired_at is not None and old.secret == ""  # kept, with its secret erased
    new = ApiCredential.objects.get(retired_at__isnull=True)
    assert (new.account, new.expires_on, new.registered_by) == (account, TODAY + timedelta(days=59), admin)
    assert credentials.token_for(account).token == NEW
    assert new.fingerprint != old.fingerprint
    renewed = AuditEvent.objects.filter(actor_kind="job").order_by("id")
    assert [(e.object_id, e.action, e.to_state, e.actor, e.actor_job) for e in renewed] == [
        (old.pk, AuditEvent.Action.TRANSITION, "retired", None, AuditEvent.Job.TOKEN_RENEWAL),
        (new.pk, AuditEvent.Action.CREATED, "", None, AuditEvent.Job.TOKEN_RENEWAL),
    ]
    assert (old.status, new.status) == (ApiCredential.Status.RETIRED, ApiCredential.Status.ACTIVE)
    assert not [e for e in renewed if OLD in e.summary or NEW in e.summary]
    # The next day's run has nothing to do: the new token lasts 59 days.
    assert renew_tokens().renewed == 0


@time_machine.travel("2026-11-25 10:00 +0900")
def test_tokens_far_from_expiry_or_a_day_old_are_left_alone(threads, admin, account):
    _registered(admin, account, expires_on=TODAY + timedelta(days=40))
    assert renew_tokens() == (0, 0)
    api.register_token(admin, account, NEW, expires_on=TODAY + timedelta(days=5))  # replaced just now
    assert renew_tokens() == (0, 0)  # Threads refreshes a long-lived token only once it is a day old
    assert threads.server.RequestHandlerClass.hits == []


@time_machine.travel("2026-11-25 10:00 +0900")
def test_a_refused_refresh_keeps_the_token_and_the_reminders_still_come(threads, admin, account, mailoutbox):
    old = _registered(admin, account, expires_on=TODAY + timedelta(days=6))
    threads.answer("/refresh_access_token", status=400, json=graph_error(190, "Error validating access token"))
    assert renew_tokens() == (0, 1)
    old.refresh_from_db()
    assert old.retired_at is None and credentials.token_for(account).token == OLD
    assert credentials.credential_reminders_send(TODAY) == 1  # the sysadmin hears a week before


@time_machine.travel("2026-11-25 10:00 +0900")
def test_a_refused_refresh_logs_no_piece_of_the_token(threads, admin, account, caplog):
    """Issue 20: what the platform answers is logged only as its code, never an echo of the request."""
    _registered(admin, account, expires_on=TODAY + timedelta(days=6))
    echo = {"error": {"message": f"access_token={OLD}", "code": OLD, "fbtrace_id": f"Bearer {OLD}"}}
    threads.answer("/refresh_access_token", status=400, json=echo)
    with caplog.at_level("WARNING", logger="platforms.renewals"):
        assert renew_tokens() == (0, 1)
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "token refresh failed" in logged
    assert not [OLD[i : i + 8] for i in range(len(OLD) - 7) if OLD[i : i + 8] in logged]


@time_machine.travel("2026-11-25 10:00 +0900")
def test_a_refresh_with_an_impossible_lifetime_keeps_the_token(threads, admin, account):
    _registered(admin, account, expires_on=TODAY + timedelta(days=6))
    threads.answer("/refresh_access_token", json={"access_token": NEW, "token_type": "bearer", "expires_in": 10**20})
    assert renew_tokens() == (0, 1)
    assert credentials.token_for(account).token == OLD
