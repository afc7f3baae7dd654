"""How much an account found by a platform's search looks like one of the city's official accounts
(issue 23, G-4-3-カ: constant watch against なりすまし). Pure: no database, no network.

`Scorer(officials, city_names=…, department_names=…, today=…)` folds the official accounts' names and
handles once; `scorer.score(found)` gives a `Score`: a value 0..100, the official account it most
imitates (its key, or None when it names the city or a 課 without copying one account), and its reasons,
each with the Japanese words the security officer reads beside the candidate. A result whose value is
at least `CANDIDATE_SCORE` is a candidate.

Comparing text. Every name and handle is compared in two forms:
- `plain`: default-ignorable code points (zero-width characters, bidirectional controls, variation
  selectors) and control characters removed first, so that they cannot hide a match; NFKC (full-width
  letters, half-width kana), case folded, hiragana as katakana (こまえ, コマエ and ｺﾏｴ are one form);
  combining marks left after NFKC removed (strike-throughs laid over a name).
- `skeleton`: the plain form through Unicode's confusables data (UTS #39 skeleton: 0 for O, Cyrillic о
  for o, rn for m, ロ for 口, エ for 工…), as ICU implements it (PyICU `SpoofChecker.getSkeleton`; ICU
  72 in Debian 12 carries Unicode 15.0's confusables.txt), then case folded again (the skeleton of 0 is
  the capital O). `CJK_LOOKALIKES` adds what the data lacks for Japanese city names (巿 U+5DFF for 市).
A name's `core` drops punctuation, symbols (emoji) and spaces, and the words by which an account calls
itself official (`CLAIM_WORDS`: 公式, official, ✅…), so that 「狛江市【公式】✅」 is compared as 狛江市.
A handle's key drops the '@', a hosting suffix (.bsky.social) and every separator (. _ -).

Signals, two kinds (`POINTS` holds their weight):
- Lookalike signals compare with one official account: its handle (the same, the same but for
  lookalike characters or separators, the same with 'official' added, contained, or one or two
  edits away: rapidfuzz's OSA distance, a swap of two letters one edit, counted on the skeleton and
  on the letters as typed), its display name (the same, the same but for width,
  kana or case, the same but for confusable characters, or similar: rapidfuzz's ratio), its avatar
  (a 64-bit difference hash, `avatar_hash`, within `AVATAR_MAX_DISTANCE` bits). A display name that is
  the city's or a 課's own name (狛江市, 防災危機管理課, 狛江市防災…) counts as one too, imitating no
  single account.
- Supporting signals: the city's or a 課's name in the display name, handle or description; 「公式」
  claimed beside a copied name; a recent creation date; hidden characters. Without a lookalike signal
  they add up to `SUPPORT_ONLY_MAX` at most, below `CANDIDATE_SCORE`: an account that merely mentions
  the city (a ramen shop in 狛江, a resident's blog) is never a candidate.

Other platforms: a result is compared with the official accounts of every platform, not only its own.
Impersonators reuse a name across services, often where the city has no account; the reason names
the official account and, when it is on another platform, says so. The official account itself (the
same platform and the same account ID, or without IDs the same handle) is never a candidate; another
account holding an official's handle on the same platform (the handle taken over) is the strongest.

Bounded: a display name, handle or description is read to `MAX_RAW` characters (ignorables removed
from all of it) and compared to `MAX_NAME`, `MAX_HANDLE`, `MAX_DESCRIPTION` characters; an avatar is
hashed only when it is at most `MAX_AVATAR_BYTES` and `MAX_AVATAR_PIXELS` and is PNG, JPEG, GIF or
WebP. Hostile input gives a score, never an exception. Speed: bench/discovery.py (10,000 results
against 50 official accounts in well under a second).
"""

import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

import icu
from PIL import Image
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

# --- constants -------------------------------------------------------------------------------------

