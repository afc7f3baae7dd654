"""Year-end reviews, the 年度 dashboard and suspension plans (G-4-5-ア〜ウ)."""

from datetime import datetime, time, timedelta
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Platform
from accounts.selectors import accounts_visible_to
from archive.matching import counts_for, figures_of
from core.audit import timeline_of
from core.dates import TOKYO, current_fiscal_year, fiscal_year_label, fiscal_year_range
from core.errors import TransitionError
from core.exports import csv_response
from core.forms import show_refusal
from core.pdf import DocumentFontMissing, render_pdf
from monitoring.selectors import suspended_accounts_checked
from org.models import Department

from . import services
from .forms import PlanForm, ReviewForm
from .models import SuspensionPlan, YearEndReview
from .permissions import (
    can_edit_review,
    can_plan_suspension,
    can_sign_review,
    can_start_review,
    ensure_can_edit_review,
    ensure_can_plan_suspension,
    ensure_can_publish_suspension,
    ensure_can_start_review,
)
from .selectors import follower_trends, review_targets, reviews_open, year_end_dashboard

FIRST_FISCAL_YEAR = 2010  # before any of the city's accounts


def _fiscal_year(request) -> int:
    """The 年度 asked for in ?fy=, kept within the years the city has accounts for."""
    try:
        fy = int(request.GET.get("fy") or current_fiscal_year())
    except ValueError:
        return current_fiscal_year()
    return min(max(fy, FIRST_FISCAL_YEAR), current_fiscal_year())


def _visible_review(user, pk) -> YearEndReview:
    review = get_object_or_404(YearEndReview.objects.select_related("account", "account__platform"), pk=pk)
    if not accounts_visible_to(user=user).filter(pk=review.account_id).exists():
        raise Http404("効果測定が見つかりません。")
    return review


@login_required
@require_safe
def review_list(request):
    fy = _fiscal_year(request)
    targets = review_targets(user=request.user, fiscal_year=fy).order_by("department__sort_order", "handle_key")
    page = Paginator(targets, 100).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for account in rows:
        account.can_start = can_start_review(request.user, account)
    return render(
        request,
        "reviews/review_list.html",
        {
            "fy": fy,
            "fy_label": fiscal_year_label(fy),
            "targets": rows,
            "page": page,
            # The current 年度's list takes new reviews while the window is open; earlier 年度 are read-only.
            "is_open": reviews_open() and fy == current_fiscal_year(),
            "is_past": fy < current_fiscal_year(),
            "opens_month": settings.REVIEW_OPENS_MONTH,
        },
    )


