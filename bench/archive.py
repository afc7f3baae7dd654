"""The archive of posts (issue 22): search at 1,000,000 posts and the export of one account's year.

Run: `python bench/archive.py` (DATABASE_URL on PostgreSQL; a throwaway test database is used).
Targets (issue 22): a two-character Japanese word's first page (50, newest first, with its bounded
count) < 300 ms at 1,000,000 posts; one account's year of 5,000 posts exported as CSV < 2 s, WARC < 2 s,
PDF < 20 s. Prints its figures; it never fails.

- Search: 1,000,000 posts of 100 accounts in 5 課 over ten years, written by SQL (generate_series):
  ~110 characters of municipal Japanese mixing common words (子育て, イベント, お知らせ, ごみ), with 防災 in
  ~10 % of the posts and 献血 in ~1 %; their bigrams as the capture writes them. Timed: `run_search`
  (the page's queries) for all accounts (as the security officer searches) and for one 課 (20 accounts), and the whole
  page /archive/?q=… as a 課長 opens it. "first" is the first run after the load (the table is in the
  operating system's cache, not PostgreSQL's), then the median.
- Export: 5,000 posts of one account in one 年度, each with its answer (100 posts an answer, as a feed
  page), one in ten with a 30 KB JPEG kept; written as CSV, WARC and PDF into memory. The PDF's parts
  are laid out by PDF_PROCESSES processes (one per CPU, at most 4, by default: core.pdf).
- Capture: 100 accounts × 1,000 posts from the local server playing Bluesky at 100 ms, by real Celery
  workers as the archive's worker runs (bench/archive_capture.py), with 1, 2 and 4 processes; then the
  next run with nothing new. Targets: < 60 s and < 5 s.
`--small`: the few seconds' run of `make bench-small` (bench/small.py): 20,000 posts, an export of 200,
a capture of 3 accounts × 150 posts by one worker.
"""

import argparse
import io
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "komae_sns.settings")
os.environ.setdefault("DEBUG", "true")
OWN_MEDIA = "MEDIA_ROOT" not in os.environ  # the kept JPEGs (15 MB a run) go with the bench's database
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="komae-bench-media-"))

import django  # noqa: E402 - after the environment it reads

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from bench.small import fail, parse_args  # noqa: E402

# --- the posts of the search: municipal Japanese, in slots -----------------------------------------

OPENINGS = [
    "【お知らせ】市役所の窓口は年末年始お休みします。",
    "子育て支援センターで親子イベントを開催します。",
    "ごみの収集日が祝日の週は変わります。ご注意ください。",
    "図書館のおはなし会は毎週土曜日の午前十時からです。",
    "健康診断の予約受付を開始しました。",
    "地域のボランティアを募集しています。",
    "多摩川の河川敷で清掃活動を行いました。",
    "粗大ごみの申し込みはインターネットでもできます。",
]
MIDDLES = [
    "保育園の入園申し込みの締め切りが近づいています。",
    "予防接種の会場をお知らせします。",
    "参加は無料です。どなたでもお気軽にどうぞ。",
    "小学校の給食の献立を公開しました。",
    "道路工事のため通行止めになります。",
    "市長の記者会見の動画を公開しました。",
    "熱中症にご注意ください。こまめな水分補給を。",
    "市内の公園で桜が見頃を迎えています。",
]
EVENTS = [
    "地域の皆さまと一緒にまちの魅力を発信していきます。",
    "市内の商店街で秋のスタンプラリーが始まりました。",
    "狛江駅前の広場でマルシェを開きます。お楽しみに。",
    "高齢者向けの健康体操教室の参加者を募集しています。",
    "市民センターの改修工事が終わり利用を再開しました。",
    "外国籍の方向けの生活相談窓口を開設しています。",
]
BOUSAI = [
    "今週末は防災訓練を実施します。",
    "家庭での防災の備えを確認しましょう。",
    "防災行政無線の放送内容をお知らせします。",
]
KENKETSU = "献血バスが市役所に来ます。ご協力をお願いします。"
CLOSINGS = [
    "詳しくは市ホームページをご覧ください。",
    "申し込みは電話または窓口で受け付けています。",
    "期日前投票は市役所で行えます。",
    "市民の皆さまのご参加をお待ちしています。",
]
TAGS = [
    " #狛江市 #子育て",
    " #狛江市 #イベント",
    " #狛江市",
    " https://www.city.komae.tokyo.jp/index.cfm/1,0,1.html",
    "",
]
WORD_10, WORD_1 = "防災", "献血"

