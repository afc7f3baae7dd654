import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import time_machine

from core import dates
from core.dates import (
    ERAS,
    ZENKAKU_DIGITS,
    current_fiscal_year,
    era_of,
    fiscal_year,
    fiscal_year_label,
    fiscal_year_range,
    is_office_closed,
    local_date,
    parse_date,
    to_wareki,
    to_wareki_month,
    to_zenkaku_digits,
    working_days_after,
)

JST = timezone(timedelta(hours=9))
PROJECT_ROOT = Path(__file__).resolve().parents[2]


# --- ERAS ---------------------------------------------------------------------------------------------


def test_eras_list_the_five_modern_eras_in_order():
    assert [(e.name, e.abbreviation, e.start) for e in ERAS] == [
        ("明治", "M", date(1868, 1, 25)),
        ("大正", "T", date(1912, 7, 30)),
        ("昭和", "S", date(1926, 12, 25)),
        ("平成", "H", date(1989, 1, 8)),
        ("令和", "R", date(2019, 5, 1)),
    ]


def test_eras_unpack_as_plain_tuples():
    name, abbreviation, start = ERAS[-1]
    assert (name, abbreviation, start) == ("令和", "R", date(2019, 5, 1))


# --- era_of -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(1868, 1, 25), ("明治", 1)),
        (date(1868, 12, 31), ("明治", 1)),
        (date(1869, 1, 1), ("明治", 2)),
        (date(1912, 7, 29), ("明治", 45)),
        (date(1912, 7, 30), ("大正", 1)),
        (date(1926, 12, 24), ("大正", 15)),
        (date(1926, 12, 25), ("昭和", 1)),
        (date(1927, 1, 1), ("昭和", 2)),
        (date(1989, 1, 7), ("昭和", 64)),
        (date(1989, 1, 8), ("平成", 1)),
        (date(1990, 1, 1), ("平成", 2)),
        (date(2019, 4, 30), ("平成", 31)),
        (date(2019, 5, 1), ("令和", 1)),
        (date(2020, 1, 1), ("令和", 2)),
        (date(2026, 11, 23), ("令和", 8)),
    ],
)
def test_era_of_switches_era_exactly_on_the_first_day(d, expected):
    assert era_of(d) == expected


def test_era_of_refuses_dates_before_meiji():
    with pytest.raises(ValueError, match="明治より前"):
        era_of(date(1868, 1, 24))


def test_era_of_takes_an_aware_datetime_on_its_tokyo_date():
    # 2019-04-30T15:00Z is 2019-05-01 00:00 in Tokyo: already 令和.
    assert era_of(datetime(2019, 4, 30, 15, 0, tzinfo=UTC)) == ("令和", 1)
    assert era_of(datetime(2019, 4, 30, 14, 59, 59, tzinfo=UTC)) == ("平成", 31)


def test_era_of_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="naive"):
        era_of(datetime(2026, 11, 23, 12, 0))


# --- to_wareki / to_wareki_month ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 11, 23), "令和8年11月23日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2019, 12, 31), "令和元年12月31日"),
        (date(2020, 1, 1), "令和2年1月1日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1926, 12, 24), "大正15年12月24日"),
        (date(1912, 7, 30), "大正元年7月30日"),
        (date(1912, 7, 29), "明治45年7月29日"),
        (date(1868, 1, 25), "明治元年1月25日"),
    ],
)
def test_to_wareki_formats_with_gannen_for_the_first_year(d, expected):
    assert to_wareki(d) == expected


def test_first_day_of_reiwa_is_gannen():
    assert to_wareki(date(2019, 5, 1)) == "令和元年5月1日"


def test_last_day_of_heisei_is_heisei_31():
    assert to_wareki(date(2019, 4, 30)) == "平成31年4月30日"


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 11, 23), "令和８年１１月２３日"),
        (date(2019, 5, 1), "令和元年５月１日"),
        (date(2029, 10, 10), "令和１１年１０月１０日"),
        (date(1989, 1, 7), "昭和６４年１月７日"),
    ],
)
def test_to_wareki_zenkaku_prints_full_width_digits_and_keeps_gannen(d, expected):
    assert to_wareki(d, zenkaku=True) == expected


def test_to_wareki_refuses_dates_before_meiji():
    with pytest.raises(ValueError, match="和暦で表せません"):
        to_wareki(date(1867, 12, 31))


