"""The pages of the retention (公文書管理): an account's 保存期間, the 年度末 list, the two-person decisions,
and the form to record a post by hand where the platform offers no way to read posts (LINE)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.selectors import accounts_visible_to
from core.audit import timeline_of
from core.dates import fiscal_year_label
from core.errors import TransitionError
from core.forms import show_refusal
from core.uploads import size_label
from monitoring.incidents import evidence_too_large_message

from . import disposal
from .capture import archive_of
from .manual import post_record_by_hand, why_by_hand
from .models import RetentionDecision
from .permissions import (
    can_decide_disposal,
    ensure_can_decide_disposal,
    ensure_can_propose_disposal,
    ensure_can_record_by_hand,
    ensure_can_see_retention_list,
    ensure_can_set_retention,
)
from .retention import ended
from .retention_forms import DecideForm, ManualPostForm, ProposalForm, RetentionForm

POSTS_SHOWN = 300  # posts listed on a page with a box each; the rest are reached by "all"


def _account(user, pk: int):
    return get_object_or_404(accounts_visible_to(user=user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def retention_set(request, account_pk: int):
    """The account's 保存期間, changed by its 課長 or the sysadmin with a reason."""
    account = _account(request.user, account_pk)
    ensure_can_set_retention(request.user, account)
    state = archive_of(account)
    form = RetentionForm(request.POST or None, initial={"retention": state.retention})
    if request.method == "POST" and form.is_valid():
        try:
            state = disposal.retention_set(account_id=account.pk, actor=request.user, **form.cleaned_data)
        except TransitionError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"保存期間を「{state.get_retention_display()}」に変更しました。")
            return redirect("accounts:detail", pk=account.pk)
    return render(
        request,
        "archive/retention_set.html",
        {"account": account, "state": state, "form": form, **timeline_of(state, limit=20)},
    )


@login_required
@require_safe
def retention_list(request):
    """The 年度末 list: per account, the posts whose period ends by the end of this 年度, and decisions waiting."""
    ensure_can_see_retention_list(request.user)
    overview = disposal.retention_overview(user=request.user)
    return render(
        request,
        "archive/retention_list.html",
        {**overview, "fy_label": fiscal_year_label(overview["fiscal_year"])},
    )


@login_required
@require_http_methods(["GET", "POST"])
def retention_account(request, account_pk: int):
    """One account's posts past their period, and the form that proposes their 延長 or 廃棄."""
    account = _account(request.user, account_pk)
    ensure_can_propose_disposal(request.user, account)
    state = archive_of(account)
    due = disposal.with_flags(disposal.due_posts(account)).order_by("published_at", "pk")
    shown = list(due[:POSTS_SHOWN])
    form = ProposalForm(request.POST or None, post_choices=[p.pk for p in shown])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = disposal.disposal_propose(
                account_id=account.pk,
                actor=request.user,
                action=data["action"],
                reason=data["reason"],
                extend_years=data.get("extend_years"),
                post_ids=form.post_ids(),
            )
        except TransitionError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "起案しました。もう一人の確認を待っています。")
            return redirect("archive:decision", pk=decision.pk)
    today = timezone.localdate()
    for post in shown:
        post.expiry = disposal.expiry_of(post, state.retention)
        post.ended = ended(post.expiry, today=today)
    return render(
        request,
        "archive/retention_account.html",
        {
            "account": account,
            "state": state,
            "form": form,
            "posts": shown,
            "total": due.count(),
            "shown_max": POSTS_SHOWN,
            "checked": set(form["posts"].value() or []) if form.is_bound else set(),
            "decisions": disposal.decisions_of(account)[:20],
        },
    )


@login_required
@require_safe
def decision_detail(request, pk: int):
    decision = get_object_or_404(
        RetentionDecision.objects.select_related("account", "proposed_by", "decided_by"), pk=pk
    )
    account = _account(request.user, decision.account_id)
    ensure_can_propose_disposal(request.user, account)
    state = archive_of(account)
    posts = list(
        decision.posts.select_related(
            "tombstone", "tombstone__decision__proposed_by", "tombstone__decision__decided_by"
        ).order_by("published_at", "pk")[:POSTS_SHOWN]
    )
    for post in posts:
        post.expiry = disposal.expiry_of(post, state.retention)
    return render(
        request,
        "archive/decision.html",
        {
            "decision": decision,
            "account": account,
            "state": state,
            "posts": posts,
            "total": decision.posts.count(),
            "shown_max": POSTS_SHOWN,
            "form": DecideForm(),
            "can_decide": decision.status == RetentionDecision.Status.PROPOSED
            and can_decide_disposal(request.user, decision),
            **timeline_of(decision),
        },
    )


@login_required
@require_POST
def decision_decide(request, pk: int):
    """Approve (決定) or return (差戻し) a proposal: the other of the two people."""
    decision = get_object_or_404(RetentionDecision.objects.select_related("account", "proposed_by"), pk=pk)
    _account(request.user, decision.account_id)
    ensure_can_decide_disposal(request.user, decision)
    form = DecideForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        if request.POST.get("decision") == "return":
            disposal.disposal_return(decision_id=decision.pk, actor=request.user, comment=comment)
            messages.success(request, "差し戻しました。起案者に知らせました。")
        elif request.POST.get("decision") == "approve":
            done = disposal.disposal_decide(decision_id=decision.pk, actor=request.user, comment=comment)
            if decision.action == RetentionDecision.Action.DISPOSE:
                messages.success(request, f"{done.posts}件の投稿を廃棄しました。廃棄の記録が残ります。")
            else:
                messages.success(request, f"{done.posts}件の投稿の保存期間を延長しました。")
        else:
            raise TransitionError("決定するか差し戻すかを選んでください。")
    except TransitionError as exc:
        messages.error(request, str(exc))
    return redirect("archive:decision", pk=decision.pk)


@login_required
@require_http_methods(["GET", "POST"])
def record_by_hand(request, account_pk: int):
    """「投稿を手動で記録」: for an account whose platform offers no way to read its posts."""
    account = _account(request.user, account_pk)
    ensure_can_record_by_hand(request.user, account)
    why = why_by_hand(account)
    if not why:
        messages.info(request, "このSNSの投稿は自動で保存しています。手動で記録する必要はありません。")
        return redirect("accounts:detail", pk=account.pk)
    form = ManualPostForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        valid = form.is_valid()
        if getattr(request, "upload_too_large", False):  # core.uploads stopped storing it
            form.add_error("file", evidence_too_large_message())
            valid = False
        if valid:
            data = form.cleaned_data
            try:
                post_record_by_hand(
                    account_id=account.pk,
                    actor=request.user,
                    text=data["text"],
                    posted_at=data["posted_at"],
                    upload=data.get("file"),
                )
            except TransitionError as exc:
                show_refusal(form, exc)
            else:
                messages.success(request, "投稿を記録しました（手動で記録）。")
                return redirect("accounts:detail", pk=account.pk)
    return render(
        request,
        "archive/record.html",
        {"account": account, "why": why, "form": form, "max_upload_label": size_label(settings.MAX_UPLOAD_BYTES)},
    )