# A post's text, its search columns as archive.search.index_fields writes them (the text is already in
# normal form: NFKC, no capitals, single spaces), ten years of posts five minutes apart, 100 accounts.
BIGRAMS_SQL = """
CREATE OR REPLACE FUNCTION pg_temp.bench_bigrams(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(string_agg(g, ' ' ORDER BY first), '') FROM (
    SELECT substr(t, i, 2) AS g, min(i) AS first FROM generate_series(1, length(t) - 1) AS i
    WHERE strpos(substr(t, i, 2), ' ') = 0 GROUP BY 1) AS s
$$
"""
POSTS_SQL = """
WITH src AS (
  SELECT n,
    (%(openings)s::text[])[1 + floor(random() * %(n_openings)s)::int] AS a,
    CASE WHEN random() < 0.10 THEN (%(bousai)s::text[])[1 + floor(random() * %(n_bousai)s)::int] ELSE '' END AS c,
    (%(middles)s::text[])[1 + floor(random() * %(n_middles)s)::int] AS b,
    (%(events)s::text[])[1 + floor(random() * %(n_events)s)::int] AS g,
    CASE WHEN random() < 0.01 THEN %(kenketsu)s ELSE '' END AS d,
    (%(closings)s::text[])[1 + floor(random() * %(n_closings)s)::int] AS e,
    (%(tags)s::text[])[1 + floor(random() * %(n_tags)s)::int] AS f
  FROM generate_series(%(lo)s, %(hi)s) AS n
), t AS (
  SELECT n, a || c || b || ((n %% 12) + 1) || '月' || ((n %% 28) + 1) || '日、' || g || d || e || f AS body FROM src
)
INSERT INTO archive_post (account_id, post_id, url, published_at, first_captured_at, by_hand, text, search_text,
                          grams, versions_count)
SELECT (%(accounts)s::bigint[])[1 + n %% %(n_accounts)s], 'bench-' || n, 'https://example.invalid/p/' || n,
       %(since)s::timestamptz + n * %(step)s::interval, now(), false, body, body, pg_temp.bench_bigrams(body), 1
FROM t
"""


def _people_and_accounts():
    from django.contrib.auth.models import Group

    from accounts.models import OfficialAccount, Platform
    from org.models import Department, User

    platforms = list(Platform.objects.order_by("sort_order"))
    bu = Department.objects.create(code="B", name="市民生活部", kind="bu")
    heads, accounts = [], []
    for d in range(5):
        ka = Department.objects.create(code=f"K{d}", name=f"第{d + 1}課", parent=bu)
        head = User.objects.create(username=f"bench_head_{d}", department=ka)
        head.groups.add(Group.objects.get(name="section_head"))
        heads.append(head)
        for a in range(20):
            accounts.append(
                OfficialAccount.objects.create(
                    department=ka,
                    platform=platforms[(d * 20 + a) % len(platforms)],
                    handle=f"komae_bench_{d}_{a}",
                    display_name=f"こまえ{d + 1}-{a + 1}",
                    profile_url=f"https://example.invalid/{d}/{a}",
                    profile_operator="狛江市",
                    profile_purpose="市政情報",
                    manager=head,
                    registered_email=f"bench{d}{a}@city.komae.lg.jp",
                    content_categories=["general"],
                    status="active",
                )
            )
    return heads, accounts


def _fill_posts(total: int, accounts) -> float:
    """`total` posts by SQL in batches of 100,000, the GIN index built after them; return seconds."""
    from archive.search import GRAMS_INDEX

    start = time.perf_counter()
    lists = {
        "openings": OPENINGS,
        "middles": MIDDLES,
        "events": EVENTS,
        "bousai": BOUSAI,
        "closings": CLOSINGS,
        "tags": TAGS,
    }
    params = {
        **lists,
        **{f"n_{name}": len(values) for name, values in lists.items()},
        "kenketsu": KENKETSU,
        "accounts": [a.pk for a in accounts],
        "n_accounts": len(accounts),
        "since": datetime(2016, 4, 1, tzinfo=UTC),
        "step": timedelta(days=3650) / total,
    }
    with connection.cursor() as cursor:
        # The index is built once, after the rows: as a restore would, not row by row.
        cursor.execute(f"DROP INDEX IF EXISTS {GRAMS_INDEX}")
        cursor.execute(BIGRAMS_SQL)
        cursor.execute("SELECT setseed(0.22)")
        for lo in range(1, total + 1, 100_000):
            cursor.execute(POSTS_SQL, {**params, "lo": lo, "hi": min(lo + 99_999, total)})
            print(f"  … {min(lo + 99_999, total):,} posts written", file=sys.stderr)
        cursor.execute(f"CREATE INDEX {GRAMS_INDEX} ON archive_post USING gin (string_to_array(grams, ' '))")
        cursor.execute("ANALYZE archive_post")
    return time.perf_counter() - start


