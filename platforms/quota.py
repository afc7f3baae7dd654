"""The YouTube Data API's daily quota, counted before every call (issue 22).

Google gives a project 10,000 units a day (YOUTUBE_DAILY_QUOTA), reset at midnight Pacific time;
channels.list and playlistItems.list cost 1 unit, search.list 100. Every call the city makes — the
status checks, the archive's reads, the lookalike search — spends from one counter in the shared
cache (Redis), so that all workers see the same total. A call that would pass the quota (or the
caller's own `budget`: the units its `purpose` may spend a day, such as the lookalike search's
DISCOVERY_YOUTUBE_DAILY_UNITS, or a ceiling on the day's total) is not made: it fails with a
Japanese reason that says when the quota comes back.

Units are counted when a request is about to be sent, retries included: Google counts a request
that failed too, so the counter errs on the side of spending, never of a refused day.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .checks import CheckError

QUOTA_ZONE = ZoneInfo("America/Los_Angeles")  # "quota resets at midnight Pacific Time"
COSTS = {"channels.list": 1, "playlistItems.list": 1, "search.list": 100}


class QuotaExhausted(CheckError):
    """The call was not made: today's units are spent (or the caller's budget of them)."""


def quota_day(now: datetime | None = None) -> date:
    """The quota's day: the date in Pacific time."""
    return (now or timezone.now()).astimezone(QUOTA_ZONE).date()


def resets_at(now: datetime | None = None) -> datetime:
    """When the quota comes back: the next midnight in Pacific time (an aware datetime)."""
    next_day = quota_day(now) + timedelta(days=1)
    return datetime.combine(next_day, time(0), tzinfo=QUOTA_ZONE)


def _key(day: date, purpose: str = "") -> str:
    return f"platforms:quota:youtube:{day.isoformat()}" + (f":{purpose}" if purpose else "")


# What each purpose is called in a refusal (a purpose not named here is 「この処理」).
PURPOSES = {"discovery": "なりすまし探し（似たアカウントの検索）"}


def spent_today(now: datetime | None = None, *, purpose: str = "") -> int:
    """The units spent so far today (the dashboard shows it against YOUTUBE_DAILY_QUOTA); with
    `purpose`, the units that purpose spent (against its own budget)."""
    return int(cache.get(_key(quota_day(now), purpose)) or 0)


def _take(key: str, units: int, now: datetime | None) -> int:
    # The key outlives its day by one, so yesterday's total can still be read; add() never resets a count.
    cache.add(key, 0, timeout=int((resets_at(now) - (now or timezone.now())).total_seconds()) + 24 * 3600)
    return cache.incr(key, units)  # atomic in Redis: two workers cannot both take the last unit


def spend(method: str, *, purpose: str = "", budget: int | None = None, now: datetime | None = None) -> int:
    """Count one call of `method` (a Data API method, COSTS) before it is made, and return today's total.

    QuotaExhausted, nothing counted, when the call would take the day past YOUTUBE_DAILY_QUOTA, or past
    `budget`:
    - with a `purpose` (e.g. "discovery"), the units that purpose may spend a day, counted apart as well
      as in the day's total: the lookalike search keeps within its own share and leaves the rest to the
      status checks and the archive, however early in the day it runs;
    - without one, the total a caller lets the day reach (a call may spend only what the others leave).
    """
    units = COSTS[method]
    quota = settings.YOUTUBE_DAILY_QUOTA
    day = quota_day(now)
    if not purpose and budget is not None and budget < quota:
        limit, own = budget, True
    else:
        limit, own = quota, False
    total = _take(_key(day), units, now)
    if total > limit:
        cache.decr(_key(day), units)
        raise QuotaExhausted(_refusal(limit, own, now))
    if purpose and budget is not None:
        share = _take(_key(day, purpose), units, now)
        if share > budget:
            cache.decr(_key(day, purpose), units)
            cache.decr(_key(day), units)
            raise QuotaExhausted(_refusal(budget, True, now, purpose=purpose))
    elif purpose:
        _take(_key(day, purpose), units, now)
    return total


def _refusal(limit: int, own_budget: bool, now: datetime | None, *, purpose: str = "") -> str:
    back = timezone.localtime(resets_at(now))
    if purpose:
        what = f"{PURPOSES.get(purpose, 'この処理')}に割り当てた本日の分（{limit:,}ユニット）"
    elif own_budget:
        what = f"この処理に割り当てた本日の分（{limit:,}ユニット）"
    else:
        what = f"1日の割り当て（{limit:,}ユニット）"
    return (
        f"YouTube Data APIの{what}を使い切ったため、問い合わせていません。"
        f"{back.month}月{back.day}日 {back:%H:%M}（日本時間）に戻ります"
    )
