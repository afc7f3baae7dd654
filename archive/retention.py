"""When a kept post's 保存期間 ends (公文書管理): the one rule, asked by the 年度末 list, the decisions and the pages.

公文書管理法施行令 style: the period counts from the 4/1 after the 年度 the post was published in (起算日は翌年度の
4月1日), so a post of 年度 2024 kept 5 years is kept to the end of 年度 2029 (2030-03-31). A 延長 decision sets
the post's own `keep_until`, which then decides instead; 常用 never ends. The 年度 is the Asia/Tokyo date's
(PITFALLS: never the UTC date). A post whose time the platform did not give counts from its first capture.
"""

from datetime import date, datetime

from django.db.models import Q

from core.dates import TOKYO, fiscal_year, fiscal_year_range

from .models import Retention

YEARS = {
    Retention.YEAR_1: 1,
    Retention.YEARS_3: 3,
    Retention.YEARS_5: 5,
    Retention.YEARS_10: 10,
    Retention.YEARS_30: 30,
}  # 常用 (Retention.PERMANENT) has no end
EXTEND_YEARS_MAX = 30


def expires_on(*, published: date | datetime, retention: str, keep_until: date | None = None) -> date | None:
    """The last day a post is kept (a 3/31), or None when it is kept for good (常用)."""
    if keep_until is not None:
        return keep_until
    years = YEARS.get(retention)
    if years is None:
        return None
    return fiscal_year_range(fiscal_year(published) + years)[1]


def ended(expiry: date | None, *, today: date) -> bool:
    """Whether a period that ends on `expiry` is over on `today` (the last day is still kept)."""
    return expiry is not None and expiry < today


def due_by(fiscal_year_: int) -> date:
    """The last day of a 年度: the 年度末 list of that 年度 holds the posts kept no later than this."""
    return fiscal_year_range(fiscal_year_)[1]


def published_before(retention: str, fiscal_year_: int) -> datetime | None:
    """The instant (Asia/Tokyo) before which a post of `retention` without `keep_until` was published when its
    period ends by the end of `fiscal_year_`; None for 常用."""
    years = YEARS.get(retention)
    if years is None:
        return None
    return datetime(fiscal_year_ - years + 1, 4, 1, tzinfo=TOKYO)


def due_filter(fiscal_year_: int, *, post: str = "", retention: str = "account__archive__retention") -> Q:
    """The posts whose period ends by the end of `fiscal_year_`, in SQL: the rule of `expires_on` for every
    retention at once. `post` prefixes the post's fields and `retention` names the account's retention, for a
    query from another model (the accounts: post="archived_posts__", retention="archive__retention")."""
    published, captured = f"{post}published_at", f"{post}first_captured_at"
    by_retention = Q()
    for value in YEARS:
        before = published_before(value, fiscal_year_)
        by_retention |= Q(**{retention: value}) & (
            Q(**{f"{published}__lt": before}) | Q(**{f"{published}__isnull": True, f"{captured}__lt": before})
        )
    return Q(**{f"{post}keep_until__lte": due_by(fiscal_year_)}) | (
        Q(**{f"{post}keep_until__isnull": True}) & by_retention
    )


def extended_until(*, expiry: date, years: int, today: date) -> date:
    """A 延長 by `years`: the end of the 年度 `years` after the later of the period's last 年度 and today's, so
    that a post whose period ended years ago is not extended into the past."""
    if not 1 <= years <= EXTEND_YEARS_MAX:
        raise ValueError(f"延長する年数は1〜{EXTEND_YEARS_MAX}年です。")
    return fiscal_year_range(max(fiscal_year(expiry), fiscal_year(today)) + years)[1]
