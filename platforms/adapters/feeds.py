"""Reading a platform's public feed (RSS 2.0, Atom) safely: the body is untrusted XML.

- feedparser only ever gets the bytes that Http.get returned, as a stream: given a str, it would
  fetch a URL or open a local file of that name (feedparser.api._open_resource).
- A document type declaration is refused before parsing: no feed of ours has one, and it is where
  entity expansion (billion laughs) and external entities live. Expat's own amplification limit and
  feedparser's switched-off external entities stay behind it as a second line.
- The body is already within Http.get's 2 MB cap.
"""

import io
import re
from datetime import UTC, datetime

import feedparser

from ..checks import CheckError

_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def parse_feed(text: str):
    """Parse a feed's text; CheckError for a declaration or for anything that is not a feed."""
    if _DECLARATION.search(text):
        raise CheckError("フィードに文書型宣言（<!DOCTYPE>・<!ENTITY>）があるため読みません（XMLによる攻撃の防止）")
    parsed = feedparser.parse(
        io.BytesIO(text.encode("utf-8")),
        response_headers={"content-type": "application/xml; charset=utf-8"},
        resolve_relative_uris=False,
        sanitize_html=True,
    )
    if not parsed.get("version") or not (parsed.feed.get("title") or parsed.entries):
        raise CheckError("フィードとして読み取れません（RSS・Atomではありません）")
    return parsed


def newest_entry_time(parsed) -> str:
    """The newest entry's publication time as ISO 8601 in UTC; "" for a feed without dated entries."""
    times = [
        datetime(*stamp[:6], tzinfo=UTC)
        for entry in parsed.entries
        if (stamp := entry.get("published_parsed") or entry.get("updated_parsed"))
    ]
    return max(times).isoformat() if times else ""


def _entry_time(entry) -> str:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime(*stamp[:6], tzinfo=UTC).isoformat() if stamp else ""


def feed_posts(parsed, post_id_of) -> tuple:
    """A feed's entries as posts (reads.Post), newest first; an entry without an ID of its own is left
    out (`post_id_of(entry)` gives "" for it). A feed is one page: it has no cursor."""
    from ..reads import make_post

    posts = []
    for entry in parsed.entries:
        post_id = post_id_of(entry)
        if not post_id:
            continue
        text = "\n".join(part for part in (entry.get("title"), entry.get("summary")) if isinstance(part, str) and part)
        media = [m.get("url") for m in entry.get("media_thumbnail") or [] if isinstance(m, dict) and m.get("url")]
        post = make_post(post_id=post_id, url=entry.get("link"), published=_entry_time(entry), text=text, media=media)
        if post is not None:
            posts.append(post)
    return tuple(sorted(posts, key=lambda post: post.published, reverse=True))
