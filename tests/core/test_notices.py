"""In-app notices: what reached people only by mail now waits for them in the app too."""

import pytest
from django.urls import reverse

from accounts import services
from core.models import Notice
from core.notices import absolute, notify

pytestmark = pytest.mark.django_db


def test_a_notice_waits_on_the_dashboard_and_in_the_menu_until_opened(client, staff_a, head_a, account_a):
    services.account_update(account_id=account_a.pk, actor=staff_a, fields={"display_name": "新しい名前"})
    notice = Notice.objects.get(recipient=head_a)
    client.force_login(head_a)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "未読のお知らせ" in dashboard and notice.subject in dashboard
    assert '1<span class="visually-hidden">件の未読</span>' in dashboard
    response = client.get(reverse("notice", args=[notice.pk]))
    assert response.status_code == 302 and response.url == reverse("accounts:detail", args=[account_a.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert "件の未読" not in client.get(reverse("dashboard")).content.decode()


def test_nobody_opens_or_reads_another_persons_notice(client, staff_b, head_a):
    (notice,) = notify([head_a], subject="確認", path="/accounts/")
    client.force_login(staff_b)
    assert client.get(reverse("notice", args=[notice.pk])).status_code == 404
    client.post(reverse("notices_read_all"))
    notice.refresh_from_db()
    assert notice.read_at is None


def test_all_can_be_marked_read_at_once(client, head_a):
    notify([head_a], subject="一つ目")
    notify([head_a], subject="二つ目")
    client.force_login(head_a)
    page = client.get(reverse("notices")).content.decode()
    assert "一つ目" in page and "二つ目" in page and "すべて既読にする" in page
    client.post(reverse("notices_read_all"))
    assert not Notice.objects.filter(recipient=head_a, read_at__isnull=True).exists()


def test_mail_links_are_absolute(settings, mailoutbox, django_capture_on_commit_callbacks, head_a):
    settings.SITE_URL = "https://sns.city.example.lg.jp"
    head_a.email = "head@city.komae.lg.jp"
    head_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify([head_a], subject="確認のお願い", body="内容", path="/requests/2/")
    assert "https://sns.city.example.lg.jp/requests/2/" in mailoutbox[0].body
    assert absolute("") == "https://sns.city.example.lg.jp"


def test_an_inactive_person_is_not_told(head_a):
    head_a.is_active = False
    head_a.save()
    assert notify([head_a], subject="確認") == []


def test_the_mail_prefix_marks_the_mail_not_the_notice(client, mailoutbox, django_capture_on_commit_callbacks, head_a):
    """Issue 20 #18: 「[公式SNS]」 tells a mail apart in a mailbox; in the app every notice is ours."""
    head_a.email = "head@city.komae.lg.jp"
    head_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        (notice,) = notify([head_a], subject="確認のお願い", path="/requests/2/")
    assert mailoutbox[0].subject == "[公式SNS] 確認のお願い"
    assert notice.subject == "確認のお願い"
    client.force_login(head_a)
    for page in (reverse("dashboard"), reverse("notices")):
        html = client.get(page).content.decode()
        assert "確認のお願い" in html and "[公式SNS]" not in html


def test_the_migration_strips_the_prefix_from_notices_already_written(head_a):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("core.migrations.0007_notice_subject_without_mail_prefix")
    old = Notice.objects.create(recipient=head_a, subject="[公式SNS] 申請が提出されました")
    kept = Notice.objects.create(recipient=head_a, subject="件名に [公式SNS] を含むもの")
    migration.strip_prefix(apps, None)
    old.refresh_from_db()
    kept.refresh_from_db()
    assert old.subject == "申請が提出されました"
    assert kept.subject == "件名に [公式SNS] を含むもの"
