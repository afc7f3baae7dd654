"""Sign-in throttling (SPEC §7, trust-boundaries §4): django-axes, a lock per (user name, address).

Issue 20, the lockout as a weapon: five wrong passwords from anywhere kept any known name (the
sysadmin's too) out everywhere, and twenty junk names locked a whole address (a city's proxy). Now
only the pair is locked; a name failing from several addresses, or an address failing on many real
names, is slowed down, not for the name's own terminal; names that do not exist count apart.

The earlier attack: after 6 wrong passwords kankyo_staff was locked, yet ｋankyo_staff (full-width ｋ) signed
in with the right password, and each width variant had 5 fresh tries — the counter keyed on the raw
name while authentication normalises it.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from org.models import LockoutRelease
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "ログインの失敗が続いたため"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 6
    settings.LOGIN_SLOWDOWN_SECONDS = 60
    settings.LOGIN_UNKNOWN_NAME_LIMIT_PER_ADDRESS = 10


def _login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


ATTACKER = "203.0.113.66"
OWN_TERMINAL = "192.0.2.10"
NEW_TERMINAL = "192.0.2.20"


def _fail(client, username, address, times=1):
    for _ in range(times):
        _login(client, username, "wrong", REMOTE_ADDR=address)


def _later_by(seconds):
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False)


def _later(settings):
    """The clock once the slow-down has passed."""
    return _later_by(settings.LOGIN_SLOWDOWN_SECONDS + 1)


def test_a_name_is_locked_at_an_address_after_repeated_failures(client, staff_a):
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


def test_a_forwarded_header_is_ignored_unless_the_proxy_is_configured(client, staff_a, settings):
    settings.TRUSTED_PROXY_HEADER = ""
    for i in range(3):
        _login(client, "staff_a", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert _login(client, "staff_a", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


@pytest.mark.parametrize("proxy", ["127.0.0.1", ""], ids=["tcp", "unix-socket"])
def test_behind_the_configured_proxy_each_client_address_counts_on_its_own(client, staff_a, head_a, settings, proxy):
    """An empty REMOTE_ADDR is a unix socket: only the proxy on this server can use it."""
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    for _ in range(3):
        _login(client, "staff_a", "wrong", HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR=proxy)
    # That one client's pair is locked; at another client the name is only slowed down.
    locked = _login(client, "staff_a", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR=proxy)
    assert locked.status_code == 429 and LOCKED in locked.content.decode()
    elsewhere = _login(client, "staff_a", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8", REMOTE_ADDR=proxy)
    assert LOCKED not in elsewhere.content.decode()
    colleague = _login(client, "head_a", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR=proxy)
    assert colleague.status_code == 302 and _signed_in(client)


def test_a_header_from_a_client_that_is_not_the_proxy_is_not_believed(client, staff_a, settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    for i in range(3):
        _login(client, "staff_a", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}", REMOTE_ADDR="10.0.0.5")
    response = _login(client, "staff_a", PASSWORD, REMOTE_ADDR="10.0.0.5")  # one pair, not three
    assert response.status_code == 429 and LOCKED in response.content.decode()


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
    assert (event.action, event.actor, event.comment) == (AuditEvent.Action.CREATED, admin, "本人に電話で確認")
    assert "失敗3回" in event.summary
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
    assert (event.actor_kind, event.actor_job, event.actor) == ("job", AuditEvent.Job.UNLOCK_COMMAND, None)
    assert LockoutRelease.objects.get().released_by is None
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


def test_an_ipv6_client_is_counted_by_its_64(client, staff_a, settings):
    for i in range(3):
        _login(client, "staff_a", "wrong", REMOTE_ADDR=f"2001:db8:1:2::{i + 1}")
    same = _login(client, "staff_a", PASSWORD, REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert same.status_code == 429 and LOCKED in same.content.decode()
    with _later(settings):
        assert _login(client, "staff_a", PASSWORD, REMOTE_ADDR="2001:db8:1:3::1").status_code == 302


# The lockout must not be a weapon (issue 20): someone failing with a person's name elsewhere does not keep
# that person out of their own terminal, and names that do not exist do not lock a whole address.


def test_failures_with_the_sysadmins_name_elsewhere_do_not_keep_them_out_of_their_own_terminal(client, admin):
    assert _login(client, "admin", PASSWORD, REMOTE_ADDR=OWN_TERMINAL).status_code == 302
    client.logout()
    _fail(client, "admin", ATTACKER, times=8)
    assert _login(client, "admin", PASSWORD, REMOTE_ADDR=ATTACKER).status_code == 429  # the attacker's pair
    response = _login(client, "admin", PASSWORD, REMOTE_ADDR=OWN_TERMINAL)
    assert response.status_code == 302 and _signed_in(client)


def test_from_a_new_address_a_name_under_attack_is_slowed_down_not_locked(client, admin, settings):
    _fail(client, "admin", ATTACKER, times=8)
    refused = _login(client, "admin", PASSWORD, REMOTE_ADDR=NEW_TERMINAL)
    body = refused.content.decode()
    assert refused.status_code == 429 and not _signed_in(client)
    assert "1分後にもう一度" in body and "システム管理者" in body
    assert refused["Retry-After"] == "60"
    with _later(settings):
        response = _login(client, "admin", PASSWORD, REMOTE_ADDR=NEW_TERMINAL)
    assert response.status_code == 302 and _signed_in(client)


def test_guesses_from_many_addresses_are_paced(client, staff_a, settings):
    for i in range(3):
        _fail(client, "staff_a", f"198.51.100.{i}")
    # The limit is reached across addresses: the next try anywhere waits, and its password is not checked.
    assert _login(client, "staff_a", PASSWORD, REMOTE_ADDR="198.51.100.50").status_code == 429
    assert not _signed_in(client)
    with _later(settings):
        assert _login(client, "staff_a", "wrong", REMOTE_ADDR="198.51.100.51").status_code == 200
        assert _login(client, "staff_a", PASSWORD, REMOTE_ADDR="198.51.100.52").status_code == 429
    assert not _signed_in(client)


def test_the_locked_pair_is_told_how_long_and_whom_to_ask(client, staff_a):
    _fail(client, "staff_a", OWN_TERMINAL, times=2)
    response = _login(client, "staff_a", "wrong", REMOTE_ADDR=OWN_TERMINAL)
    body = response.content.decode()
    assert response.status_code == 429 and LOCKED in body
    assert "15分後にもう一度" in body and "システム管理者に連絡" in body
    assert response["Retry-After"] == "900"


def test_names_that_do_not_exist_never_lock_the_address_for_real_names(client, staff_a, head_a):
    """The city's proxy: everyone behind it comes from one address, and someone there sprays names."""
    for i in range(30):
        _login(client, f"nobody{i}", "wrong")
    assert _login(client, "staff_a", PASSWORD).status_code == 302 and _signed_in(client)
    client.logout()
    assert _login(client, "head_a", PASSWORD).status_code == 302


