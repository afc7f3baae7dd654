"""Finding posts by words (issue 22): Japanese has no spaces between words, and a two-character word
such as 防災 must be found.

Each post keeps its text normalised (`normalise`: NFKC folds full-width letters and half-width kana,
case folded, whitespace collapsed) and the set of its character bigrams (`grams`). A word is looked up
by its bigrams — on PostgreSQL a GIN index over them — and the candidates are then checked for the
word itself. PITFALLS: pg_trgm needs three characters to use its index; pg_bigm and PGroonga are not
Debian packages here.
"""

import re
import unicodedata

_SPACE = re.compile(r"\s+")
MAX_GRAMS_TEXT = 20_000  # characters of a post's text indexed (posts are bounded to 10,000 when read)


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