CANDIDATE_SCORE = 50  # a result scoring at least this is a candidate for the security officer's queue
SUPPORT_ONLY_MAX = 30  # the most that supporting signals reach without a lookalike signal
NEW_ACCOUNT_DAYS = 90  # an account created within this many days is new
AVATAR_MAX_DISTANCE = 8  # of the 64 bits of `avatar_hash`: the same picture, re-encoded or resized
NAME_SIMILAR_RATIO = 85  # rapidfuzz ratio (0..100) of two name cores from which a name is similar
NAME_SIMILAR_MIN = 5  # characters of both cores: 狛江市民 is not similar to 狛江市, only different
HANDLE_MIN_KEY = 5  # a handle key shorter than this is compared only for equality
HANDLE_TWO_EDITS_MIN_KEY = 8  # two edits apart counts only for keys at least this long

MAX_RAW = 20_000  # characters read from any text (zero-width padding removed from all of them)
MAX_NAME = 200  # characters of a display name compared (X: 50, Bluesky: 64, YouTube: 100)
MAX_HANDLE = 100
MAX_DESCRIPTION = 2_000
MAX_AVATAR_BYTES = 5 * 1024 * 1024
MAX_AVATAR_PIXELS = 2048 * 2048  # platforms serve avatars of 400 to 1,000 pixels a side
AVATAR_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
AVATAR_FLAT_RANGE = 8  # a picture whose grey levels differ less than this is plain: no hash

POINTS = {
    # lookalike signals: one official account
    "handle_taken": 90,  # another account holds an official's handle on the same platform
    "handle_same": 55,  # the same handle as an official account on another platform
    "handle_confusable": 55,  # the same but for lookalike characters, case or separators
    "handle_decorated": 50,  # the official's handle with official / koushiki / jp added
    "handle_similar": 35,  # one edit away, two letters swapped (two edits for long handles)
    "handle_contains": 25,  # the official's handle within a longer one
    "name_same": 55,
    "name_folded": 60,  # the same but for width, kana or case: chosen, not typed by chance
    "name_confusable": 70,  # the same but for confusable characters: deliberate
    "name_similar": 40,
    "avatar": 50,
    "name_is_city": 50,  # the city's or a 課's own name as a display name
    # supporting signals
    "official_claim": 20,  # 「公式」 beside a copied name (counts only with a name or avatar signal)
    "city_in_name": 15,  # the strongest of the three mentions counts, once
    "city_in_handle": 10,
    "city_in_description": 10,
    "description_claim": 10,  # 「公式」 in a description that names the city
    "new_account": 10,
    "hidden_characters": 10,
}
NAME_SIGNALS = frozenset(("name_same", "name_folded", "name_confusable", "name_similar", "name_is_city", "avatar"))
HANDLE_SIGNALS = frozenset(
    ("handle_taken", "handle_same", "handle_confusable", "handle_decorated", "handle_similar", "handle_contains")
)
LOOKALIKE = NAME_SIGNALS | HANDLE_SIGNALS

# Lookalikes for the city's own names that Unicode 15.0's confusables.txt lacks (checked against ICU 72):
# 巿 (U+5DFF, "futsu", another character) is drawn as 市 in most fonts; 汀 (U+6C40) differs from 江 by
# one short stroke at a display name's size. The data already has ロ/口, エ/工, カ/力, ニ/二, 一/ー,
# so they are not repeated here (tests/discovery/test_scoring.py checks both).
CJK_LOOKALIKES = {"巿": "市", "汀": "江"}

# How an account calls itself official: removed from a name's core, and a claim when found.
NOT_CLAIMS = ("非公式", "unofficial", "not official")  # removed before looking for a claim
CLAIM_WORDS = ("公式", "official", "オフィシャル", "公認", "本物", "正規", "✅", "☑", "✔", "✓", "🔵")
HANDLE_DECORATIONS = ("official", "offical", "koushiki", "kousiki", "koshiki", "jp")
HOST_SUFFIXES = (".bsky.social",)  # Bluesky's default handles: komae-city.bsky.social is komae-city

