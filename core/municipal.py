"""Issue 24: what a municipality's 全国地方公共団体コード and a peer registry's URL must look like.

Pure Python (no Django): the city profile (komae_sns.city), the settings and the registry layer
(accounts.peers) all check with these, and accounts may not import komae_sns (the layers' contract)."""

import re
from urllib.parse import urlsplit


def municipality_code_problem(code: str) -> str:
    """Why `code` is not a 全国地方公共団体コード (6 digits, the last the check digit), in Japanese; "".

    The check digit (JIS X 0402): the first five digits weighted 6, 5, 4, 3, 2, summed; the last digit
    of 11 minus the sum's remainder by 11."""
    if not re.fullmatch(r"[0-9]{6}", code or ""):
        return "全国地方公共団体コードは6桁の数字（検査数字を含む。例：132195）です"
    total = sum(int(digit) * weight for digit, weight in zip(code[:5], (6, 5, 4, 3, 2), strict=True))
    if (11 - total % 11) % 10 != int(code[5]):
        return f"全国地方公共団体コードの検査数字（6桁目）が合いません（{code}）"
    return ""


def peer_url_problem(url: str) -> str:
    """Why `url` cannot be a peer's accounts.json URL, in Japanese; "" when it can (issue 24).

    http is accepted as well as https: the operator decides, as for a status check's base (a
    prefecture's own network may serve plain http); the peers' page marks it 暗号化なし."""
    if not isinstance(url, str) or not url.strip():
        return "URLが空です"
    if len(url) > 500:
        return "URLが長すぎます（500文字まで）"
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        return f"URLとして読み取れません（{url[:80]}）"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"http(s) のURLで指定してください（{url[:80]}）"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return f"利用者情報（@）を含むURLは使えません（{url[:80]}）"
    if parts.fragment or any(ch.isspace() for ch in url.strip()):
        return f"# や空白を含むURLは使えません（{url[:80]}）"
    return ""
