"""What the Meta APIs (Facebook Graph API, Instagram Graph API, Threads API) share: the version and
the error object {"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}.

The platform's message text is never copied into our result: only its code (and the trace ID Meta's
support asks for), so nothing the API echoes back reaches the history.
"""

import re

from ..checks import CheckError, Gone
from ._credential import body_of

# The Graph API version asked (developers.facebook.com/docs/graph-api/changelog: v26.0 of
# 2026-07-29 is the newest). A version is served for about two years: move it forward yearly.
GRAPH_VERSION = "v26.0"

TOKEN_INVALID = 190  # OAuthException: expired, revoked or otherwise invalid access token
RATE_LIMITED = {4, 17, 32, 613}  # application, user, page and custom-level request limits
NOT_FOUND_SUBCODE = 33  # "Object with ID … does not exist, cannot be loaded due to missing permissions…"
_URL = re.compile(r"https?://[^\s　）)」]+")


def graph_error(reply, *, service: str) -> CheckError:
    """The CheckError (or Gone) for a Graph error answer; a rate limit is like a 429."""
    error = body_of(reply).get("error")
    error = error if isinstance(error, dict) else {}
    code, subcode = error.get("code"), error.get("error_subcode")
    trace = str(error.get("fbtrace_id") or "")[:40]
    where = f"{service} code {code}" + (f"・fbtrace_id {trace}" if trace else "") if code else f"HTTP {reply.status}"
    if code == TOKEN_INVALID:
        return CheckError(f"アクセストークンが無効か期限切れです（{where}）。トークンを発行し直して登録してください")
    if code in RATE_LIMITED:
        return CheckError(f"回数制限のため確認できませんでした（{where}）。次回の確認で再び試します")
    if code == 100 and (subcode == NOT_FOUND_SUBCODE or "does not exist" in str(error.get("message") or "")):
        return Gone(f"アカウントが見つかりません（{where}）")
    return CheckError(
        f"APIがエラーを返しました（HTTP {reply.status}・{where}）" if code else f"APIがエラーを返しました（{where}）"
    )


def links_in(*texts: str) -> list[str]:
    """The http(s) URLs in profile fields (website fields may hold several, separated by spaces)."""
    return [url for text in texts for url in _URL.findall(text or "")][:50]