@login_required
@require_POST
def review_start(request, account_pk: int, fy: int):
    account = get_object_or_404(accounts_visible_to(user=request.user), pk=account_pk)
    ensure_can_start_review(request.user, account)
    try:
        review = services.review_start(account_id=account.pk, actor=request.user, fiscal_year=fy)
    except TransitionError as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('reviews:list')}?fy={fy}")
    return redirect("reviews:detail", pk=review.pk)


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request, pk: int):
    review = _visible_review(request.user, pk)
    user = request.user
    if request.method == "POST":
        ensure_can_edit_review(user, review)
    editable = review.status == YearEndReview.Status.DRAFT and can_edit_review(user, review)
    form = ReviewForm(request.POST or None, instance=review) if editable else None
    if request.method == "POST":
        if form is None:
            messages.error(request, "課長が確認した効果測定は変更できません。")
            return redirect("reviews:detail", pk=review.pk)
        if form.is_valid():
            try:
                services.review_update(review_id=review.pk, actor=user, fields=form.cleaned_data)
                if "sign" in request.POST:
                    services.review_sign_off(review_id=review.pk, actor=user)
            except services.ReviewIncomplete as exc:
                for name, message in exc.missing.items():
                    form.add_error(name, message)
                messages.warning(
                    request, f"入力内容は保存しました。確認するには、次の{len(exc.missing)}項目を入力してください。"
                )
            except TransitionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "課長が確認しました。" if "sign" in request.POST else "保存しました。")
                return redirect("reviews:detail", pk=review.pk)
    return render(
        request,
        "reviews/review.html",
        {
            "review": review,
            "form": form,
            "fy_label": fiscal_year_label(review.fiscal_year),
            "can_sign": editable and can_sign_review(user, review),
            "plan": getattr(review, "plan", None),
            "approval_figures": approval_figures(review.account, review.fiscal_year),
            **timeline_of(review),
            "can_plan": review.status == YearEndReview.Status.SIGNED
            and review.decision == "consider_suspension"
            and not hasattr(review, "plan")
            and can_plan_suspension(user, review.account),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request, pk: int):
    review = _visible_review(request.user, pk)
    ensure_can_plan_suspension(request.user, review.account)
    followers = review.followers_end or 0
    impact, days = services.impact_of(followers)
    form = PlanForm(request.POST or None, initial={"notice_starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.suspension_plan_create(review_id=review.pk, actor=request.user, **form.cleaned_data)
        except TransitionError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "運用停止の計画を作成しました。周知文を確認し、周知を開始してください。")
            return redirect("reviews:plan", pk=plan.pk)
    return render(
        request,
        "reviews/plan_form.html",
        {"review": review, "form": form, "followers": followers, "impact": impact, "days": days},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request, pk: int):
    plan = get_object_or_404(
        SuspensionPlan.objects.select_related("account", "account__platform", "redirect_to", "redirect_to__platform"),
        pk=pk,
    )
    account = get_object_or_404(accounts_visible_to(user=request.user), pk=plan.account_id)
    if request.method == "POST":
        ensure_can_publish_suspension(request.user, account)
        try:
            services.suspension_plan_publish(plan_id=plan.pk, actor=request.user)
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "停止予告を開始しました。公開の一覧に理由と期間が表示されます。")
            return redirect("accounts:detail", pk=account.pk)
    # The button only for whom the POST above (and the service) allows: no page offers a refused action.
    can_publish = can_plan_suspension(request.user, account)
    return render(request, "reviews/plan.html", {"plan": plan, "account": account, "can_publish": can_publish})


@login_required
@require_safe
def dashboard(request):
    fy = _fiscal_year(request)
    department, platform = request.GET.get("department", ""), request.GET.get("platform", "")
    data = year_end_dashboard(user=request.user, fiscal_year=fy, department=department, platform=platform)
    qs = review_targets(user=request.user, fiscal_year=fy).order_by("department__sort_order", "handle_key")
    if department:
        qs = qs.filter(department__code=department)
    if platform:
        qs = qs.filter(platform__code=platform)
    if request.GET.get("format") == "csv":
        return _dashboard_csv(qs, fy)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    accounts = list(page.object_list)
    trends = follower_trends(accounts, last_year=fy)
    first, last = fiscal_year_range(fy)
    figures = figures_of(
        [a.pk for a in accounts],
        start=datetime.combine(first, time.min, tzinfo=TOKYO),
        end=datetime.combine(last + timedelta(days=1), time.min, tzinfo=TOKYO),
    )
    return render(
        request,
        "reviews/dashboard.html",
        {
            "data": data,
            "fy": fy,
            "fy_label": fiscal_year_label(fy),
            "years": [(y, fiscal_year_label(y)) for y in range(current_fiscal_year(), current_fiscal_year() - 6, -1)],
            "departments": Department.objects.filter(kind=Department.Kind.KA, is_active=True),
            "platforms": Platform.objects.all(),
            "department": department,
            "platform": platform,
            "page": page,
            "rows": [(a, trends[a.pk], figures[a.pk]) for a in accounts],
            "trend_years": [fiscal_year_label(y) for y in trends[accounts[0].pk].years] if accounts else [],
            "suspended_checks": suspended_accounts_checked(user=request.user),
        },
    )


@login_required
@require_safe
def report_pdf(request):
    """The year-end review report of a 年度, through the one PDF service (core.pdf)."""
    fy = _fiscal_year(request)
    data = year_end_dashboard(user=request.user, fiscal_year=fy)
    visible = accounts_visible_to(user=request.user).values("pk")
    considered = (
        YearEndReview.objects.filter(
            fiscal_year=fy, status=YearEndReview.Status.SIGNED, decision="consider_suspension", account__in=visible
        )
        .select_related(
            "account", "account__platform", "account__department", "consolidate_into", "consolidate_into__platform"
        )
        .order_by("account__department__sort_order")
    )
    # Issue 25 (G-4-3-ア): each account's posts of the 年度 against their 決裁, as the dashboard shows them.
    accounts = list(
        review_targets(user=request.user, fiscal_year=fy)
        .select_related("platform", "department")
        .order_by("department__sort_order", "handle_key")
    )
    first, last = fiscal_year_range(fy)
    figures = figures_of(
        [a.pk for a in accounts],
        start=datetime.combine(first, time.min, tzinfo=TOKYO),
        end=datetime.combine(last + timedelta(days=1), time.min, tzinfo=TOKYO),
    )
    context = {
        "data": data,
        "fy_label": fiscal_year_label(fy),
        "considered": considered,
        "approvals": [(a, figures[a.pk]) for a in accounts],
        "today": timezone.localdate(),
    }
    try:
        pdf = render_pdf("reviews/pdf/report.html", context)
    except DocumentFontMissing as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('reviews:dashboard')}?fy={fy}")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"効果測定報告_{fiscal_year_label(fy)}.pdf"
    response["Content-Disposition"] = f"inline; filename=\"report.pdf\"; filename*=UTF-8''{quote(name)}"
    return response


def _dashboard_csv(qs, fy: int) -> HttpResponse:
    labels = dict(YearEndReview.Status.choices)
    decisions = {"continue": "継続", "consider_suspension": "停止検討"}
    rows = (
        [
            fiscal_year_label(fy),
            a.department.name,
            a.platform.name,
            a.display_name,
            a.handle,  # without "@": a cell must not start a formula
            labels.get(a.review_status, "未着手"),
            decisions.get(a.review_decision or "", ""),
        ]
        for a in qs
    )
    return csv_response(
        ascii_name="reviews.csv",
        filename=f"効果測定_{fiscal_year_label(fy)}.csv",
        header=["年度", "所管課", "SNS", "アカウント", "ユーザー名", "効果測定", "結論"],
        rows=rows,
    )


def approval_figures(account, fiscal_year: int):
    """Issue 25 (G-4-3-ア 「管理者は、定期的に発言内容を確認」 as a figure): the account's posts published in
    the 年度, by how they stand against their 決裁 (archive/matching.py)."""
    first, last = fiscal_year_range(fiscal_year)
    start = datetime.combine(first, time.min, tzinfo=TOKYO)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=TOKYO)
    return counts_for(account, start=start, end=end)
