"""API tokens of the status checks (issue 13): encrypted at rest, never shown again, rotated, reminded.

"API tokens (SNS passwords are still never stored) are entered by the sysadmin per account or per
platform, encrypted at rest with a key from the environment (MultiFernet, so the key can be
rotated), never shown again, never written to logs, audit rows or exports. Each token's expiry date
is tracked, with a reminder before it lapses."
"""

import io
import json
import logging
import subprocess
import sys
from datetime import date, timedelta

import pytest
from cryptography.fernet import Fernet
from django.core import serializers
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.dates import to_wareki
from core.errors import TransitionError
from core.models import AuditEvent, Notice
from monitoring import reminders
from platforms import credentials
from platforms.forms import TOKEN_NOT_KEPT
from platforms.models import ApiCredential
from tests.factories import AccountFactory, platform

pytestmark = pytest.mark.django_db

TOKEN = "EAAB-komae-secret-token-7f3a9c2e1d0b4a6f8e7d5c3b1a09f8e7"
OTHER_TOKEN = "EAAB-komae-other-token-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the database's own rules")


def _today() -> date:
    return timezone.localdate()


def register(actor, *, account=None, platform_obj=None, token=TOKEN, kind="bearer_token", expires_on="in 90 days"):
    if expires_on == "in 90 days":
        expires_on = _today() + timedelta(days=90)
    platform_obj = platform_obj or account.platform
    return credentials.credential_register(
        actor=actor,
        platform_id=platform_obj.pk,
        account_id=account.pk if account else None,
        token=token,
        kind=kind,
        expires_on=expires_on,
    )


@pytest.fixture
def keys(settings):
    """Two real Fernet keys; the tests set CREDENTIAL_KEYS as an operator would."""
    k1, k2 = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CREDENTIAL_KEYS = [k1]
    return k1, k2


def _form(account, **overrides):
    data = {
        "platform": account.platform_id,
        "account": account.pk,
        "kind": "bearer_token",  # what X takes
        "token": TOKEN,
        "expires_on": (_today() + timedelta(days=90)).isoformat(),
    }
    data.update(overrides)
    return data


# --- encrypted at rest, read back ------------------------------------------------------------------


@pytest.mark.smoke
def test_a_token_is_kept_encrypted_and_read_back_for_the_check(admin, account_a):
    credential = register(admin, account=account_a)
    stored = ApiCredential.objects.values_list("secret", flat=True).get(pk=credential.pk)
    assert TOKEN not in stored and stored.startswith("gAAAAA")  # a Fernet token, not the API token
    found = credentials.token_for(account_a)
    assert found and found.token == TOKEN and found.credential == credential and found.problem == ""


def test_the_fingerprint_tells_tokens_apart_without_their_characters(admin, account_a, pr_account):
    first = register(admin, account=account_a)
    second = register(admin, account=pr_account, token=OTHER_TOKEN)
    assert len(first.fingerprint) == 8 and int(first.fingerprint, 16) >= 0
    assert first.fingerprint != second.fingerprint
    assert first.fingerprint == credentials.fingerprint_of(TOKEN)  # the same token reads the same
    assert first.fingerprint not in TOKEN


# --- never shown again ------------------------------------------------------------------------------


def test_the_token_never_appears_on_a_page_after_registering(client, admin, account_a):
    client.force_login(admin)
    response = client.post(reverse("platforms:credential_register"), _form(account_a), follow=True)
    body = response.content.decode()
    credential = ApiCredential.objects.get()
    assert f"APIトークンを登録しました（指紋 {credential.fingerprint}）" in body
    pages = [
        body,
        client.get(reverse("platforms:credentials")).content.decode(),
        client.get(reverse("dashboard")).content.decode(),
        client.get(reverse("admin:platforms_apicredential_changelist")).content.decode(),
        client.get(reverse("admin:platforms_apicredential_change", args=[credential.pk])).content.decode(),
        client.get(reverse("admin:core_auditevent_changelist")).content.decode(),
    ]
    for page in pages:
        assert TOKEN not in page
        assert credential.secret not in page  # nor the ciphertext
    assert credential.fingerprint in pages[1] and credential.fingerprint in pages[3]


