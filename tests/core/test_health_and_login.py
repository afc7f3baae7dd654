import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_healthz_reports_database_and_broker(client, settings):
    response = client.get(reverse("healthz"))
    data = response.json()
    assert response.status_code == 200
    assert (data["status"], data["database"], data["broker"]) == ("ok", "ok", "ok")
    expected = "redis" if settings.REDIS_URL else "filesystem"
    assert data["broker_transport"] == expected


def test_healthz_says_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")
    assert response.json()["database"] == "ok"


def test_login_is_in_japanese_and_lands_on_the_dashboard(client, staff_a):
    from tests.factories import PASSWORD

    page = client.get(reverse("login")).content.decode()
    assert "職員ログイン" in page and 'lang="ja"' in page
    response = client.post(reverse("login"), {"username": "staff_a", "password": PASSWORD}, follow=True)
    assert "ダッシュボード" in response.content.decode()
    assert response.context["user"] == staff_a


def test_every_page_sends_a_content_security_policy(client):
    response = client.get(reverse("registry:list"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "cdn" not in response.content.decode().lower()


def test_production_settings_pass_the_deploy_check(monkeypatch):
    """`check --deploy` is clean with DEBUG=false and a real secret (SPEC §7)."""
    import subprocess
    import sys

    env = {
        "DEBUG": "false",
        "SECRET_KEY": "k" * 20 + "-production-secret-for-the-deploy-check-only-0123456789",
        "ALLOWED_HOSTS": "sns.city.komae.lg.jp",
        "SITE_URL": "https://sns.city.komae.lg.jp",
        "CREDENTIAL_KEYS": Fernet.generate_key().decode(),
        "BACKUP_SIGNING_KEY": "b" * 43,
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_the_dev_secret_key():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={"DEBUG": "false", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.smoke
def test_seed_demo_is_idempotent_and_every_state_is_there(client, capsys):
    from django.core.management.base import CommandError

    from accounts.models import AccountStatus, OfficialAccount
    from org.models import User

    with pytest.raises(CommandError, match="本番設定"):
        call_command("seed_demo")  # pytest-django runs with DEBUG=False, like production
    call_command("seed_demo", force=True)
    first = OfficialAccount.objects.count()
    call_command("seed_demo", force=True)
    out = capsys.readouterr().out
    demo = settings.CITY.demo  # the profile's demo organisation (Komae's by default)
    password = demo["password"]
    assert OfficialAccount.objects.count() == first == len(demo["accounts"])
    assert set(OfficialAccount.objects.values_list("status", flat=True)) == set(AccountStatus.values)
    # G-4-2-イ: every demo account that has left 開設準備 operates under an enacted, printable policy.
    unprepared = OfficialAccount.objects.exclude(status=AccountStatus.PREPARING).filter(policy_versions__isnull=True)
    assert not unprepared.exists()
    staff = next(u for u in demo["users"] if u["roles"] == ["staff"])
    assert staff["username"] in out and password in out and settings.CITY_NAME in out
    assert User.objects.filter(groups__name="sysadmin").exists()
    # The login form, as a person signs in (django-axes needs the request that authenticate() gets).
    client.post(reverse("login"), {"username": staff["username"], "password": password})
    ours = [a["name"] for a in demo["accounts"] if a["department"] == staff["department"]]
    assert ours and all(name in client.get(reverse("accounts:list")).content.decode() for name in ours)
    from approvals.models import AccountRequest
    from monitoring.models import Incident

    assert AccountRequest.objects.filter(status="submitted").count() == 1
    assert Incident.objects.filter(status="open").count() == 1
    client.post(reverse("logout"))
    member = next(u for u in demo["users"] if u["roles"] == ["committee"])
    client.post(reverse("login"), {"username": member["username"], "password": password})
    assert demo["request"]["title"] in client.get(reverse("dashboard")).content.decode()


def test_seed_demo_prints_the_address_make_run_starts_the_app_on(capsys, settings):
    """`make run HOST=0.0.0.0 PORT=8123`: the login URL printed is where scripts/run.sh listens."""
    import subprocess

    call_command("seed_demo", force=True)
    assert "ログイン: http://127.0.0.1:8000/login/" in capsys.readouterr().out
    call_command("seed_demo", force=True, host="0.0.0.0", port=8123)
    assert "ログイン: http://0.0.0.0:8123/login/" in capsys.readouterr().out
    plan = subprocess.run(
        ["make", "--dry-run", "--always-make", "run", "HOST=0.0.0.0", "PORT=8123"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "manage.py seed_demo --host 0.0.0.0 --port 8123" in plan
    assert "scripts/run.sh 0.0.0.0 8123" in plan


def _production_setting(name: str):
    """Read a setting as DEBUG=false defines it (settings are evaluated once, at import)."""
    import json
    import subprocess
    import sys

    env = {
        "DEBUG": "false",
        "SECRET_KEY": "k" * 60,
        "ALLOWED_HOSTS": "testserver",
        "SITE_URL": "https://sns.city.komae.lg.jp",
        "CREDENTIAL_KEYS": Fernet.generate_key().decode(),
        "BACKUP_SIGNING_KEY": "b" * 43,
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "komae_sns.settings",
    }
    code = f"import json, django; django.setup(); from django.conf import settings; print(json.dumps(settings.{name}))"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_in_production_healthz_answers_plain_http_and_pages_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = _production_setting("SECURE_REDIRECT_EXEMPT")
    assert client.get("/registry/").status_code == 301
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("url", ["/registry/", "/registry/verify", "/registry/accounts.json", "/registry/accounts.csv"])
def test_the_public_pages_answer_head_like_get(client, url):
    head, get = client.head(url), client.get(url)
    assert head.status_code == get.status_code == 200
    assert head["Content-Type"] == get["Content-Type"]


def test_healthz_answers_head(client):
    assert client.head(reverse("healthz")).status_code == 200


def test_the_lookup_says_that_it_varies_by_accept(client):
    html = client.get("/registry/verify", {"q": "@komae_city"})
    data = client.get("/registry/verify", {"q": "@komae_city"}, HTTP_ACCEPT="application/json")
    assert html["Content-Type"].startswith("text/html") and data["Content-Type"] == "application/json"
    for response in (html, data):
        assert "Accept" in [v.strip() for v in response["Vary"].split(",")], response["Vary"]
