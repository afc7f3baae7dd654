"""Match 10,000 captured posts against 10,000 decided drafts (issue 25 target: under 2 s). Prints its
figures; never fails.

Run: `make bench` (or `python bench/reconcile.py --posts 10000 --drafts 10000 --rounds 3`).
What is timed is `archive.matching.pair`, the whole of the matching of one account (every post of the
run against every unmatched draft, all in one account: the worst case for its dictionaries): the URL
pasted, then the text — width folded, links and whitespace removed — within the planned window.
- drafts: texts of 40–200 characters from the city's kinds of posts, planned over a year, a tenth with
  the post's URL pasted (on the platform's other host: twitter.com for x.com);
- posts: nine in ten made from a draft (full-width digits, a link shortened to t.co, spaces and line
  breaks changed, published up to a day late), the rest posted without a draft (未確認).
`--small`: the few seconds' run of `make bench-small` (bench/small.py): 500 × 500, one round.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "komae_sns.settings")

import django

django.setup()

from archive.matching import pair  # noqa: E402
from bench.small import fail, parse_args  # noqa: E402

HOSTS = ["x.com", "twitter.com"]
SENTENCES = [
    "【お知らせ】市民まつりは10月12日（日）に多摩川河川敷で開催します。",
    "図書館は年末年始（12月29日〜1月3日）に休館します。",
    "道路工事のため、通行止めになります。",
    "子育て相談会を公民館で行います。予約は不要です。",
    "ごみの収集日が変わります。ご注意ください。",
    "防災訓練にご参加ください。",
    "健康診断の受付を始めました。",
    "詳しくは https://www.city.komae.tokyo.jp/index.cfm/1,2,3.html をご覧ください。",
]
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


def make(n_drafts: int, n_posts: int, seed: int = 25):
    rng = random.Random(seed)
    start = datetime(2026, 4, 1, tzinfo=UTC)
    drafts = []
    for pk in range(1, n_drafts + 1):
        text = f"{rng.choice(SENTENCES)}{rng.choice(SENTENCES)}（第{pk}号）"
        planned = start + timedelta(minutes=rng.randrange(365 * 24 * 60))
        url = f"https://twitter.com/komae/status/{pk}" if pk % 10 == 1 else ""
        drafts.append((pk, url, text, planned, planned - timedelta(hours=rng.randrange(1, 48))))
    posts = []
    for pk in range(1, n_posts + 1):
        if pk % 10 and pk <= n_drafts:
            _, url, text, planned, _decided = drafts[pk - 1]
            text = text.translate(WIDE).replace(
                "https://www.city.komae.tokyo.jp/index.cfm/1,2,3.html", "https://t.co/x1"
            )
            text = text.replace("。", "。\n ")
            published = planned + timedelta(minutes=rng.randrange(24 * 60))
            posts.append((pk, f"https://x.com/komae/status/{pk}", text, published))
        else:
            published = start + timedelta(minutes=rng.randrange(365 * 24 * 60))
            posts.append((pk, f"https://x.com/komae/status/s{pk}", f"無関係の投稿{pk}", published))
    posts.sort(key=lambda p: p[3])
    return posts, drafts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--drafts", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parse_args(parser, posts=500, drafts=500, rounds=1)
    posts, drafts = make(args.drafts, args.posts)
    times, pairs = [], []
    for _ in range(max(1, args.rounds)):
        began = time.perf_counter()
        pairs = pair(posts, drafts, hosts=HOSTS)
        times.append(time.perf_counter() - began)
    median = statistics.median(times)
    by = {}
    for _, _, how in pairs:
        by[how.value] = by.get(how.value, 0) + 1
    print(f"posts {len(posts):,} × drafts {len(drafts):,}: matched {len(pairs):,} {by}")
    print(f"matching: median {median:.3f} s over {len(times)} round(s) (target < 2 s)")
    if args.small and not pairs:
        fail("nothing was matched")


if __name__ == "__main__":
    main()
