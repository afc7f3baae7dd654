"""The syntax of an account's handle on each platform, as its reference documents it (issue 20).

One place for every way a handle comes in — the account form, the four-eyes proposal, a request's
desired handle, the demo file the city profile names — and for the status checks, which put the
handle into a platform's API path or query and refuse one that does not pass (確認できず).
A handle is stored without "@". Pure Python: no Django, no database (import-linter: accounts is
below monitoring, portal and approvals, which all ask here).
"""

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class HandleRule:
    pattern: re.Pattern
    what: str  # the rule in the city's words, for the message


# Keyed by platform code (accounts.Platform.code; the bundled SNS). A platform the city adds in its
# profile gets GENERIC: it is checked through its public page, but its handle still goes into the
# profile URL, so nothing that changes a URL's structure (/ ? # % \ @ : and spaces) may pass.
RULES: dict[str, HandleRule] = {
    # developer.x.com: username ^[A-Za-z0-9_]{1,15}$
    "x": HandleRule(re.compile(r"[A-Za-z0-9_]{1,15}"), "半角英数字と「_」の15文字以内"),
    # Instagram (and Threads, which takes the Instagram username): 30 characters, letters, digits, . and _
    "instagram": HandleRule(re.compile(r"[A-Za-z0-9._]{1,30}"), "半角英数字と「.」「_」の30文字以内"),
    "threads": HandleRule(re.compile(r"[A-Za-z0-9._]{1,30}"), "半角英数字と「.」「_」の30文字以内"),
    # TikTok: 2–24 characters, letters, digits, underscores and periods
    "tiktok": HandleRule(re.compile(r"[A-Za-z0-9_.]{2,24}"), "半角英数字と「_」「.」の2〜24文字"),
    # Facebook page username: 5 or more letters, digits and periods (a page without one: its numeric ID)
    "facebook": HandleRule(re.compile(r"[A-Za-z0-9.]{5,50}"), "半角英数字と「.」の5〜50文字（またはページID）"),
    # YouTube @handle: 3–30 characters, letters and digits of the supported scripts, _ - . and ·
    "youtube": HandleRule(re.compile(r"[\w.·-]{3,30}"), "3〜30文字の文字・数字と「_」「-」「.」「·」（@ は不要）"),
    # LINE: the basic ID (@ + 3 digits + 5 letters) or a premium ID of up to 18 half-width letters,
    # digits and . - _ (stored without @)
    "line": HandleRule(
        re.compile(r"[A-Za-z0-9._-]{3,18}"),
        "ベーシックIDかプレミアムID（半角英数字と「.」「-」「_」の18文字以内、@ は不要）",
    ),
    # Bluesky: a handle is a domain name (atproto handle syntax): labels of letters, digits and -,
    # at least two, the last not starting with a digit, 253 characters at most
    "bluesky": HandleRule(
        re.compile(
            r"(?=.{1,253}\Z)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
            r"[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
        ),
        "ドメイン名の形（例：komae-city.bsky.social）",
    ),
    # note ID: 3–16 half-width letters, digits and "_"
    "note": HandleRule(re.compile(r"[A-Za-z0-9_]{3,16}"), "半角英数字と「_」の3〜16文字"),
}
GENERIC = HandleRule(
    re.compile(r"[\w.-]{1,100}"), "文字・数字と「.」「-」「_」（/ ? # % などの記号・空白は使えません）"
)


def clean_handle(text: str) -> str:
    """The handle as stored: NFKC (a full-width ｋｏｍａｅ is komae), no spaces, no leading @."""
    return unicodedata.normalize("NFKC", text or "").strip().lstrip("@").strip()


def handle_problem(code: str, handle: str, *, platform_name: str = "") -> str:
    """Why `handle` (as stored) is not a handle of the platform `code`, in Japanese; "" when it is."""
    rule = RULES.get(code, GENERIC)
    if rule.pattern.fullmatch(handle or "") and handle.strip("."):  # never "." or "..", a dot segment
        return ""
    shown = "".join(ch if ch.isprintable() else "?" for ch in (handle or "")[:40])
    name = platform_name or code
    return f"「{shown}」は{name}のユーザー名の形ではありません（{rule.what}）"
