"""What the archive contributes to an account's page (accounts/page.py): 「保存した投稿」."""

from django.conf import settings
from django.db.models import Count, F, Q
from django.urls import reverse

from accounts.page import Section, add_section

from .manual import why_by_hand
from .matching import states_of
from .models import AccountArchive, Post, Retention
from .permissions import can_propose_disposal, can_record_by_hand, can_see_archive, can_set_retention


def search_url(account) -> str:
    """The archive's search page for the account's posts."""
    return f"{reverse('archive:search')}?account={account.pk}"


def _context(request, account) -> dict:
    user = request.user
    if not can_see_archive(user, account):
        return {"show_archive": False}
    state = AccountArchive.objects.filter(account=account).first()
    counts = Post.objects.filter(account=account).aggregate(
        kept=Count("pk", filter=Q(disposed_at__isnull=True)),
        gone=Count("pk", filter=Q(disposed_at__isnull=True, gone_at__isnull=False)),
        by_hand=Count("pk", filter=Q(disposed_at__isnull=True, by_hand=True)),
        disposed=Count("pk", filter=Q(disposed_at__isnull=False)),
    )
    why = why_by_hand(account)
    retention = state.retention if state else settings.CITY.archive_retention
    return {
        "show_archive": True,
        "archive_state": state,
        "archive_counts": counts,
        "archive_retention": Retention(retention).label,
        "archive_search_url": search_url(account),
        "archive_why_by_hand": why,
        "archive_can_record": bool(why) and can_record_by_hand(user, account),
        "archive_can_set_retention": can_set_retention(user, account),
        "archive_can_decide": can_propose_disposal(user, account),
        # Issue 25: the newest posts and how each stands against its 決裁.
        "archive_latest": _latest(account),
    }


def _latest(account, n: int = 10) -> list[dict]:
    posts = list(
        Post.objects.filter(account=account, disposed_at__isnull=True)
        .only("pk", "account_id", "published_at", "text", "url")
        .order_by(F("published_at").desc(nulls_last=True), "-pk")[:n]
    )
    states = states_of(posts)
    return [{"post": p, "state": states[p.pk]} for p in posts]


def contribute() -> None:
    # Issue 22: what the archive keeps of the account's posts, and the hand-recording where none can be read.
    add_section(Section("archive", "archive/_account_section.html", _context, order=150))
