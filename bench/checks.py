"""1,000 status checks against a local server that answers each request after 100 ms.

Run: `python bench/checks.py` (no database needed). Target (SPEC §7): under 15 s, with the ratio to
doing them one by one (measured on a sample and scaled, since 1,000 × 100 ms is 100 s). Prints its
figures; it never fails.
"""

import argparse
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "komae_sns.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

from monitoring import checks  # noqa: E402
from tests.platform_server import PlatformServer  # noqa: E402


def accounts(n: int):
    platform = SimpleNamespace(code="x", host_list=["x.com", "twitter.com"])
    return [
        SimpleNamespace(platform=platform, profile_url=f"https://x.com/profile/komae_{i}?title=狛江市{i}&id={i}")
        for i in range(n)
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--checks", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--sample", type=int, default=50, help="accounts checked one by one for the ratio")
    args = parser.parse_args()
    with PlatformServer(latency=args.latency) as server:
        # The server plays X through the configured base, as a city's proxy would (STATUS_CHECK_BASE_X).
        settings.STATUS_CHECK_BASES = {"x": server.url}
        targets = accounts(args.checks)
        start = time.perf_counter()
        results = checks.check_profiles(targets, concurrency=args.concurrency)
        together = time.perf_counter() - start
        ok = sum(1 for _, state in results if state.reachable and state.display_name)

        start = time.perf_counter()
        checks.check_profiles(targets[: args.sample], concurrency=1)
        one_by_one = (time.perf_counter() - start) / args.sample * args.checks
    print(f"{args.checks} status checks, {args.latency * 1000:.0f} ms per request, concurrency {args.concurrency}")
    print(f"  all at once (bounded)      {together:7.2f} s   (target < 15 s), {ok} read correctly")
    print(f"  one by one (scaled from {args.sample}) {one_by_one:7.2f} s")
    print(f"  ratio bounded / one by one {together / one_by_one:7.3f}")


if __name__ == "__main__":
    main()
