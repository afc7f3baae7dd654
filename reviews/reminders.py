"""The year-end reviews due, as lines of monitoring's daily reminder mail (SPEC §5)."""

from collections.abc import Iterator
from datetime import date

from django.conf import settings

from accounts.models import AccountStatus, OfficialAccount
from core.dates import fiscal_year, fiscal_year_label

from .models import YearEndReview
from .selectors import reviews_open


def reviews_due(today: date, heads: dict) -> Iterator[tuple]:
    """G-4-5-ア: from REVIEW_OPENS_MONTH to the end of the 年度, each 課長 is reminded of every 運用中
    account of the 課 whose review of the 年度 is not signed off."""
    if not reviews_open(today):
        return
    fy = fiscal_year(today)
    signed = YearEndReview.objects.filter(fiscal_year=fy, status=YearEndReview.Status.SIGNED).values("account_id")
    due = OfficialAccount.objects.filter(status=AccountStatus.ACTIVE).exclude(pk__in=signed)
    for account in due.select_related("platform"):
        for head in heads[account.department_id]:
            yield head, f"{account}：{fiscal_year_label(fy)}の効果測定（{settings.CITY.clause('G-4-5-ア')}）"