# Characters that hide or reorder text (not the zero-width joiner or variation selector of emoji).
HIDING = frozenset("\u00ad\u061c\u115f\u1160\u180e\u200b\u200c\u200e\u200f\u2060\u3164\ufeff\uffa0") | frozenset(
    map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
)


class _Table(dict):
    """A `str.translate` table removing the characters of an ICU set (real Unicode properties), each
    character looked up once and then kept: faster than a regular expression of the set's ranges, and
    than a plain dict of the set (a character not in a plain dict costs an exception)."""

    def __init__(self, pattern: str, also: dict[int, int | None] | None = None):
        super().__init__(also or {})
        self._set = icu.UnicodeSet(pattern)

    def __missing__(self, code_point: int) -> int | None:
        value = None if self._set.contains(chr(code_point)) else code_point
        if len(self) < 65_536:  # mutmut: equivalent — a bound on the memory kept, not on any result
            self[code_point] = value
        return value


# Removed before anything is compared; lone surrogates too (JSON may carry them): nothing shows them.
_INVISIBLE = _Table(r"[[:Default_Ignorable_Code_Point:][:Cc:]-[\t\n\r\f\v]]", dict.fromkeys(range(0xD800, 0xE000)))
# After NFKC: combining marks left over removed (nothing composed them), hiragana as katakana.
_FOLD = _Table(r"[[:Mn:][:Me:]]", {c: c + 0x60 for c in range(0x3041, 0x3097)} | {0x309D: 0x30FD, 0x309E: 0x30FE})
_NOT_CORE = _Table(r"[[:P:][:S:][:Z:][\t\n\r\f\v]]")
# The default-ignorables that str.isprintable() lets through (variation selectors, fillers)
_PRINTABLE_INVISIBLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef]"
)
_OVERRIDE = "\u202e"
_OVERRIDDEN = re.compile("\u202e([^\u202a-\u202e]*)(?:\u202c|$)")
_SPOOF = icu.SpoofChecker()
_TO_HIRAGANA = {c: c - 0x60 for c in range(0x30A1, 0x30F7)}


def _core(text: str) -> str:
    return text.translate(_NOT_CORE)


# --- folding ---------------------------------------------------------------------------------------


def visible(text: object, limit: int) -> str:
    """The text as it is seen, to `limit` characters: default-ignorable and control characters
    removed, and what a right-to-left override (U+202E … U+202C) shows reversed in the order shown."""
    text = str(text or "")[:MAX_RAW]
    if _OVERRIDE in text:
        text = _OVERRIDDEN.sub(lambda m: m.group(1)[::-1], text)
    if text.isprintable() and not _PRINTABLE_INVISIBLE.search(text):  # most text: nothing to remove
        return text[:limit]
    seen, start, size = "", 0, limit
    # a longer stretch only where invisible ones were, doubling (how fast it grows is no rule)
    # mutmut: equivalent — one stretch more, past the limit or past the end, adds nothing kept
    while len(seen) < limit and start < len(text):
        seen += text[start : start + size].translate(_INVISIBLE)
        start, size = start + size, size * 2  # mutmut: equivalent — a stretch's growth changes no result
    return seen[:limit]


def plain(text: object, limit: int = MAX_NAME) -> str:
    """The form in which width, kana and case do not count: see the module's docstring."""
    return fold(visible(text, limit))


def fold(seen: str) -> str:
    """`plain` of a text already `visible`."""
    if seen.isascii():
        return " ".join(seen.casefold().split())
    return " ".join(unicodedata.normalize("NFKC", seen).casefold().translate(_FOLD).split())


@lru_cache(maxsize=4096)
def skeleton(folded: str) -> str:
    """The UTS #39 skeleton of a plain form, with the city's own lookalikes, case folded again."""
    return _SPOOF.getSkeleton(0, _lookalikes(folded)).casefold()


def _lookalikes(text: str) -> str:
    """The city's own lookalikes (CJK_LOOKALIKES) as the characters they imitate."""
    for lookalike, imitated in CJK_LOOKALIKES.items():
        text = text.replace(lookalike, imitated)
    return text