def test_to_wareki_uses_the_tokyo_date_of_an_aware_datetime():
    assert to_wareki(datetime(2026, 11, 22, 15, 0, tzinfo=UTC)) == "令和8年11月23日"


def test_to_wareki_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        to_wareki(datetime(2026, 11, 23, 9, 0))


@pytest.mark.parametrize(
    ("d", "zenkaku", "expected"),
    [
        (date(2026, 11, 23), False, "令和8年11月"),
        (date(2026, 11, 23), True, "令和８年１１月"),
        (date(2019, 5, 31), False, "令和元年5月"),
        (date(2019, 4, 1), False, "平成31年4月"),
    ],
)
def test_to_wareki_month_drops_the_day(d, zenkaku, expected):
    assert to_wareki_month(d, zenkaku=zenkaku) == expected


# --- to_zenkaku_digits ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第1条", "第１条"),
        ("(10)", "(１０)"),
        ("0123456789", "０１２３４５６７８９"),
        ("令和元年度", "令和元年度"),
        ("", ""),
        (4, "４"),
    ],
)
def test_to_zenkaku_digits_converts_only_digits(text, expected):
    assert to_zenkaku_digits(text) == expected


def test_zenkaku_digits_is_a_translation_table():
    assert "第12条".translate(ZENKAKU_DIGITS) == "第１２条"


# --- fiscal_year ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 3, 31), 2025),
        (date(2026, 4, 1), 2026),
        (date(2026, 12, 31), 2026),
        (date(2027, 1, 1), 2026),
        (date(2027, 3, 31), 2026),
        (date(2027, 4, 1), 2027),
        (date(2019, 4, 30), 2019),
        (date(2019, 5, 1), 2019),
        (date(1989, 1, 7), 1988),
    ],
)
def test_fiscal_year_starts_on_april_first(d, expected):
    assert fiscal_year(d) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2026, 3, 31, 15, 0, 0, tzinfo=UTC), 2026),
        (datetime(2026, 3, 31, 14, 59, 59, tzinfo=UTC), 2025),
        (datetime(2027, 3, 31, 15, 30, tzinfo=UTC), 2027),
        (datetime(2026, 4, 1, 0, 0, tzinfo=JST), 2026),
        (datetime(2026, 3, 31, 23, 59, 59, tzinfo=JST), 2025),
        # 09:00 on 4/1 in New York is already 22:00 on 4/1 in Tokyo.
        (datetime(2026, 4, 1, 9, 0, tzinfo=timezone(timedelta(hours=-4))), 2026),
        # 10:00 on 3/31 in New York (UTC-4) is 23:00 on 3/31 in Tokyo: still the previous 年度.
        (datetime(2026, 3, 31, 10, 0, tzinfo=timezone(timedelta(hours=-4))), 2025),
    ],
)
def test_fiscal_year_of_an_aware_datetime_uses_the_tokyo_date(value, expected):
    assert fiscal_year(value) == expected


def test_fiscal_year_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="naive"):
        fiscal_year(datetime(2026, 4, 1, 0, 0))


def test_local_date_keeps_a_plain_date_as_is():
    assert local_date(date(2026, 3, 31)) == date(2026, 3, 31)


def test_current_fiscal_year_follows_the_clock_in_tokyo():
    with time_machine.travel(datetime(2027, 3, 31, 14, 59, 59, tzinfo=UTC), tick=False):
        assert current_fiscal_year() == 2026
    with time_machine.travel(datetime(2027, 3, 31, 15, 0, 0, tzinfo=UTC), tick=False):
        assert current_fiscal_year() == 2027


# --- fiscal_year_range ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fy", "expected"),
    [
        (2026, (date(2026, 4, 1), date(2027, 3, 31))),
        (2019, (date(2019, 4, 1), date(2020, 3, 31))),
        (1988, (date(1988, 4, 1), date(1989, 3, 31))),
    ],
)
def test_fiscal_year_range_runs_april_first_to_march_31(fy, expected):
    assert fiscal_year_range(fy) == expected


@pytest.mark.parametrize("fy", [1990, 2019, 2023, 2026, 2027])
def test_fiscal_year_range_bounds_belong_to_that_fiscal_year(fy):
    first, last = fiscal_year_range(fy)
    assert fiscal_year(first) == fiscal_year(last) == fy
    assert fiscal_year(first - timedelta(days=1)) == fy - 1
    assert fiscal_year(last + timedelta(days=1)) == fy + 1


