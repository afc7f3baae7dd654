"""Two browsers press the same button at once, on PostgreSQL and on the embedded default (SQLite).

On SQLite the second writer used to fail with `database is locked` (HTTP 500). Now exactly one
wins and the other gets the Japanese message, on both databases; nothing is lost.
"""

import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse

from approvals import services
from approvals.models import AccountRequest, RequestStatus, Vote
from tests.factories import UserFactory, complete_request_fields

pytestmark = [pytest.mark.smoke, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _post_at_once(requests):
    """POST [(user, url, data)] from separate clients released together; return (status, messages)."""
    clients = []
    for user, url, data in requests:
        c = Client()
        c.force_login(user)
        clients.append((c, url, data))
    barrier = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def run(i, c, url, data):
        try:
            barrier.wait(timeout=5)
            response = c.post(url, data)
            texts = [str(m) for m in get_messages(response.wsgi_request)]
            results[i] = (response.status_code, texts, response.content.decode())
        except Exception as exc:  # a 500 in the view surfaces here: the test must see it
            results[i] = (500, [repr(exc)], "")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *args)) for i, args in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture
def submitted(staff_a, head_a):
    obj = services.request_create(actor=staff_a, fields=complete_request_fields(head_a))
    return services.request_submit(request_id=obj.pk, actor=head_a)


def test_two_chairs_deciding_at_once_make_one_decision(submitted, chair, dept_b):
    other = UserFactory(username="chair2", department=dept_b, roles=["committee_chair", "committee"])
    url = reverse("approvals:decide", args=[submitted.pk])
    data = {"decision": "approve", "reason": "委員長特認（急ぎの防災情報）"}
    results = _post_at_once([(chair, url, data), (other, url, data)])
    assert [r[0] for r in results].count(302) == 1, results
    loser = next(r for r in results if r[0] != 302)
    assert loser[0] == 200 and "既に承認です" in loser[2], loser
    submitted.refresh_from_db()
    assert submitted.status == RequestStatus.APPROVED
    assert submitted.account is not None


def test_two_members_voting_at_once_are_both_recorded(submitted, member, dept_b):
    other = UserFactory(username="member2", department=dept_b, roles=["committee"])
    url = reverse("approvals:vote", args=[submitted.pk])
    results = _post_at_once([(member, url, {"choice": "for"}), (other, url, {"choice": "against"})])
    assert [r[0] for r in results] == [302, 302], results
    assert all(any("を記録しました" in m for m in r[1]) for r in results), results
    assert Vote.objects.filter(request=submitted).count() == 2


def test_the_same_vote_sent_twice_is_recorded_once(submitted, member):
    url = reverse("approvals:vote", args=[submitted.pk])
    results = _post_at_once([(member, url, {"choice": "for"}), (member, url, {"choice": "for"})])
    assert [r[0] for r in results] == [302, 302], results
    texts = [m for r in results for m in r[1]]
    assert "この申請には既に賛否を表明しています。" in texts, texts
    assert Vote.objects.filter(request=submitted).count() == 1


def test_a_double_submit_submits_once(staff_a, head_a):
    obj = services.request_create(actor=staff_a, fields=complete_request_fields(head_a))
    outcomes = []
    barrier = threading.Barrier(2)

    def submit():
        try:
            barrier.wait(timeout=5)
            services.request_submit(request_id=obj.pk, actor=head_a)
            outcomes.append("ok")
        except services.TransitionError as exc:
            outcomes.append(str(exc))
        except Exception as exc:  # database is locked: the bug
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes.count("ok") == 1, outcomes
    assert "提出" in next(o for o in outcomes if o != "ok"), outcomes
    obj.refresh_from_db()
    assert obj.status == RequestStatus.SUBMITTED and obj.sequence == 1
    assert AccountRequest.objects.count() == 1