def _without(text: str, words: Iterable[str]) -> str:
    for word in words:
        text = text.replace(word, "")
    return text


_CLAIMS_SKELETON = tuple(skeleton(plain(w)) for w in CLAIM_WORDS)
_CLAIMS_PLAIN = tuple(plain(w) for w in CLAIM_WORDS)
_NOT_CLAIMS_SKELETON = tuple(skeleton(plain(w)) for w in NOT_CLAIMS)
_NOT_CLAIMS_PLAIN = tuple(plain(w) for w in NOT_CLAIMS)


def claims_official(folded_skeleton: str) -> bool:
    """Whether a text (its skeleton) calls its account official."""
    return _claims(folded_skeleton, _CLAIMS_SKELETON, _NOT_CLAIMS_SKELETON)


def _claims(text: str, claims: tuple[str, ...], not_claims: tuple[str, ...]) -> bool:
    text = _without(text, not_claims)
    return any(word in text for word in claims)


def plain_core(folded: str) -> str:
    """A name's plain form without its claims of being official, punctuation, symbols and spaces."""
    return _core(_without(_without(folded, _NOT_CLAIMS_PLAIN), _CLAIMS_PLAIN))


def skeleton_core(folded_skeleton: str) -> str:
    """A name's skeleton without its claims of being official, punctuation, symbols and spaces."""
    return _core(_without(_without(folded_skeleton, _NOT_CLAIMS_SKELETON), _CLAIMS_SKELETON))


def _plain_name(name: str) -> str:
    return plain_core(plain(name))


def _skeleton_name(name: str) -> str:
    return skeleton_core(skeleton(plain(name)))


def handle_core(handle: object) -> str:
    """A handle as typed, without '@', a hosting suffix, width or case."""
    core = plain(handle, MAX_HANDLE).removeprefix("@").replace(" ", "")
    for suffix in HOST_SUFFIXES:
        core = core.removesuffix(suffix)
    return core


def handle_key(core: str) -> str:
    """A handle's core as it looks: its skeleton without separators."""
    return _core(skeleton(core))


_DECORATION_KEYS = tuple(handle_key(w) for w in HANDLE_DECORATIONS)


# --- the avatar's perceptual hash ------------------------------------------------------------------


def avatar_hash(image_bytes: bytes) -> int | None:
    """A 64-bit difference hash of an avatar (grey, 9×8, each bit: brighter to the right), or None for
    what is no picture to compare: not PNG/JPEG/GIF/WebP, too large (bytes or pixels: decompression
    bombs are refused before decoding), broken, or plain (one colour says nothing of whose it is)."""
    if not image_bytes or len(image_bytes) > MAX_AVATAR_BYTES:
        return None
    try:
        with Image.open(io.BytesIO(image_bytes), formats=AVATAR_FORMATS) as image:
            width, height = image.size
            if width * height > MAX_AVATAR_PIXELS:
                return None
            image = image.convert("RGBA")
            flat = Image.new("RGBA", image.size, "white")  # mutmut: equivalent — Pillow reads colour names in any case
            flat.alpha_composite(image)  # transparency over white, as a page shows it
            grey = flat.convert("L").resize((9, 8), Image.Resampling.BOX)  # the mean of each area
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, MemoryError):
        return None
    pixels = list(grey.get_flattened_data())
    if max(pixels) - min(pixels) < AVATAR_FLAT_RANGE:
        return None
    bits = 0
    for row in range(8):
        for column in range(8):
            left, right = pixels[row * 9 + column], pixels[row * 9 + column + 1]
            bits = (bits << 1) | (left < right)
    return bits


def hamming(a: int, b: int) -> int:
    """How many bits of two hashes differ."""
    return (a ^ b).bit_count()


