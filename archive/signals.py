"""What a capture's new posts may say of a takeover (issue 22; G-4-3-カ, G-4-5-エ).

Two signals, judged on the posts a run found new (so a post never alarms twice):
- a post published while the account is 運用停止: after the day it was stopped (`suspended_on`, in
  Japan's calendar), as the status check judges the newest post (monitoring.status);
- a burst: at least ARCHIVE_BURST_POSTS posts published within ARCHIVE_BURST_MINUTES, one of them new.
  Only posts published within the last RECENT count, so that the first capture of an account's
  history — years of posts, campaigns and disaster days among them — never alarms; a capture that
  fell behind by up to a day still finds what happened in it.

Either is recorded through monitoring (`record_anomaly`): an 異常あり reading and the open incident of
that anomaly (乗っ取り), opened and told to the people as a status check's anomaly is, or the one
already open; the posts are attached to it as evidence (archive/evidence.py).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import AccountStatus, OfficialAccount
from core.audit import Job
from core.dates import to_wareki
from monitoring.status import record_anomaly

from .evidence import posts_attach_found
from .models import Post

RECENT = timedelta(days=1)
FOUND_BY = "投稿の保存"


@dataclass
class Signal:
    anomaly: str  # a code of monitoring.models.ANOMALIES
    posts: list[Post]
    detail: str


def _when(post: Post) -> str:
    return f"{timezone.localtime(post.published_at):%Y-%m-%d %H:%M}"


def posts_while_suspended(account: OfficialAccount, new_ids: list[int]) -> Signal | None:
    """G-4-5-エ: new posts published after the day a 運用停止 account was stopped (a post that day is
    its last word, as the status check counts it); without a date to compare with, nothing is said."""
    if account.status != AccountStatus.SUSPENDED or account.suspended_on is None:
        return None
    posts = [
        post
        for post in Post.objects.filter(pk__in=new_ids, published_at__isnull=False).order_by("published_at", "pk")
        if timezone.localdate(post.published_at) > account.suspended_on
    ]
    if not posts:
        return None
    detail = (
        f"運用停止（{to_wareki(account.suspended_on)}）の後に公開された投稿が{len(posts)}件あります"
        f"（{_when(posts[0])}〜{_when(posts[-1])}）。"
    )
    return Signal("posts_while_suspended", posts, detail)


def post_burst(account: OfficialAccount, new_ids: list[int]) -> Signal | None:
    """A window of ARCHIVE_BURST_MINUTES holding ARCHIVE_BURST_POSTS posts or more, one of them new, among
    the posts published within RECENT (those kept before this run too: a burst read by two runs counts
    whole). The posts of every such window are the signal's."""
    now = timezone.now()
    window = timedelta(minutes=settings.ARCHIVE_BURST_MINUTES)
    least = settings.ARCHIVE_BURST_POSTS
    posts = list(
        Post.objects.filter(account=account, by_hand=False, published_at__gte=now - RECENT)
        .only("pk", "account_id", "post_id", "url", "published_at")  # mutmut: equivalent — only() always loads pk
        # mutmut: equivalent — "published_at" alone: posts of the very same time share a window's start
        # and end, so the same posts are chosen; "pk" only keeps the order of those tied repeatable.
        .order_by("published_at", "pk")
    )
    new = set(new_ids)
    # Count of new posts before index i, so that a window [start, end] says at once whether it holds one.
    new_before = [0]  # mutmut: equivalent — another start: the counts are only compared with each other
    for post in posts:
        new_before.append(new_before[-1] + (post.pk in new))
    chosen: set[int] = set()
    start = 0
    for end, post in enumerate(posts):
        while post.published_at - posts[start].published_at > window:
            start += 1
        if end - start + 1 >= least and new_before[end + 1] > new_before[start]:
            chosen.update(range(start, end + 1))
    if not chosen:
        return None
    burst = [posts[i] for i in sorted(chosen)]
    detail = (
        f"{_when(burst[0])}〜{_when(burst[-1])}に{len(burst)}件の投稿がありました"
        f"（目安：{settings.ARCHIVE_BURST_MINUTES}分間に{least}件以上）。"
    )
    return Signal("post_burst", burst, detail)


def signals_of(account: OfficialAccount, new_ids: list[int]) -> list[Signal]:
    return [signal for judge in (posts_while_suspended, post_burst) if (signal := judge(account, new_ids))]


def signal_new_posts(account_id: int, new_ids: list[int], *, job: Job) -> list[Signal]:
    """Judge a run's new posts; record each signal found (a reading, the incident, the posts attached)."""
    if not new_ids:
        return []
    account = OfficialAccount.objects.get(pk=account_id)
    found = signals_of(account, new_ids)
    for signal in found:
        with transaction.atomic():
            # The run's newest post names the run: the same posts are never new twice, and a run
            # delivered twice (acks_late) records one reading.
            _, incident = record_anomaly(
                account_id=account.pk,
                anomaly=signal.anomaly,
                found_by=FOUND_BY,
                detail=signal.detail,
                run_key=f"archive:{signal.anomaly}:{account.pk}:{max(new_ids)}",
                actor=job,
            )
            posts_attach_found(incident=incident, posts=signal.posts, actor=job)
    return found
