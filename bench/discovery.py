"""Scoring search results for lookalikes of the city's official accounts (issue 23). Prints its figures;
never fails.

Run: `python bench/discovery.py` (pure: no database, no network).
Targets (issue 23): 10,000 search results scored against 50 official accounts in < 1 s on one CPU; on
the hand-written labelled set (tests/discovery/lookalike_set.py), every lookalike found and no
unrelated account flagged — recall and false positives printed, with any miss named.

- 50 official accounts of 狛江市 on four platforms (X, Bluesky, YouTube, Instagram): the city's and its
  課's, with avatars (hashes) mostly the city's logo.
- 10,000 results as a day's searches return them: most are unrelated people and shops (a tenth of them
  mentioning 狛江 in the name or description), some lookalikes made from an official account (a
  confusable character, an added 【公式】, separators dropped, a letter changed), a few hostile names
  (10,000 characters, zero-width padding, emoji sequences); descriptions of 40 to 160 characters, one in
  a hundred of 2,000; avatar hashes for four in five.
Timed: building the scorer (the officials folded once), then scoring all results (median of --rounds).
`--small`: the few seconds' run of `make bench-small` (bench/small.py): 500 results, one round.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.small import fail, parse_args
from discovery.scoring import Found, Official, Scorer
from tests.discovery import lookalike_set as labelled

TODAY = date(2026, 12, 3)
PLATFORMS = ("x", "bluesky", "youtube", "instagram")
DEPARTMENTS = [
    ("防災危機管理課", "bousai"),
    ("子育て支援課", "kosodate"),
    ("秘書広報室", "kouhou"),
    ("環境政策課", "kankyou"),
    ("市民協働推進課", "kyoudou"),
    ("高齢障がい課", "koureisha"),
    ("健康推進課", "kenkou"),
    ("生涯学習課", "gakushu"),
    ("図書館", "library"),
    ("まちづくり推進課", "machizukuri"),
    ("地域活性課", "kassei"),
    ("教育総務課", "kyouiku"),
    ("道路交通課", "douro"),
]
CITY_NAMES = ("狛江市", "狛江", "狛江市役所", "こまえ", "komae city", "komae")
SYLLABLES = (
    "ka ki ku ke ko sa shi su se so ta chi tsu te to na ni nu ne no ha hi fu he ho ma mi mu me mo ya yu yo".split()
)
KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわん"
WORDS = [
    "カフェ",
    "ラーメン",
    "写真",
    "日記",
    "散歩",
    "ママ",
    "パパ",
    "猫",
    "犬",
    "野球",
    "サッカー",
    "料理",
    "旅行",
    "音楽",
]
SENTENCE = "多摩川の河川敷を散歩しています。写真と料理とカフェめぐりが好きです。"


def officials() -> list[Official]:
    rng = random.Random(23)
    logo = rng.getrandbits(64)
    made = []
    for n in range(50):
        platform = PLATFORMS[n % len(PLATFORMS)]
        name, slug = DEPARTMENTS[n % len(DEPARTMENTS)]
        suffix = "" if n < len(DEPARTMENTS) else str(n // len(DEPARTMENTS))
        handle = f"komae_{slug}{suffix}" if platform != "bluesky" else f"komae-{slug}{suffix}.bsky.social"
        avatar = logo if n % 5 else rng.getrandbits(64)
        made.append(Official(n, platform, handle, f"狛江市{name}{suffix}", avatar, f"id{n}", platform))
    made[0] = Official(0, "x", "komae_city", "狛江市", logo, "id0", "X")
    return made


def results(n: int, known: list[Official]) -> list[Found]:
    rng = random.Random(2026)
    made = []
    for i in range(n):
        platform = rng.choice(PLATFORMS)
        created = datetime(2021, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(2_160))
        avatar = rng.getrandbits(64) if rng.random() < 0.8 else None
        handle = "".join(rng.choices(SYLLABLES, k=rng.randint(2, 5))) + str(rng.randrange(1000))
        name = "".join(rng.choices(KANA, k=rng.randint(2, 5))) + rng.choice(WORDS)
        length = 2_000 if rng.random() < 0.01 else rng.randint(40, 160)
        own = "".join(rng.choices(KANA, k=8)) + "。"  # each description its own (no cache helps)
        description = (own + SENTENCE * (length // len(SENTENCE) + 1))[:length]
        kind = rng.random()
        if kind < 0.10:  # mentions the city
            name = rng.choice(["狛江の", "こまえ", "狛江市の"]) + name
            description = "狛江市在住。" + description
        elif kind < 0.15:  # a lookalike of an official account
            official = rng.choice(known)
            handle = rng.choice(
                [
                    official.handle.replace("o", "0", 1),
                    official.handle.replace("_", "") + "_official",
                    official.handle.replace("e", "", 1),
                    official.handle + "_jp",
                ]
            )
            name = rng.choice(
                [
                    official.display_name.replace("市", "巿"),
                    "【公式】" + official.display_name,
                    official.display_name + "🌸",
                    official.display_name.replace("江", "\u200b江"),
                ]
            )
            avatar = official.avatar_hash if rng.random() < 0.3 else avatar
        elif kind < 0.16:  # hostile
            name = rng.choice(
                ["狛江市" + "あ" * 10_000, "\u200b" * 5_000 + "狛江市", "👨\u200d👩\u200d👧\u200d👦" * 200]
            )
        made.append(Found(platform, handle, name, description, f"r{i}", avatar, created))
    return made


def labelled_figures(scorer_for_set: Scorer) -> tuple[int, int, list[str], list[str]]:
    missed = [
        what
        for what, result, imitates in labelled.LOOKALIKES
        if not ((s := scorer_for_set.score(result)).is_candidate and s.imitates == imitates)
    ]
    flagged = [what for what, result in labelled.UNRELATED if scorer_for_set.score(result).is_candidate]
    return len(labelled.LOOKALIKES), len(labelled.UNRELATED), missed, flagged


def main(n: int = 10_000, rounds: int = 5) -> None:
    known = officials()
    found = results(n, known)
    start = time.perf_counter()
    scorer = Scorer(known, city_names=CITY_NAMES, department_names=[d for d, _ in DEPARTMENTS], today=TODAY)
    built = time.perf_counter() - start
    times, cpu, candidates = [], [], 0
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        scores = [scorer.score(f) for f in found]
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        candidates = sum(s.is_candidate for s in scores)
    median = statistics.median(times)
    print(f"{n:,} search results scored against {len(known)} official accounts, {rounds} round(s)")
    print(f"  scorer built (officials folded) in {built * 1000:.1f} ms")
    print(f"  median {median:.3f} s in total (target < 1 s), {median / n * 1e6:.1f} µs a result")
    print(f"  median CPU time {statistics.median(cpu):.3f} s (the same on a busy machine); {candidates:,} candidates")

    set_scorer = Scorer(
        labelled.OFFICIALS,
        city_names=labelled.CITY_NAMES,
        department_names=labelled.DEPARTMENT_NAMES,
        today=labelled.TODAY,
    )
    lookalikes, unrelated, missed, flagged = labelled_figures(set_scorer)
    print("Labelled set (tests/discovery/lookalike_set.py)")
    print(
        f"  recall {lookalikes - len(missed)}/{lookalikes} lookalikes found, imitating the right account (target: all)"
    )
    print(f"  false positives {len(flagged)}/{unrelated} unrelated accounts flagged (target: none)")
    for what in missed:
        print(f"  missed: {what}")
    for what in flagged:
        print(f"  flagged: {what}")
    if len(scores) != n:
        fail(f"{len(scores)} of {n} results scored")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parse_args(parser, results=500, rounds=1)
    main(args.results, args.rounds)