# --- what is scored --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Official:
    """One of the city's official accounts as the registry knows it."""

    key: object  # what `Score.imitates` gives back: the registry's account ID
    platform: str  # platform code ("x", "bluesky", "youtube", …)
    handle: str
    display_name: str
    avatar_hash: int | None = None
    platform_account_id: str = ""  # the platform's permanent ID, where known
    platform_name: str = ""  # the platform as the officer reads it ("X", "YouTube"); the code otherwise

    @property
    def label(self) -> str:
        return f"「{visible(self.display_name, MAX_NAME)}」(@{handle_core(self.handle)})"


@dataclass(frozen=True)
class Found:
    """An account a platform's search returned."""

    platform: str
    handle: str
    display_name: str = ""
    description: str = ""
    platform_account_id: str = ""
    avatar_hash: int | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class Reason:
    code: str  # a key of POINTS, or "own"
    words: str  # what the security officer reads
    points: int


@dataclass(frozen=True)
class Score:
    value: int  # 0..100
    imitates: object | None  # the key of the official account it most looks like
    reasons: tuple[Reason, ...]

    @property
    def is_candidate(self) -> bool:
        return self.value >= CANDIDATE_SCORE

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


@dataclass(frozen=True)
class _Folded:
    """An official account's comparable forms, made once."""

    official: Official
    handle_core: str
    handle_key: str
    name_visible: str
    name_plain: str
    name_skeleton: str


def _reason(code: str, words: str) -> Reason:
    return Reason(code, words, POINTS[code])


def _alternatives(words: Iterable[str]) -> re.Pattern | None:
    """A pattern finding any of the words, the longest where one begins another (reverse order puts a
    word before its own beginnings); None for no words."""
    words = sorted(set(words), reverse=True)
    return re.compile("|".join(map(re.escape, words))) if words else None


def _city_name(core: str, cities: dict[str, str], departments: dict[str, str]) -> str | None:
    """The city's or a 課's name that a name core is, as given: the whole of one, or a city's name and
    the start (two characters or more) of a 課's."""
    named = cities.get(core) or departments.get(core)
    if named is not None:
        return named
    # the longest city name it starts with (狛江市民 is 狛江市 + 民): of names that are each other's
    # beginnings, the longest is also the greatest
    city = max((c for c in cities if core.startswith(c)), default=None)
    if city is None:
        return None
    rest = core.removeprefix(city)
    if len(rest) >= 2:
        for department, department_shown in departments.items():
            if department.startswith(rest):
                return f"{cities[city]}・{department_shown}"
    return None


def _confusable_words(found: str, official: str) -> str:
    """Which characters stand in for which, when a name has as many characters as the official's."""
    if len(found) != len(official):
        return "紛らわしい文字（rn と m など）を使っています"
    pairs = [(f, official[k]) for k, f in enumerate(found) if f != official[k]][:3]
    shown = "、".join(f"「{f}」(U+{ord(f):04X}) を「{o}」の代わりに" for f, o in pairs)
    return f"紛らわしい文字を使っています：{shown}"


