"""Daily reminders (SPEC §5) and the content-check log (G-4-3-ア)."""

from datetime import date, timedelta

import pgtrigger
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import AccountStatus, OfficialAccount
from monitoring import reminders
from monitoring.models import ContentCheck

pytestmark = pytest.mark.django_db


@pytest.fixture
def emails(head_a, staff_a):
    head_a.email, staff_a.email = "head@city.komae.lg.jp", "staff@city.komae.lg.jp"
    head_a.save()
    staff_a.save()


def test_the_manager_is_reminded_of_content_checks_passwords_and_verification(
    mailoutbox, django_capture_on_commit_callbacks, emails, account_a
):
    """G-4-3-ア: the 管理者 is reminded to check the posts regularly (and of passwords and verification)."""
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_reminders(date(2026, 11, 24)) == 1
    body = mailoutbox[0].body
    assert mailoutbox[0].to == ["head@city.komae.lg.jp"]
    assert "発言内容の定期確認（ガイドライン４(3)ア）" in body and "パスワードの変更" in body and "認証の申請" in body


def test_a_logged_content_check_silences_that_reminder(account_a, head_a, emails):
    reminders.content_check_log(account_id=account_a.pk, actor=head_a, note="問題なし")
    lines = reminders.reminders_due(date.today())[head_a]
    assert not any("発言内容" in line for line in lines)


def test_one_mail_per_person_and_day(mailoutbox, django_capture_on_commit_callbacks, emails, account_a):
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_reminders(date(2026, 11, 24))
        reminders.send_reminders(date(2026, 11, 24))
    assert len(mailoutbox) == 1


def test_the_section_head_hears_of_notices_ending_and_reviews_due(account_a, head_a, emails, pr_account):
    OfficialAccount.objects.filter(pk=account_a.pk).update(
        status=AccountStatus.NOTICE, notice_ends_on=date(2027, 2, 5), successor=pr_account
    )
    lines = reminders.reminders_due(date(2027, 2, 1))[head_a]
    assert any("事前周知が令和9年2月5日に終わります" in line for line in lines)
    OfficialAccount.objects.filter(pk=account_a.pk).update(status=AccountStatus.ACTIVE)
    lines = reminders.reminders_due(date(2027, 2, 1) + timedelta(days=1))[head_a]
    assert any("効果測定" in line for line in lines)


def test_only_the_section_logs_content_checks(client, account_a, staff_b, staff_a):
    with pytest.raises(PermissionDenied):
        reminders.content_check_log(account_id=account_a.pk, actor=staff_b)
    client.force_login(staff_a)
    body = client.post(
        reverse("monitoring:content_check", args=[account_a.pk]), {"note": "問題なし"}, follow=True
    ).content.decode()
    assert "発言内容の確認を記録しました" in body and "問題なし" in body
    assert ContentCheck.objects.get().checked_by == staff_a


def test_the_content_check_date_is_read_in_tokyo(account_a, head_a, emails, settings):
    """A check logged at 08:00 on 10月26日 in Tokyo is 10月25日 in UTC: 30 days later it is still in time."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    settings.CONTENT_CHECK_DAYS = 30
    check = reminders.content_check_log(account_id=account_a.pk, actor=head_a)
    with pgtrigger.ignore("monitoring.ContentCheck:fixed"):  # a check logged then, not a rewrite
        ContentCheck.objects.filter(pk=check.pk).update(
            checked_at=datetime(2026, 10, 26, 8, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
        )
    lines = reminders.reminders_due(date(2026, 11, 25))[head_a]
    assert not any("発言内容" in line for line in lines)
    lines = reminders.reminders_due(date(2026, 11, 26))[head_a]
    assert any("発言内容" in line for line in lines)


def test_reminders_read_the_accounts_in_a_constant_number_of_queries(dept_a, head_a, emails, pr_account):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import AccountFactory

    def count(n):
        for _ in range(n):
            AccountFactory(department=dept_a, manager=head_a, status=AccountStatus.ACTIVE)
            AccountFactory(
                department=dept_a,
                manager=head_a,
                status=AccountStatus.NOTICE,
                notice_ends_on=date(2027, 3, 5),
                successor=pr_account,
            )
        with CaptureQueriesContext(connection) as ctx:
            reminders.reminders_due(date(2027, 3, 1))
        return len(ctx.captured_queries)

    assert count(2) == count(20)
