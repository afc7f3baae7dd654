"""和暦 and 年度 (April 1 – March 31) for dates shown, printed and typed in the app.

Pure Python (and jpholiday's table of the national holidays, for the 開庁日): nothing here needs Django
except the optional lookup of ``settings.NENDO_2019_ERA``.
Every ValueError a user can provoke (parse_date, dates outside the eras) carries a Japanese message
that a form can show as is.
"""

import os
import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

import jpholiday

__all__ = [
    "ERAS",
    "FORMAT_EXAMPLES",
    "TOKYO",
    "ZENKAKU_DIGITS",
    "Era",
    "current_fiscal_year",
    "era_of",
    "fiscal_year",
    "fiscal_year_label",
    "fiscal_year_range",
    "local_date",
    "parse_date",
    "to_wareki",
    "to_wareki_month",
    "to_zenkaku_digits",
]

TOKYO = ZoneInfo("Asia/Tokyo")


class Era(NamedTuple):
    name: str
    abbreviation: str
    start: date


# Dates before 明治6年 (1873) are proleptic Gregorian: the lunar calendar of the time is out of scope.
ERAS: tuple[Era, ...] = (
    Era("明治", "M", date(1868, 1, 25)),
    Era("大正", "T", date(1912, 7, 30)),
    Era("昭和", "S", date(1926, 12, 25)),
    Era("平成", "H", date(1989, 1, 8)),
    Era("令和", "R", date(2019, 5, 1)),
)

_ERA_BY_KEY: dict[str, Era] = {key: era for era in ERAS for key in (era.name, era.abbreviation)}

ZENKAKU_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")

_WEEKDAYS = "月火水木金土日"

# 年度 2019 began on 平成31年4月1日, yet the state called it 令和元年度; the city chooses (PITFALLS: Eras).
_NENDO_2019_CHOICES = ("令和", "平成")
_NENDO_2019_DEFAULT = "令和"

# The forms a date can be typed in, as help text beside every date field and in every refusal.
FORMAT_EXAMPLES = "2026-04-01、2026/4/1、令和8年4月1日、R8.4.1"
_FORMAT_HINT = f"{FORMAT_EXAMPLES} の形で入力してください。"


def to_zenkaku_digits(s: str | int) -> str:
    """Return ``s`` with ASCII digits replaced by full-width ones (第１条, 令和８年)."""
    return str(s).translate(ZENKAKU_DIGITS)


def local_date(value: date | datetime) -> date:
    """Return the Asia/Tokyo calendar date of an aware datetime, or a plain date as is.

    A naive datetime is refused: its zone is unknown and guessing shifts dates near midnight.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} has no time zone; pass an aware datetime.")
        return value.astimezone(TOKYO).date()
    return value


def _era_at(d: date) -> Era:
    for era in reversed(ERAS):
        if d >= era.start:
            return era
    raise ValueError(f"{d.year}年{d.month}月{d.day}日は明治より前のため、和暦で表せません。")


def _era_end(era: Era) -> date | None:
    index = ERAS.index(era)
    if index + 1 == len(ERAS):
        return None
    return ERAS[index + 1].start - timedelta(days=1)


def _year_label(era_year: int) -> str:
    return "元" if era_year == 1 else str(era_year)


def era_of(d: date | datetime) -> tuple[str, int]:
    """Return the era name and era year of a date: ("令和", 8) for 2026-11-23."""
    d = local_date(d)
    era = _era_at(d)
    return era.name, d.year - era.start.year + 1


def to_wareki(d: date | datetime, *, zenkaku: bool = False) -> str:
    """Return a date in 和暦: 令和8年11月23日, 令和元年5月1日; full-width digits if ``zenkaku``."""
    d = local_date(d)
    name, year = era_of(d)
    text = f"{name}{_year_label(year)}年{d.month}月{d.day}日"
    return to_zenkaku_digits(text) if zenkaku else text


def to_wareki_month(d: date | datetime, *, zenkaku: bool = False) -> str:
    """Return the month of a date in 和暦: 令和8年11月."""
    d = local_date(d)
    name, year = era_of(d)
    text = f"{name}{_year_label(year)}年{d.month}月"
    return to_zenkaku_digits(text) if zenkaku else text


def fiscal_year(value: date | datetime) -> int:
    """Return the 年度 that a date (or an aware datetime, taken in Asia/Tokyo) falls in."""
    d = local_date(value)
    return d.year if d.month >= 4 else d.year - 1


def current_fiscal_year() -> int:
    """Return the 年度 of the current moment in Asia/Tokyo."""
    return fiscal_year(datetime.now(tz=TOKYO))


def fiscal_year_range(fy: int) -> tuple[date, date]:
    """Return the first and last day of a 年度: (fy-04-01, fy+1-03-31)."""
    return date(fy, 4, 1), date(fy + 1, 3, 31)


def is_office_closed(d: date) -> bool:
    """Whether the city's offices are closed on `d` (閉庁日): Saturdays, Sundays, the national holidays
    (国民の祝日に関する法律, with 振替休日 and 国民の休日, as jpholiday computes them) and the year-end
    holidays of 12/29–1/3 that municipalities' 休日条例 name (地方自治法第4条の2)."""
    if d.weekday() >= 5 or (d.month, d.day) in _YEAR_END or (d.month == 1 and d.day <= 3):
        return True
    return jpholiday.is_holiday(d)


