"""G-4-3-カ, P-7-3 (issue 23): what a status check reads on the platform is proposed to the 課長.

The permanent ID at the first good reading: the 課長 registers it with one click, and from then on a
handle taken over by another account is told apart (固有IDの相違). A platform that shows the badge
proposes 認証済 the same way. Bluesky's public AppView plays the platform (no token needed).
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import OfficialAccount, VerificationStatus
from core.errors import TransitionError
from core.models import AuditEvent, Notice
from monitoring import proposals, status
from monitoring.models import Incident, PlatformProposal, StatusCheck
from platforms import checks
from tests.factories import AccountFactory, platform
from tests.platform_fixtures import BSKY_DID, bluesky_feed, bluesky_profile, bluesky_profile_with_badge
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db

PROFILE = "/xrpc/app.bsky.actor.getProfile"
FEED = "/xrpc/app.bsky.feed.getAuthorFeed"
HANDLE = "komae-kodomo.bsky.social"
OTHER_DID = "did:plc:s0meoneelse7invented0000"
Status = PlatformProposal.Status


@pytest.fixture
def bsky(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "bluesky") as server:
        yield server


@pytest.fixture
def account(dept_a, staff_a):
    """課A's Bluesky account, its 固有ID 未登録; kept by a 担当職員, so its 課長 is not its 管理者."""
    return AccountFactory(
        department=dept_a,
        manager=staff_a,
        platform=platform("bluesky"),
        handle=HANDLE,
        display_name="狛江市",
        platform_account_id="",
        profile_url=platform("bluesky").profile_url_for(HANDLE),
    )


def _serve(bsky, *, did=BSKY_DID, profile=None, times=None):
    bsky.answer(PROFILE, match={"actor": HANDLE}, json=profile or bluesky_profile(handle=HANDLE, did=did), times=times)
    bsky.answer(FEED, match={"actor": did}, json=bluesky_feed(did=did), times=times)


def _check(account) -> StatusCheck:
    return status.check_now([OfficialAccount.objects.get(pk=account.pk)])[0]


def _pending(account):
    return list(PlatformProposal.objects.filter(account=account, status=Status.PENDING))


def test_the_first_good_reading_proposes_the_id_the_section_head_confirms_it_and_a_takeover_shows(
    bsky, client, account, head_a, staff_a
):
    _serve(bsky, times=1)
    check = _check(account)
    assert check.outcome == StatusCheck.Outcome.OK, check.anomalies
    [proposal] = _pending(account)
    assert (proposal.field, proposal.value, proposal.handle) == ("platform_account_id", BSKY_DID, HANDLE)
    assert OfficialAccount.objects.get(pk=account.pk).platform_account_id == ""  # nothing registered by itself
    # The 課長 hears of it, as of a public change waiting for them; the 担当職員 does not decide it.
    notice = Notice.objects.get(recipient=head_a)
    assert "固有ID" in notice.body and BSKY_DID in notice.body
    assert notice.path == reverse("accounts:detail", args=[account.pk])
    assert not Notice.objects.filter(recipient=staff_a).exists()
    # The account page shows it; the 課長 sees the buttons, the 担当職員 sees who decides.
    client.force_login(staff_a)
    page = client.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    assert BSKY_DID in page and "課長が登録するか見送るか" in page and "として登録する" not in page
    client.force_login(head_a)
    page = client.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    assert "SNS上の固有IDとして登録する" in page
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "SNSの読み取りから登録を待っている内容" in dashboard and account.display_name in dashboard

    response = client.post(
        reverse("monitoring:platform_proposal", args=[account.pk, proposal.pk, "confirm"]), follow=True
    )
    assert "SNS上の固有IDを「did:plc:" in response.content.decode()
    account.refresh_from_db()
    assert account.platform_account_id == BSKY_DID
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (Status.CONFIRMED, head_a)
    # Audited: the proposal by the status check, its confirmation and the account's change by the 課長.
    assert AuditEvent.objects.for_object(proposal).filter(actor_job=AuditEvent.Job.STATUS_CHECK).exists()
    assert AuditEvent.objects.for_object(proposal).filter(actor=head_a, to_state=Status.CONFIRMED).exists()
    assert AuditEvent.objects.for_object(account).filter(actor=head_a, summary__contains="SNS上の固有ID").exists()

    # The handle now leads to another account: 固有IDの相違, an incident, and nothing proposed from it.
    _serve(bsky, did=OTHER_DID)
    check = _check(account)
    assert check.anomalies == ["id_changed"]
    assert Incident.objects.filter(account=account, anomaly="id_changed").exists()
    assert _pending(account) == []


