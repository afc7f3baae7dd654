"""URL path normalisation as browsers do it (WHATWG URL, RFC 3986 5.2.4). Pure Python, no Django."""

from urllib.parse import unquote

__all__ = ["remove_dot_segments"]


def remove_dot_segments(path: str) -> str:
    """Resolve "." and ".." segments as a browser does, "%2e" spellings included (RFC 3986 5.2.4)."""
    out: list[str] = []
    segments = path.split("/")
    for i, segment in enumerate(segments):
        plain = unquote(segment).lower()
        last = i == len(segments) - 1
        if plain == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        elif plain == ".":
            if last:
                out.append("")
        else:
            out.append(segment)
    result = "/".join(out)
    return result if result.startswith("/") else "/" + result
