"""Two people acting at once: exactly one transition happens, the other gets a clear message."""

import threading

import pytest
from django.db import close_old_connections, connection

from accounts import services
from accounts.models import AccountStatus
from core.errors import TransitionError
from core.models import AuditEvent

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.smoke,  # the embedded default too: SQLite's IMMEDIATE transactions queue the writers
]


def test_two_simultaneous_activations_make_one_transition(preparing_a, head_a, admin):
    barrier = threading.Barrier(2)
    outcomes = []

    def act(actor):
        try:
            barrier.wait(timeout=5)
            services.account_activate(account_id=preparing_a.pk, actor=actor, comment=actor.username)
            outcomes.append("ok")
        except TransitionError as exc:
            outcomes.append(str(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=act, args=(u,)) for u in (head_a, admin)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)

    assert len(outcomes) == 2 and outcomes.count("ok") == 1, outcomes
    refused = next(o for o in outcomes if o != "ok")
    assert "現在の状態（運用中）では「運用開始」を行えません" in refused
    preparing_a.refresh_from_db()
    assert preparing_a.status == AccountStatus.ACTIVE
    assert AuditEvent.objects.for_object(preparing_a).filter(action=AuditEvent.Action.TRANSITION).count() == 1
