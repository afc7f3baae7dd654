"""The CSV exports open in a spreadsheet as data, never as formulas (core/exports.py; OWASP: CSV
injection), and as a Japanese office expects: UTF-8 with a BOM, a Japanese file name. `make mutate`
runs these against each change of the module."""

import csv
import io

import pytest

from core.exports import FORMULA_STARTS, csv_response, safe_cell

pytestmark = pytest.mark.rules


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_text_that_a_spreadsheet_would_read_as_a_formula_is_kept_as_text(start):
    assert safe_cell(f'{start}HYPERLINK("https://evil.example")') == f'\'{start}HYPERLINK("https://evil.example")'


def test_the_starts_include_the_full_width_forms_an_ime_types():
    assert {"=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"} <= set(FORMULA_STARTS)


@pytest.mark.parametrize("value", ["こまえ子ども", "a=b", "info@komae.example", "", " =1"])
def test_other_text_is_left_alone(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [1200, -3, 2.5, True])
def test_numbers_stay_numbers(value):
    """A negative follower count is a number, not a formula: only text is neutralised."""
    assert safe_cell(value) == value


def test_nothing_is_an_empty_cell():
    assert safe_cell(None) == ""


def test_a_csv_download_for_excel():
    response = csv_response(
        ascii_name="accounts.csv",
        filename="公式アカウント一覧.csv",
        header=["表示名", "=式"],
        rows=[["こまえ子ども", "-1+2"], ["@komae", None], [None, 5]],
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="accounts.csv"; '
        "filename*=UTF-8''%E5%85%AC%E5%BC%8F%E3%82%A2%E3%82%AB%E3%82%A6%E3%83%B3%E3%83%88%E4%B8%80%E8%A6%A7.csv"
    )
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff表示名,")
    assert list(csv.reader(io.StringIO(body.removeprefix("\ufeff")))) == [
        ["表示名", "'=式"],
        ["こまえ子ども", "'-1+2"],
        ["'@komae", ""],
        ["", "5"],
    ]
