"""Capturing what the official accounts post (issue 22), through the platform layer only.

One run of one account reads its posts newest first, page by page (`platforms.reads.read_posts`):
- the head: what is new since the last run, up to the first page holding a post already kept;
- then, while the account's history is not yet all read, onwards from where the last run stopped.
A run reads at most ARCHIVE_PAGES_PER_RUN pages; what it could not reach, the next run reads.

Each page is stored in one transaction: the platform's answer exactly as read (`RawAnswer`), a new
post with its first version, an edit as the next version. A post kept earlier that is missing from a
stretch of the feed the run read whole is marked 削除を確認 with the time; nothing is ever removed.
A cursor that repeats, a feed that returns the same posts again or empty pages without end ends the
run for that account as 確認できず with why; so does anything the platform layer could not read.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import PUBLIC_STATUSES, OfficialAccount
from core.audit import Job, audit_record
from core.models import AuditEvent
from platforms.checks import Capability, adapter_for, can
from platforms.reads import PostPage, ReadFailed, fetch_media, read_posts

from .matching import match_account
from .models import AccountArchive, MediaFile, Post, PostVersion, RawAnswer, content_sha256
from .search import index_fields
from .signals import signal_new_posts

log = logging.getLogger(__name__)

MAX_EMPTY_PAGES = 3  # pages with no post but a cursor, one after another, before a feed is called endless
LOCK_SECONDS = 30 * 60  # one run of one account at a time; a crashed run frees the account after this
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # NUL and the other controls but \t \n \r
_WEB = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)


@dataclass
class Outcome:
    """What one run did for one account, as `archive_posts` prints it."""

    account_id: int
    label: str
    new: int = 0
    changed: int = 0
    gone: int = 0
    pages: int = 0
    media: int = 0  # files asked for (kept, or why not)
    failed: str = ""  # why the run is 確認できず ("" when it is not)
    manual: str = ""  # why this account's posts are recorded by hand (LINE broadcasts)
    new_post_ids: list[int] = field(default_factory=list, repr=False)

    def line(self) -> str:
        head = f"{self.label}："
        if self.manual:
            return head + f"手動で記録（{self.manual}）"
        counts = f"新規 {self.new}件・変更 {self.changed}件・削除を確認 {self.gone}件"
        return head + counts + (f"・確認できず（{self.failed}）" if self.failed else "")


def accounts_to_capture():
    """The accounts whose posts are kept: 運用中, 停止予告中 and 運用停止 (what citizens may meet)."""
    return OfficialAccount.objects.filter(status__in=PUBLIC_STATUSES).select_related("platform", "department")


def archive_of(account: OfficialAccount) -> AccountArchive:
    """The account's place in the archive, made at first need with the city's default retention."""
    state, _ = AccountArchive.objects.get_or_create(
        account=account, defaults={"retention": settings.CITY.archive_retention}
    )
    return state


def clean_text(value: str, limit: int) -> str:
    """A platform's string as it is stored: NUL and other control characters removed (PostgreSQL
    refuses NUL; the others only hide text), bounded. Bidirectional controls stay (the page isolates
    them); the answer itself is kept unchanged in RawAnswer."""
    return _CONTROL.sub("", str(value or ""))[:limit]


def web_url(value: str) -> str:
    """An http(s) URL as kept for a link; anything else (javascript:, data:, a relative path) is ""."""
    value = clean_text(value, 2000).strip()
    return value if _WEB.match(value) else ""


def parse_published(value: str) -> datetime | None:
    """The platform's time of a post (ISO 8601 or RFC 2822) as an aware datetime; a time without a
    zone is Japan's; "" or nonsense is None (the post is still kept, with its text)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    if not datetime(1990, 1, 1, tzinfo=UTC) <= when <= timezone.now() + timedelta(days=2):
        return None  # a date no post can have: kept as the platform wrote it, not as a time
    return when


@dataclass
class _Read:
    """A run's reading of one account, page after page."""

    account: OfficialAccount
    outcome: Outcome
    seen_ids: set = field(default_factory=set)  # post IDs this run read
    cursors: set = field(default_factory=set)
    empty_pages: int = 0
    pages_left: int = 0


