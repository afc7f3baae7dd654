"""CSV exports that spreadsheet programs open as data, never as formulas (OWASP: CSV injection).

Every CSV the app writes goes through `csv_response`: UTF-8 with a BOM (Excel, which most offices
open CSV with, needs it for Japanese), a Japanese file name (RFC 6266 filename*), and every cell
that a spreadsheet would read as a formula prefixed with an apostrophe.
"""

import csv
from collections.abc import Iterable
from urllib.parse import quote

from django.http import HttpResponse

# = + - @ start a formula in Excel, LibreOffice and Google Sheets; TAB and CR hide one behind a
# leading blank. The full-width forms are included because a Japanese IME turns them into formulas.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def safe_cell(value) -> object:
    """Return `value` as a CSV cell: None as empty, text that would start a formula as plain text."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(*, ascii_name: str, filename: str, header: list[str], rows: Iterable[Iterable]) -> HttpResponse:
    """A downloadable CSV: BOM, the Japanese `filename`, every cell through `safe_cell`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    response["Content-Disposition"] = disposition  # mutmut: equivalent — header names are case-insensitive
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([safe_cell(v) for v in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return response
