"""Sign-in throttling (SPEC §7, trust-boundaries §4): django-axes, per user name and per address.

The attack: after 6 wrong passwords kankyo_staff was locked, yet ｋankyo_staff (full-width ｋ) signed
in with the right password, and each width variant had 5 fresh tries — the counter keyed on the raw
name while authentication normalises it.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.models import AuditEvent
from org.models import LockoutRelease
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "ログインの失敗が続いたため"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 6


def _login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_user_name_is_locked_after_repeated_failures(client, staff_a):
    for _ in range(2):
        body = _login(client, "staff_a", "wrong").content.decode()
        assert "ユーザー名またはパスワードが正しくありません" in body
    third = _login(client, "staff_a", "wrong")  # the failure that reaches the limit says so at once
    assert third.status_code == 429 and LOCKED in third.content.decode()
    response = _login(client, "staff_a", PASSWORD)
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert not _signed_in(client)


@pytest.mark.parametrize("variant", ["ｓｔａｆｆ＿ａ", "ｓtaff_a", "STAFF_A", " staff_a "])
def test_width_and_case_variants_share_the_count(client, staff_a, variant):
    _login(client, "staff_a", "wrong")
    _login(client, variant, "wrong")
    _login(client, "staff_a", "wrong")
    response = _login(client, variant, PASSWORD)  # no fresh tries under another spelling
    assert response.status_code == 429
    assert not _signed_in(client)
    assert _login(client, "staff_a", PASSWORD).status_code == 429


def test_an_address_is_locked_after_failures_on_many_names(client, staff_a, head_a):
    for i in range(6):
        _login(client, f"guess{i}", "wrong")
    response = _login(client, "head_a", PASSWORD)
    assert response.status_code == 429 and not _signed_in(client)


def test_a_forwarded_header_is_ignored_unless_the_proxy_is_configured(client, staff_a, settings):
    settings.TRUSTED_PROXY_HEADER = ""
    for i in range(3):
        _login(client, "staff_a", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert _login(client, "staff_a", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


def test_behind_the_configured_proxy_each_client_address_counts_on_its_own(client, staff_a, head_a, settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    for i in range(6):
        _login(client, f"guess{i}", "wrong", HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR="127.0.0.1")
    # That one client is locked out; a colleague behind the same proxy signs in.
    locked = _login(client, "head_a", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR="127.0.0.1")
    assert locked.status_code == 429
    colleague = _login(client, "head_a", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8", REMOTE_ADDR="127.0.0.1")
    assert colleague.status_code == 302 and _signed_in(client)


def test_a_header_from_a_client_that_is_not_the_proxy_is_not_believed(client, staff_a, settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    for i in range(6):
        _login(client, f"guess{i}", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}", REMOTE_ADDR="10.0.0.5")
    assert _login(client, "staff_a", PASSWORD, REMOTE_ADDR="10.0.0.5").status_code == 429


def test_the_admin_sign_in_is_throttled_too(client, admin):
    for _ in range(3):
        client.post("/admin/login/", {"username": "admin", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert _login(client, "admin", PASSWORD).status_code == 429  # one count for both sign-ins


def test_the_security_officer_sees_the_lockouts_and_the_sysadmin_releases_one(client, staff_a, security_officer, admin):
    for _ in range(3):
        _login(client, "ｓtaff_a", "wrong")
    officer = client.__class__()
    officer.force_login(security_officer)
    page = officer.get(reverse("org:lockouts")).content.decode()
    assert "staff_a" in page and "ロック中" in page and "解除する" not in page
    response = officer.post(reverse("org:lockout_release"), {"username": "staff_a"})
    assert response.status_code == 403
    assert not LockoutRelease.objects.exists()

    sysadmin = client.__class__()
    sysadmin.force_login(admin)
    response = sysadmin.post(
        reverse("org:lockout_release"), {"username": "staff_a", "comment": "本人に電話で確認"}, follow=True
    )
    assert "「staff_a」のロックを解除しました" in response.content.decode()
    release = LockoutRelease.objects.get()
    assert (release.username, release.failures, release.released_by) == ("staff_a", 3, admin)
    event = AuditEvent.objects.for_object(release).get()
    assert event.actor == admin and "失敗3回" in event.summary and event.comment == "本人に電話で確認"
    assert _login(client, "staff_a", PASSWORD).status_code == 302 and _signed_in(client)


@pytest.mark.parametrize("who", ["staff_a", "head_a", "member", "chair", "contractor"])
def test_others_do_not_see_the_lockouts(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("org:lockouts")).status_code == 403


def test_the_server_command_releases_a_lockout_when_no_sysadmin_can_sign_in(client, admin, capsys):
    for _ in range(3):
        _login(client, "admin", "wrong")
    call_command("unlock_login", "--username", "admin", "--comment", "管理者本人を対面で確認")
    assert "ロックを解除しました" in capsys.readouterr().out
    event = AuditEvent.objects.for_object(LockoutRelease.objects.get()).get()
    assert event.actor is None and "サーバーのコマンド" in event.summary
    assert _login(client, "admin", PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_the_failures_of_that_name(client, staff_a):
    _login(client, "staff_a", "wrong")
    _login(client, "staff_a", "wrong")
    assert _login(client, "staff_a", PASSWORD).status_code == 302
    client.logout()
    _login(client, "staff_a", "wrong")
    _login(client, "staff_a", "wrong")
    assert _login(client, "staff_a", PASSWORD).status_code == 302


def test_an_inactive_user_is_told_so(client, dept_a):
    UserFactory(username="retired", department=dept_a, is_active=False)
    body = _login(client, "retired", PASSWORD).content.decode()
    assert "ユーザー名またはパスワードが正しくありません" in body


def test_someone_elses_sign_in_from_the_same_address_does_not_clear_a_name(client, staff_a, head_a):
    """A guesser cannot reset the count by signing in to an account of their own in between."""
    _login(client, "staff_a", "wrong")
    _login(client, "staff_a", "wrong")
    assert _login(client, "head_a", PASSWORD).status_code == 302
    client.logout()
    assert _login(client, "staff_a", "wrong").status_code == 429
    assert _login(client, "staff_a", PASSWORD).status_code == 429


def test_the_password_change_form_is_throttled_too(client, staff_a):
    """A session left open must not become a way to guess the password without limit."""
    client.force_login(staff_a)
    for _ in range(2):
        response = client.post(
            reverse("password_change"),
            {"old_password": "guess", "new_password1": "a-new-pass-2026!", "new_password2": "a-new-pass-2026!"},
        )
        assert response.status_code == 200
    third = client.post(
        reverse("password_change"),
        {"old_password": "guess", "new_password1": "a-new-pass-2026!", "new_password2": "a-new-pass-2026!"},
    )
    assert third.status_code == 429
    staff_a.refresh_from_db()
    assert staff_a.check_password(PASSWORD)


def test_an_ipv6_client_is_counted_by_its_64(client, staff_a):
    for i in range(6):
        _login(client, f"guess{i}", "wrong", REMOTE_ADDR=f"2001:db8:1:2::{i + 1}")
    assert _login(client, "staff_a", PASSWORD, REMOTE_ADDR="2001:db8:1:2:ffff::9").status_code == 429
    assert _login(client, "staff_a", PASSWORD, REMOTE_ADDR="2001:db8:1:3::1").status_code == 302


def test_behind_a_unix_socket_the_proxy_header_is_believed(client, staff_a, head_a, settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    for i in range(6):
        _login(client, f"guess{i}", "wrong", HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR="")
    colleague = _login(client, "head_a", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8", REMOTE_ADDR="")
    assert colleague.status_code == 302
