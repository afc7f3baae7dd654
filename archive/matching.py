"""Every post on the platform matched to its 決裁 (issue 25; G-4-3-ア 「管理者は、定期的に発言内容を確認」,
G-4-3-カ: a post nobody approved is the earliest sign of a takeover).

Each post the archive keeps for an account is matched to a decided draft of that account (screening's
PostDraft, 決裁済み or 確認済み): first by the URL pasted on the draft (both made canonical: the platform's
first host, no query, no fragment, no trailing slash), otherwise by its text — NFKC (full/half width),
every URL removed (platforms shorten links: t.co), all whitespace removed — published within the draft's
planned window (POST_MATCH_BEFORE_HOURS before its planned time to POST_MATCH_AFTER_HOURS after). A
draft answers one post at most: the first published. Matching is idempotent (a match is a kept row,
`PostMatch`, made once) and runs after each capture and with `manage.py reconcile_posts`.

A post still unmatched is 未確認. For an account whose posts need 決裁, published after the account
started using 決裁 in the system (its first draft), it waits in the queue of its 管理者 (and its 課長, and
the 課長's deputy): 「この投稿に心当たりはありますか」— confirmed after the fact with a reason, or reported,
which opens a 乗っ取り incident holding the post. One not answered within a working day (開庁日: not a
weekend, national holiday or 12/29–1/3; core.dates.working_days_after) is in the 課長's daily reminder
mail. A post published before the account's first draft is 対象外 and never queued.
"""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import OfficialAccount
from core.audit import Job, audit_record
from core.dates import working_days_after
from core.errors import TransitionError
from core.models import AuditEvent
from monitoring.incidents import incident_open
from monitoring.models import Incident
from monitoring.status import notify_incident
from screening.drafts import deputies_in_force
from screening.models import PostDraft

from .evidence import posts_attach_found
from .models import Post, PostMatch
from .permissions import ensure_can_answer_unmatched