# --- fiscal_year_label ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fy", "expected"),
    [
        (1868, "明治元年度"),
        (1912, "明治45年度"),
        (1913, "大正2年度"),
        (1926, "大正15年度"),
        (1927, "昭和2年度"),
        (1988, "昭和63年度"),
        (1989, "平成元年度"),
        (2018, "平成30年度"),
        (2020, "令和2年度"),
        (2026, "令和8年度"),
    ],
)
def test_fiscal_year_label_takes_the_era_in_force_on_april_first(fy, expected):
    assert fiscal_year_label(fy) == expected


def test_fiscal_year_label_zenkaku():
    assert fiscal_year_label(2026, zenkaku=True) == "令和８年度"
    assert fiscal_year_label(1989, zenkaku=True) == "平成元年度"
    assert fiscal_year_label(2019, era_for_2019="平成", zenkaku=True) == "平成３１年度"


@pytest.mark.parametrize(
    ("era_for_2019", "expected"),
    [("令和", "令和元年度"), ("平成", "平成31年度")],
)
def test_fiscal_year_2019_label_follows_the_explicit_argument(era_for_2019, expected, settings):
    # The argument wins over the setting, whatever the setting says.
    settings.NENDO_2019_ERA = "平成" if era_for_2019 == "令和" else "令和"
    assert fiscal_year_label(2019, era_for_2019=era_for_2019) == expected


@pytest.mark.parametrize(
    ("setting", "expected"),
    [("令和", "令和元年度"), ("平成", "平成31年度")],
)
def test_fiscal_year_2019_label_follows_the_setting(setting, expected, settings):
    settings.NENDO_2019_ERA = setting
    assert fiscal_year_label(2019) == expected


def test_fiscal_year_2019_label_defaults_to_reiwa_without_the_setting(settings):
    del settings.NENDO_2019_ERA
    assert fiscal_year_label(2019) == "令和元年度"


def test_fiscal_year_2019_label_refuses_another_era(settings):
    with pytest.raises(ValueError, match="令和 or 平成"):
        fiscal_year_label(2019, era_for_2019="昭和")
    settings.NENDO_2019_ERA = "reiwa"
    with pytest.raises(ValueError, match="令和 or 平成"):
        fiscal_year_label(2019)


@pytest.mark.parametrize("fy", [2018, 2020, 2026])
def test_the_2019_setting_does_not_touch_other_years(fy, settings):
    settings.NENDO_2019_ERA = "平成"
    assert fiscal_year_label(fy) == fiscal_year_label(fy, era_for_2019="令和")


def test_fiscal_year_label_refuses_years_before_meiji():
    with pytest.raises(ValueError, match="明治より前"):
        fiscal_year_label(1867)


def test_fiscal_year_label_works_without_django_settings():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    code = "from core.dates import fiscal_year_label; print(fiscal_year_label(2019), fiscal_year_label(2026))"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["令和元年度", "令和8年度"]


