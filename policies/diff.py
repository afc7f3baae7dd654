"""Article-by-article comparison of two policy versions, computed once when a version is issued.

A character diff (difflib) is quadratic in practice (PITFALLS: 20 s of CPU for a 200 KB article), so
the comparison goes by line first and compares characters only within changed lines of bounded size;
a longer changed line is marked whole. The result is stored with the version (plain data: spans of
"=" unchanged, "-" deleted, "+" inserted text), never recomputed per view, and escaped when shown.
"""

from difflib import SequenceMatcher

# len(old line) × len(new line) above which a changed line is marked whole, not character by character.
MAX_CHAR_DIFF_PRODUCT = 250_000

Spans = list[list[str]]  # [[op, text], …]


def article_text(article: dict | None) -> str:
    """The article as read on the page: heading, then numbered paragraphs and items, one per line."""
    if article is None:
        return ""
    lines = []
    for i, p in enumerate(article["paragraphs"], start=1):
        lines.append((f"{i} " if i > 1 else "") + p["text"])
        lines.extend(f"({j}) {item}" for j, item in enumerate(p["items"], start=1))
    return f"（{article['heading']}）\n" + "\n".join(lines)


def _push(spans: Spans, op: str, text: str) -> None:
    if not text:
        return
    if spans and spans[-1][0] == op:
        spans[-1][1] += text
    else:
        spans.append([op, text])


def _chars(a: str, b: str, old: Spans, new: Spans) -> None:
    if len(a) * len(b) > MAX_CHAR_DIFF_PRODUCT:
        _push(old, "-", a)
        _push(new, "+", b)
        return
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            _push(old, "=", a[i1:i2])
            _push(new, "=", b[j1:j2])
        else:
            _push(old, "-", a[i1:i2])
            _push(new, "+", b[j1:j2])


def spans(a: str, b: str) -> tuple[Spans, Spans]:
    """Mark deleted text in `a` and inserted text in `b`, by line, then by character within a line."""
    old: Spans = []
    new: Spans = []
    a_lines, b_lines = a.splitlines(keepends=True), b.splitlines(keepends=True)
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a_lines, b_lines, autojunk=False).get_opcodes():
        if op == "equal":
            text = "".join(a_lines[i1:i2])
            _push(old, "=", text)
            _push(new, "=", text)
        elif op == "replace" and i2 - i1 == j2 - j1:
            for x, y in zip(a_lines[i1:i2], b_lines[j1:j2], strict=True):
                _chars(x, y, old, new)
        else:
            _chars("".join(a_lines[i1:i2]), "".join(b_lines[j1:j2]), old, new)
    return old, new


def compare_articles(before: list[dict], after: list[dict]) -> list[dict]:
    """Compare two versions' articles by article number: 新設 / 削除 / 変更 / 変更なし, with spans."""
    old_by_number = {a["number"]: a for a in before}
    new_by_number = {a["number"]: a for a in after}
    result = []
    for number in sorted(old_by_number.keys() | new_by_number.keys()):
        a, b = old_by_number.get(number), new_by_number.get(number)
        old_text, new_text = article_text(a), article_text(b)
        if a is None:
            change = "新設"
        elif b is None:
            change = "削除"
        else:
            change = "変更なし" if old_text == new_text else "変更"
        old_spans, new_spans = spans(old_text, new_text) if change != "変更なし" else ([], [])
        result.append(
            {"number": number, "heading": (b or a)["heading"], "change": change, "old": old_spans, "new": new_spans}
        )
    return result