_URL = re.compile(r"https?://\S+|\b(?:t\.co|bit\.ly|lnkd\.in|youtu\.be)/\S+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
MAX_REASON = 1000


class State:
    """How a post stands against its 決裁, as the archive, the account page and the review show it."""

    APPROVED = "決裁済み"
    CONFIRMED = "確認済み"
    AFTER = "確認済み（事後確認）"
    UNCONFIRMED = "未確認"
    REPORTED = "未確認（報告済み）"
    BEFORE = "対象外（決裁の利用開始前）"


def normalise_text(text: str) -> str:
    """A post's or a draft's text as matched: width folded (NFKC), URLs and whitespace removed."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return _SPACE.sub("", _URL.sub("", text))


def canonical_url(url: str, hosts: list[str]) -> str:
    """A post's URL as compared: the platform's first host for any of its hosts (x.com for twitter.com,
    www. and mobile. dropped), the path without a trailing slash; no scheme, query or fragment."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return ""
    host = (parts.hostname or "").lower()
    for prefix in ("www.", "mobile.", "m."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
    if hosts and host in hosts:
        host = hosts[0]
    path = parts.path.rstrip("/")
    return f"{host}{path}" if host and path else ""


def window() -> tuple[timedelta, timedelta]:
    return timedelta(hours=settings.POST_MATCH_BEFORE_HOURS), timedelta(hours=settings.POST_MATCH_AFTER_HOURS)


# A post published before its draft was decided went out without 決裁, whatever was approved later: it
# stays 未確認, for the 管理者 to confirm after the fact. The platform's clock and ours may differ a little.
DECISION_SLACK = timedelta(minutes=5)


@dataclass
class _Draft:
    pk: int
    planned_at: datetime
    decided_at: datetime
    used: bool = False

    def precedes(self, published_at: datetime | None) -> bool:
        """The draft was decided before the post was published (a post of unknown time: not known)."""
        return published_at is not None and published_at >= self.decided_at - DECISION_SLACK


def pair(posts, drafts, *, hosts: list[str]) -> list[tuple[int, int, str]]:
    """(post pk, draft pk, how) for unmatched posts and unmatched decided drafts of one account: by URL,
    then by text within the window; each draft once, posts in the order published, never a post published
    before the draft was decided. Pure: the bench times it.

    `posts`: (pk, url, text, published_at) in published order; `drafts`: (pk, post_url, text, planned_at,
    decided_at)."""
    before, after = window()
    by_url: dict[str, _Draft] = {}
    by_text: dict[str, list[_Draft]] = defaultdict(list)
    for pk, post_url, text, planned_at, decided_at in drafts:
        entry = _Draft(pk, planned_at, decided_at)
        if post_url:
            key = canonical_url(post_url, hosts)
            if key:
                by_url.setdefault(key, entry)
        by_text[normalise_text(text)].append(entry)
    for entries in by_text.values():
        entries.sort(key=lambda d: (d.planned_at, d.pk))
    pairs = []
    pending = []
    for post in posts:
        pk, url, text, published_at = post
        entry = by_url.get(canonical_url(url, hosts)) if url else None
        if entry is not None and not entry.used and entry.precedes(published_at):
            entry.used = True
            pairs.append((pk, entry.pk, PostMatch.How.URL))
        else:
            pending.append(post)
    for pk, _url, text, published_at in pending:
        if published_at is None:
            continue
        for entry in by_text.get(normalise_text(text), ()):
            if (
                not entry.used
                and entry.planned_at - before <= published_at <= entry.planned_at + after
                and entry.precedes(published_at)
            ):
                entry.used = True
                pairs.append((pk, entry.pk, PostMatch.How.TEXT))
                break
    return pairs


def match_account(account_id: int, *, actor=Job.ARCHIVE_CAPTURE) -> int:
    """Match the account's unmatched posts to its unmatched decided drafts; how many were matched."""
    with transaction.atomic():
        account = OfficialAccount.objects.select_for_update().select_related("platform").get(pk=account_id)
        matched = PostMatch.objects.filter(post=OuterRef("pk"))
        posts = list(
            Post.objects.filter(account=account, disposed_at__isnull=True)
            .exclude(Exists(matched))
            .order_by("published_at", "pk")
            .values_list("pk", "url", "text", "published_at")
        )
        if not posts:
            return 0
        drafts = list(
            PostDraft.objects.filter(account=account, state__in=PostDraft.DECIDED)
            .exclude(Exists(PostMatch.objects.filter(draft=OuterRef("pk"))))
            .values_list("pk", "post_url", "text", "planned_at", "decided_at")
        )
        if not drafts:
            return 0
        pairs = pair(posts, drafts, hosts=account.platform.host_list)
        if not pairs:
            return 0
        now = timezone.now()
        PostMatch.objects.bulk_create(PostMatch(post_id=p, draft_id=d, how=how, at=now) for p, d, how in pairs)
        audit_record(
            target=account,
            actor=actor,
            action=AuditEvent.Action.POSTS_MATCHED,
            summary=f"保存した投稿を決裁と照合（{len(pairs)}件）",
        )
        return len(pairs)


def link_pasted(account_id: int, actor) -> None:
    """A post's URL pasted on its draft (screening): the post is matched at once if the archive holds it."""
    match_account(account_id, actor=actor)


# --- the states shown --------------------------------------------------------------------------------


def approval_starts(account_ids) -> dict[int, datetime]:
    """When each account started using 決裁 in the system: its first draft (any state)."""
    return dict(
        PostDraft.objects.filter(account_id__in=list(account_ids))
        .values("account_id")
        .annotate(first=Min("created_at"))
        .values_list("account_id", "first")
    )


def state_of(post: Post, match: PostMatch | None, start: datetime | None) -> str:
    if match is not None:
        if match.how == PostMatch.How.CONFIRMED:
            return State.AFTER
        if match.how == PostMatch.How.REPORTED:
            return State.REPORTED
        return State.APPROVED if match.draft.state == PostDraft.State.APPROVED else State.CONFIRMED
    if start is None or post.published_at is None or post.published_at < start:
        return State.BEFORE
    return State.UNCONFIRMED


def states_of(posts) -> dict[int, str]:
    """{post pk: state} for a page of posts, in two queries."""
    posts = list(posts)
    matches = {m.post_id: m for m in PostMatch.objects.filter(post__in=[p.pk for p in posts]).select_related("draft")}
    starts = approval_starts({p.account_id for p in posts})
    return {p.pk: state_of(p, matches.get(p.pk), starts.get(p.account_id)) for p in posts}


# --- the 管理者's queue -----------------------------------------------------------------------------


def unconfirmed_posts(account_ids=None):
    """Posts waiting for an answer: unmatched, of an account whose posts need 決裁, published since the
    account's first draft; oldest first."""
    starts = approval_starts(
        OfficialAccount.objects.filter(approval_required=True).values_list("pk", flat=True)
        if account_ids is None
        else OfficialAccount.objects.filter(approval_required=True, pk__in=list(account_ids)).values_list(
            "pk", flat=True
        )
    )
    if not starts:
        return Post.objects.none()
    since = Q(pk__in=[])
    for account_id, start in starts.items():
        since |= Q(account_id=account_id, published_at__gte=start)
    return (
        Post.objects.filter(since, disposed_at__isnull=True)
        .exclude(Exists(PostMatch.objects.filter(post=OuterRef("pk"))))
        .select_related("account", "account__platform")
        .order_by("published_at", "pk")
    )


def accounts_to_answer(user) -> list[int]:
    """The accounts whose unconfirmed posts `user` answers: as 管理者, as 課長 of its 課, or as deputy."""
    from org.roles import Role, has_role

    if not getattr(user, "department_id", None):
        return []
    own = OfficialAccount.objects.filter(department_id=user.department_id, approval_required=True)
    if has_role(user, Role.SECTION_HEAD):
        return list(own.values_list("pk", flat=True))
    deputy_of = {a for a, d in deputies_in_force().items() if d == user.pk}
    return list(own.filter(Q(manager=user) | Q(pk__in=deputy_of)).values_list("pk", flat=True))


def _lock_unmatched(post_id: int, actor) -> Post:
    post = Post.objects.select_for_update().select_related("account").filter(pk=post_id).first()
    if post is None:
        raise TransitionError("投稿が見つかりません。")
    ensure_can_answer_unmatched(actor, post.account)
    if PostMatch.objects.filter(post=post).exists():
        raise TransitionError("この投稿には既に回答があります。")
    return post


@transaction.atomic
def post_confirm(*, post_id: int, actor, reason: str) -> PostMatch:
    """「心当たりがある」: the post was the account's own, confirmed after the fact with why (G-4-3-ア)."""
    post = _lock_unmatched(post_id, actor)
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError("事後確認の理由を入力してください。")
    if len(reason) > MAX_REASON:
        raise TransitionError(f"理由は{MAX_REASON}文字までにしてください。")
    match = PostMatch.objects.create(post=post, how=PostMatch.How.CONFIRMED, reason=reason, by=actor)
    audit_record(
        target=post,
        actor=actor,
        action=AuditEvent.Action.POST_CONFIRMED,
        summary="決裁のない投稿を事後確認",
        comment=reason,
    )
    return match


@transaction.atomic
def post_report(*, post_id: int, actor, note: str = "") -> Incident:
    """「心当たりがない」: a 乗っ取り incident opened with the post attached as evidence (G-4-3-カ); its 管理者,
    所属長 and the security officer are told as of an anomaly a check found."""
    post = _lock_unmatched(post_id, actor)
    note = (note or "").strip()[:MAX_REASON]
    when = timezone.localtime(post.published_at).strftime("%Y-%m-%d %H:%M") if post.published_at else "日時不明"
    incident = incident_open(
        account_id=post.account_id,
        actor=actor,
        kind=Incident.Kind.HIJACK,
        title=f"心当たりのない投稿（{when}）",
        # The post itself is attached below (its URL is in the evidence, which a phone's width wraps).
        description=f"決裁も事後確認もない投稿を、{actor.display_name}さんが心当たりなしとして報告しました。"
        f"\n{note}".strip(),
    )
    posts_attach_found(incident=incident, posts=[post], actor=actor)
    PostMatch.objects.create(post=post, how=PostMatch.How.REPORTED, reason=note, by=actor, incident=incident)
    audit_record(
        target=post,
        actor=actor,
        action=AuditEvent.Action.POST_REPORTED,
        summary="心当たりのない投稿として報告（乗っ取りの疑い）",
        comment=note,
    )
    notify_incident(post.account, incident)
    return incident


# --- the daily reminder (monitoring.reminders) ------------------------------------------------------


def reminder_lines(today: date, heads: dict) -> list[tuple]:
    """The 課長 is reminded of each account's 未確認 posts not answered within a working day of their
    capture (G-4-3-ア: the 管理者's periodic check); one line per account."""
    overdue = defaultdict(list)
    for post in unconfirmed_posts():
        if working_days_after(timezone.localdate(post.first_captured_at), 1) < today:
            overdue[post.account].append(post)
    path = reverse("archive:unconfirmed")
    lines = []
    for account, posts in overdue.items():
        for head in heads.get(account.department_id, []):
            lines.append(
                (head, f"{account}：決裁のない投稿が{len(posts)}件、確認されていません（心当たりの確認 {path}）")
            )
    return lines


@dataclass
class Counts:
    approved: int = 0
    confirmed: int = 0
    after: int = 0
    unconfirmed: int = 0
    reported: int = 0
    before: int = 0
    open_posts: list = field(default_factory=list)


def counts_for(account: OfficialAccount, *, start: datetime | None = None, end: datetime | None = None) -> Counts:
    """The account's posts by state (published within [start, end) if given): the command and the review."""
    posts = Post.objects.filter(account=account, disposed_at__isnull=True)
    if start is not None:
        posts = posts.filter(published_at__gte=start)
    if end is not None:
        posts = posts.filter(published_at__lt=end)
    posts = list(posts.only("pk", "account_id", "url", "post_id", "published_at").order_by("published_at", "pk"))
    states = states_of(posts)
    counts = Counts()
    key = {
        State.APPROVED: "approved",
        State.CONFIRMED: "confirmed",
        State.AFTER: "after",
        State.UNCONFIRMED: "unconfirmed",
        State.REPORTED: "reported",
        State.BEFORE: "before",
    }
    for post in posts:
        state = states[post.pk]
        setattr(counts, key[state], getattr(counts, key[state]) + 1)
        if state == State.UNCONFIRMED:
            counts.open_posts.append(post)
    return counts


def figures_of(account_ids, *, start: datetime, end: datetime) -> dict[int, dict[str, int]]:
    """{account id: {approved, confirmed, after, unconfirmed, reported, before}} for the posts published
    within [start, end), for a page of accounts at once (two queries: the 年度末 dashboard)."""
    ids = list(account_ids)
    starts = approval_starts(ids)
    began = Q(pk__in=[])  # published since the account's first draft
    for account_id, first in starts.items():
        began |= Q(account_id=account_id, published_at__gte=first)
    unmatched = Q(match__isnull=True)
    rows = (
        Post.objects.filter(account_id__in=ids, disposed_at__isnull=True, published_at__gte=start, published_at__lt=end)
        .values("account_id")
        .annotate(
            approved=Count("pk", filter=Q(match__draft__state=PostDraft.State.APPROVED)),
            confirmed=Count("pk", filter=Q(match__draft__state=PostDraft.State.CONFIRMED)),
            after=Count("pk", filter=Q(match__how=PostMatch.How.CONFIRMED)),
            reported=Count("pk", filter=Q(match__how=PostMatch.How.REPORTED)),
            unconfirmed=Count("pk", filter=unmatched & began),
            before=Count("pk", filter=unmatched & ~began),
        )
    )
    empty = dict.fromkeys(("approved", "confirmed", "after", "unconfirmed", "reported", "before"), 0)
    found = {row.pop("account_id"): row for row in rows}
    return {pk: found.get(pk, dict(empty)) for pk in ids}


def reconcile(account_ids=None, *, actor=Job.RECONCILE_COMMAND) -> int:
    """Match every account's posts now (the command); how many were matched."""
    ids = account_ids or list(PostDraft.objects.values_list("account_id", flat=True).distinct())
    return sum(match_account(pk, actor=actor) for pk in ids)
