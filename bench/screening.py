"""Screen 1,000 drafts (SPEC §6 target: under a second in total). Prints its figures; never fails.

Run: `make bench` (or `python bench/screening.py --drafts 1000 --rounds 5`).
`--small`: the few seconds' run of `make bench-small` (bench/small.py).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "komae_sns.settings")

import django

django.setup()

from bench.small import parse_args  # noqa: E402
from screening import rules  # noqa: E402

SAMPLES = [
    "【お知らせ】市民まつりは10月12日（日）に多摩川河川敷で開催します。"
    "詳しくは https://www.city.komae.tokyo.jp/ をご覧ください。",
    "○○地区の道路工事のため、通行止めになります。お問い合わせは03-3430-1111まで。",
    "図書館は年末年始（12月29日〜1月3日）に休館します。返却はブックポストをご利用ください。",
    "新しい施設の建設は検討中です。詳しくは https://bit.ly/3abc をご覧ください。",
    "子育てひろばで山田さんが絵本の読み聞かせをしました。写真はこちら。",
    "防災無線の放送内容：本日15時、避難訓練を実施します。",
]
TERMS = [("検討中", "未発表・検討中", "G-4-4-ア"), ("らしい", "噂", "G-4-4-ウ"), ("噂", "噂", "G-4-4-ウ")]


def main(n: int = 1000, rounds: int = 5):
    rng = random.Random(2026)
    drafts = [rng.choice(SAMPLES) + f"（{i}）" for i in range(n)]
    earlier = [rng.choice(SAMPLES) for _ in range(200)]  # this account's earlier posts
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        total = sum(
            len(rules.screen(d, platform_code="x", max_length=140, terms=TERMS, earlier=earlier)) for d in drafts
        )
        times.append(time.perf_counter() - start)
    print(f"{n} drafts screened (200 earlier posts compared, {len(TERMS)} dictionary words), {rounds} rounds")
    print(f"  median {statistics.median(times):.3f} s in total (target < 1 s), {total} findings per round")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--drafts", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parse_args(parser, drafts=50, rounds=1)
    main(args.drafts, args.rounds)