def test_names_that_do_not_exist_are_counted_up_to_a_bound(client, security_officer):
    for i in range(15):
        response = _login(client, f"nobody{i}", "wrong")
        assert response.status_code == 200
        assert "ユーザー名またはパスワードが正しくありません" in response.content.decode()
    officer = client.__class__()
    officer.force_login(security_officer)
    page = officer.get(reverse("org:lockouts")).content.decode()
    assert "存在しない利用者名での失敗" in page and "10回（上限10回）" in page


def test_failures_on_many_real_names_slow_that_address_down_for_names_new_to_it(
    client, settings, staff_a, head_a, staff_b, member, chair
):
    assert _login(client, "head_a", PASSWORD).status_code == 302  # head_a signs in here every day
    client.logout()
    for name in ("staff_a", "member", "chair"):
        _fail(client, name, "127.0.0.1", times=2)
    refused = _login(client, "staff_b", PASSWORD)
    assert refused.status_code == 429 and "このアドレスからのログインの失敗" in refused.content.decode()
    assert _login(client, "head_a", PASSWORD).status_code == 302
    client.logout()
    with _later(settings):
        assert _login(client, "staff_b", PASSWORD).status_code == 302


def test_the_security_officer_sees_which_names_are_under_attack_from_where(client, staff_a, security_officer, settings):
    _fail(client, "staff_a", ATTACKER, times=3)
    officer = client.__class__()
    officer.force_login(security_officer)
    with _later(settings):
        _fail(client, "ｓtaff_a", "198.51.100.9")
        page = officer.get(reverse("org:lockouts")).content.decode()
    for text in ("staff_a", ATTACKER, "198.51.100.9", "3回（上限3回）", "ロック中", "減速中", "失敗4回・2アドレス"):
        assert text in page, text


