"""The lookalike queue (issue 23): candidates strongest first, each judged on its page; the warnings
published, withdrawn only by the security officer; and what each platform's search can do."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.impersonations import impersonation_withdraw
from accounts.models import Impersonation
from core.audit import timeline_of
from core.errors import TransitionError

from .forms import JudgeForm, WithdrawForm
from .models import Candidate
from .permissions import can_withdraw_warning, ensure_can_judge, ensure_can_withdraw_warning
from .platforms import platform_search_states
from .services import candidate_judge

PAGE_SIZE = 50


@login_required
@require_safe
def queue(request):
    ensure_can_judge(request.user)
    show = request.GET.get("show", "new")
    candidates = Candidate.objects.select_related("platform", "imitates", "imitates__platform")
    if show == "judged":
        candidates = candidates.exclude(state=Candidate.State.NEW).order_by("-judged_at", "-pk")
    else:
        show = "new"
        candidates = candidates.filter(state=Candidate.State.NEW).order_by("-score", "-last_seen_at", "-pk")
    page = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "discovery/queue.html",
        {
            "page": page,
            "candidates": page.object_list,
            "show": show,
            "waiting": Candidate.objects.filter(state=Candidate.State.NEW).count(),
            "platforms": platform_search_states(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def candidate_detail(request, pk: int):
    ensure_can_judge(request.user)
    candidate = get_object_or_404(
        Candidate.objects.select_related("platform", "imitates", "imitates__platform", "warning", "incident"), pk=pk
    )
    initial = {"imitates": candidate.imitates_id}
    form = JudgeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            candidate_judge(
                candidate_id=candidate.pk,
                actor=request.user,
                verdict=form.cleaned_data["verdict"],
                imitates_id=form.cleaned_data["imitates"].pk if form.cleaned_data.get("imitates") else None,
                note=form.cleaned_data["note"],
            )
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            candidate.refresh_from_db()
            if candidate.state == Candidate.State.IMPERSONATION:
                messages.success(
                    request, "なりすましと判断しました。インシデントを起票し、公式アカウント一覧の警告に載せました。"
                )
            else:
                messages.success(request, f"「{candidate.get_state_display()}」と判断しました。")
            return redirect("discovery:candidate", pk=candidate.pk)
    return render(
        request,
        "discovery/candidate.html",
        {
            "candidate": candidate,
            "form": form,
            "reports": candidate.reports.order_by("-received_at")[:20],
            "captures": candidate.captures.order_by("captured_at", "pk"),
            "timeline": timeline_of(candidate),
            "can_withdraw": can_withdraw_warning(request.user),
        },
    )


@login_required
@require_safe
def warnings(request):
    ensure_can_judge(request.user)
    entries = Impersonation.objects.select_related("platform", "imitates", "imitates__platform").order_by(
        "-confirmed_on", "-pk"
    )
    return render(
        request,
        "discovery/warnings.html",
        {"entries": entries, "can_withdraw": can_withdraw_warning(request.user), "form": WithdrawForm()},
    )


@login_required
@require_POST
def warning_withdraw(request, pk: int):
    ensure_can_withdraw_warning(request.user)
    entry = get_object_or_404(Impersonation, pk=pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("discovery:warnings")
    try:
        impersonation_withdraw(entry_id=entry.pk, actor=request.user, reason=form.cleaned_data["reason"])
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{entry}の公表を取り消しました。公式アカウント一覧から外れます。")
    return redirect("discovery:warnings")
