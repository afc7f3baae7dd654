"""Issue 21: the API tokens moved from monitoring to platforms; what a city used keeps working."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse

from komae_sns.celery import app
from platforms.models import ApiCredential

pytestmark = pytest.mark.django_db


def test_the_old_page_of_the_tokens_redirects_to_the_new_one(client, admin):
    client.force_login(admin)
    response = client.get("/monitoring/credentials/?page=2")
    assert response.status_code == 301 and response["Location"] == "/platforms/credentials/?page=2"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'aria-current="page" href="/system/"' in page.content.decode()  # the menu entry (issue 24: システム管理)


def test_the_old_admin_pages_redirect(client, admin):
    response = client.get("/admin/monitoring/apicredential/7/change/")
    assert response.status_code == 301
    assert response["Location"] == reverse("admin:platforms_apicredential_change", args=[7])


def test_the_table_and_its_permissions_keep_their_names():
    assert ApiCredential._meta.db_table == "monitoring_apicredential"
    kind = ContentType.objects.get_for_model(ApiCredential)
    assert kind.app_label == "platforms"
    assert not ContentType.objects.filter(app_label="monitoring", model="apicredential").exists()
    assert Permission.objects.filter(content_type=kind, codename="view_apicredential").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no triggers")
def test_the_rules_of_the_table_are_installed_once_under_platforms_names():
    with connection.cursor() as cur:
        cur.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'monitoring_apicredential'::regclass AND NOT tgisinternal"
        )
        names = sorted(row[0] for row in cur.fetchall())
    expected = sorted(t.get_pgid(ApiCredential) for t in ApiCredential._meta.triggers)
    assert names == expected and len(names) == 3


def test_the_renewal_task_keeps_the_name_beat_uses():
    app.loader.import_default_modules()  # what a worker does at start: every app's tasks module
    assert "monitoring.tasks.renew_tokens" in app.tasks
    assert app.conf.beat_schedule["token-renewals"]["task"] == "monitoring.tasks.renew_tokens"
