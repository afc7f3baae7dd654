"""Daily reminders (SPEC §5) and the content-check log (G-4-3-ア)."""

from datetime import date, timedelta

import pgtrigger
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import AccountStatus, OfficialAccount, Platform, VerificationStatus
from monitoring import reminders
from monitoring.models import ContentCheck
from tests.factories import AccountFactory

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


# --- P-7-3: the 課長 is reminded to apply for verification, not every day (issue 23) -------------------


@pytest.fixture
def kept_by_staff(dept_a, staff_a):
    """課A's account on X (which has a verification program), 未申請, its 管理者 a 担当職員."""
    return AccountFactory(department=dept_a, manager=staff_a, handle="komae_kosodate", display_name="こまえ子育て")


def _verification_lines(lines, account):
    return [line for line in lines if str(account) in line and "認証" in line]


def test_the_section_head_is_reminded_of_verification_once_a_period(kept_by_staff, head_a, settings):
    settings.VERIFICATION_REMINDER_DAYS = 30
    first = date(2026, 11, 24)
    lines = _verification_lines(reminders.reminders_due(first)[head_a], kept_by_staff)
    assert lines and "Xの認証を申請してください（P-7-3：未申請）" in lines[0]
    # The same day again (a second run, a mail that failed): the same lines, the mail complete.
    assert _verification_lines(reminders.reminders_due(first)[head_a], kept_by_staff) == lines
    for later in (first + timedelta(days=1), first + timedelta(days=29)):
        assert _verification_lines(reminders.reminders_due(later).get(head_a, []), kept_by_staff) == []
    assert _verification_lines(reminders.reminders_due(first + timedelta(days=30))[head_a], kept_by_staff)


def test_no_verification_reminder_where_there_is_no_program_or_the_account_is_verified(kept_by_staff, head_a, settings):
    Platform.objects.filter(pk=kept_by_staff.platform_id).update(verification_available=False)
    assert not _verification_lines(reminders.reminders_due(date(2026, 11, 24)).get(head_a, []), kept_by_staff)
    Platform.objects.filter(pk=kept_by_staff.platform_id).update(verification_available=True)
    OfficialAccount.objects.filter(pk=kept_by_staff.pk).update(verification_status=VerificationStatus.VERIFIED)
    assert not _verification_lines(reminders.reminders_due(date(2026, 11, 25)).get(head_a, []), kept_by_staff)


def test_a_record_of_verified_the_platform_no_longer_shows_is_said(kept_by_staff, head_a, staff_a):
    OfficialAccount.objects.filter(pk=kept_by_staff.pk).update(
        verification_status=VerificationStatus.VERIFIED,
        platform_verified=False,
        platform_verification_read_on=date(2026, 11, 20),
    )
    [line] = _verification_lines(reminders.reminders_due(date(2026, 11, 24))[head_a], kept_by_staff)
    assert "登録は認証済ですが、SNS上の認証表示なし（令和8年11月20日）" in line
    # The 管理者's daily line is about applying: not for a record that says 認証済.
    assert not _verification_lines(reminders.reminders_due(date(2026, 11, 24))[staff_a], kept_by_staff)