# --- parse_date: accepted -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-04-01", date(2026, 4, 1)),
        ("2026-4-1", date(2026, 4, 1)),
        ("2026/4/1", date(2026, 4, 1)),
        ("2026/04/01", date(2026, 4, 1)),
        ("2026.4.1", date(2026, 4, 1)),
        ("2026年4月1日", date(2026, 4, 1)),
        ("2026年04月01日", date(2026, 4, 1)),
        ("令和8年4月1日", date(2026, 4, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("令和1年5月1日", date(2019, 5, 1)),
        ("R8.4.1", date(2026, 4, 1)),
        ("r8/4/1", date(2026, 4, 1)),
        ("R8-4-1", date(2026, 4, 1)),
        ("R08.04.01", date(2026, 4, 1)),
        ("R元.5.1", date(2019, 5, 1)),
        ("R8年4月1日", date(2026, 4, 1)),
        ("令和8.4.1", date(2026, 4, 1)),
        ("H31.4.30", date(2019, 4, 30)),
        ("h1.1.8", date(1989, 1, 8)),
        ("S64.1.7", date(1989, 1, 7)),
        ("S1.12.25", date(1926, 12, 25)),
        ("T15.12.24", date(1926, 12, 24)),
        ("T1.7.30", date(1912, 7, 30)),
        ("M45.7.29", date(1912, 7, 29)),
        ("M1.1.25", date(1868, 1, 25)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("大正15年12月24日", date(1926, 12, 24)),
        ("明治45年7月29日", date(1912, 7, 29)),
        ("令和6年2月29日", date(2024, 2, 29)),
        ("2024-02-29", date(2024, 2, 29)),
        # Full-width and other IME output, normalised by NFKC.
        ("２０２６－０４－０１", date(2026, 4, 1)),
        ("２０２６／４／１", date(2026, 4, 1)),
        ("２０２６．４．１", date(2026, 4, 1)),
        ("令和８年４月１日", date(2026, 4, 1)),
        ("令和元年５月１日", date(2019, 5, 1)),
        ("Ｒ８．４．１", date(2026, 4, 1)),
        ("ｒ８／４／１", date(2026, 4, 1)),
        ("㋿8年4月1日", date(2026, 4, 1)),
        ("㍻31年4月30日", date(2019, 4, 30)),
        ("2026−04−01", date(2026, 4, 1)),
        ("2026ー04ー01", date(2026, 4, 1)),
        # Spaces anywhere, half- or full-width.
        ("  2026-04-01  ", date(2026, 4, 1)),
        ("令和 8年 4月 1日", date(2026, 4, 1)),
        ("\u3000令和８年\u3000４月１日\u3000", date(2026, 4, 1)),
        ("2026 / 4 / 1", date(2026, 4, 1)),
        # A trailing weekday that matches the date.
        ("令和8年4月1日（水）", date(2026, 4, 1)),
        ("令和8年4月1日(水)", date(2026, 4, 1)),
        ("令和8年4月1日（水曜日）", date(2026, 4, 1)),
        ("令和8年4月1日 (水曜)", date(2026, 4, 1)),
        ("2026/4/1(水)", date(2026, 4, 1)),
        ("令和８年１１月２３日（月）", date(2026, 11, 23)),
    ],
)
def test_parse_date_accepts(text, expected):
    assert parse_date(text) == expected


# --- parse_date: rejected -------------------------------------------------------------------------------

UNREADABLE = "日付として読み取れません。2026-04-01、2026/4/1、令和8年4月1日、R8.4.1 の形で入力してください。"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # Not a date at all, or not in an accepted shape.
        ("foo", UNREADABLE),
        ("2026", UNREADABLE),
        ("2026-04", UNREADABLE),
        ("20260401", UNREADABLE),
        ("26-04-01", UNREADABLE),
        ("4/1/2026", UNREADABLE),
        ("2026/4-1", UNREADABLE),
        ("2026-04-01T00:00", UNREADABLE),
        ("2026年4月1", UNREADABLE),
        ("令和8年4月", UNREADABLE),
        ("X8.4.1", UNREADABLE),
        ("R.4.1", UNREADABLE),
        ("R123.4.1", UNREADABLE),
        ("令和8年4月1日（水", UNREADABLE),
        ("٢٠٢٦-04-01", UNREADABLE),
        ("", "日付が入力されていません。"),
        ("   ", "日付が入力されていません。"),
        # Impossible calendar dates.
        ("2026-02-30", "2026年2月30日は存在しません。"),
        ("2025-02-29", "2025年2月29日は存在しません。"),
        ("2026-13-01", "2026年13月1日は存在しません。"),
        ("2026-04-31", "2026年4月31日は存在しません。"),
        ("2026-00-10", "2026年0月10日は存在しません。"),
        ("2026/4/0", "2026年4月0日は存在しません。"),
        ("0000-01-01", "0年1月1日は存在しません。"),
        ("令和7年2月29日", "令和7年2月29日は存在しません。"),
        ("R8.2.30", "令和8年2月30日は存在しません。"),
        # Era dates outside their era.
        ("平成31年5月1日", "平成31年5月1日は存在しません（平成は平成31年4月30日まで）。"),
        ("H31.5.1", "平成31年5月1日は存在しません（平成は平成31年4月30日まで）。"),
        ("平成32年1月1日", "平成32年1月1日は存在しません（平成は平成31年4月30日まで）。"),
        ("令和元年4月30日", "令和元年4月30日は存在しません（令和は令和元年5月1日から）。"),
        ("R1.1.1", "令和元年1月1日は存在しません（令和は令和元年5月1日から）。"),
        ("昭和64年1月8日", "昭和64年1月8日は存在しません（昭和は昭和64年1月7日まで）。"),
        ("平成元年1月7日", "平成元年1月7日は存在しません（平成は平成元年1月8日から）。"),
        ("昭和元年12月24日", "昭和元年12月24日は存在しません（昭和は昭和元年12月25日から）。"),
        ("大正15年12月25日", "大正15年12月25日は存在しません（大正は大正15年12月24日まで）。"),
        ("明治45年7月30日", "明治45年7月30日は存在しません（明治は明治45年7月29日まで）。"),
        ("明治元年1月24日", "明治元年1月24日は存在しません（明治は明治元年1月25日から）。"),
        ("平成0年1月8日", "平成0年は存在しません（最初の年は平成元年です）。"),
        ("R0.5.1", "令和0年は存在しません（最初の年は令和元年です）。"),
        # A weekday that does not match the date.
        ("令和8年4月1日（木）", "令和8年4月1日は水曜日です。曜日（木）が合いません。"),
        ("2026/4/1(月曜日)", "2026年4月1日は水曜日です。曜日（月）が合いません。"),
    ],
)
def test_parse_date_rejects_with_a_message_saying_what_is_wrong(text, message):
    with pytest.raises(ValueError) as excinfo:
        parse_date(text)
    assert str(excinfo.value).startswith(message)


