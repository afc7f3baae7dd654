"""Two people acting at once on PostgreSQL and SQLite, each thread with its own connection (SPEC §4.1)."""

import threading

import pytest
from django.db import connection

from accounts.models import OfficialAccount
from approvals import services
from approvals.models import AccountRequest, RequestStatus
from core.errors import TransitionError
from core.models import AuditEvent
from policies.models import PolicyVersion
from tests.factories import UserFactory, complete_request_fields

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.smoke,  # the embedded default too: SQLite's IMMEDIATE transactions queue the writers
]


def _at_once(*calls):
    """Run the calls in threads released together; return each outcome ("ok" or the error text)."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=5)
            call()
            outcomes[i] = "ok"
        except TransitionError as exc:
            outcomes[i] = str(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


def test_two_decisions_at_once_make_exactly_one(staff_a, head_a, chair, dept_b):
    other_chair = UserFactory(username="chair2", department=dept_b, roles=["committee_chair"])
    obj = services.request_create(actor=staff_a, fields=complete_request_fields(head_a))
    services.request_submit(request_id=obj.pk, actor=head_a)
    outcomes = _at_once(
        lambda: services.request_decide(request_id=obj.pk, actor=chair, decision="approve", reason="特認A"),
        lambda: services.request_decide(request_id=obj.pk, actor=other_chair, decision="approve", reason="特認B"),
    )
    assert outcomes.count("ok") == 1, outcomes
    assert any("既に承認です" in o for o in outcomes if o != "ok"), outcomes
    obj.refresh_from_db()
    assert obj.status == RequestStatus.APPROVED
    # One account, one policy version, one approval in the trail: the loser changed nothing.
    assert OfficialAccount.objects.filter(request=obj).count() == 1
    assert PolicyVersion.objects.filter(account=obj.account).count() == 1
    approvals = [e for e in AuditEvent.objects.for_object(obj) if e.to_state == RequestStatus.APPROVED]
    assert len(approvals) == 1


def test_simultaneous_submissions_get_distinct_numbers(dept_a, dept_b, staff_a, head_a, head_b, staff_b):
    heads_and_requests = []
    for head, staff, handle in ((head_a, staff_a, "race_a"), (head_b, staff_b, "race_b")):
        obj = services.request_create(actor=staff, fields=complete_request_fields(head, handle=handle))
        heads_and_requests.append((head, obj))
    outcomes = _at_once(
        *[(lambda h=head, o=obj: services.request_submit(request_id=o.pk, actor=h)) for head, obj in heads_and_requests]
    )
    assert outcomes == ["ok", "ok"]
    numbers = sorted(AccountRequest.objects.values_list("sequence", flat=True))
    assert numbers == [1, 2]
