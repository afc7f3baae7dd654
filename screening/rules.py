"""投稿前チェック: rules that read a draft post and mark what the guideline warns about (SPEC §6).

Each rule returns findings with the exact span, the clause, and advice in Japanese (the city's own
words where its profile's [screening] gives them: settings.CITY.advice). Findings are
advice only; the clerk decides. Near misses matter as much as hits: dates are not phone numbers,
a ○ used as a bullet is not 伏せ字, full-width digits are read like half-width ones.
"""

import functools
import re
import unicodedata
from dataclasses import asdict, dataclass

from django.conf import settings


@dataclass(frozen=True)
class Finding:
    code: str
    clause: str
    message: str
    start: int
    end: int

    def as_dict(self) -> dict:
        return asdict(self)


def _normalise(text: str) -> str:
    """NFKC keeps offsets for the characters we look at (full-width digits become ASCII one to one)."""
    return "".join(
        unicodedata.normalize("NFKC", ch) if len(unicodedata.normalize("NFKC", ch)) == 1 else ch for ch in text
    )


# 伏せ字 (G-4-4-イ): two or more masking marks in a row, not a single ○ used as a bullet or a mark.
_FUSEJI = re.compile(r"[○〇●◯×✕＊*■□△▲]{2,}")


def fuseji(text: str) -> list[Finding]:
    return [
        Finding(
            "fuseji",
            "G-4-4-イ",
            settings.CITY.advice("fuseji"),
            m.start(),
            m.end(),
        )
        for m in _FUSEJI.finditer(text)
    ]


