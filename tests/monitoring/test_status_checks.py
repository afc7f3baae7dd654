"""Status checks against a local server that plays the platforms (G-4-5-エ, G-4-3-カ, P-3)."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import AccountStatus, OfficialAccount
from core.models import AuditEvent
from monitoring import status
from monitoring.models import Incident, StatusCheck
from platforms import checks
from tests.page_platform import PAGE_PLATFORM, on_page_platform
from tests.platform_server import PlatformServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform(settings, page_platform):
    """The local server plays まちSNS: the city's configured base for it points there (STATUS_CHECK_BASE_MACHI)."""
    with PlatformServer() as server:
        settings.STATUS_CHECK_BASES = {PAGE_PLATFORM: server.url}
        yield server


@pytest.fixture(autouse=True)
def _fast_http(monkeypatch):
    monkeypatch.setattr(checks, "TIMEOUT_SECONDS", 1.0)
    monkeypatch.setattr(checks, "BACKOFF_SECONDS", 0.01)


def _point(account, url):
    """Give the account the まちSNS profile URL whose path the local server answers (its base is the server)."""
    return on_page_platform(account, url.split("://", 1)[1].partition("/")[2])


def _check(account):
    return status.check_now([account])[0]


def test_an_official_profile_is_ok_and_its_facts_recorded(platform, account_a):
    _point(
        account_a, f"{platform.url}/profile/komae_kodomo?title=こまえ子ども&id=1234&posted=2026-11-20T09:00:00%2B09:00"
    )
    account_a.profile_operator = "狛江市"
    account_a.save()
    check = _check(account_a)
    assert check.outcome == StatusCheck.Outcome.OK, check.anomalies
    assert (check.display_name, check.platform_account_id) == ("こまえ子ども", "1234")
    assert check.profile_states_operator and check.profile_links_city
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/slow", "タイムアウト"),
        ("/loop", "転送が多すぎます"),
        ("/away", "別のサイトへ転送されます"),
        ("/huge", "ページが大きすぎます"),
        ("/bad-location", "転送先のURLが読み取れません"),
    ],
)
def test_pages_that_cannot_be_read_are_recorded_as_errors(platform, account_a, path, error):
    check = _check(_point(account_a, platform.url + path))
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert error in check.error


def test_invalid_html_does_not_crash_the_check(platform, account_a):
    """A page that is not HTML reads as a profile that states nothing: not official (P-3), not a crash."""
    check = _check(_point(account_a, platform.url + "/broken"))
    assert check.outcome == StatusCheck.Outcome.ANOMALY
    assert check.anomalies == ["not_official"]
    assert not (check.profile_states_operator or check.profile_links_city)


def test_a_gone_profile_opens_one_incident_and_emails_the_chain(
    mailoutbox, django_capture_on_commit_callbacks, platform, account_a, head_a, security_officer
):
    head_a.email, security_officer.email = "head@city.komae.lg.jp", "ciso@city.komae.lg.jp"
    head_a.save()
    security_officer.save()
    _point(account_a, platform.url + "/gone")
    with django_capture_on_commit_callbacks(execute=True):
        first = _check(account_a)
        _check(account_a)  # the same anomaly again: no second incident
    assert first.anomalies == ["gone"]
    incident = Incident.objects.get()
    assert (incident.kind, incident.status) == (Incident.Kind.HIJACK, Incident.Status.OPEN)
    assert {address for m in mailoutbox for address in m.to} == {"head@city.komae.lg.jp", "ciso@city.komae.lg.jp"}
    assert len(mailoutbox) == 2  # one each, once
    # Its timeline starts with who opened it: the status check, as the archive's capture does.
    (opened,) = AuditEvent.objects.filter(object_id=incident.pk, action=AuditEvent.Action.CREATED)
    assert opened.target == incident and opened.actor_job == AuditEvent.Job.STATUS_CHECK
    assert "起票" in opened.summary and "状態確認" in opened.summary


def test_a_renamed_account_and_a_changed_id_are_anomalies(platform, account_a):
    """G-4-3-カ: constant watch for なりすまし・乗っ取り: a new name or another platform ID is an anomaly."""
    account_a.platform_account_id = "1234"
    account_a.save()
    _point(account_a, f"{platform.url}/profile/x?title=こまえ子ども&id=1234")
    assert _check(account_a).outcome == StatusCheck.Outcome.OK
    _point(account_a, f"{platform.url}/profile/x?title=プレゼント企画実施中&id=9999")
    check = _check(account_a)
    assert set(check.anomalies) == {"renamed", "id_changed"}
    assert Incident.objects.filter(anomaly="renamed").exists()