class Scorer:
    """Scores search results against the city's official accounts (folded once, here)."""

    def __init__(
        self,
        officials: Sequence[Official],
        *,
        city_names: Iterable[str],
        department_names: Iterable[str] = (),
        today: date,
    ):
        self.today = today
        self._officials = []
        for official in officials:
            name_plain = plain(official.display_name)
            core = handle_core(official.handle)
            self._officials.append(
                _Folded(
                    official,
                    core,
                    handle_key(core),
                    plain_core(visible(official.display_name, MAX_NAME)),
                    plain_core(name_plain),
                    skeleton_core(skeleton(name_plain)),
                )
            )
        self._by_handle_key = self._index(f.handle_key for f in self._officials)
        self._by_name_plain = self._index(f.name_plain for f in self._officials)
        self._by_name_skeleton = self._index(f.name_skeleton for f in self._officials)
        self._handle_keys = [f.handle_key for f in self._officials]
        self._by_account_id = {
            (f.official.platform, f.official.platform_account_id): f.official
            for f in reversed(self._officials)
            if f.official.platform_account_id
        }
        self._by_platform_handle = {
            (f.official.platform, f.handle_core): f.official for f in reversed(self._officials) if f.handle_core
        }
        self._handle_typed_keys = [_core(f.handle_core) for f in self._officials]
        self._contained = _alternatives(k for k in self._handle_keys if len(k) >= HANDLE_MIN_KEY)
        # the names long enough to be similar (the others are compared as they are): None keeps indexes
        self._similar_names = [
            n if len(n) >= NAME_SIMILAR_MIN else None for n in (f.name_skeleton for f in self._officials)
        ]
        self._by_avatar = self._index(f.official.avatar_hash for f in self._officials)
        city_names, department_names = list(city_names), list(department_names)
        self._city = self._names(city_names, _skeleton_name)
        self._departments = self._names(department_names, _skeleton_name)
        self._city_plain = self._names(city_names, _plain_name)
        self._departments_plain = self._names(department_names, _plain_name)
        self._named = self._departments | self._city  # each name's core → the name as given
        self._mention_pattern = _alternatives(self._named)
        # in a description: plain, in hiragana too (see _support)
        self._in_description: dict[str, str] = {}
        for name in (*city_names, *department_names):
            hiragana = unicodedata.normalize("NFKC", name).casefold().translate(_TO_HIRAGANA)
            for form in (plain(name), hiragana):
                if key := _core(form):
                    self._in_description.setdefault(key, visible(name, MAX_NAME))
        self._description_pattern = _alternatives(self._in_description)

    @staticmethod
    def _index(values: Iterable) -> dict:
        index: dict = {}
        for i, value in enumerate(values):
            if value:
                index.setdefault(value, []).append(i)
        return index

    @staticmethod
    def _names(names: Iterable[str], core_of: Callable[[str], str]) -> dict[str, str]:
        """Each name's core (plain or skeleton) → the name as given (for the words)."""
        folded = {}
        for name in names:
            core = core_of(name)
            if core:
                folded.setdefault(core, visible(name, MAX_NAME))
        return folded

    # --- one result ---

    def score(self, found: Found) -> Score:
        core = handle_core(found.handle)
        own = self._own(found, core)
        if own is not None:
            return Score(0, own.key, (Reason("own", "市の公式アカウントそのものです", 0),))
        name_visible = visible(found.display_name, MAX_NAME)
        name_plain_full = fold(name_visible)
        name_skeleton_full = skeleton(name_plain_full)
        name_plain = plain_core(name_plain_full)
        name_skeleton = skeleton_core(name_skeleton_full)
        key = handle_key(core)

        per_official: dict[int, list[Reason]] = {}
        self._handle_signals(found, core, key, per_official)
        self._name_signals(found, name_visible, name_plain, name_skeleton, per_official)
        self._avatar_signals(found, per_official)
        best = max(
            per_official,
            key=lambda i: (
                sum(r.points for r in per_official[i]),
                self._officials[i].official.platform == found.platform,
                -i,
            ),
            default=None,
        )
        reasons = list(per_official[best]) if best is not None else []
        city = self._name_is_city(name_plain, name_skeleton)
        if city and not any(r.code in NAME_SIGNALS for r in reasons):
            reasons.append(city)
        reasons += self._support(found, name_skeleton_full, name_skeleton, core, key, reasons)
        value = sum(r.points for r in reasons)
        if not any(r.code in LOOKALIKE for r in reasons):
            value = min(value, SUPPORT_ONLY_MAX)
        imitates = self._officials[best].official.key if best is not None else None
        return Score(min(value, 100), imitates, tuple(reasons))

    def _own(self, found: Found, core: str) -> Official | None:
        """The official account itself, if the result is one: the same account ID on the same platform,
        or without both IDs the same handle."""
        official = self._by_account_id.get((found.platform, found.platform_account_id))
        if official is None and core:
            official = self._by_platform_handle.get((found.platform, core))
            if official is not None and official.platform_account_id and found.platform_account_id:
                return None  # another account has taken the handle
        return official

    @staticmethod
    @lru_cache(maxsize=1024)
    def _where(official: Official, found_platform: str) -> str:
        """The official account as the words name it, with its platform when it is another."""
        if official.platform == found_platform:
            return f"公式アカウント{official.label}"
        return f"{official.platform_name or official.platform} の公式アカウント{official.label}"

    def _handle_signals(self, found: Found, core: str, key: str, into: dict[int, list[Reason]]) -> None:
        if not key:
            return
        for i in self._by_handle_key.get(key, ()):
            official = self._officials[i]
            where = self._where(official.official, found.platform)
            if core != official.handle_core:
                into.setdefault(i, []).append(
                    _reason(
                        "handle_confusable",
                        f"ハンドルが{where}と、紛らわしい文字・大文字小文字・記号の違いしかありません",
                    )
                )
            elif official.official.platform == found.platform:  # the same handle, another account ID
                into.setdefault(i, []).append(
                    _reason(
                        "handle_taken", f"{where}のハンドルを別のアカウントが使っています（乗っ取り・再取得のおそれ）"
                    )
                )
            else:
                into.setdefault(i, []).append(_reason("handle_same", f"ハンドルが{where}と同じです"))
        if key in self._by_handle_key:
            return
        undecorated = _without(key, _DECORATION_KEYS)  # not `key` itself: that one returned above
        for i in self._by_handle_key.get(undecorated, ()):
            where = self._where(self._officials[i].official, found.platform)
            into.setdefault(i, []).append(
                _reason("handle_decorated", f"ハンドルが{where}に official などを付けたものです")
            )
        if undecorated in self._by_handle_key:
            return
        if len(key) >= HANDLE_MIN_KEY:
            # edits counted on the skeleton and on the letters as typed (a swap of m is a swap, not two edits)
            edits: dict[int, int] = {}
            for text, keys in ((key, self._handle_keys), (_core(core), self._handle_typed_keys)):
                for _, n, i in process.extract(text, keys, scorer=OSA.distance, score_cutoff=2):
                    edits[i] = min(n, edits.get(i, n))
            for i, n in sorted(edits.items()):
                if n == 1 or min(len(key), len(self._handle_keys[i])) >= HANDLE_TWO_EDITS_MIN_KEY:
                    where = self._where(self._officials[i].official, found.platform)
                    into.setdefault(i, []).append(_reason("handle_similar", f"ハンドルが{where}と{n}文字違いです"))
        if self._contained and self._contained.search(key):
            for i, official_key in enumerate(self._handle_keys):
                if i not in into and len(official_key) >= HANDLE_MIN_KEY and official_key in key:
                    where = self._where(self._officials[i].official, found.platform)
                    into.setdefault(i, []).append(_reason("handle_contains", f"ハンドルに{where}のハンドルを含みます"))

    def _name_signals(
        self, found: Found, shown: str, name_plain: str, name_skeleton: str, into: dict[int, list[Reason]]
    ) -> None:
        if not name_skeleton:
            return
        same = self._by_name_plain.get(name_plain, ())
        for i in same:
            where = self._where(self._officials[i].official, found.platform)
            if plain_core(shown) == self._officials[i].name_visible:
                into.setdefault(i, []).append(_reason("name_same", f"表示名が{where}と同じです"))
            else:
                differs = "文字の幅・ひらがなとカタカナ・大文字小文字の違いしかありません"
                into.setdefault(i, []).append(_reason("name_folded", f"表示名が{where}と、{differs}"))
        confusable = [i for i in self._by_name_skeleton.get(name_skeleton, ()) if i not in same]
        for i in confusable:
            where = self._where(self._officials[i].official, found.platform)
            which = _confusable_words(name_plain, self._officials[i].name_plain)
            into.setdefault(i, []).append(_reason("name_confusable", f"表示名が{where}に似せて、{which}"))
        if same or confusable:
            return
        if len(name_skeleton) < NAME_SIMILAR_MIN:
            return
        match = process.extractOne(
            name_skeleton, self._similar_names, scorer=fuzz.ratio, score_cutoff=NAME_SIMILAR_RATIO
        )
        if match is not None:
            _, ratio, i = match
            where = self._where(self._officials[i].official, found.platform)
            into.setdefault(i, []).append(_reason("name_similar", f"表示名が{where}とよく似ています（{ratio:.0f}%）"))

    def _avatar_signals(self, found: Found, into: dict[int, list[Reason]]) -> None:
        if found.avatar_hash is None:
            return
        for official_hash, indexes in self._by_avatar.items():
            bits = hamming(found.avatar_hash, official_hash)
            if bits <= AVATAR_MAX_DISTANCE:
                for i in indexes:
                    where = self._where(self._officials[i].official, found.platform)
                    words = f"アイコン画像が{where}のものとほぼ同じです（64ビット中 {bits} ビットの差）"
                    into.setdefault(i, []).append(_reason("avatar", words))

    def _name_is_city(self, name_plain: str, name_skeleton: str) -> Reason | None:
        """The display name is the city's or a 課's own name: 狛江市, 防災危機管理課, or the city's
        name followed by the start of a 課's (狛江市防災, こまえ子育て)."""
        named = _city_name(name_plain, self._city_plain, self._departments_plain)
        if named is not None:
            return _reason("name_is_city", f"表示名が市の名前・課の名前（{named}）そのものです")
        named = _city_name(name_skeleton, self._city, self._departments)
        if named is not None:
            return _reason("name_is_city", f"表示名が市の名前・課の名前（{named}）に紛らわしい文字を使ったものです")
        return None

    def _support(
        self, found: Found, name_skeleton_full: str, name_skeleton: str, core: str, key: str, reasons: list
    ) -> list[Reason]:
        support = []
        lookalike_name = any(r.code in NAME_SIGNALS for r in reasons)
        if lookalike_name and (claims_official(name_skeleton_full) or claims_official(skeleton(core))):
            support.append(_reason("official_claim", "「公式」「official」などを名乗っています"))
        # Only looked through for the city's names and 公式, cheaply (descriptions are the longest texts):
        # width and case folded and the city's own lookalikes (狛江巿), not Unicode's confusables nor kana
        # (the names are looked for in hiragana and katakana), its spaces kept (狛江 市 is found as 狛江).
        description = _lookalikes(unicodedata.normalize("NFKC", visible(found.description, MAX_DESCRIPTION)).casefold())
        names, pattern = self._named, self._mention_pattern
        mention = self._mention(name_skeleton, pattern, names, "city_in_name", "表示名")
        mention = mention or self._mention(key, pattern, names, "city_in_handle", "ハンドル")
        mention = mention or self._mention(
            description, self._description_pattern, self._in_description, "city_in_description", "自己紹介"
        )
        if mention:
            support.append(mention)
        named_in_description = self._description_pattern and self._description_pattern.search(description)
        if named_in_description and _claims(description, _CLAIMS_PLAIN, _NOT_CLAIMS_PLAIN):
            support.append(_reason("description_claim", "自己紹介で市の公式を名乗っています"))
        if found.created_at is not None:
            days = (self.today - found.created_at.date()).days
            if 0 <= days <= NEW_ACCOUNT_DAYS:
                support.append(_reason("new_account", f"作成から{days}日の新しいアカウントです"))
        if not (
            HIDING.isdisjoint(str(found.display_name)[:MAX_RAW]) and HIDING.isdisjoint(str(found.handle)[:MAX_RAW])
        ):
            support.append(
                _reason("hidden_characters", "表示名やハンドルに見えない文字・書字方向を変える制御文字があります")
            )
        return support

    @staticmethod
    def _mention(text: str, pattern: re.Pattern | None, names: dict[str, str], code: str, where: str) -> Reason | None:
        match = pattern.search(text) if pattern else None
        if match is None:
            return None
        return _reason(code, f"{where}に「{names[match.group()]}」の名前があります")