def test_a_refused_registration_empties_the_token_box_and_says_so(client, admin, account_a):
    client.force_login(admin)
    response = client.post(reverse("platforms:credential_register"), _form(account_a, expires_on=""))
    body = response.content.decode()
    assert response.status_code == 200
    assert TOKEN not in body
    assert "有効期限を入力するか、「有効期限なし」を選んでください。" in body
    assert TOKEN_NOT_KEPT in body
    assert 'type="password" name="token"' in body and 'autocomplete="off"' in body
    assert not ApiCredential.objects.exists()


def test_a_token_the_service_refuses_is_not_sent_back_either(client, admin, account_a):
    client.force_login(admin)
    yesterday = (_today() - timedelta(days=1)).isoformat()
    body = client.post(reverse("platforms:credential_register"), _form(account_a, expires_on=yesterday)).content
    body = body.decode()
    assert "が過ぎたトークンは登録できません" in body and TOKEN_NOT_KEPT in body
    assert TOKEN not in body
    assert not ApiCredential.objects.exists()


def test_a_token_with_a_line_break_or_full_width_characters_is_refused(admin, account_a):
    for bad in (TOKEN[:20] + "\n" + TOKEN[20:], "ＥＡＡＢ" + TOKEN, "short"):
        with pytest.raises(TransitionError) as refused:
            register(admin, account=account_a, token=bad)
        assert bad not in str(refused.value)
    assert not ApiCredential.objects.exists()


def test_an_account_of_another_platform_is_refused(client, admin, account_a):
    line = AccountFactory(platform=platform("line"), department=account_a.department, manager=account_a.manager)
    with pytest.raises(TransitionError, match="のアカウントではありません"):
        register(admin, account=line, platform_obj=account_a.platform)
    client.force_login(admin)
    body = client.post(reverse("platforms:credential_register"), _form(line, platform=account_a.platform_id))
    assert "のアカウントではありません" in body.content.decode()
    assert not ApiCredential.objects.exists()


def test_audit_rows_name_the_credential_but_never_the_token(admin, account_a, settings, keys):
    first = register(admin, account=account_a)
    second = register(admin, account=account_a, token=OTHER_TOKEN, expires_on=None)  # replaces the first
    settings.CREDENTIAL_KEYS = [keys[1], keys[0]]
    credentials.rotate_keys()
    credentials.credential_retire(actor=admin, credential_id=second.pk, comment="SNS側で失効させた")
    rows = AuditEvent.objects.order_by("id")
    kept = serializers.serialize("json", rows)
    assert TOKEN not in kept and OTHER_TOKEN not in kept
    Action = AuditEvent.Action
    assert [(row.object_id, row.action, row.to_state, row.actor_kind) for row in rows] == [
        (first.pk, Action.CREATED, "", "person"),
        (first.pk, Action.TRANSITION, "retired", "person"),  # replaced by the second
        (second.pk, Action.CREATED, "", "person"),
        (second.pk, Action.KEY_ROTATED, "", "job"),
        (second.pk, Action.TRANSITION, "retired", "person"),
    ]
    # Each row names the credential as people know it: scope, kind, expiry, fingerprint.
    summaries = [row.summary for row in rows]
    assert summaries[0].startswith("APIトークンを登録：こまえ子ども（X @komae_kodomo）・ベアラートークン")
    assert f"指紋 {first.fingerprint}" in summaries[0] and to_wareki(first.expires_on) in summaries[0]
    assert summaries[1].startswith("APIトークンを廃止（差し替え）") and summaries[1].endswith("：使用中 → 廃止")
    assert "有効期限 なし" in summaries[2] and second.fingerprint in summaries[-1]


