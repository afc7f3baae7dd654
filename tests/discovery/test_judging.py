"""Judging the lookalike queue (issue 23): the security officer and the 広報 office; なりすまし opens an
incident holding the impersonator's captured profile and warns residents; residents' reports join it."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import Impersonation, ResidentReport
from core.models import AuditEvent
from discovery.models import Candidate, ProfileCapture
from discovery.permissions import can_judge, can_withdraw_warning
from discovery.services import discover
from monitoring.models import Incident
from tests.conftest import who_may
from tests.platform_fixtures import BSKY_DID, bluesky_actors
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db

SEARCH = "/xrpc/app.bsky.actor.searchActors"
HANDLE = "komae-city.bsky.social"
FAKE_DID = "did:plc:fakek0mae0000000000000"
FAKE_HANDLE = "komae-c1ty.bsky.social"


@pytest.fixture
def bsky(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "bluesky") as server:
        yield server


@pytest.fixture
def account(dept_b, head_b):
    return api.city_account(dept_b, head_b, "bluesky", HANDLE, BSKY_DID)


@pytest.fixture
def candidate(bsky, account):
    bsky.answer(SEARCH, json=bluesky_actors((FAKE_DID, FAKE_HANDLE, "狛江市【公式】", "狛江市からのお知らせ")))
    (result,) = discover(platform_code="bluesky")
    return result.new[0]


def test_who_may_judge_and_withdraw(people):
    assert who_may(people, can_judge) == {"security_officer", "pr_officer"}
    assert who_may(people, can_withdraw_warning) == {"security_officer"}


def test_the_queue_is_refused_to_others(client, candidate, staff_b, head_b, admin):
    for user in (staff_b, head_b, admin):
        client.force_login(user)
        assert client.get(reverse("discovery:queue")).status_code == 403
        response = client.post(reverse("discovery:candidate", args=[candidate.pk]), {"verdict": "unrelated"})
        assert response.status_code == 403
    assert Candidate.objects.get().state == Candidate.State.NEW


def test_the_queue_shows_the_strongest_first_with_its_reasons(client, candidate, pr_officer):
    client.force_login(pr_officer)
    page = client.get(reverse("discovery:queue")).content.decode()
    assert FAKE_HANDLE in page and candidate.reasons[0]["words"] in page
    assert "LINE" in page and "代わりに" in page  # a platform that cannot search says what to do instead


@pytest.mark.smoke  # also on the embedded defaults (SQLite)
def test_judging_impersonation_opens_an_incident_with_the_profile_and_warns_residents(
    client, bsky, candidate, account, pr_officer, django_capture_on_commit_callbacks
):
    bsky.answer(
        "/xrpc/app.bsky.actor.getProfile",
        match={"actor": FAKE_DID},
        json={"did": FAKE_DID, "handle": FAKE_HANDLE, "displayName": "狛江市【公式】", "description": "偽物"},
    )
    client.force_login(pr_officer)  # the 広報 office judges though the account is another 課's
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("discovery:candidate", args=[candidate.pk]),
            {"verdict": "impersonation", "imitates": account.pk, "note": "公式マークの偽装"},
        )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.state == Candidate.State.IMPERSONATION and candidate.judged_by == pr_officer
    incident = candidate.incident
    assert incident.kind == Incident.Kind.IMPERSONATION and incident.account == account
    assert incident.opened_by == pr_officer and FAKE_HANDLE in incident.title
    captures = list(ProfileCapture.objects.filter(incident=incident))
    assert captures and any(c.sha256 and c.body for c in captures)
    warning = Impersonation.objects.get()
    assert warning.imitates == account and warning.platform_account_id == FAKE_DID
    judged = AuditEvent.objects.for_object(candidate).get(action=AuditEvent.Action.CANDIDATE_JUDGED)
    assert judged.actor == pr_officer and judged.comment == "公式マークの偽装"
    # The resident's lookup and the registry now warn.
    cache.clear()
    data = client.get(
        reverse("registry:verify"), {"q": f"https://bsky.app/profile/{FAKE_HANDLE}"}, HTTP_ACCEPT="application/json"
    ).json()
    assert data["result"] == "impersonation"
    # The incident's page holds the captured profile (the 広報担当 of the account's own 課 sees it).
    client.force_login(pr_officer)
    page = client.get(reverse("monitoring:incident", args=[incident.pk]))
    assert page.status_code == 200 and "なりすましアカウントの保存したプロフィール" in page.content.decode()


def test_impersonation_without_the_account_it_imitates_is_refused_in_japanese(client, candidate, security_officer):
    client.force_login(security_officer)
    response = client.post(
        reverse("discovery:candidate", args=[candidate.pk]), {"verdict": "impersonation", "imitates": ""}
    )
    assert response.status_code == 200
    assert "まねている公式アカウントを選んでください" in response.content.decode()
    assert Incident.objects.count() == 0 and Impersonation.objects.count() == 0
    response = client.post(reverse("discovery:candidate", args=[candidate.pk]), {"verdict": "nonsense"})
    assert response.status_code == 200 and Candidate.objects.get().state == Candidate.State.NEW


@pytest.mark.smoke  # also on the embedded defaults (SQLite)
def test_a_residents_report_joins_the_queue(client, account, dept_b):
    response = client.post(
        reverse("registry:report"), {"text": "https://bsky.app/profile/komae-fake.bsky.social", "note": "DMが来た"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("registry:report_done")
    report = ResidentReport.objects.get()
    assert report.outcome == ResidentReport.Outcome.QUEUED and report.note == "DMが来た"
    candidate = Candidate.objects.get()
    assert candidate.source == Candidate.Source.REPORT and candidate.handle == "komae-fake.bsky.social"
    assert list(candidate.reports.all()) == [report]
    # Reported again: the same candidate, two reports.
    client.post(reverse("registry:report"), {"text": "@komae-fake.bsky.social", "platform": "bluesky"})
    assert Candidate.objects.get().reports.count() == 2


def test_an_official_account_is_answered_at_once_and_not_queued(client, account):
    response = client.post(reverse("registry:report"), {"text": account.profile_url})
    assert response.status_code == 200 and "公式アカウントです" in response.content.decode()
    assert ResidentReport.objects.count() == 0 and Candidate.objects.count() == 0


def test_a_report_needs_a_platform_for_a_bare_handle(client, account):
    response = client.post(reverse("registry:report"), {"text": "@somebody"})
    assert response.status_code == 200 and "SNSを選んでください" in response.content.decode()
    response = client.post(reverse("registry:report"), {"text": "なりすましがいます"})
    assert "読み取れませんでした" in response.content.decode()
    assert ResidentReport.objects.count() == 0


def test_a_flood_of_reports_from_one_address_is_refused_with_retry_after(client, account, settings):
    settings.REPORT_RATE_LIMIT, settings.REPORT_RATE_SECONDS = 3, 3600
    for n in range(3):
        client.post(reverse("registry:report"), {"text": f"https://bsky.app/profile/fake{n}.bsky.social"})
    response = client.post(reverse("registry:report"), {"text": "https://bsky.app/profile/fake9.bsky.social"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "混み合っています" in response.content.decode()
    assert ResidentReport.objects.count() == 3


def test_all_addresses_together_are_bounded_too(client, account, settings):
    settings.REPORT_TOTAL_RATE_LIMIT, settings.REPORT_TOTAL_RATE_SECONDS = 2, 3600
    for n in range(2):
        client.post(
            reverse("registry:report"),
            {"text": f"https://bsky.app/profile/f{n}.bsky.social"},
            REMOTE_ADDR=f"192.0.2.{n}",
        )
    response = client.post(
        reverse("registry:report"), {"text": "https://bsky.app/profile/f9.bsky.social"}, REMOTE_ADDR="192.0.2.99"
    )
    assert response.status_code == 429 and ResidentReport.objects.count() == 2


def test_a_reported_account_found_later_by_a_search_stays_one_candidate(client, bsky, account):
    client.post(reverse("registry:report"), {"text": f"https://bsky.app/profile/{FAKE_HANDLE}"})
    bsky.answer(SEARCH, json=bluesky_actors((FAKE_DID, FAKE_HANDLE, "狛江市【公式】", "狛江市からのお知らせ")))
    discover(platform_code="bluesky")
    candidate = Candidate.objects.get()
    assert candidate.identity == f"id:{FAKE_DID}" and candidate.reports.count() == 1
    assert candidate.display_name == "狛江市【公式】"
