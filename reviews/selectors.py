"""The year-end dashboard: who owes a review, what was concluded, and how followers moved."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import AccountStatus, FollowerSnapshot, OfficialAccount
from accounts.selectors import accounts_visible_to
from core.dates import fiscal_year, fiscal_year_range

from .models import ReviewDecision, YearEndReview

TREND_YEARS = 5


def reviews_open(today=None) -> bool:
    """G-4-5-ア: reviews are due at 年度末; they open in REVIEW_OPENS_MONTH (1–12) and stay open to the end
    of the 年度 (March), wrapping the calendar year: 10 opens October–March, 4 the whole 年度."""
    today = today or timezone.localdate()
    months_into_year = (today.month - 4) % 12  # April is 0, March is 11
    return months_into_year >= (settings.REVIEW_OPENS_MONTH - 4) % 12


def review_targets(*, user, fiscal_year: int) -> QuerySet[OfficialAccount]:
    """運用中 accounts the user sees, with this 年度's review state annotated (or None when not begun)."""
    _, end = fiscal_year_range(fiscal_year)
    reviews = YearEndReview.objects.filter(account=OuterRef("pk"), fiscal_year=fiscal_year)
    return (
        accounts_visible_to(user=user)
        .filter(created_at__date__lte=end)
        .annotate(
            review_id=Subquery(reviews.values("pk")[:1]),
            review_status=Subquery(reviews.values("status")[:1]),
            review_decision=Subquery(reviews.values("decision")[:1]),
        )
        .filter(Q(status=AccountStatus.ACTIVE) | Q(review_id__isnull=False))
    )


@dataclass
class Tally:
    label: str
    total: int = 0
    done: int = 0
    pending: int = 0
    overdue: int = 0
    consider: int = 0


def _tallies(qs: QuerySet, key: str, order: str, overdue: bool) -> list[Tally]:
    signed = Q(review_status=YearEndReview.Status.SIGNED)
    rows = (
        qs.order_by()
        .values(key, order)
        .annotate(
            total=Count("pk", distinct=True),
            done=Count("pk", filter=signed, distinct=True),
            consider=Count("pk", filter=signed & Q(review_decision=ReviewDecision.CONSIDER_SUSPENSION), distinct=True),
        )
        .order_by(order, key)
    )
    result = []
    for row in rows:
        pending = row["total"] - row["done"]
        result.append(Tally(row[key], row["total"], row["done"], pending, pending if overdue else 0, row["consider"]))
    return result


@dataclass
class Dashboard:
    fiscal_year: int
    overdue: bool
    by_department: list[Tally]
    by_platform: list[Tally]
    totals: Tally
    accounts: list = field(default_factory=list)


def year_end_dashboard(*, user, fiscal_year: int, department: str = "", platform: str = "") -> Dashboard:
    """Reviews done / pending / overdue / 停止検討 by 課 and by platform, for any 年度."""
    qs = review_targets(user=user, fiscal_year=fiscal_year)
    if department:
        qs = qs.filter(department__code=department)
    if platform:
        qs = qs.filter(platform__code=platform)
    overdue = timezone.localdate() > fiscal_year_range(fiscal_year)[1]
    by_department = _tallies(qs, "department__name", "department__sort_order", overdue)
    by_platform = _tallies(qs, "platform__name", "platform__sort_order", overdue)
    totals = Tally("合計")
    for t in by_department:
        totals.total += t.total
        totals.done += t.done
        totals.pending += t.pending
        totals.overdue += t.overdue
        totals.consider += t.consider
    return Dashboard(fiscal_year, overdue, by_department, by_platform, totals)


@dataclass
class Trend:
    years: list[int]
    counts: list[int | None]
    points: str  # SVG polyline points, drawn by the app (no chart library)


def follower_trends(accounts: list, *, last_year: int, years: int = TREND_YEARS) -> dict[int, Trend]:
    """Followers at each 年度末 for these accounts (one query), with an SVG polyline per account."""
    span = list(range(last_year - years + 1, last_year + 1))
    first_start, _ = fiscal_year_range(span[0])
    _, last_end = fiscal_year_range(span[-1])
    latest: dict[tuple[int, int], tuple] = {}
    rows = FollowerSnapshot.objects.filter(
        account__in=[a.pk for a in accounts], recorded_on__range=(first_start, last_end)
    ).values_list("account_id", "recorded_on", "count")
    by_account = defaultdict(dict)
    for account_id, recorded_on, count in rows:
        fy = fiscal_year(recorded_on)
        key = (account_id, fy)
        if key not in latest or recorded_on > latest[key][0]:
            latest[key] = (recorded_on, count)
            by_account[account_id][fy] = count
    trends = {}
    for account in accounts:
        counts = [by_account[account.pk].get(fy) for fy in span]
        known = [c for c in counts if c is not None]
        top = max(known) if known else 0
        points = " ".join(
            f"{i * 25},{40 - (c / top * 36 if top else 0):.1f}" for i, c in enumerate(counts) if c is not None
        )
        trends[account.pk] = Trend(span, counts, points)
    return trends