def test_the_token_is_never_written_to_the_log(client, admin, account_a, caplog, settings, keys):
    """Registering through the page, using it, failing to decrypt it, rotating: DEBUG logs, SQL included."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    client.force_login(admin)
    connection.force_debug_cursor = True  # log every SQL statement with its parameters
    try:
        client.post(reverse("platforms:credential_register"), _form(account_a))
        assert credentials.token_for(account_a).token == TOKEN
        credentials.rotate_keys()
        settings.CREDENTIAL_KEYS = [keys[1]]  # the key removed too early: a warning is logged
        assert credentials.token_for(account_a).problem == credentials.UNREADABLE
    finally:
        connection.force_debug_cursor = False
    logged = "\n".join(f"{r.getMessage()} {r.args!r} {getattr(r, 'params', '')}" for r in caplog.records)
    assert "INSERT INTO" in logged and "cannot be decrypted" in logged  # the log was really captured
    assert TOKEN not in logged


def test_repr_and_str_never_contain_the_token(admin, account_a):
    credential = register(admin, account=account_a)
    found = credentials.token_for(account_a)
    for text in (repr(credential), str(credential), repr(found), str(found)):
        assert TOKEN not in text and credential.secret not in text
    assert credential.fingerprint in str(credential)


def test_an_error_report_of_the_page_hides_the_token(client, admin, account_a):
    """A 500's report (mail to ADMINS, the DEBUG page) lists POST data: not the token's value."""
    from django.views.debug import SafeExceptionReporterFilter

    client.force_login(admin)
    response = client.post(reverse("platforms:credential_register"), _form(account_a))
    cleansed = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert cleansed["token"] != TOKEN and cleansed["kind"] == "bearer_token"


@pytest.mark.parametrize("debug", [True, False])
def test_the_error_page_of_a_failed_registration_never_shows_the_token(rf, settings, admin, account_a, debug):
    """Issue 20, security 5: the DEBUG page listed the view's local `data` with the token in it. A
    server whose CREDENTIAL_KEYS went missing fails the registration with a 500: its report (the
    DEBUG page, the mail to ADMINS) shows no variable and no POST value that holds the token."""
    from django.views.debug import technical_500_response

    from platforms import views

    settings.DEBUG = debug
    settings.CREDENTIAL_KEYS = []
    request = rf.post(reverse("platforms:credential_register"), _form(account_a))
    request.user = admin
    with pytest.raises(ImproperlyConfigured) as failure:
        views.credential_register(request)
    page = technical_500_response(request, failure.type, failure.value, failure.tb).content.decode()
    assert "ImproperlyConfigured" in page and "credential_register" in page  # the report itself is there
    assert TOKEN not in page and TOKEN[:12] not in page
    assert not ApiCredential.objects.exists()


# --- which token a check uses ----------------------------------------------------------------------


def test_the_accounts_own_token_beats_the_platform_wide_one(admin, account_a, pr_account):
    own = register(admin, account=account_a)
    everyone = register(admin, platform_obj=account_a.platform, token=OTHER_TOKEN)
    assert credentials.token_for(account_a).credential == own
    assert credentials.token_for(pr_account).credential == everyone  # same platform, no token of its own
    assert credentials.token_for(pr_account).token == OTHER_TOKEN
    line = AccountFactory(platform=platform("line"), department=account_a.department, manager=account_a.manager)
    lookup = credentials.token_for(line)
    assert not lookup and lookup.problem == credentials.NO_CREDENTIAL and lookup.credential is None


def test_an_expired_token_is_not_used_and_is_reported_with_its_date(admin, account_a):
    expires = _today() + timedelta(days=10)
    register(admin, account=account_a, expires_on=expires)
    register(admin, platform_obj=account_a.platform, token=OTHER_TOKEN, expires_on=None)
    assert credentials.token_for(account_a, today=expires).token == TOKEN  # valid through its date
    lookup = credentials.token_for(account_a, today=expires + timedelta(days=1))
    assert lookup.token is None
    # The account's own token decides: a platform-wide one may belong to another channel.
    assert lookup.problem == f"APIのトークンの有効期限が切れています（{to_wareki(expires)}）"


def test_a_retired_token_is_not_used(admin, account_a):
    own = register(admin, account=account_a)
    everyone = register(admin, platform_obj=account_a.platform, token=OTHER_TOKEN)
    credentials.credential_retire(actor=admin, credential_id=own.pk)
    assert credentials.token_for(account_a).credential == everyone
    credentials.credential_retire(actor=admin, credential_id=everyone.pk)
    assert credentials.token_for(account_a).problem == credentials.NO_CREDENTIAL
    with pytest.raises(TransitionError, match="すでに廃止"):
        credentials.credential_retire(actor=admin, credential_id=own.pk)


def test_replacing_retires_the_previous_token_in_the_same_transaction(admin, account_a, settings):
    first = register(admin, account=account_a)
    second = register(admin, account=account_a, token=OTHER_TOKEN)
    first.refresh_from_db()
    assert first.retired_at is not None and first.retired_by == admin
    assert first.secret == ""  # nothing reads a retired secret; it is not kept
    assert list(ApiCredential.objects.filter(retired_at__isnull=True)) == [second]
    assert credentials.token_for(account_a).token == OTHER_TOKEN

    settings.CREDENTIAL_KEYS = []  # the new token cannot be encrypted: nothing of the replacement stays
    with pytest.raises(ImproperlyConfigured):
        register(admin, account=account_a, token=TOKEN)
    second.refresh_from_db()
    assert second.retired_at is None and second.secret
    assert ApiCredential.objects.count() == 2


def test_at_most_one_token_in_use_per_account_and_per_platform(admin, account_a):
    """The partial unique constraints, for an account and for the platform-wide scope (account NULL)."""
    own = register(admin, account=account_a)
    everyone = register(admin, platform_obj=account_a.platform, token=OTHER_TOKEN)  # both scopes coexist
    for scope in ({"account": account_a}, {"account": None}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ApiCredential.objects.create(
                platform=account_a.platform, kind="api_key", secret="x", fingerprint="0", registered_by=admin, **scope
            )
    credentials.credential_retire(actor=admin, credential_id=own.pk)
    credentials.credential_retire(actor=admin, credential_id=everyone.pk)
    # Retired ones do not count: a scope gets a new token, and keeps every old one.
    register(admin, account=account_a)
    register(admin, platform_obj=account_a.platform)
    assert ApiCredential.objects.count() == 4


@postgres_only
def test_the_database_keeps_a_retired_token_as_it_was(admin, account_a):
    credential = register(admin, account=account_a)
    with pytest.raises(IntegrityError, match="identity_fixed"), transaction.atomic():
        ApiCredential.objects.filter(pk=credential.pk).update(fingerprint="ffffffff")
    credentials.credential_retire(actor=admin, credential_id=credential.pk)
    with pytest.raises(IntegrityError, match="fixed_once_final"), transaction.atomic():
        ApiCredential.objects.filter(pk=credential.pk).update(retired_at=None)
    with pytest.raises(IntegrityError, match="cannot be deleted"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM monitoring_apicredential WHERE id = %s", [credential.pk])


# --- keys: rotation, a key removed -------------------------------------------------------------------


def test_rotation_moves_every_token_to_the_new_key(admin, account_a, settings, keys):
    k1, k2 = keys
    credential = register(admin, account=account_a)
    settings.CREDENTIAL_KEYS = [k2, k1]  # the new key in front: the old token still reads
    assert credentials.token_for(account_a).token == TOKEN
    call_command("rotate_credentials", stdout=io.StringIO())
    settings.CREDENTIAL_KEYS = [k2]  # the old key removed
    assert credentials.token_for(account_a).token == TOKEN
    credential.refresh_from_db()
    assert Fernet(k2).decrypt(credential.secret.encode()).decode() == TOKEN
    assert credential.fingerprint == credentials.fingerprint_of(TOKEN)


def test_a_removed_key_gives_the_japanese_problem_not_an_error(client, admin, account_a, settings, keys):
    _k1, k2 = keys
    register(admin, account=account_a)
    settings.CREDENTIAL_KEYS = [k2]
    lookup = credentials.token_for(account_a)
    assert lookup.token is None and lookup.problem == credentials.UNREADABLE
    assert "復号できません" in lookup.problem and "登録し直して" in lookup.problem
    client.force_login(admin)
    page = client.get(reverse("platforms:credentials"))
    assert page.status_code == 200 and "復号できません" in page.content.decode()
    with pytest.raises(CommandError, match="1件はどの鍵でも復号できませんでした"):
        call_command("rotate_credentials", stdout=io.StringIO(), stderr=io.StringIO())


# --- only the sysadmin --------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["head_a", "staff_a", "security_officer", "chair"])
def test_only_the_sysadmin_handles_tokens(request, client, admin, account_a, person):
    credential = register(admin, account=account_a)
    user = request.getfixturevalue(person)
    with pytest.raises(PermissionDenied):
        register(user, account=account_a, token=OTHER_TOKEN)
    with pytest.raises(PermissionDenied):
        credentials.credential_retire(actor=user, credential_id=credential.pk)
    client.force_login(user)
    assert client.get(reverse("platforms:credentials")).status_code == 403
    response = client.post(reverse("platforms:credential_register"), _form(account_a, token=OTHER_TOKEN))
    assert response.status_code == 403 and OTHER_TOKEN not in response.content.decode()
    assert client.post(reverse("platforms:credential_retire", args=[credential.pk])).status_code == 403
    assert list(ApiCredential.objects.all()) == [credential] and credentials.token_for(account_a).token == TOKEN
    # No way to the tokens' page (the lookalike panel may still say the sysadmin registers them).
    assert reverse("platforms:credentials") not in client.get(reverse("dashboard")).content.decode()


def test_the_sysadmin_retires_a_token_from_the_page(client, admin, account_a):
    credential = register(admin, account=account_a)
    client.force_login(admin)
    body = client.post(
        reverse("platforms:credential_retire", args=[credential.pk]), {"comment": "失効させた"}, follow=True
    ).content.decode()
    assert f"APIトークン（指紋 {credential.fingerprint}）を廃止しました。" in body and "廃止（" in body
    assert credentials.token_for(account_a).problem == credentials.NO_CREDENTIAL
    credential.refresh_from_db()
    retired = AuditEvent.objects.order_by("id").last()
    assert (credential.status, credential.retired_by) == (ApiCredential.Status.RETIRED, admin)
    assert (retired.action, retired.from_state, retired.to_state) == (AuditEvent.Action.TRANSITION, "active", "retired")
    assert (retired.actor, retired.comment) == (admin, "失効させた")


def test_a_tokens_status_and_its_retirement_date_never_disagree(admin, account_a):
    """The status changes only with retired_at (core.audit.transition); the database holds them together."""
    credential = register(admin, account=account_a)
    for change in ({"status": ApiCredential.Status.RETIRED}, {"retired_at": timezone.now()}):
        with pytest.raises(IntegrityError, match="credential_retired_when_its_status_says"), transaction.atomic():
            ApiCredential.objects.filter(pk=credential.pk).update(**change)
    credential.refresh_from_db()
    assert credential.status == ApiCredential.Status.ACTIVE


# --- expiry: the page, the dashboard, the reminder ----------------------------------------------------


def test_the_list_warns_of_tokens_near_or_past_their_expiry(client, admin, account_a, pr_account, settings):
    settings.CREDENTIAL_REMINDER_DAYS = 30
    register(admin, account=account_a, expires_on=_today() + timedelta(days=20))
    register(admin, account=pr_account, token=OTHER_TOKEN, expires_on=_today() + timedelta(days=200))
    client.force_login(admin)
    body = client.get(reverse("platforms:credentials")).content.decode()
    assert body.count(">まもなく期限</span>") == 1 and ">期限切れ</span>" not in body
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "状態確認のAPIトークン" in dashboard and reverse("platforms:credentials") in dashboard
    assert (
        "こまえ子ども（X @komae_kodomo）・ベアラートークン" in dashboard and "狛江市（X @komae_city）" not in dashboard
    )


def test_the_sysadmins_are_reminded_once_per_threshold_not_daily(
    admin, account_a, head_a, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.CREDENTIAL_REMINDER_DAYS = 30
    admin.email = "sysadmin@city.komae.lg.jp"
    admin.save()
    today = _today()
    expires = today + timedelta(days=25)
    register(admin, account=account_a, expires_on=expires)

    def run(day):
        with django_capture_on_commit_callbacks(execute=True):
            reminders.send_reminders(day)
        return [n.subject for n in Notice.objects.filter(recipient=admin).order_by("id")]

    assert run(today) == ["APIトークンの有効期限が近づいています"]
    for day in (today, today + timedelta(days=1), today + timedelta(days=10)):  # the daily job runs on
        assert len(run(day)) == 1
    assert len(run(expires - timedelta(days=7))) == 2  # a week before: once more
    assert len(run(expires - timedelta(days=3))) == 2
    assert len(run(expires)) == 2  # still valid on its date
    assert run(expires + timedelta(days=1))[-1] == "APIトークンの有効期限が切れました"
    assert len(run(expires + timedelta(days=2))) == 3
    credential_mails = [m for m in mailoutbox if "APIトークン" in m.subject]
    assert [m.to for m in credential_mails] == [["sysadmin@city.komae.lg.jp"]] * 3
    first = credential_mails[0].body
    assert "こまえ子ども（X @komae_kodomo）のベアラートークン" in first and to_wareki(expires) in first
    assert "/platforms/credentials/" in first
    assert all(TOKEN not in m.body for m in mailoutbox)
    assert not Notice.objects.filter(recipient=head_a, subject__contains="APIトークン").exists()


def test_a_replacement_is_reminded_afresh(admin, account_a, settings):
    settings.CREDENTIAL_REMINDER_DAYS = 30
    register(admin, account=account_a, expires_on=_today() + timedelta(days=5))
    assert credentials.credential_reminders_send(_today()) == 1  # registered a week before: one reminder
    assert credentials.credential_reminders_send(_today()) == 0
    register(admin, account=account_a, token=OTHER_TOKEN, expires_on=_today() + timedelta(days=20))
    assert credentials.credential_reminders_send(_today()) == 1


def test_the_list_takes_the_same_queries_at_1_and_at_50_tokens(client, admin, dept_a, head_a):
    client.force_login(admin)

    def fill(n):
        for _ in range(n):
            account = AccountFactory(department=dept_a, manager=head_a)
            register(admin, account=account, token=f"{TOKEN}-{account.pk}")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("platforms:credentials")).status_code == 200
        return len(ctx.captured_queries)

    fill(1)
    count()
    at_one = count()
    fill(49)
    assert count() == at_one


# --- settings ------------------------------------------------------------------------------------------


def _production_check(keys: str | None):
    env = {
        "DEBUG": "false",
        "SECRET_KEY": "k" * 60,
        "ALLOWED_HOSTS": "sns.city.komae.lg.jp",
        "SITE_URL": "https://sns.city.komae.lg.jp",
        "BACKUP_SIGNING_KEY": "b" * 43,
        "PATH": "/usr/bin:/bin",
    }
    if keys is not None:
        env["CREDENTIAL_KEYS"] = keys
    return subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_production_requires_valid_credential_keys():
    missing = _production_check(None)
    assert missing.returncode != 0 and "CREDENTIAL_KEYS" in missing.stderr and "鍵が必要です" in missing.stderr
    good = Fernet.generate_key().decode()
    broken = _production_check(f"{good},not-a-fernet-key-but-a-secret")
    assert broken.returncode != 0
    assert "2番目の鍵がFernetの鍵ではありません" in broken.stderr and "Key 2 is not a valid Fernet key" in broken.stderr
    assert "not-a-fernet-key-but-a-secret" not in broken.stderr  # a key is a secret too
    assert _production_check(f"{good}, {Fernet.generate_key().decode()}").returncode == 0


def test_development_derives_a_key_from_the_secret_key():
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.CREDENTIAL_KEYS))"
    )
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "komae_sns.settings", "SECRET_KEY": "s" * 60}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    (key,) = json.loads(result.stdout)
    assert Fernet(key).decrypt(Fernet(key).encrypt(b"round trip")) == b"round trip"
