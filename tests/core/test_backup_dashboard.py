"""The sysadmin's dashboard shows the last backup, and warns when it is older than two days (issue 14)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from core.backup import backup_status
from core.models import BackupRecord

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")


def backup_at(when: datetime, kind=BackupRecord.Kind.BACKUP) -> BackupRecord:
    return BackupRecord.objects.create(
        kind=kind, taken_at=when, path="/srv/backups/komae-sns-20261201-020000", size=3 * 1024 * 1024, file_count=42
    )


def section(client, user) -> str:
    client.force_login(user)
    body = client.get(reverse("dashboard")).content.decode()
    start = body.find('id="backup-heading"')
    return "" if start < 0 else body[start : body.find("</section>", start)]


@pytest.mark.smoke
def test_the_sysadmin_sees_the_last_backup_its_size_and_where_it_is(client, admin):
    backup_at(datetime(2026, 11, 30, 2, 0, tzinfo=TOKYO))
    backup_at(datetime(2026, 12, 1, 2, 0, tzinfo=TOKYO))
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO), tick=False):
        shown = section(client, admin)
    assert "最後のバックアップ：令和8年12月1日 02:00（3.0" in shown
    assert "42ファイル" in shown and "/srv/backups/komae-sns-20261201-020000" in shown
    assert "要確認" not in shown


def test_it_warns_when_the_last_backup_is_older_than_two_days(client, admin):
    backup_at(datetime(2026, 12, 1, 2, 0, tzinfo=TOKYO))
    with time_machine.travel(datetime(2026, 12, 3, 1, 59, tzinfo=TOKYO), tick=False):
        assert "要確認" not in section(client, admin)
    with time_machine.travel(datetime(2026, 12, 3, 2, 1, tzinfo=TOKYO), tick=False):
        shown = section(client, admin)
    assert "要確認" in shown and "2日以上、新しいバックアップがありません" in shown


def test_it_warns_when_there_is_no_backup_at_all(client, admin):
    shown = section(client, admin)
    assert "バックアップの記録がありません" in shown and "要確認" in shown


def test_a_restore_shows_the_backup_it_came_from(client, admin):
    backup_at(datetime(2026, 12, 1, 2, 0, tzinfo=TOKYO), kind=BackupRecord.Kind.RESTORE)
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO), tick=False):
        assert "このバックアップから復元しました" in section(client, admin)


def test_only_the_sysadmin_sees_backups(client, staff_a, head_a, security_officer, chair):
    backup_at(datetime(2020, 1, 1, tzinfo=TOKYO))
    for user in (staff_a, head_a, security_officer, chair):
        assert section(client, user) == "", user.username


def test_the_dashboard_reads_the_last_backup_in_one_query(django_assert_num_queries):
    backup_at(datetime(2026, 11, 30, 2, 0, tzinfo=TOKYO))
    backup_at(datetime(2026, 12, 1, 2, 0, tzinfo=TOKYO))
    with django_assert_num_queries(1):
        status = backup_status()
    assert status.last.taken_at == datetime(2026, 12, 1, 2, 0, tzinfo=TOKYO)
