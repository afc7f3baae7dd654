"""The year-end reviews due reach monitoring's one daily reminder mail (G-4-5-ア, SPEC §5)."""

from datetime import date

import pytest

from monitoring import reminders
from reviews.reminders import reviews_due
from tests.reviews.test_reviews import signed_review

pytestmark = pytest.mark.django_db


def test_the_review_reminder_follows_the_review_setting(account_a, head_a, settings):
    settings.REVIEW_OPENS_MONTH = 3
    assert not any("効果測定" in line for line in reminders.reminders_due(date(2027, 2, 10))[head_a])
    assert any("効果測定" in line for line in reminders.reminders_due(date(2027, 3, 10))[head_a])


def test_a_signed_review_ends_the_reminder_of_its_account(account_a, staff_a, head_a, pr_account, settings):
    settings.REVIEW_OPENS_MONTH = 2
    due = f"{account_a}：令和8年度の効果測定"
    assert any(line.startswith(due) for line in reminders.reminders_due(date(2027, 2, 10))[head_a])
    signed_review(account_a, staff_a, head_a, pr_account, decision="continue", fy=2026)
    assert not any(line.startswith(due) for line in reminders.reminders_due(date(2027, 2, 10))[head_a])


def test_the_reviews_due_come_in_the_same_mail_as_the_rest(
    mailoutbox, django_capture_on_commit_callbacks, account_a, head_a, settings
):
    """One mail a day per person (ReminderSent): the reviews add lines to it, not a second mail."""
    settings.REVIEW_OPENS_MONTH = 2
    head_a.email = "head@city.komae.lg.jp"
    head_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_reminders(date(2027, 2, 10))
    (mail,) = [m for m in mailoutbox if m.to == [head_a.email]]
    assert "効果測定" in mail.body and "パスワードの変更" in mail.body


def test_the_source_is_registered_once_however_often_it_is_added(account_a, head_a, settings):
    settings.REVIEW_OPENS_MONTH = 2
    reminders.add_reminder_source(reviews_due)  # as a second ready() would
    lines = [line for line in reminders.reminders_due(date(2027, 2, 10))[head_a] if "効果測定" in line]
    assert len(lines) == len(set(lines)) == 1
