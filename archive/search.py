"""Finding posts by words (issue 22): Japanese has no spaces between words, and a two-character word
such as 防災 must be found.

Each post keeps its text normalised (`normalise`: NFKC folds full-width letters and half-width kana,
case folded, whitespace collapsed) and the set of its character bigrams (`grams`). A word is looked up
by a bigram — on PostgreSQL through a GIN index over them (archive/migrations/0002_search.py) — and the
candidates are then checked for the word itself (`LIKE`, its % _ \\ escaped). PITFALLS: pg_trgm needs
three characters to use its index; pg_bigm and PGroonga are not Debian packages here.

What a search costs, measured at 1,000,000 posts (bench/archive.py): the first page (50, newest first)
and a count bounded at COUNT_LIMIT. An exact count of a word in a tenth of the posts reads a tenth of
the table (1.3 s); the bound keeps it to what the page needs ("1,000件以上"), and `run_search` picks how
to find the page from what the bounded count saw. A one-character word has no bigram to look up: it is
searched only within one account's posts (a scan that the account's index bounds), and otherwise the
page asks for two characters.
"""

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic

from django.contrib.postgres.fields import ArrayField
from django.db import OperationalError, connection, transaction
from django.db.models import Func, QuerySet, TextField
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Post

_SPACE = re.compile(r"\s+")
MAX_GRAMS_TEXT = 20_000  # characters of a post's text indexed (posts are bounded to 10,000 when read)

PAGE_SIZE = 50
COUNT_LIMIT = 1_000  # beyond it the page says 「1,000件以上」
MAX_PAGE = COUNT_LIMIT // PAGE_SIZE  # the first 1,000 posts; for more, narrow the search or export
MAX_WORDS = 5
SEARCH_TIMEOUT_MS = 5_000  # a search that takes longer is stopped and the page says so
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE of a statement stopped by statement_timeout


def normalise(text: str) -> str:
    """The form both a post and a search word are compared in."""
    text = unicodedata.normalize("NFKC", str(text or "")).casefold()
    return _SPACE.sub(" ", text).strip()


def bigrams(normalised: str) -> list[str]:
    """The distinct character bigrams of a normalised text, none spanning a space, in first-seen order."""
    seen = dict.fromkeys(
        normalised[i : i + 2] for i in range(len(normalised[:MAX_GRAMS_TEXT]) - 1) if " " not in normalised[i : i + 2]
    )
    return list(seen)


def index_fields(text: str) -> dict[str, str]:
    """The search columns of a post for its text (archive.models.Post.search_text and .grams)."""
    normalised = normalise(text)
    return {"search_text": normalised, "grams": " ".join(bigrams(normalised))}


# --- the search ----------------------------------------------------------------------------------


class SearchRefused(ValueError):
    """A search that cannot be run as asked; the message is what the page says."""


def words_of(text: str) -> list[str]:
    """The words of a search box, normalised as the posts are: split at spaces, each found in the text."""
    return list(dict.fromkeys(normalise(text).split()))


class _GramSet(Func):
    """`string_to_array(grams, ' ')`: exactly the expression the GIN index is built on."""

    function = "string_to_array"
    template = "string_to_array(%(expressions)s, ' ')"
    output_field = ArrayField(TextField())


GRAMS_INDEX = "archive_post_grams"  # archive/migrations/0002_search.py
STATS_SECONDS = 600
_stats: dict = {"at": None, "frequencies": {}}


def _gram_frequencies() -> dict[str, float]:
    """The share of posts holding each common bigram, from PostgreSQL's statistics of the index
    (ANALYZE, autovacuum keeps them); read again after STATS_SECONDS."""
    now = monotonic()
    # mutmut: equivalent — `>=`: the statistics read again at the very instant STATS_SECONDS ends, not after it.
    if _stats["at"] is None or now - _stats["at"] > STATS_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute(
                # mutmut: equivalent — the SQL in lower case: its keywords are read alike.
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats WHERE tablename = %s",
                [GRAMS_INDEX],
            )
            row = cursor.fetchone()
        # The frequencies are one list longer than the bigrams (PostgreSQL adds the least, the most and the share
        # of nulls), hence strict=False. mutmut: equivalent — zip without `strict` (or strict=None) is strict=False;
        # row[1] for row[0]: the two columns are null together.
        _stats.update(at=now, frequencies=dict(zip(row[0], row[1], strict=False)) if row and row[0] else {})
    return _stats["frequencies"]


