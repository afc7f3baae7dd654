"""What of a platform's answer a reading may keep, and no credential of ours in it (issue 20).

Pure functions: the checks scrub every reading before it is stored or logged, and StatusCheck
scrubs again what it shows (readings stored before these rules are kept as they are).
"""

import re
from urllib.parse import quote, quote_plus

REDACTED = "［秘匿］"
ERROR_MAX = 300
_CODE = re.compile(r"@?[A-Za-z0-9_.:-]+")
# What an echo of a request looks like in an error text: a credential in a header or a parameter.
_ECHOED = (
    (re.compile(r"(?i)\b(bearer|basic|oauth)(\s+)[^\s\"',;&<>）)]+"), rf"\1\2{REDACTED}"),
    (
        re.compile(r"(?i)\b((?:proxy-)?authorization|x-api-key|cookie)(\"?\s*[:=]\s*\"?)[^\r\n\"'&<>）)]+"),
        rf"\1\2{REDACTED}",
    ),
    (
        re.compile(
            r"(?i)\b(access_token|refresh_token|client_secret|client_key|api_?key|key|token|secret|code)=[^\s&\"'#<>]+"
        ),
        rf"\1={REDACTED}",
    ),
)
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9_\-.~+/=]{32,}")  # no word of an error message is this long…


def _token_like(match: re.Match) -> str:
    """…and has letters and digits both (a path like komae/../internal/admin is named, not hidden)."""
    word = match.group(0)
    return REDACTED if re.search(r"[0-9]", word) and re.search(r"[A-Za-z]", word) else word


def short_code(value, *, limit: int = 40) -> str:
    """A platform's error code, trace ID or @name as a reading keeps it: a short word of letters,
    digits and _ . : - (after an @), or "" — a message or an echo of the request in its place is
    dropped, never cut."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    text = str(value).strip()
    return text if len(text) <= limit and _CODE.fullmatch(text) else ""


def secret_pieces(secrets) -> list[str]:
    """The secrets as they may come back: whole, each part of a "key:secret", percent-encoded."""
    found = set()
    for secret in secrets:
        for piece in (secret, *secret.split(":")):
            piece = piece.strip()
            if len(piece) >= 8:
                found.update({piece, quote(piece, safe=""), quote_plus(piece)})
    return sorted(found, key=len, reverse=True)


def scrub(text: str, secrets=(), *, error: bool = False) -> str:
    """`text` without any of our `secrets` in it; an error text also without what looks like a
    credential echoed back (Authorization, Bearer …, access_token=…, a long token-like word), bounded."""
    text = str(text or "")
    for piece in secret_pieces(secrets):
        text = text.replace(piece, REDACTED)
    if error:
        for pattern, replacement in _ECHOED:
            text = pattern.sub(replacement, text)
        text = _TOKEN_LIKE.sub(_token_like, text)[:ERROR_MAX]
    return text
