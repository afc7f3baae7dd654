"""One adapter per platform, behind the interface of platforms.checks (target → read).

Each reads what its platform really publishes, through its official or public interface; a
platform without its own adapter falls back to the public profile page (JSON-LD, Open Graph).
"""

from . import (  # noqa: F401  (importing an adapter registers it)
    bluesky,
    facebook,  # facebook, instagram, line, threads, tiktok and x need an API token (platforms.credentials)
    instagram,
    line,
    note,
    threads,
    tiktok,
    x,
    youtube,
)