def matching(posts: QuerySet, words: list[str], *, scan_allowed: bool) -> QuerySet:
    """`posts` narrowed to those whose text holds every word.

    On PostgreSQL the posts holding the rarest of the words' bigrams are found through the GIN index
    (`@>`); each word is then checked whole (`LIKE '%word%'`, escaped by Django). One bigram, not all:
    the planner multiplies the shares of several as if they were independent, and the bigrams of a word
    go together (子育 and 育て): it then expects a handful of posts where there are 100,000 and picks a
    plan that reads them all. The share of one bigram it knows from the index's statistics.
    A search whose words are all one character long has no bigram to look up: it runs only when
    `scan_allowed` (the other filters bound the scan).
    """
    if not words:
        return posts
    grams = list(dict.fromkeys(g for word in words for g in bigrams(word)))
    if not grams and not scan_allowed:
        raise SearchRefused(
            "1文字の語句は、アカウントを選んだときだけ検索できます。"
            "2文字以上の語句で検索するか、アカウントを選んでください。"
        )
    if grams and connection.vendor == "postgresql":
        frequencies = _gram_frequencies()
        rarest = min(grams, key=lambda gram: frequencies.get(gram, 0.0))  # not among the common: rare
        posts = posts.alias(gram_set=_GramSet("grams")).filter(gram_set__contains=[rarest])
    for word in words:
        posts = posts.filter(search_text__contains=word)
    return posts


def in_period(posts: QuerySet, start: date | None, end: date | None) -> QuerySet:
    """Posts published from `start` to `end`, both days included, in Japan's time."""
    zone = timezone.get_default_timezone()
    if start:
        posts = posts.filter(published_at__gte=datetime.combine(start, time.min, tzinfo=zone))
    if end:
        posts = posts.filter(published_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone))
    return posts


@dataclass
class SearchResult:
    """One page of a search: the posts, newest first, and how many there are (bounded)."""

    posts: list
    page: int
    total: int  # exact unless `more`
    more: bool = False  # more than COUNT_LIMIT posts match
    has_next: bool = False

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def total_label(self) -> str:
        return f"{COUNT_LIMIT:,}件以上" if self.more else f"{self.total:,}件"

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _newest_first(row) -> tuple:
    """The order of the pages (`published_at` DESC as PostgreSQL sorts it, NULLs first; then pk DESC)."""
    pk, published_at = row
    # mutmut: equivalent — the stand-in without its zone: it is only ever compared with another undated post's.
    return (published_at is None, published_at or datetime.min.replace(tzinfo=UTC), pk)


def run_search(base: QuerySet, words: list[str], *, scan_allowed: bool = False, page: int = 1) -> SearchResult:
    """One page of the posts of `base` (the user's accounts, narrowed by account, SNS and period) whose
    text holds every word: newest first, with the count bounded at COUNT_LIMIT.

    A page's cost is kept to what it shows, whatever the words (the planner misjudges words whose
    bigrams go together, such as 防災 and 訓練, and words found only in old posts):
    1. the first COUNT_LIMIT + 1 matches (ids and times) through the bigram index — when that is all
       of them, the count is exact and the page is sorted from them;
    2. else (a word in many posts) the page is sought among the newest RECENT_WINDOW posts of `base`,
       read in the time index's order;
    3. else (a word that many old posts hold, few new ones) the database sorts all the matches.
    A search that takes longer than SEARCH_TIMEOUT_MS is stopped: SearchRefused.
    """
    page = min(max(page, 1), MAX_PAGE)
    start = (page - 1) * PAGE_SIZE
    wanted = start + PAGE_SIZE + 1  # one more than the page: is there a next one
    posts = matching(base, words, scan_allowed=scan_allowed)
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL statement_timeout = {int(SEARCH_TIMEOUT_MS)}")
            if not words:
                # mutmut: equivalent — COUNT_LIMIT + 2: one more row counted; what is shown reads only whether the
                # count passed COUNT_LIMIT.
                total = base.order_by()[: COUNT_LIMIT + 1].count()
                # mutmut: equivalent — values_list(flat=True) without "pk": a post's first column, its id.
                ids = list(base.order_by("-published_at", "-pk").values_list("pk", flat=True)[start : start + wanted])
            else:
                # mutmut: equivalent — COUNT_LIMIT + 2: one more match read; past COUNT_LIMIT either way.
                found = list(posts.order_by().values_list("pk", "published_at")[: COUNT_LIMIT + 1])
                total = len(found)
                if total <= COUNT_LIMIT:
                    ids = [pk for pk, _ in sorted(found, key=_newest_first, reverse=True)[start:wanted]]
                else:
                    ids = _in_recent(base, words, start=start, count=wanted - start)
                    if ids is None:
                        # mutmut: equivalent — wanted + start: more ids read than the page and its "next" need.
                        ids = _all_sorted(posts, start=start, count=wanted - start)
            # mutmut: equivalent — "account__platform" alone: it brings the account too.
            rows = Post.objects.select_related("account", "account__platform").defer("search_text", "grams")
            by_pk = rows.in_bulk(ids[:PAGE_SIZE])
    except OperationalError as exc:
        # mutmut: equivalent — another default than "" re-raises alike; none: PostgreSQL's errors all have sqlstate
        # (only SQLite's lack it, where an AttributeError would reach the page as the same server error).
        if getattr(exc.__cause__, "sqlstate", "") != QUERY_CANCELED:
            raise
        raise SearchRefused(
            "検索に時間がかかりすぎたため中止しました。アカウントや期間で絞り込んでから検索してください。"
        ) from exc
    return SearchResult(
        posts=[by_pk[pk] for pk in ids[:PAGE_SIZE] if pk in by_pk],
        page=page,
        total=min(total, COUNT_LIMIT),
        more=total > COUNT_LIMIT,
        has_next=len(ids) > PAGE_SIZE and page < MAX_PAGE,
    )