def test_the_sysadmin_releases_one_pair_and_the_attackers_stays_locked(client, staff_a, admin):
    _fail(client, "staff_a", ATTACKER, times=3)
    for i in range(3):  # the person, then, at the pace the slow-down allows
        with _later_by(120 + 80 * i):
            _fail(client, "staff_a", OWN_TERMINAL)
    sysadmin = client.__class__()
    sysadmin.force_login(admin)
    response = sysadmin.post(
        reverse("org:lockout_release"),
        {"username": "staff_a", "address": OWN_TERMINAL, "comment": "本人に内線で確認"},
        follow=True,
    )
    assert f"「staff_a（{OWN_TERMINAL}）」のロックを解除しました" in response.content.decode()
    release = LockoutRelease.objects.get()
    assert (release.username, release.address, release.failures) == ("staff_a", OWN_TERMINAL, 3)
    assert "利用者名 staff_a・アドレス 192.0.2.10" in AuditEvent.objects.for_object(release).get().summary
    assert _login(client, "staff_a", PASSWORD, REMOTE_ADDR=ATTACKER).status_code == 429
    with _later_by(400):
        assert _login(client, "staff_a", PASSWORD, REMOTE_ADDR=OWN_TERMINAL).status_code == 302


def test_the_server_command_releases_one_pair(client, admin, capsys):
    _fail(client, "admin", OWN_TERMINAL, times=3)
    call_command("unlock_login", "--username", "admin", "--address", OWN_TERMINAL, "--comment", "対面で確認")
    assert f"ロックを解除しました：admin（{OWN_TERMINAL}）" in capsys.readouterr().out
    assert _login(client, "admin", PASSWORD, REMOTE_ADDR=OWN_TERMINAL).status_code == 302


def test_tries_arriving_together_share_a_slowed_down_names_one_try(rf, staff_a, settings):
    """Many addresses at once: the check and the record of a failure are apart, so the one try is taken."""
    from axes.handlers.proxy import AxesProxyHandler

    for i in range(3):
        _fail(Client(), "staff_a", f"198.51.100.{i}")

    def arriving(address):
        request = rf.post(reverse("login"), {"username": "staff_a"}, REMOTE_ADDR=address)
        AxesProxyHandler.update_request(request)
        return AxesProxyHandler.is_allowed(request, {"username": "staff_a"})

    with _later(settings):
        assert [arriving(f"198.51.100.{50 + i}") for i in range(3)] == [True, False, False]


def test_the_lockout_page_keeps_its_query_count_as_attacks_grow(client, security_officer, staff_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(security_officer)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("org:lockouts")).status_code == 200
        return len(ctx.captured_queries)

    _fail(Client(), "staff_a", ATTACKER)
    at_one = count()
    for i in range(50):
        _fail(Client(), f"nobody{i}", f"198.51.100.{i}")
    assert count() == at_one
