"""まちSNS, a platform without an adapter of its own, for the status-check tests (fixture `page_platform`
in tests/conftest.py).

The nine platforms the city uses each have an adapter of their own (platforms/adapters/). A platform
the city adds later has none: its accounts are read from their public profile page (JSON-LD, Open
Graph) by the generic adapter. The tests of that adapter, of the outbound guard and of the Celery
tasks use such a platform, まちSNS, whose configured base is the local platform server.
"""

import re

from accounts.models import OfficialAccount, Platform

PAGE_PLATFORM = "machi"
PAGE_HOST = "machi-sns.example"


def on_page_platform(account, url: str):
    """Move the account to まちSNS with a stored profile URL (a path on the platform, or any URL as typed
    before the input rule existed: an upgraded city keeps its rows)."""
    platform = Platform.objects.get(code=PAGE_PLATFORM)
    if not re.match(r"[a-z][a-z0-9+.-]*://", url):
        url = f"https://{PAGE_HOST}/{url.lstrip('/')}"
    OfficialAccount.objects.filter(pk=account.pk).update(platform=platform, profile_url=url)
    account.refresh_from_db()
    return account