# Japanese phone numbers: 0X-XXXX-XXXX, 03-1234-5678, 090-1234-5678, 0120-123-456, (03)1234-5678,
# 09012345678. A date like 2026-04-01 or 2026/4/1 does not start with 0 and is not matched.
_PHONE = re.compile(r"(?<![\d-])(?:0\d{1,4}[-‐−ー\s]?\d{1,4}[-‐−ー\s]?\d{3,4}|\(0\d{1,4}\)\s?\d{1,4}-\d{3,4})(?![\d-])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_POSTAL = re.compile(r"〒\s?\d{3}-?\d{4}|(?<![\d-])\d{3}-\d{4}(?![\d-])")


# A street address down to the 番地: "狛江市和泉本町一丁目1番5号" (the city's name from its profile,
# optionally after its prefecture) or "和泉本町1-1-5" (a town name right before the numbers;
# "2026-04-01" has none, and its 4-digit year does not fit).
@functools.lru_cache(maxsize=4)
def _address(city_name: str) -> re.Pattern:
    return re.compile(
        rf"(?:[一-龥]{{2,3}}[都道府県])?{re.escape(city_name)}[^\s、。]{{0,12}}?[一二三四五六七八九十\d]+丁目"
        r"(?:\d+番(?:地)?(?:\d+号?)?)?"
        r"|(?<=[一-龥])\d{1,3}-\d{1,4}-\d{1,4}(?!\d)"
    )


_TWELVE = re.compile(r"(?<!\d)(\d{4}[\s-]?\d{4}[\s-]?\d{4})(?!\d)")


def _mynumber_ok(digits: str) -> bool:
    """個人番号の検査用数字 (番号法施行令): weights 6,5,4,3,2,7,6,5,4,3,2 from the left."""
    if len(digits) != 12:
        return False
    body, check = [int(d) for d in digits[:11]], int(digits[11])
    total = sum(d * w for d, w in zip(body, (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2), strict=True))
    remainder = total % 11
    return check == (0 if remainder <= 1 else 11 - remainder)


def personal_data(text: str) -> list[Finding]:
    found = []
    for m in _TWELVE.finditer(text):
        if _mynumber_ok(re.sub(r"\D", "", m.group(1))):
            found.append(Finding("mynumber", "G-4-4-ア", settings.CITY.advice("mynumber"), m.start(), m.end()))
    taken = [(f.start, f.end) for f in found]
    for m in _PHONE.finditer(text):
        if not any(a <= m.start() < b for a, b in taken):
            found.append(Finding("phone", "G-4-4-ア", settings.CITY.advice("phone"), m.start(), m.end()))
    for m in _EMAIL.finditer(text):
        found.append(Finding("email", "G-4-4-ア", settings.CITY.advice("email"), m.start(), m.end()))
    for m in _POSTAL.finditer(text):
        if not any(a <= m.start() < b for a, b in [(f.start, f.end) for f in found]):
            found.append(Finding("postal", "G-4-4-ア", settings.CITY.advice("postal"), m.start(), m.end()))
    for m in _address(settings.CITY_NAME).finditer(text):
        if not any(a <= m.start() < b for a, b in [(f.start, f.end) for f in found]):
            found.append(
                Finding(
                    "address",
                    "G-4-4-ア",
                    settings.CITY.advice("address"),
                    m.start(),
                    m.end(),
                )
            )
    return found


_SHORTENERS = ("bit.ly", "t.co", "tinyurl.com", "ow.ly", "is.gd", "goo.gl", "buff.ly", "lin.ee", "x.gd", "amzn.to")
_URL = re.compile(r"https?://([^/\s]+)[^\s]*")


def shorteners(text: str) -> list[Finding]:
    return [
        Finding(
            "shortener",
            "G-4-4-イ",
            settings.CITY.advice("shortener"),
            m.start(),
            m.end(),
        )
        for m in _URL.finditer(text)
        if m.group(1).lower() in _SHORTENERS
    ]


def x_length(text: str) -> int:
    """X counts a URL as 23 and CJK (and most non-Latin) characters as 2 (weighted length / 2 = 140)."""
    text = _URL.sub("u" * 23, text)
    weight = 0
    for ch in text:
        code = ord(ch)
        light = code <= 0x10FF or 0x2000 <= code <= 0x200D or 0x2010 <= code <= 0x201F or 0x2032 <= code <= 0x2037
        weight += 1 if light else 2
    return weight


def over_length(text: str, platform_code: str, limit: int | None) -> list[Finding]:
    if not limit:
        return []
    if platform_code == "x":
        used, allowed = x_length(text), limit * 2
        counted = f"{used / 2:g}文字相当（全角1・半角0.5・URLは11.5）"
    else:
        used, allowed = len(text), limit
        counted = f"{used}文字"
    if used <= allowed:
        return []
    return [Finding("length", "P-5", settings.CITY.advice("length", 文字数=counted, 上限=limit), 0, len(text))]


# G-4-3-エ: a person named or shown → ask for consent before posting.
_PERSON = re.compile(r"[一-龥ぁ-んァ-ヶ○●×＊]{1,4}(?:さん|様|氏|くん|ちゃん)|写真|動画|顔|出演|肖像")


def people(text: str) -> list[Finding]:
    return [
        Finding("consent", "G-4-3-エ", settings.CITY.advice("consent"), m.start(), m.end())
        for m in _PERSON.finditer(text)
    ]


def dictionary(text: str, terms: list[tuple[str, str, str]]) -> list[Finding]:
    """Words from the sysadmin's dictionary: (term, category label, clause)."""
    found = []
    for term, label, clause in terms:
        start = text.find(term)
        while start != -1:
            found.append(Finding("dictionary", clause, f"「{term}」（{label}）", start, start + len(term)))
            start = text.find(term, start + 1)
    return found


def similarity(a: str, b: str) -> float:
    """Share of common character bigrams (Dice), quick for the short texts of posts."""

    def grams(s: str) -> set[str]:
        s = re.sub(r"\s+", "", s)
        return {s[i : i + 2] for i in range(len(s) - 1)}

    ga, gb = grams(a), grams(b)
    if not ga or not gb:
        return 0.0
    return 2 * len(ga & gb) / (len(ga) + len(gb))


def repeated(text: str, earlier: list[str], threshold: float = 0.85) -> list[Finding]:
    """G-4-4-イ: the same or nearly the same text posted before reads as spam."""
    for previous in earlier:
        if similarity(text, previous) >= threshold:
            return [Finding("repeat", "G-4-4-イ", settings.CITY.advice("repeat"), 0, len(text))]
    return []


def screen(text: str, *, platform_code: str, max_length: int | None, terms, earlier: list[str]) -> list[Finding]:
    """Run every rule over the draft; findings sorted by position."""
    normal = _normalise(text)
    findings = [
        *fuseji(text),
        *personal_data(normal),
        *shorteners(normal),
        *dictionary(normal, terms),
        *people(text),
        *over_length(text, platform_code, max_length),
        *repeated(normal, earlier),
    ]
    return sorted(findings, key=lambda f: (f.start, f.end))