def test_only_the_accounts_section_head_decides(bsky, client, account, staff_a, head_b, admin, head_a):
    _serve(bsky)
    _check(account)
    [proposal] = _pending(account)
    url = reverse("monitoring:platform_proposal", args=[account.pk, proposal.pk, "confirm"])
    for person, answer in ((staff_a, 403), (admin, 403), (head_b, 404)):  # head_b does not see 課A's account
        client.force_login(person)
        assert client.post(url).status_code == answer
    with pytest.raises(PermissionDenied):
        proposals.platform_proposal_decide(proposal_id=proposal.pk, actor=staff_a, confirm=True)
    proposal.refresh_from_db()
    assert proposal.status == Status.PENDING
    assert OfficialAccount.objects.get(pk=account.pk).platform_account_id == ""
    client.force_login(head_a)
    assert client.get(url).status_code == 405  # a click is a POST (with its CSRF token)


def test_a_dismissed_value_is_not_proposed_again_but_another_one_is(bsky, account, head_a):
    _serve(bsky, times=2)
    _check(account)
    _check(account)  # while one waits, no second one
    [proposal] = PlatformProposal.objects.filter(account=account)
    proposals.platform_proposal_decide(proposal_id=proposal.pk, actor=head_a, confirm=False)
    proposal.refresh_from_db()
    assert proposal.status == Status.DISMISSED
    assert OfficialAccount.objects.get(pk=account.pk).platform_account_id == ""
    _serve(bsky, times=1)
    _check(account)
    assert _pending(account) == []
    with pytest.raises(TransitionError):  # decided once is decided
        proposals.platform_proposal_decide(proposal_id=proposal.pk, actor=head_a, confirm=True)
    _serve(bsky, did=OTHER_DID)  # the value changed: proposed, for the 課長 to look at again
    _check(account)
    [again] = _pending(account)
    assert again.value == OTHER_DID


def test_a_reading_of_another_handle_or_a_failed_one_proposes_nothing(account):
    state = checks.ProfileState(reachable=True, display_name="狛江市", platform_account_id=BSKY_DID, handle="renamed")
    status.status_check_record(account_id=account.pk, state=state)
    gone = checks.ProfileState(reachable=False, gone=True, platform_account_id=BSKY_DID, handle=HANDLE)
    status.status_check_record(account_id=account.pk, state=gone)
    unsaid = checks.ProfileState(reachable=True, display_name="狛江市", platform_account_id=BSKY_DID)
    status.status_check_record(account_id=account.pk, state=unsaid)  # which handle it read, unknown
    assert not PlatformProposal.objects.exists()


def test_an_id_registered_by_hand_meanwhile_retires_the_proposal(bsky, client, account, head_a):
    _serve(bsky)
    _check(account)
    [proposal] = _pending(account)
    OfficialAccount.objects.filter(pk=account.pk).update(platform_account_id="did:plc:typedbyhand000000000000")
    client.force_login(head_a)
    page = client.post(
        reverse("monitoring:platform_proposal", args=[account.pk, proposal.pk, "confirm"]), follow=True
    ).content.decode()
    assert "この提案は取り消しました" in page
    proposal.refresh_from_db()
    assert proposal.status == Status.SUPERSEDED
    assert OfficialAccount.objects.get(pk=account.pk).platform_account_id == "did:plc:typedbyhand000000000000"


def test_the_badge_is_kept_with_the_account_and_verified_is_proposed(bsky, account, head_a):
    OfficialAccount.objects.filter(pk=account.pk).update(platform_account_id=BSKY_DID)
    _serve(bsky, profile=bluesky_profile_with_badge("valid", handle=HANDLE))
    check = _check(account)
    assert check.verified is True
    account.refresh_from_db()
    assert account.platform_verified is True and account.platform_verification_read_on is not None
    assert account.platform_verification_words.startswith("SNS上で認証を確認（令和")
    [proposal] = _pending(account)
    assert (proposal.field, proposal.value) == ("verification_status", VerificationStatus.VERIFIED)
    assert AuditEvent.objects.for_object(account).filter(summary__contains="SNS上の認証表示を読み取り").count() == 1
    _check(account)  # the same badge again: no second audit row, no second proposal
    assert AuditEvent.objects.for_object(account).filter(summary__contains="SNS上の認証表示を読み取り").count() == 1
    assert len(_pending(account)) == 1
    proposals.platform_proposal_decide(proposal_id=proposal.pk, actor=head_a, confirm=True)
    assert OfficialAccount.objects.get(pk=account.pk).verification_status == VerificationStatus.VERIFIED


def test_a_badge_read_behind_a_taken_over_handle_is_not_the_accounts(bsky, account):
    OfficialAccount.objects.filter(pk=account.pk).update(platform_account_id=OTHER_DID)
    _serve(bsky, profile=bluesky_profile_with_badge("valid", handle=HANDLE))
    check = _check(account)
    assert check.anomalies == ["id_changed"]
    account.refresh_from_db()
    assert account.platform_verified is None
    assert not PlatformProposal.objects.exists()
