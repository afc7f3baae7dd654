"""The dashboard: what waits for the signed-in user, gathered from every workflow by role."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from accounts.models import AccountStatus
from accounts.selectors import account_panels, account_status_counts, accounts_visible_to
from approvals.selectors import requests_waiting_for
from archive.matching import accounts_to_answer, unconfirmed_posts
from archive.permissions import can_see_unconfirmed_queue
from core.backup import backup_status
from core.dates import current_fiscal_year
from core.models import Notice
from discovery.models import Candidate
from discovery.permissions import can_judge
from discovery.platforms import platform_search_states
from monitoring.permissions import can_see_unchecked_accounts
from monitoring.selectors import accounts_not_checkable, platform_proposal_panel
from org import lockouts
from org.permissions import can_view_lockouts
from org.roles import sees_all
from platforms.credentials import credentials_expiring
from platforms.permissions import can_manage_credentials
from reviews.models import YearEndReview
from reviews.permissions import drafts_reviews
from reviews.selectors import review_targets, reviews_open
from screening.drafts import drafts_waiting_for

from .permissions import can_see_backups


@login_required
@require_safe
def dashboard(request):
    """The landing page: what waits for this user, by role."""
    visible = accounts_visible_to(user=request.user)
    counts = account_status_counts(visible)
    return render(
        request,
        "portal/dashboard.html",
        {
            "panels": _panels(request.user),
            "waiting_requests": list(requests_waiting_for(user=request.user)[:20]),
            "reviews_due": _reviews_due(request.user),
            "review_year": current_fiscal_year(),
            "scope_label": "全庁の" if sees_all(request.user) else "担当の",
            "status_counts": [(s.label, s.value, counts[s.value]) for s in AccountStatus],
            "lockouts": lockouts.lockouts_current_count() if can_view_lockouts(request.user) else None,
            "unread_notices": list(Notice.objects.filter(recipient=request.user, read_at__isnull=True)[:10]),
            # The sysadmin's: API tokens of the status checks that lapse soon or have lapsed (issue 13).
            "credentials_expiring": credentials_expiring() if can_manage_credentials(request.user) else None,
            # Accounts whose last status check said 確認できず, and why (issue 13: never a silent gap).
            "unchecked_accounts": (
                accounts_not_checkable(user=request.user) if can_see_unchecked_accounts(request.user) else None
            ),
            "can_manage_credentials": can_manage_credentials(request.user),
            # The sysadmin's: the last backup, its size and where it is; a warning after two days (issue 14).
            "backup": backup_status() if can_see_backups(request.user) else None,
            # The security officer's and the 広報 office's: lookalikes waiting, and the platforms that
            # cannot be searched with what to do instead (issue 23).
            "lookalikes": _lookalikes(request.user),
            # Issue 25 (G-4-3-ア/カ): drafts waiting for this user's 決裁, posts nobody approved to answer.
            "kessai": _kessai(request.user),
        },
    )


def _kessai(user) -> dict | None:
    if not can_see_unconfirmed_queue(user):
        return None
    waiting = drafts_waiting_for(user).count()
    unconfirmed = unconfirmed_posts(accounts_to_answer(user)).count()
    return {"waiting": waiting, "unconfirmed": unconfirmed} if waiting or unconfirmed else None


def _lookalikes(user) -> dict | None:
    if not can_judge(user):
        return None
    return {
        "waiting": Candidate.objects.filter(state=Candidate.State.NEW).count(),
        "unsearchable": [s for s in platform_search_states() if not s.can_search],
    }


def _panels(user) -> list:
    """The boxes of what waits: the accounts' own, and monitoring's readings to register (G-4-3-カ, P-7-3)."""
    proposals = platform_proposal_panel(user=user)
    return account_panels(user=user) + ([proposals] if proposals is not None else [])


def _reviews_due(user) -> list:
    """G-4-5-ア: from February, the 課's 運用中 accounts whose review of this 年度 is not signed off."""
    if not reviews_open() or not drafts_reviews(user):
        return []
    targets = review_targets(user=user, fiscal_year=current_fiscal_year())
    due = targets.filter(Q(review_status__isnull=True) | Q(review_status=YearEndReview.Status.DRAFT))
    return list(due.filter(department_id=user.department_id)[:20])


@login_required
@require_safe
def notice_list(request):
    """The signed-in user's notices, newest first; unread ones marked."""
    notices = Notice.objects.filter(recipient=request.user)
    page = Paginator(notices, 50).get_page(request.GET.get("page"))
    return render(request, "portal/notices.html", {"notices": page.object_list, "page": page})


@login_required
@require_safe
def notice_open(request, pk: int):
    """Open what a notice points to, and mark it read (only the recipient's own)."""
    notice = get_object_or_404(Notice, pk=pk, recipient=request.user)
    if notice.read_at is None:
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect(notice.path if url_has_allowed_host_and_scheme(notice.path, allowed_hosts=None) else "notices")


@login_required
@require_POST
def notice_read_all(request):
    Notice.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, "お知らせをすべて既読にしました。")
    return redirect("notices")
