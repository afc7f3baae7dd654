// The date a date box reads, shown beside it as 和暦 and 西暦 while the user types (core/forms.py,
// JapaneseDateInput; the line is aria-live). It reads dates as core/dates.py parse_date does, with the
// same messages (tests/core/test_date_preview_js.py compares the two); the server still decides.
(() => {
  const ERAS = [
    { name: "明治", abbreviation: "M", start: [1868, 1, 25] },
    { name: "大正", abbreviation: "T", start: [1912, 7, 30] },
    { name: "昭和", abbreviation: "S", start: [1926, 12, 25] },
    { name: "平成", abbreviation: "H", start: [1989, 1, 8] },
    { name: "令和", abbreviation: "R", start: [2019, 5, 1] },
  ];
  const WEEKDAYS = "月火水木金土日"; // Monday first, as Python's date.weekday()
  const FORMAT_HINT = "2026-04-01、2026/4/1、令和8年4月1日、R8.4.1 の形で入力してください。";
  const MONTH_DAY = "(?:(?<sep>[-/.])(?<m>\\d{1,2})\\k<sep>(?<d>\\d{1,2})|年(?<jm>\\d{1,2})月(?<jd>\\d{1,2})日)";
  const WESTERN_RE = new RegExp(`^(?<y>\\d{4})${MONTH_DAY}$`);
  const ERA_RE = new RegExp(`^(?<era>明治|大正|昭和|平成|令和|[MTSHR])(?<y>元|\\d{1,2})${MONTH_DAY}$`);
  const WEEKDAY_RE = /\((?<wd>[月火水木金土日])(?:曜日?)?\)$/;
  const DASHES = /[‐‑‒–—―−ー]/g;

  class DateProblem extends Error {}

  // A date as [year, month, day]; compared as numbers yyyymmdd.
  const key = ([y, m, d]) => y * 10000 + m * 100 + d;

  const isLeap = (y) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

  function makeDate(year, month, day, written) {
    const days = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > days[month - 1]) {
      throw new DateProblem(`${written}は存在しません。`);
    }
    return [year, month, day];
  }

  function weekdayOf([y, m, d]) {
    const date = new Date(0);
    date.setUTCFullYear(y, m - 1, d); // not Date.UTC: it reads years 0–99 as 1900–1999
    return (date.getUTCDay() + 6) % 7;
  }

  function eraAt(date) {
    for (const era of [...ERAS].reverse()) {
      if (key(date) >= key(era.start)) return era;
    }
    throw new DateProblem(`${date[0]}年${date[1]}月${date[2]}日は明治より前のため、和暦で表せません。`);
  }

  const yearLabel = (eraYear) => (eraYear === 1 ? "元" : String(eraYear));

  function toWareki(date) {
    const era = eraAt(date);
    return `${era.name}${yearLabel(date[0] - era.start[0] + 1)}年${date[1]}月${date[2]}日`;
  }

  function eraEnd(era) {
    const next = ERAS[ERAS.indexOf(era) + 1];
    if (!next) return null;
    const day = new Date(0);
    day.setUTCFullYear(next.start[0], next.start[1] - 1, next.start[2] - 1);
    return [day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()];
  }

  function normalise(text) {
    return text.normalize("NFKC").replace(DASHES, "-").replace(/\s+/g, "").toUpperCase();
  }

  // Return [year, month, day] or throw a DateProblem with the server's message (core.dates.parse_date).
  function parseDate(text) {
    let s = normalise(text);
    if (!s) throw new DateProblem(`日付が入力されていません。${FORMAT_HINT}`);
    let weekday = null;
    const weekdayMatch = WEEKDAY_RE.exec(s);
    if (weekdayMatch) {
      weekday = weekdayMatch.groups.wd;
      s = s.slice(0, weekdayMatch.index);
    }
    let result;
    let written;
    let match = WESTERN_RE.exec(s);
    if (match) {
      const g = match.groups;
      const year = Number(g.y);
      const month = Number(g.m ?? g.jm);
      const day = Number(g.d ?? g.jd);
      written = `${year}年${month}月${day}日`;
      result = makeDate(year, month, day, written);
    } else if ((match = ERA_RE.exec(s))) {
      const g = match.groups;
      const era = ERAS.find((e) => e.name === g.era || e.abbreviation === g.era);
      const eraYear = g.y === "元" ? 1 : Number(g.y);
      const month = Number(g.m ?? g.jm);
      const day = Number(g.d ?? g.jd);
      if (eraYear === 0) throw new DateProblem(`${era.name}0年は存在しません（最初の年は${era.name}元年です）。`);
      written = `${era.name}${yearLabel(eraYear)}年${month}月${day}日`;
      result = makeDate(era.start[0] + eraYear - 1, month, day, written);
      if (key(result) < key(era.start)) {
        const first = `${era.name}元年${era.start[1]}月${era.start[2]}日`;
        throw new DateProblem(`${written}は存在しません（${era.name}は${first}から）。`);
      }
      const end = eraEnd(era);
      if (end && key(result) > key(end)) {
        throw new DateProblem(`${written}は存在しません（${era.name}は${toWareki(end)}まで）。`);
      }
    } else {
      throw new DateProblem(`日付として読み取れません。${FORMAT_HINT}`);
    }
    if (weekday !== null && weekday !== WEEKDAYS[weekdayOf(result)]) {
      throw new DateProblem(`${written}は${WEEKDAYS[weekdayOf(result)]}曜日です。曜日（${weekday}）が合いません。`);
    }
    return result;
  }

  const fromIso = (iso) => iso.split("-").map(Number);

  function todayInTokyo() {
    const parts = new Intl.DateTimeFormat("en-CA", {
      timeZone: "Asia/Tokyo",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    }).formatToParts(new Date());
    const part = (type) => Number(parts.find((p) => p.type === type).value);
    return [part("year"), part("month"), part("day")];
  }

  // The line beside the box: 令和8年4月1日（2026年4月1日）, or why the text is not a date the field takes
  // (core.forms.JapaneseDateField.to_python); "" for an empty box.
  function describe(text, { min, max, pastOnly } = {}) {
    if (!normalise(text)) return { ok: true, text: "" };
    try {
      const date = parseDate(text);
      if ((min && key(date) < key(fromIso(min))) || (max && key(date) > key(fromIso(max)))) {
        const [a, b] = [fromIso(min), fromIso(max)];
        throw new DateProblem(`日付は${a[0]}年${a[1]}月${a[2]}日から${b[0]}年${b[1]}月${b[2]}日までの範囲で入力してください。`);
      }
      if (pastOnly && key(date) > key(todayInTokyo())) {
        throw new DateProblem("未来の日付は入力できません。今日までの日付を入力してください。");
      }
      return { ok: true, text: `${toWareki(date)}（${date[0]}年${date[1]}月${date[2]}日）` };
    } catch (problem) {
      if (!(problem instanceof DateProblem)) throw problem;
      return { ok: false, text: problem.message };
    }
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = { parseDate, describe, DateProblem };
  }
  if (typeof document === "undefined") return;

  // While typing, only a date that reads is shown (half-typed text is not an error yet); when the box is
  // left, a problem is shown too. The line changes only when its text does, so a screen reader hears
  // each new reading once.
  const WAIT_MS = 400;
  const timers = new WeakMap();

  function update(input, { final }) {
    const line = document.getElementById(`${input.id}_preview`);
    if (!line) return;
    const result = describe(input.value, {
      min: input.dataset.dateMin,
      max: input.dataset.dateMax,
      pastOnly: input.dataset.datePastOnly === "true",
    });
    const text = result.ok || final ? result.text : "";
    if (line.textContent !== text) line.textContent = text;
  }

  const isDateBox = (el) => el instanceof HTMLInputElement && document.getElementById(`${el.id}_preview`)?.dataset.datePreviewFor === el.id;

  document.addEventListener("input", (event) => {
    const input = event.target;
    if (!isDateBox(input)) return;
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(() => update(input, { final: false }), WAIT_MS));
  });
  document.addEventListener("change", (event) => {
    const input = event.target;
    if (!isDateBox(input)) return;
    clearTimeout(timers.get(input));
    update(input, { final: true });
  });
  // A page re-rendered with the typed text reads it at once (a problem is already said by the field's error).
  for (const line of document.querySelectorAll("[data-date-preview-for]")) {
    const input = document.getElementById(line.dataset.datePreviewFor);
    if (input && input.value && !line.textContent.trim()) update(input, { final: false });
  }
})();