def capture_account(account_id: int, *, job: Job = Job.ARCHIVE_CAPTURE) -> Outcome:
    """Capture one account's posts now; whatever goes wrong is this account's outcome, never an error."""
    account = OfficialAccount.objects.select_related("platform").get(pk=account_id)
    outcome = Outcome(account_id, f"{account.platform.name} {account.display_name}（ID {account.pk}）")
    state = archive_of(account)
    declared = adapter_for(account.platform.code).can(Capability.READ_POSTS)
    if not declared:  # the platform offers no way to read posts (LINE broadcasts): staff record them by hand
        outcome.manual = declared.reason
        AccountArchive.objects.filter(pk=state.pk).update(
            last_run_at=timezone.now(), last_outcome=AccountArchive.Outcome.MANUAL, last_reason=declared.reason[:500]
        )
        return outcome
    answer = can(account, Capability.READ_POSTS)
    if not answer:  # it does, but not for this account yet (no API token): 確認できず, for the sysadmin to fix
        outcome.failed = answer.reason[:300]
        _finish(state, outcome, job)
        return outcome
    lock = f"archive:capture:{account.pk}"
    if not cache.add(lock, 1, LOCK_SECONDS):
        outcome.failed = "このアカウントの保存を別の処理が実行中です"
        return outcome
    try:
        _capture(account, state, outcome)
        _keep_media(account, outcome)
    except Exception as exc:  # one account's failure is its outcome; the others go on
        log.exception("archive capture of account %s failed", account.pk)
        outcome.failed = f"保存中にエラーが起きました（{exc.__class__.__name__}）"
    finally:
        cache.delete(lock)
    _finish(state, outcome, job)
    _signal(account, outcome, job)
    _match(account, outcome, job)
    return outcome


def _match(account: OfficialAccount, outcome: Outcome, job: Job) -> None:
    """The run's new posts matched to their 決裁 (archive/matching.py, issue 25)."""
    if not outcome.new_post_ids:
        return
    try:
        match_account(account.pk, actor=job)
    except Exception:  # the posts are kept whatever the matching does; the command matches again
        log.exception("archive matching of account %s failed", account.pk)


def _signal(account: OfficialAccount, outcome: Outcome, job: Job) -> None:
    """The run's new posts judged for a takeover (archive/signals.py): a post while 運用停止, a burst."""
    try:
        signal_new_posts(account.pk, outcome.new_post_ids, job=job)
    except Exception:  # the posts are kept whatever the judging does; the log says why it failed
        log.exception("archive signals of account %s failed", account.pk)


def _capture(account: OfficialAccount, state: AccountArchive, outcome: Outcome) -> None:
    run = _Read(account, outcome, pages_left=settings.ARCHIVE_PAGES_PER_RUN)
    had_posts = Post.objects.filter(account=account, by_hand=False).exists()
    # The head: what is new since the last run.
    cursor, reached_known, head_ids, oldest = "", False, set(), None
    while run.pages_left:
        page = _next_page(run, cursor)
        if page is None:
            return
        known = _store(run, state, page)
        head_ids.update(post.post_id for post in page.posts)
        # How far down the feed this run has read: the time of the last post it listed (feed order, not
        # the oldest time: a pinned old post at the top must not widen the stretch read whole).
        times = [t for post in page.posts if (t := parse_published(post.published))]
        if times:
            oldest = times[-1]
        if (known and had_posts) or not page.cursor:
            reached_known = True
            if not page.cursor and not state.backfill_cursor:
                state.backfill_done = True
            break
        cursor = page.cursor
    else:
        # The bound came first: the rest of the head is read by the next runs, from here down.
        if not reached_known:
            state.backfill_cursor, state.backfill_done = cursor, False
    if reached_known and oldest is not None:
        outcome.gone += _mark_gone(account, head_ids, oldest)
    # Then the history not yet read, where the last run stopped.
    cursor = state.backfill_cursor if reached_known else ""
    while cursor and run.pages_left:
        page = _next_page(run, cursor)
        if page is None:
            return
        _store(run, state, page)
        cursor = page.cursor
        state.backfill_cursor = cursor
        if not cursor:
            state.backfill_done = True


