"""static/js/date-preview.js reads a typed date as the server does (core.dates.parse_date and
core.forms.JapaneseDateField), with the same messages: the line beside a date box never promises a
date that the form then refuses, nor the reverse. Runs the script in Node (skipped without it)."""

import json
import shutil
import subprocess
from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from core.dates import parse_date
from core.forms import JapaneseDateField, date_preview

NODE = shutil.which("node") or shutil.which("nodejs")
SCRIPT = settings.BASE_DIR / "static" / "js" / "date-preview.js"

pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")

SAMPLES = [
    # the forms the help text names, and their variants
    "2026-04-01",
    "2026/4/1",
    "2026.4.1",
    "2026年4月1日",
    "令和8年4月1日",
    "令和元年5月1日",
    "R8.4.1",
    "r8/4/1",
    "R8-4-1",
    "Ｒ８．４．１",
    "２０２６－０４－０１",
    "2026ー4ー1",
    " 2026 / 4 / 1 ",
    "令和 8 年 4 月 1 日",
    "2026-04-01(水)",
    "2026-04-01（水曜日）",
    "令和8年4月1日(水曜)",
    # refused, each with its reason
    "2026-04-01(火)",
    "2026-4/1",
    "2026/02/30",
    "2024-02-29",
    "2100-02-29",
    "0000-01-01",
    "2026/13/1",
    "令和0年1月1日",
    "令和1年4月30日",
    "平成31年4月30日",
    "平成31年5月1日",
    "H31.5.1",
    "S64.1.7",
    "S64.1.8",
    "T15.12.24",
    "T15.12.25",
    "大正元年7月30日",
    "M1.1.25",
    "明治元年1月24日",
    "R100.1.1",
    "1868-01-24",
    "1999-12-31",
    "2101-01-01",
    "4月1日",
    "abc",
    "",
    "   ",
]

RUNNER = """
const { parseDate, describe } = require(process.argv[1]);
const { samples, limits } = JSON.parse(require("fs").readFileSync(0, "utf8"));
const pad = (n, w) => String(n).padStart(w, "0");
const out = samples.map((text) => {
  let parsed;
  try {
    const [y, m, d] = parseDate(text);
    parsed = { iso: `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}` };
  } catch (e) {
    parsed = { error: e.message };
  }
  return { parsed, described: describe(text, limits) };
});
process.stdout.write(JSON.stringify(out));
"""


def _run_script(samples: list[str], limits: dict) -> list[dict]:
    completed = subprocess.run(
        [NODE, "-e", RUNNER, str(SCRIPT)],
        input=json.dumps({"samples": samples, "limits": limits}),
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return json.loads(completed.stdout)


def _server_parse(text: str) -> dict:
    try:
        return {"iso": parse_date(text).isoformat()}
    except ValueError as exc:
        return {"error": str(exc)}


def _server_field(text: str) -> dict:
    field = JapaneseDateField(required=False)
    try:
        value = field.clean(text)
    except ValidationError as exc:
        return {"ok": False, "text": exc.messages[0]}
    return {"ok": True, "text": date_preview(value) if value else ""}


def test_the_script_parses_as_the_server_does():
    results = _run_script(SAMPLES, {"min": "2000-01-01", "max": "2100-12-31"})
    for text, result in zip(SAMPLES, results, strict=True):
        assert result["parsed"] == _server_parse(text), text


def test_the_preview_says_what_the_field_will_answer():
    limits = {"min": JapaneseDateField.MIN_DATE.isoformat(), "max": JapaneseDateField.MAX_DATE.isoformat()}
    results = _run_script(SAMPLES, limits)
    for text, result in zip(SAMPLES, results, strict=True):
        assert result["described"] == _server_field(text), text
    described = dict(zip(SAMPLES, (r["described"]["text"] for r in results), strict=True))
    assert described["R8.4.1"] == "令和8年4月1日（2026年4月1日）"
    assert described["令和元年5月1日"] == "令和元年5月1日（2019年5月1日）"


def test_a_future_date_is_refused_where_only_past_dates_are_taken():
    field = JapaneseDateField(past_only=True)
    future = date(2099, 1, 1)
    with pytest.raises(ValidationError) as refused:
        field.clean(future.isoformat())
    [result] = _run_script([future.isoformat()], {"min": "2000-01-01", "max": "2100-12-31", "pastOnly": True})
    assert result["described"] == {"ok": False, "text": refused.value.messages[0]}
