"""Sign-in with the city's directory (issue 14), against a real OpenLDAP server (tests/ldap_server.py).

Staff sign in through the login page with their directory account; a new directory user has no role
until the sysadmin grants one or a group of LDAP_ROLE_GROUPS does; local accounts keep working; the
lockout counts directory sign-ins too.
"""

import ldap
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from core.models import AuditEvent
from komae_sns.directory import BACKEND, directory_settings
from org.roles import Role
from tests.factories import PASSWORD
from tests.ldap_server import Slapd

pytestmark = pytest.mark.django_db

User = get_user_model()
DIRECTORY_PASSWORD = "directory-password-of-yamada"


@pytest.fixture(scope="module")
def slapd():
    with Slapd() as server:
        server.yamada = server.add_person(
            "yamada", DIRECTORY_PASSWORD, family="山田", given="花子", mail="yamada@city.komae.lg.jp"
        )
        server.suzuki = server.add_person(
            "suzuki", "password-of-suzuki", family="鈴木", given="一郎", mail="s@example.com"
        )
        server.committee = server.add_group("sns-committee", server.yamada)
        server.admin_dn = server.add_person("admin", "directory-admin-password", family="別人", given="管理")
        yield server


def _use_directory(settings, slapd, **extra):
    for key, value in directory_settings(slapd.environment(**extra)).items():
        setattr(settings, key, value)
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        BACKEND,
        "django.contrib.auth.backends.ModelBackend",
    ]


@pytest.fixture
def directory(settings, slapd):
    _use_directory(settings, slapd)
    return slapd


def _login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _signed_in_as(client) -> str | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk).username if pk else None


def test_a_directory_user_signs_in_and_has_no_role_until_granted(client, directory):
    response = _login(client, "yamada", DIRECTORY_PASSWORD)
    assert response.status_code == 302 and response.url == "/"
    assert _signed_in_as(client) == "yamada"
    user = User.objects.get(username="yamada")
    assert (user.last_name, user.first_name, user.email) == ("山田", "花子", "yamada@city.komae.lg.jp")
    assert user.roles == frozenset()  # no LDAP_ROLE_GROUPS here: the sysadmin grants roles
    assert not user.has_usable_password()  # the directory's password is never kept here
    event = AuditEvent.objects.for_object(user).get()
    assert (event.action, event.actor_job) == (AuditEvent.Action.CREATED, AuditEvent.Job.DIRECTORY)
    page = client.get("/").content.decode()
    assert "山田 花子" in page


def test_a_wrong_directory_password_is_refused_like_a_local_one(client, directory):
    body = _login(client, "yamada", "not-the-password").content.decode()
    assert "ユーザー名またはパスワードが正しくありません" in body
    assert _signed_in_as(client) is None


def test_a_mail_address_outside_the_city_domain_is_not_registered(client, directory):
    """P-4: the directory's address is taken only when it is on CITY_EMAIL_DOMAIN."""
    _login(client, "suzuki", "password-of-suzuki")
    assert User.objects.get(username="suzuki").email == ""


def test_a_mapped_group_grants_its_role_and_leaving_it_withdraws_it(client, settings, slapd):
    _use_directory(settings, slapd, LDAP_ROLE_GROUPS=f"{Role.COMMITTEE}={slapd.committee}")
    _login(client, "yamada", DIRECTORY_PASSWORD)
    yamada = User.objects.get(username="yamada")
    assert yamada.roles == {Role.COMMITTEE}
    # The sysadmin grants a role the mapping does not name: the directory leaves it alone.
    yamada.groups.add(Group.objects.get(name=Role.STAFF))
    slapd.remove_member(slapd.committee, slapd.yamada)
    try:
        client.logout()
        _login(client, "yamada", DIRECTORY_PASSWORD)
        yamada = User.objects.get(username="yamada")
        assert yamada.roles == {Role.STAFF}
        events = AuditEvent.objects.for_object(yamada).filter(action=AuditEvent.Action.UPDATED)
        assert [(e.from_state, e.to_state, e.actor_job) for e in events] == [
            ("", Role.COMMITTEE, AuditEvent.Job.DIRECTORY),
            (Role.COMMITTEE, "", AuditEvent.Job.DIRECTORY),
        ]
    finally:
        conn = slapd.admin()
        conn.modify_s(slapd.committee, [(ldap.MOD_ADD, "member", [slapd.yamada.encode()])])
        conn.unbind_s()


def test_the_local_sysadmin_still_signs_in_and_is_not_taken_over(client, directory, admin):
    """The directory has an `admin` of its own: its password does not open the local sysadmin."""
    assert _login(client, "admin", "directory-admin-password").status_code == 200
    assert _signed_in_as(client) is None
    assert _login(client, "admin", PASSWORD).status_code == 302
    assert _signed_in_as(client) == "admin"
    assert User.objects.get(username="admin").roles == {Role.SYSADMIN}


def test_directory_sign_ins_are_locked_out_after_repeated_failures(client, directory, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        _login(client, "yamada", "guess")
    response = _login(client, "yamada", DIRECTORY_PASSWORD)
    assert response.status_code == 429 and "ログインの失敗が続いたため" in response.content.decode()
    assert _signed_in_as(client) is None


def test_failures_elsewhere_do_not_keep_a_directory_user_out_of_their_own_terminal(client, directory, settings):
    """Issue 20: the lockout is the pair (name, address); a name is only slowed down across addresses."""
    settings.LOGIN_FAILURE_LIMIT = 3
    assert _login(client, "yamada", DIRECTORY_PASSWORD, REMOTE_ADDR="192.0.2.10").status_code == 302
    client.logout()
    for _ in range(6):
        _login(client, "yamada", "guess", REMOTE_ADDR="203.0.113.66")
    assert _login(client, "yamada", DIRECTORY_PASSWORD, REMOTE_ADDR="203.0.113.66").status_code == 429
    assert _login(client, "yamada", DIRECTORY_PASSWORD, REMOTE_ADDR="192.0.2.10").status_code == 302
    assert _signed_in_as(client) == "yamada"


def test_names_that_do_not_exist_do_not_keep_a_directory_users_first_sign_in_out(client, directory, settings):
    """Sprayed names count apart, with a bound; a directory user not yet known here still signs in."""
    settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 3, 6
    settings.LOGIN_UNKNOWN_NAME_LIMIT_PER_ADDRESS = 5
    for i in range(10):
        _login(client, f"nobody{i}", "guess")
    assert _login(client, "yamada", DIRECTORY_PASSWORD).status_code == 302
    assert _signed_in_as(client) == "yamada"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"LDAP_ROLE_GROUPS": "boss=cn=x,dc=example"}, "役割「boss」はありません"),
        ({"LDAP_USER_SEARCH_BASE": ""}, "LDAP_USER_SEARCH_BASE"),
        ({"LDAP_USER_FILTER": "(uid=yamada)"}, "%(user)s"),
        ({"LDAP_GROUP_TYPE": "novell"}, "LDAP_GROUP_TYPE"),
        ({"LDAP_START_TLS": "maybe"}, "LDAP_START_TLS"),
    ],
)
def test_a_broken_directory_setting_stops_start_up_with_a_message(slapd, extra, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace(")", r"\)")):
        directory_settings(slapd.environment(**extra))


def test_without_a_directory_nothing_changes():
    assert directory_settings({}) == {}
