"""The daily task (beat's `discover-lookalikes`): new lookalikes queued, a listed impersonator the platform
removed marked 削除を確認; and what a judgement or a withdrawal refuses, in Japanese, writing nothing."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from accounts.impersonations import impersonation_confirm
from accounts.models import Impersonation
from core.errors import TransitionError
from discovery.models import Candidate
from discovery.services import candidate_judge, discover
from discovery.tasks import discover_lookalikes
from monitoring.models import Incident
from tests.factories import platform
from tests.platform_fixtures import BSKY_DID, bluesky_actors, xrpc_error
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db

SEARCH = "/xrpc/app.bsky.actor.searchActors"
PROFILE = "/xrpc/app.bsky.actor.getProfile"
HANDLE = "komae-city.bsky.social"
FAKE = ("did:plc:fakek0mae0000000000000", "komae-c1ty.bsky.social", "狛江市【公式】", "狛江市からのお知らせ")
GONE_DID = "did:plc:gonek0mae0000000000000"


@pytest.fixture
def bsky(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "bluesky") as server:
        yield server


@pytest.fixture
def account(dept_b, head_b):
    return api.city_account(dept_b, head_b, "bluesky", HANDLE, BSKY_DID)


@pytest.fixture
def listed(account, security_officer):
    return impersonation_confirm(
        platform=platform("bluesky"),
        handle="komae-city-jp.bsky.social",
        display_name="狛江市",
        profile_url="https://bsky.app/profile/komae-city-jp.bsky.social",
        platform_account_id=GONE_DID,
        imitates=account,
        actor=security_officer,
    )


def test_the_daily_task_queues_lookalikes_and_finds_a_listed_impersonator_removed(bsky, account, listed):
    bsky.answer(SEARCH, json=bluesky_actors(FAKE))
    bsky.answer(PROFILE, match={"actor": GONE_DID}, status=400, json=xrpc_error("AccountTakedown", "taken down"))
    assert discover_lookalikes() == {"new": 1, "gone": 1}
    listed.refresh_from_db()
    assert listed.gone_at is not None and listed.withdrawn_at is None  # still listed, as history
    assert Candidate.objects.get().handle == FAKE[1]
    assert discover_lookalikes() == {"new": 0, "gone": 0}  # nothing new; found gone once


def test_the_command_says_a_removed_impersonator_and_a_search_cut_short(bsky, account, listed):
    bsky.answer(SEARCH, status=429, headers={"Retry-After": "3600"}, json=xrpc_error("RateLimitExceeded", "slow"))
    bsky.answer(PROFILE, match={"actor": GONE_DID}, status=400, json=xrpc_error("AccountTakedown", "taken down"))
    out, err = io.StringIO(), io.StringIO()
    call_command("discover_lookalikes", stdout=out, stderr=err)
    assert out.getvalue() == ""
    assert "Bluesky：検索を中断しました" in err.getvalue()
    assert "komae-city-jp.bsky.social：削除を確認" in err.getvalue()


def test_a_reading_that_fails_says_nothing_of_a_listed_impersonator(bsky, account, listed):
    bsky.answer(PROFILE, match={"actor": GONE_DID}, status=502, text="bad gateway", content_type="text/plain")
    discover_lookalikes()
    listed.refresh_from_db()
    assert listed.gone_at is None


def test_a_judgement_refuses_what_it_cannot_do(bsky, account, security_officer, staff_b):
    bsky.answer(SEARCH, json=bluesky_actors(FAKE))
    (candidate,) = discover(platform_code="bluesky")[0].new
    with pytest.raises(PermissionDenied):
        candidate_judge(candidate_id=candidate.pk, actor=staff_b, verdict="unrelated")
    with pytest.raises(TransitionError, match="判断を選んでください"):
        candidate_judge(candidate_id=candidate.pk, actor=security_officer, verdict="maybe")
    with pytest.raises(TransitionError, match="まねている公式アカウントを選んでください"):
        candidate_judge(candidate_id=candidate.pk, actor=security_officer, verdict="impersonation")
    with pytest.raises(TransitionError, match="まねている公式アカウントを選んでください"):
        candidate_judge(candidate_id=candidate.pk, actor=security_officer, verdict="impersonation", imitates_id=0)
    with pytest.raises(TransitionError, match="文字以内"):
        candidate_judge(candidate_id=candidate.pk, actor=security_officer, verdict="unrelated", note="あ" * 2001)
    Candidate.objects.filter(pk=candidate.pk).update(handle="")
    with pytest.raises(TransitionError, match="ユーザー名の分からない候補"):
        candidate_judge(
            candidate_id=candidate.pk, actor=security_officer, verdict="impersonation", imitates_id=account.pk
        )
    assert Candidate.objects.get().state == Candidate.State.NEW
    assert Incident.objects.count() == 0 and Impersonation.objects.count() == 0


def test_a_profile_that_cannot_be_read_is_kept_as_why(
    bsky, account, security_officer, django_capture_on_commit_callbacks
):
    bsky.answer(SEARCH, json=bluesky_actors(FAKE))
    (candidate,) = discover(platform_code="bluesky")[0].new
    bsky.server.RequestHandlerClass.answers.clear()
    bsky.answer(PROFILE, status=502, text="bad gateway", content_type="text/plain")
    with django_capture_on_commit_callbacks(execute=True):
        candidate_judge(
            candidate_id=candidate.pk, actor=security_officer, verdict="impersonation", imitates_id=account.pk
        )
    capture = Candidate.objects.get().captures.get()
    assert capture.problem and capture.body == b"" and capture.incident is not None


def test_the_security_officer_withdraws_a_warning_with_a_reason(client, listed, security_officer, pr_officer):
    url = reverse("discovery:withdraw", args=[listed.pk])
    client.force_login(pr_officer)
    assert client.post(url, {"reason": "誤り"}).status_code == 403
    client.force_login(security_officer)
    page = client.post(url, {"reason": ""}, follow=True).content.decode()
    assert "取り消す理由を入力してください" in page
    page = client.post(url, {"reason": "他団体の公式と判明"}, follow=True).content.decode()
    assert "公表を取り消しました" in page
    page = client.post(url, {"reason": "二度目"}, follow=True).content.decode()
    assert "すでに取り消されています" in page
    listed.refresh_from_db()
    assert listed.withdrawn_reason == "他団体の公式と判明"