def _timed(fn, runs: int) -> tuple[float, float, object]:
    """(first run, median of the next `runs`) in ms, and the last result."""
    start = time.perf_counter()
    result = fn()
    first = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return first, statistics.median(times) if times else first, result


def search_figures(args) -> None:
    from archive.models import Post
    from archive.search import run_search, words_of

    if args.posts <= 0:
        return
    if connection.vendor != "postgresql":
        print("search: skipped (its index and its data are PostgreSQL's)")
        return
    heads, accounts = _people_and_accounts()
    seconds = _fill_posts(args.posts, accounts)
    shares = {word: Post.objects.filter(search_text__contains=word).count() / args.posts for word in (WORD_10, WORD_1)}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('archive_post'))")
        (size,) = cursor.fetchone()
    print(
        f"search at {args.posts:,} posts ({size} with indexes; written in {seconds:.0f} s), "
        f"first run then median of {args.runs} (ms; target < 300 ms):"
    )
    ka_ids = [a.pk for a in accounts if a.department_id == heads[0].department_id]
    scopes = {"all accounts": Post.objects.all(), "one 課 (20 accounts)": Post.objects.filter(account__in=ka_ids)}
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(heads[0])
    client.get("/archive/")  # the first request of a process loads templates and code: not the search's
    found = 0
    for word in (WORD_10, WORD_1):
        for scope, base in scopes.items():
            first, median, result = _timed(lambda base=base, word=word: run_search(base, words_of(word)), args.runs)
            found += len(result.posts)
            print(
                f"  「{word}」 ({shares[word]:.1%} of posts), {scope:<22} {first:7.1f} {median:7.1f} ms"
                f"   {result.total_label}, {len(result.posts)} on the page"
            )

        def page(word=word):
            response = client.get("/archive/", {"q": word})
            assert response.status_code == 200
            return response

        first, median, _ = _timed(page, args.runs)
        print(f"  「{word}」, the page /archive/?q= of a 課長               {first:7.1f} {median:7.1f} ms   rendered")
    if args.small and not found:
        fail("the search found nothing")


# --- the export of one account's year ---------------------------------------------------------------