_YEAR_END = {(12, 29), (12, 30), (12, 31)}


def working_days_after(start: date, days: int) -> date:
    """The day `days` working days (開庁日) after `start`."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if not is_office_closed(day):
            days -= 1
    return day


def _nendo_2019_era_setting() -> str:
    # Imported lazily so that the module works in scripts without Django settings.
    from django.conf import ENVIRONMENT_VARIABLE, settings

    # settings.configured stays False until first access when only DJANGO_SETTINGS_MODULE is set.
    if not settings.configured and not os.environ.get(ENVIRONMENT_VARIABLE):
        return _NENDO_2019_DEFAULT
    return getattr(settings, "NENDO_2019_ERA", _NENDO_2019_DEFAULT)


def fiscal_year_label(fy: int, *, era_for_2019: str | None = None, zenkaku: bool = False) -> str:
    """Return a 年度 in 和暦: 令和8年度, taking the era in force on April 1 of that 年度.

    年度 2019 is 令和元年度 or 平成31年度 as ``era_for_2019`` says, by default ``settings.NENDO_2019_ERA``
    (令和 when Django settings are not configured).
    """
    if fy == 2019:
        era_name = era_for_2019 if era_for_2019 is not None else _nendo_2019_era_setting()
        if era_name not in _NENDO_2019_CHOICES:
            raise ValueError(f"era for 年度 2019 must be 令和 or 平成, not {era_name!r}.")
        text = "令和元年度" if era_name == "令和" else "平成31年度"
    else:
        start, _ = fiscal_year_range(fy)
        if start < ERAS[0].start:
            raise ValueError(f"{fy}年度は明治より前のため、和暦で表せません。")
        name, year = era_of(start)
        text = f"{name}{_year_label(year)}年度"
    return to_zenkaku_digits(text) if zenkaku else text


# Month and day after the year: "-4-1", "/4/1", ".4.1" (one separator throughout) or "年4月1日".
_MONTH_DAY = r"(?:(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})|年(?P<jm>\d{1,2})月(?P<jd>\d{1,2})日)"
_WESTERN_RE = re.compile(r"(?P<y>\d{4})" + _MONTH_DAY, re.ASCII)
_ERA_RE = re.compile(r"(?P<era>明治|大正|昭和|平成|令和|[MTSHR])(?P<y>元|\d{1,2})" + _MONTH_DAY, re.ASCII)
# A trailing weekday as documents print it: (水), (水曜), (水曜日).
_WEEKDAY_RE = re.compile(r"\((?P<wd>[月火水木金土日])(?:曜日?)?\)$")
# Dashes that NFKC leaves alone but people (and IMEs) type between date parts.
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ー", "-"))


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return re.sub(r"\s+", "", text).upper()


def parse_date(text: str) -> date:
    """Return the date written in ``text``, in 西暦 or 和暦, with half- or full-width characters.

    Accepted: 2026-04-01, 2026/4/1, 2026.4.1, 2026年4月1日, 令和8年4月1日, 令和元年5月1日, R8.4.1, r8/4/1,
    R8-4-1, with an optional trailing weekday in parentheses that must match the date.
    """
    s = _normalise(text)
    if not s:
        raise ValueError("日付が入力されていません。" + _FORMAT_HINT)

    weekday = None
    if match := _WEEKDAY_RE.search(s):
        weekday = match["wd"]
        s = s[: match.start()]

    if match := _WESTERN_RE.fullmatch(s):
        year = int(match["y"])
        month, day = int(match["m"] or match["jm"]), int(match["d"] or match["jd"])
        written = f"{year}年{month}月{day}日"
        result = _make_date(year, month, day, written)
    elif match := _ERA_RE.fullmatch(s):
        era = _ERA_BY_KEY[match["era"]]
        era_year = 1 if match["y"] == "元" else int(match["y"])
        month, day = int(match["m"] or match["jm"]), int(match["d"] or match["jd"])
        if era_year == 0:
            raise ValueError(f"{era.name}0年は存在しません（最初の年は{era.name}元年です）。")
        written = f"{era.name}{_year_label(era_year)}年{month}月{day}日"
        result = _make_date(era.start.year + era_year - 1, month, day, written)
        _check_within_era(result, era, written)
    else:
        raise ValueError("日付として読み取れません。" + _FORMAT_HINT)

    if weekday is not None and weekday != _WEEKDAYS[result.weekday()]:
        actual = _WEEKDAYS[result.weekday()]
        raise ValueError(f"{written}は{actual}曜日です。曜日（{weekday}）が合いません。")
    return result


def _make_date(year: int, month: int, day: int, written: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{written}は存在しません。") from None


def _check_within_era(d: date, era: Era, written: str) -> None:
    if d < era.start:
        first = f"{era.name}元年{era.start.month}月{era.start.day}日"
        raise ValueError(f"{written}は存在しません（{era.name}は{first}から）。")
    end = _era_end(era)
    if end is not None and d > end:
        raise ValueError(f"{written}は存在しません（{era.name}は{to_wareki(end)}まで）。")