def _next_page(run: _Read, cursor: str) -> PostPage | None:
    """The next page, or None with the run's outcome saying why there is none to trust."""
    if cursor:
        if cursor in run.cursors:
            run.outcome.failed = "SNSが同じ読み取り位置を繰り返し返しました（読み取りを打ち切りました）"
            return None
        run.cursors.add(cursor)
    try:
        page = read_posts(run.account, cursor=cursor, limit=settings.ARCHIVE_PAGE_SIZE)
    except ReadFailed as exc:
        run.outcome.failed = str(exc)[:300]
        return None
    run.pages_left -= 1
    run.outcome.pages += 1
    ids = {post.post_id for post in page.posts}
    if page.posts and ids <= run.seen_ids:
        run.outcome.failed = "SNSが読み取り済みの投稿を繰り返し返しました（読み取りを打ち切りました）"
        return None
    run.empty_pages = 0 if page.posts else run.empty_pages + 1
    if run.empty_pages >= MAX_EMPTY_PAGES and page.cursor:
        run.outcome.failed = "投稿のないページが続きました（終わりのない一覧のため読み取りを打ち切りました）"
        return None
    return page


def _store(run: _Read, state: AccountArchive, page: PostPage) -> int:
    """Keep one page in one transaction; return how many of its posts were kept before this run."""
    account, outcome = run.account, run.outcome
    now = timezone.now()
    posts = {}
    for post in page.posts:  # one post twice in a page: the first is the one kept
        post_id = clean_text(post.post_id, 300).strip()
        if post_id and post_id not in posts and post_id not in run.seen_ids:
            posts[post_id] = post
    run.seen_ids.update(posts)
    listed = list(dict.fromkeys(i for post in page.posts if (i := clean_text(post.post_id, 300).strip())))
    with transaction.atomic():
        # The answer is kept when it holds a new post or a new version: it is their evidence. A page
        # with nothing new (every hourly run's first page) is read, compared and not kept again.
        answer = RawAnswer(
            account=account,
            captured_at=now,
            method=page.method[:10],
            url=page.url[:2000],
            status=page.status,
            content_type=page.content_type[:200],
            body=page.raw,
            size=len(page.raw),
            sha256=page.sha256,
            post_ids=listed,  # every post the page holds: what the disposal of one looks for
        )
        existing = {p.post_id: p for p in Post.objects.filter(account=account, post_id__in=list(posts))}
        # Each kept post's latest version, by the foreign key's index alone: a join here was planned as a
        # scan of both tables until the statistics caught up with a first capture.
        numbers = {p.pk: (p.post_id, p.versions_count) for p in existing.values()}
        latest = {
            numbers[post_pk][0]: digest
            for post_pk, number, digest in PostVersion.objects.filter(post_id__in=list(numbers)).values_list(
                "post_id", "number", "sha256"
            )
            if number == numbers[post_pk][1]
        }
        new_posts, versions, media = [], [], []
        for post_id, post in posts.items():
            content = _content(post)
            digest = content_sha256(**content)
            kept = existing.get(post_id)
            if kept is None:
                new_posts.append(
                    (
                        Post(
                            account=account,
                            post_id=post_id,
                            url=web_url(post.url)[:1000],
                            published_at=parse_published(content["published"]),
                            first_captured_at=now,
                            text=content["text"],
                            **index_fields(content["text"]),
                        ),
                        content,
                        digest,
                    )
                )
            elif kept.disposed_at is None and latest.get(post_id) != digest:
                kept.versions_count += 1
                kept.text = content["text"]
                for name, value in index_fields(content["text"]).items():
                    setattr(kept, name, value)
                kept.save(update_fields=["versions_count", "text", "search_text", "grams"])
                versions.append(_version(kept, kept.versions_count, content, digest, answer, now))
                outcome.changed += 1
        if new_posts or versions:
            answer.save()
        if new_posts:
            created = Post.objects.bulk_create([item[0] for item in new_posts])
            for kept, (_, content, digest) in zip(created, new_posts, strict=True):
                versions.append(_version(kept, 1, content, digest, answer, now))
            outcome.new += len(created)
            outcome.new_post_ids.extend(p.pk for p in created)
        PostVersion.objects.bulk_create(versions)
        for version in versions:
            media.extend(MediaFile(version=version, url=url) for url in version.media_urls)
        MediaFile.objects.bulk_create(media)
        if not state.newest_post_id and posts:
            state.newest_post_id = next(iter(posts))
    return len(existing)