def _jpeg(seed: int) -> bytes:
    """A 320×240 photo-like JPEG (~30 KB): noise over a gradient, so that it does not compress away."""
    from PIL import Image

    rng = random.Random(seed)
    image = Image.new("RGB", (320, 240))
    image.putdata([((x + seed) % 256, (y * 2) % 256, rng.randrange(256)) for y in range(240) for x in range(320)])
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _fill_year(account, count: int) -> None:
    """`count` posts of `account` in 令和8年度, as the capture keeps them: an answer per 100 posts
    (a feed page), one version each, a kept JPEG for one post in ten."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from archive.models import MediaFile, Post, PostVersion, RawAnswer, content_sha256
    from archive.search import index_fields

    rng = random.Random(22)
    start = datetime(2026, 4, 1, tzinfo=UTC)
    step = timedelta(days=365) / count
    for first in range(0, count, 100):
        numbers = range(first, min(first + 100, count))
        texts = {
            n: f"{rng.choice(OPENINGS)}{rng.choice(MIDDLES)}{rng.choice(EVENTS)}{rng.choice(CLOSINGS)}" for n in numbers
        }
        body = json.dumps({"feed": [{"post": {"uri": f"y{n}", "text": texts[n]}} for n in numbers]}, ensure_ascii=False)
        data = body.encode()
        answer = RawAnswer.objects.create(
            account=account,
            url=f"https://bsky.example.invalid/xrpc/app.bsky.feed.getAuthorFeed?actor=bench&cursor={first}",
            content_type="application/json",
            body=data,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        posts = Post.objects.bulk_create(
            Post(
                account=account,
                post_id=f"y{n}",
                url=f"https://bsky.app/profile/bench/post/y{n}",
                published_at=start + n * step,
                text=texts[n],
                **index_fields(texts[n]),
            )
            for n in numbers
        )
        versions = []
        for n, post in zip(numbers, posts, strict=True):
            media = [f"https://cdn.example.invalid/y{n}.jpg"] if n % 10 == 0 else []
            published = post.published_at.isoformat()
            digest = content_sha256(text=texts[n], links=[], media=media, published=published)
            versions.append(
                PostVersion(
                    post=post,
                    number=1,
                    published=published,
                    text=texts[n],
                    media_urls=media,
                    sha256=digest,
                    answer=answer,
                )
            )
        for version in PostVersion.objects.bulk_create(versions):
            for url in version.media_urls:
                image = _jpeg(version.post.pk)
                digest = hashlib.sha256(image).hexdigest()
                media = MediaFile(
                    version=version,
                    url=url,
                    state=MediaFile.State.KEPT,
                    content_type="image/jpeg",
                    size=len(image),
                    sha256=digest,
                    fetched_at=timezone.now(),
                )
                media.file.save(digest, ContentFile(image), save=False)
                media.save()


def export_figures(args) -> None:
    from accounts.models import OfficialAccount
    from archive.exports import FORMATS, PDF_POSTS_PER_PART, Selection, write_export
    from core.pdf import _processes_for

    account = OfficialAccount.objects.select_related("platform", "department").order_by("pk").first()
    if account is None:
        _people_and_accounts()
        account = OfficialAccount.objects.select_related("platform", "department").order_by("pk").first()
    start = time.perf_counter()
    _fill_year(account, args.export_posts)
    print(
        f"export of one account's 年度 ({args.export_posts:,} posts, one in ten with a kept JPEG; "
        f"filled in {time.perf_counter() - start:.0f} s), first run then median of {args.export_runs}:"
    )
    selection = Selection(account, date(2026, 4, 1), date(2027, 3, 31))
    targets = {"csv": 2, "warc": 2, "pdf": 20}
    for fmt in FORMATS:

        def run(fmt=fmt):
            out = io.BytesIO()
            write_export(selection=selection, fmt=fmt, out=out, made_by="bench")
            return out.getvalue()

        first, median, data = _timed(run, args.export_runs if fmt != "pdf" else max(0, min(args.export_runs, 2)))
        how = ""
        if fmt == "pdf":  # core.pdf: the parts laid out by PDF_PROCESSES processes (one per CPU by default)
            parts = -(-args.export_posts // PDF_POSTS_PER_PART)
            how = f", {parts} parts laid out by {_processes_for(parts)} processes"
        print(
            f"  {fmt.upper():<5} {first / 1000:7.2f} s {median / 1000:7.2f} s   {len(data) / 1e6:6.1f} MB"
            f"   (target < {targets[fmt]} s{how})"
        )
        if args.small and len(data) < 1000:
            fail(f"the {fmt} export is empty")


# --- the capture: the lead's --------------------------------------------------------------------------


def capture_figures(args) -> None:
    """The first capture of 100 accounts × 1,000 posts from the local platform server at 100 ms latency
    (< 60 s), the next run with nothing new (< 5 s), with 1, 2 and 4 worker processes of the archive's
    worker (bench/archive_capture.py). Last: it empties the archive's tables of the search's posts."""
    if not args.capture_accounts or connection.vendor != "postgresql":
        return
    from bench.archive_capture import capture_figures as figures

    settings = connection.settings_dict
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings.get("PASSWORD") else "")
    database_url = f"postgres://{auth}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    for line in figures(args, database_url=database_url, fail=fail):
        print(line, flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=1_000_000, help="posts in the search's table (0: no search)")
    parser.add_argument("--export-posts", type=int, default=5_000, help="posts of the exported 年度")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--export-runs", type=int, default=3)
    parser.add_argument("--capture-accounts", type=int, default=100, help="accounts captured (0: no capture)")
    parser.add_argument("--capture-posts", type=int, default=1_000, help="posts of each captured account")
    parser.add_argument("--latency", type=float, default=0.1, help="the platform server's delay (s)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4], help="worker processes to time")
    args = parse_args(
        parser,
        posts=20_000,
        export_posts=200,
        runs=1,
        export_runs=0,
        capture_accounts=3,
        capture_posts=150,
        latency=0.0,
        workers=[1],
    )
    # Its own throwaway database, so the bench runs beside the others and the test suite on the same server.
    test_settings = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor != "sqlite":
        test_settings["NAME"] = f"{connection.settings_dict['NAME']}_bench_archive"
    old = setup_databases(verbosity=0, interactive=False)
    try:
        search_figures(args)
        export_figures(args)
        capture_figures(args)
    finally:
        teardown_databases(old, verbosity=0)
        if OWN_MEDIA:
            shutil.rmtree(os.environ["MEDIA_ROOT"], ignore_errors=True)


if __name__ == "__main__":
    main()