RECENT_WINDOW = 20_000  # posts read newest first before the database is asked to sort all matches


def _in_recent(base: QuerySet, words: list[str], *, start: int, count: int) -> list[int] | None:
    """The ids of matches start … start + count among the newest RECENT_WINDOW posts of `base`, or None
    when the window holds fewer (then they are not the newest matches of all). PostgreSQL only."""
    if connection.vendor != "postgresql":
        return None
    window = base.order_by("-published_at", "-pk").values("id", "published_at", "search_text")[:RECENT_WINDOW]
    inner, params = window.query.sql_with_params()
    # The window is a subquery with its LIMIT, so PostgreSQL reads it in the time index's order first;
    # each word is then checked with strpos (a plain substring: nothing to escape).
    checks = " AND ".join("strpos(w.search_text, %s) > 0" for _ in words)  # mutmut: equivalent — " and " alike
    sql = (
        f"SELECT w.id FROM ({inner}) AS w WHERE {checks}"  # noqa: S608 - Django's query; words are parameters
        # mutmut: equivalent — the SQL in lower case: its keywords are read alike.
        " ORDER BY w.published_at DESC, w.id DESC LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *words, count, start])
        ids = [row[0] for row in cursor.fetchall()]
    return ids if len(ids) == count else None


def _all_sorted(posts: QuerySet, *, start: int, count: int) -> list[int]:
    """The ids of matches start … start + count of all the matches, sorted by the database. The matches
    are gathered first (a MATERIALIZED CTE), so that it cannot choose to walk the time index from the
    newest post down to the old ones that match."""
    if connection.vendor != "postgresql":
        # mutmut: equivalent — values_list(flat=True) without "pk": a post's first column, its id.
        return list(posts.order_by("-published_at", "-pk").values_list("pk", flat=True)[start : start + count])
    inner, params = posts.order_by().values("id", "published_at").query.sql_with_params()
    sql = (
        f"WITH m AS MATERIALIZED ({inner}) SELECT m.id FROM m"  # noqa: S608 - Django's query; values are parameters
        # mutmut: equivalent — the SQL in lower case: its keywords are read alike.
        " ORDER BY m.published_at DESC, m.id DESC LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, count, start])
        return [row[0] for row in cursor.fetchall()]


# --- the found words marked in a post's text --------------------------------------------------------

EXCERPT_CHARS = 120
EXCERPT_BEFORE = 30  # characters shown before a word found further in


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _clusters(text: str) -> list[str]:
    """The text in pieces that fold independently: a character with the marks that follow it
    (combining marks, the half-width voiced sound marks ﾞ ﾟ that NFKC composes with the kana before)."""
    pieces: list[str] = []
    for char in text:
        if pieces and (unicodedata.combining(char) or char in "\uff9e\uff9f"):
            pieces[-1] += char
        else:
            pieces.append(char)
    return pieces


def excerpt(text: str, words: list[str], *, length: int = EXCERPT_CHARS) -> SafeString:
    """The start of `text` (or the stretch where a word is first found, if further in) with every found
    word in <mark>, every piece escaped. Words are matched in the folded form the search uses."""
    text = text or ""
    begin = 0
    if words:
        folded_text = _fold(text)
        # mutmut: equivalent — +1 or -2 when no word is found: a `first` under EXCERPT_BEFORE begins at 0 all the same.
        first = min((at for word in words if (at := folded_text.find(word)) != -1), default=-1)
        if first > length - 20:
            # Folded and original offsets agree but for width forms: near enough to show the word.
            begin = max(0, min(first, len(text)) - EXCERPT_BEFORE)
    window = text[begin : begin + length]
    pieces = _clusters(window)
    folded = [_fold(piece) for piece in pieces]
    joined = "".join(folded)
    spans = []  # [first piece, end piece) of each word found in the window
    if words and joined == _fold(window):  # else a composition across pieces: shown unmarked
        starts, at = [], 0
        for piece in folded:
            starts.append(at)
            at += len(piece)
        for word in words:
            found = joined.find(word)
            while found != -1:
                end = found + len(word)
                spans.append((bisect_right(starts, found) - 1, bisect_left(starts, end)))
                found = joined.find(word, end)
    out, cursor = ["…" if begin else ""], 0
    for first, last in sorted(spans):
        if last <= cursor:
            continue
        first = max(first, cursor)
        out.append(escape("".join(pieces[cursor:first])))
        out.append(f"<mark>{escape(''.join(pieces[first:last]))}</mark>")
        cursor = last
    out.append(escape("".join(pieces[cursor:])))
    if begin + length < len(text):
        out.append("…")
    return mark_safe("".join(out))  # noqa: S308 - built from escaped pieces only