def _keep_media(account: OfficialAccount, outcome: Outcome) -> None:
    """The files the posts name, kept up to ARCHIVE_MEDIA_MAX_BYTES each, at most ARCHIVE_MEDIA_PER_RUN a
    run (the oldest waiting first); one that cannot be kept says why, and is not asked for again."""
    waiting = MediaFile.objects.filter(
        version__post__account=account, state=MediaFile.State.PENDING, disposed_at__isnull=True
    ).order_by("pk")[: settings.ARCHIVE_MEDIA_PER_RUN]
    for media in waiting:
        try:
            got = fetch_media(account, media.url, max_bytes=settings.ARCHIVE_MEDIA_MAX_BYTES)
        except ReadFailed as exc:
            reason = str(exc)[:300]
            too_large = "大きすぎます" in reason
            media.state = MediaFile.State.TOO_LARGE if too_large else MediaFile.State.FAILED
            media.reason = reason
        else:
            media.state, media.content_type = MediaFile.State.KEPT, got.content_type[:100]
            media.size, media.sha256 = len(got.content), got.sha256
            media.file.save(got.sha256, ContentFile(got.content), save=False)
        media.fetched_at = timezone.now()
        media.save()
        outcome.media += 1


def _content(post) -> dict:
    return {
        "text": clean_text(post.text, 10_000),
        "links": [u for link in list(post.links)[:50] if (u := web_url(link))],
        "media": [u for link in list(post.media)[:20] if (u := web_url(link))],
        "published": clean_text(post.published, 100),
    }


def _version(post: Post, number: int, content: dict, digest: str, answer: RawAnswer, now) -> PostVersion:
    return PostVersion(
        post=post,
        number=number,
        captured_at=now,
        published=content["published"],
        text=content["text"],
        links=content["links"],
        media_urls=content["media"],
        sha256=digest,
        answer=answer,
    )


def _mark_gone(account: OfficialAccount, read_ids: set, since: datetime) -> int:
    """Posts kept earlier, published within the stretch of the feed this run read whole, that the
    platform no longer lists: 削除を確認, with the time they were first found gone."""
    missing = (
        Post.objects.filter(
            account=account, by_hand=False, gone_at__isnull=True, disposed_at__isnull=True, published_at__gte=since
        )
        .exclude(post_id__in=list(read_ids))
        .values_list("pk", flat=True)
    )
    ids = list(missing)
    if ids:
        Post.objects.filter(pk__in=ids, gone_at__isnull=True).update(gone_at=timezone.now())
    return len(ids)


def _finish(state: AccountArchive, outcome: Outcome, job: Job) -> None:
    """The account's state after the run, and one audit row when the run found anything."""
    with transaction.atomic():
        fresh = AccountArchive.objects.select_for_update().get(pk=state.pk)
        if outcome.pages:
            fresh.backfill_cursor, fresh.backfill_done = state.backfill_cursor[:2000], state.backfill_done
        newest = (
            Post.objects.filter(account_id=fresh.account_id, by_hand=False, published_at__isnull=False)
            .order_by("-published_at")  # the index (account, -published_at)
            .values_list("post_id", flat=True)
            .first()
        )
        fresh.newest_post_id = newest or state.newest_post_id
        fresh.last_run_at = timezone.now()
        fresh.last_outcome = AccountArchive.Outcome.FAILED if outcome.failed else AccountArchive.Outcome.OK
        fresh.last_reason = outcome.failed[:500]
        fresh.last_counts = {"new": outcome.new, "changed": outcome.changed, "gone": outcome.gone}
        fresh.save()
        if outcome.new or outcome.changed or outcome.gone:
            audit_record(
                target=fresh,
                actor=job,
                action=AuditEvent.Action.POSTS_CAPTURED,
                summary=f"新規 {outcome.new}件・変更 {outcome.changed}件・削除を確認 {outcome.gone}件",
            )


def capture_many(account_ids: list[int], *, job: Job, concurrency: int = 8) -> list[Outcome]:
    """Capture several accounts now (the command): a few at a time, each in its own thread and
    database connection; outcomes in the order given."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def one(pk: int) -> Outcome:
        try:
            return capture_account(pk, job=job)
        finally:
            connections.close_all()

    if concurrency <= 1 or len(account_ids) <= 1:
        return [capture_account(pk, job=job) for pk in account_ids]
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(one, account_ids))