def test_new_posts_on_a_suspended_account_are_an_anomaly(platform, account_a):
    """G-4-5-エ: a stopped account is kept and checked; a new post on it is an anomaly."""
    OfficialAccount.objects.filter(pk=account_a.pk).update(status=AccountStatus.SUSPENDED)
    _point(account_a, f"{platform.url}/profile/x?title=こまえ子ども&posted=2026-01-01T00:00:00Z")
    assert _check(account_a).outcome == StatusCheck.Outcome.OK
    _point(account_a, f"{platform.url}/profile/x?title=こまえ子ども&posted=2026-11-24T00:00:00Z")
    assert _check(account_a).anomalies == ["posts_while_suspended"]


def test_a_profile_without_operator_or_city_link_is_not_official(platform, account_a):
    _point(account_a, f"{platform.url}/profile/x?title=こまえ子ども&desc=よろしく&city=https://example.com/")
    check = _check(account_a)
    assert "not_official" in check.anomalies
    assert not check.profile_links_city


def test_an_account_without_posts_for_long_is_flagged_dormant(platform, account_a, settings):
    settings.DORMANT_DAYS = 30
    _point(account_a, f"{platform.url}/profile/x?title=こまえ子ども&posted=2020-01-01T00:00:00Z")
    assert _check(account_a).dormant


def test_a_run_key_records_one_result_even_if_the_task_runs_twice(platform, account_a):
    _point(account_a, f"{platform.url}/profile/x?title=こまえ子ども")
    state = checks.check_profile(account_a, client=checks.new_client())
    first = status.status_check_record(account_id=account_a.pk, state=state, run_key="beat:2026-11-24T06:00:1")
    again = status.status_check_record(account_id=account_a.pk, state=state, run_key="beat:2026-11-24T06:00:1")
    assert first.pk == again.pk and StatusCheck.objects.count() == 1


def test_check_accounts_command_prints_the_results(platform, account_a, capsys):
    _point(account_a, platform.url + "/gone")
    call_command("check_accounts", "--account", str(account_a.pk))
    out = capsys.readouterr().out
    # One line per account: its ID, the outcome and the reason in words.
    assert out.rstrip("\n") == f"{account_a.pk:>6} 異常あり {account_a}：表示されない"


def test_stopped_accounts_and_accounts_in_use_are_checked_on_their_own_schedules(account_a, pr_account):
    """G-4-5-エ: 運用停止 daily; G-4-3-カ: 運用中 and 停止予告中 twice a day (settings)."""
    from django.conf import settings

    from komae_sns.celery import app

    OfficialAccount.objects.filter(pk=account_a.pk).update(status=AccountStatus.SUSPENDED)
    assert list(status.accounts_due_for_checks("suspended")) == [account_a]
    assert list(status.accounts_due_for_checks("active")) == [pr_account]
    schedule = app.conf.beat_schedule
    assert schedule["status-checks-suspended"]["args"] == ("suspended",)
    assert schedule["status-checks-active"]["args"] == ("active",)
    assert schedule["status-checks-active"]["schedule"].hour == {7, 19}
    assert settings.STATUS_CHECK_ACTIVE_HOURS == "7,19" and settings.STATUS_CHECK_SUSPENDED_HOURS == "6"
    assert schedule["status-checks-suspended"]["schedule"].hour == {6}


def test_accounts_that_cannot_be_checked_are_listed_with_why(client, admin, head_a, staff_a, account_a):
    """An X account without a bearer token is 確認できず, said plainly, and listed on the dashboards of the
    sysadmin (who can register the token) and of its 課長 — never a silent success."""
    check = _check(account_a)  # X, and no token registered
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert check.error.startswith("APIの設定がありません")
    assert check.adapter.startswith("x：X API v2")
    for user, listed in ((admin, True), (head_a, True), (staff_a, False)):
        client.force_login(user)
        page = client.get(reverse("dashboard")).content.decode()
        assert ("状態確認ができていないアカウント" in page) is listed, user
        if listed:
            section = page[page.index("状態確認ができていないアカウント") :]
            assert "こまえ子ども（X @komae_kodomo）" in section
            assert "APIの設定がありません" in section and "X API のベアラートークン" in section
            assert ("APIトークンを登録する" in section) is (user == admin)


def test_a_reading_stored_before_issue_20_shows_no_echoed_credential(client, admin, head_a, account_a):
    """Readings are never rewritten; one stored with a proxy's echo is scrubbed where it is shown."""
    from django.urls import reverse

    token = "AAAAinventedEchoedBearerToken0123456789abcdef"
    StatusCheck.objects.create(
        account=account_a,
        run_key="before-issue-20",
        outcome=StatusCheck.Outcome.ERROR,
        error=f"APIがエラーを返しました（HTTP 502・Authorization: Bearer {token}）",
    )
    for user, url in ((head_a, reverse("accounts:detail", args=[account_a.pk])), (admin, reverse("dashboard"))):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "APIがエラーを返しました（HTTP 502" in page, url
        assert token not in page and token[:16] not in page, url