def test_parse_date_messages_for_empty_input_show_the_accepted_forms():
    with pytest.raises(ValueError) as excinfo:
        parse_date("")
    assert "2026-04-01、2026/4/1、令和8年4月1日、R8.4.1 の形で入力してください。" in str(excinfo.value)


# --- round trips ----------------------------------------------------------------------------------------


def _sweep() -> list[date]:
    """Return days around every era boundary and 年度 boundary, plus one day in every 13 since 明治."""
    days: set[date] = set()
    for era in ERAS:
        for n in range(-3, 4):
            if era.start + timedelta(days=n) >= ERAS[0].start:
                days.add(era.start + timedelta(days=n))
    for year in range(1868, 2041):
        for month, day in [(1, 1), (2, 28), (3, 31), (4, 1), (12, 31)]:
            d = date(year, month, day)
            if d >= ERAS[0].start:
                days.add(d)
    d = ERAS[0].start
    while d < date(2060, 1, 1):
        days.add(d)
        d += timedelta(days=13)
    days.update([date(2024, 2, 29), date(2028, 2, 29), date(2000, 2, 29), date(1900, 2, 28)])
    return sorted(days)


SWEEP = _sweep()


def test_round_trip_through_wareki():
    assert len(SWEEP) > 1000
    for d in SWEEP:
        assert parse_date(to_wareki(d)) == d, d


def test_round_trip_through_zenkaku_wareki():
    for d in SWEEP:
        assert parse_date(to_wareki(d, zenkaku=True)) == d, d


def test_round_trip_through_the_abbreviated_form():
    abbreviations = {era.name: era.abbreviation for era in ERAS}
    for d in SWEEP:
        name, year = era_of(d)
        assert parse_date(f"{abbreviations[name]}{year}.{d.month}.{d.day}") == d, d


def test_round_trip_through_iso_and_slashes():
    for d in SWEEP:
        assert parse_date(d.isoformat()) == d
        assert parse_date(f"{d.year}/{d.month}/{d.day}") == d


def test_every_sweep_date_falls_in_the_fiscal_year_its_range_covers():
    for d in SWEEP:
        first, last = fiscal_year_range(fiscal_year(d))
        assert first <= d <= last, d


def test_module_exports_what_it_promises():
    assert set(dates.__all__) <= set(dir(dates))


@pytest.mark.parametrize(
    ("day", "closed"),
    [
        (date(2026, 12, 4), False),  # a Friday
        (date(2026, 12, 5), True),  # a Saturday
        (date(2026, 12, 28), False),  # 仕事納め
        (date(2026, 12, 29), True),
        (date(2027, 1, 3), True),
        (date(2027, 1, 4), False),  # 仕事始め
        (date(2027, 1, 11), True),  # 成人の日 (the second Monday of January)
        (date(2026, 9, 22), True),  # 国民の休日, between 敬老の日 and 秋分の日
        (date(2027, 4, 29), True),  # 昭和の日
    ],
)
def test_the_offices_are_closed_on_weekends_national_holidays_and_the_year_end(day, closed):
    assert is_office_closed(day) is closed


def test_working_days_after_count_only_the_days_the_offices_open():
    assert working_days_after(date(2026, 12, 4), 1) == date(2026, 12, 7)
    assert working_days_after(date(2026, 12, 28), 1) == date(2027, 1, 4)
    assert working_days_after(date(2027, 4, 28), 2) == date(2027, 5, 6)
