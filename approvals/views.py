"""New-account request screens: the 課 drafts and submits, the committee votes, the chair decides."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import ContentCategory, OfficialAccount
from core.audit import timeline_of
from core.dates import to_wareki
from core.errors import TransitionError
from core.forms import show_errors
from core.pdf import DocumentFontMissing, render_pdf
from policies.services import policy_preview

from . import services
from .forms import CommentForm, DecisionForm, RequestForm, StartForm, VoteForm
from .models import AccountRequest, RequestStatus, Vote
from .permissions import (
    can_create_request,
    ensure_can_ask_submission,
    ensure_can_comment,
    ensure_can_create_request,
    ensure_can_decide,
    ensure_can_edit_request,
    ensure_can_submit_request,
    ensure_can_vote,
    request_actions,
)
from .selectors import related_accounts, requests_visible_to

PAGE_SIZE = 50


def _visible(user, pk):
    return get_object_or_404(requests_visible_to(user=user), pk=pk)


@login_required
@require_safe
def request_list(request):
    status = request.GET.get("status", "")
    qs = requests_visible_to(user=request.user)
    if status in RequestStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-updated_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "approvals/list.html",
        {
            "requests": page.object_list,
            "page": page,
            "status": status,
            "statuses": RequestStatus.choices,
            "can_create": can_create_request(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request):
    user = request.user
    ensure_can_create_request(user)
    start = StartForm(request.GET or None)
    if not start.is_valid():
        # Step 1: the 分野 and the SNS first, so that the existing accounts can be weighed (G-4-2-ア).
        return render(request, "approvals/start.html", {"form": start})
    field, platform = start.cleaned_data["field"], start.cleaned_data["platform"]
    form = RequestForm(request.POST or None, department=user.department, initial={"field": field, "platform": platform})
    if request.method == "POST" and form.is_valid():
        created = services.request_create(actor=user, fields=form.cleaned_data)
        messages.success(request, "下書きを保存しました。")
        return redirect("approvals:detail", pk=created.pk)
    return render(
        request,
        "approvals/form.html",
        {"form": form, "related": related_accounts(field=field, platform_id=platform.pk), "object": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request, pk: int):
    obj = _visible(request.user, pk)
    ensure_can_edit_request(request.user, obj)
    if not request_actions(request.user, obj)["edit"]:
        messages.error(request, f"{obj.status_label}の申請は変更できません。")
        return redirect("approvals:detail", pk=obj.pk)
    form = RequestForm(request.POST or None, instance=obj, department=obj.department)
    if request.method == "GET" and "check" in request.GET:
        # Sent here to complete the draft before 提出: what it lacks is marked on the fields.
        show_errors(form, services.request_missing(obj))
    submitting = "submit" in request.POST
    if request.method == "POST" and form.is_valid():
        try:
            services.request_update(request_id=obj.pk, actor=request.user, fields=form.cleaned_data)
        except TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            obj.refresh_from_db()
            missing = services.request_missing(obj) if submitting else {}
            if missing:
                # The draft is saved; show what is missing beside each field.
                for name, message in missing.items():
                    form.add_error(name, message)
                messages.warning(
                    request, f"下書きは保存しました。提出するには、次の{len(missing)}項目を直してください。"
                )
            elif submitting:
                messages.success(request, "下書きを保存しました。内容を確かめて提出してください。")
                return redirect("approvals:submit", pk=obj.pk)
            else:
                messages.success(request, "下書きを保存しました。")
                return redirect("approvals:detail", pk=obj.pk)
    return render(
        request,
        "approvals/form.html",
        {
            "form": form,
            "object": obj,
            "related": related_accounts(field=obj.field, platform_id=obj.platform_id),
            "can_submit": request_actions(request.user, obj)["submit"],
        },
    )


def _display(obj, name: str):
    field = obj._meta.get_field(name)
    value = getattr(obj, name)
    # The system's own labels (never what the 課 typed) in the city's words: 市政 → 町政 in a 町.
    if name == "content_categories":
        labels = dict(ContentCategory.choices)
        return settings.CITY.words("、".join(labels.get(v, v) for v in value))
    if field.choices:
        return settings.CITY.words(getattr(obj, f"get_{name}_display")())
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if name == "start_on" and value:
        return f"{value.year}年{value.month}月{value.day}日（{to_wareki(value)}）"
    if name == "manager" and value:
        return value.display_name
    return value if value not in (None, "") else ""


def request_sections(obj) -> list[tuple[str, list[tuple[str, str, object]]]]:
    """The request's fields as (legend, [(name, label, value)]) for the page and the 第４号様式."""
    return [
        (
            legend,
            [
                (name, settings.CITY.words(obj._meta.get_field(name).verbose_name), _display(obj, name))
                for name in names
            ],
        )
        for legend, names in AccountRequest.sections()
    ]


def _preview(obj):
    """The draft policy as it would be issued, from the request's choices (never saved)."""
    if not (obj.platform_id and obj.desired_handle):
        return None
    account = OfficialAccount(
        department=obj.department,
        platform=obj.platform,
        handle=obj.desired_handle,
        registered_email=obj.registered_email or "（未入力）",
        content_categories=obj.content_categories,
        content_notes=obj.content_notes,
        restrict_follow=obj.restrict_follow,
        restrict_reply=obj.restrict_reply,
        restrict_contact=obj.restrict_contact,
    )
    try:
        return policy_preview(account)
    except TransitionError:
        return None


def _edit_to_complete(obj) -> str:
    """The edit page with what a submission still lacks marked on the fields."""
    return f"{reverse('approvals:edit', args=[obj.pk])}?check=1"


@login_required
@require_safe
def request_detail(request, pk: int):
    return _detail_page(request, _visible(request.user, pk))


def _detail_page(request, obj, *, vote_form=None, comment_form=None):
    """The request's page; a refused vote or comment comes back in its form with what was typed."""
    user = request.user
    actions = request_actions(user, obj)
    return render(
        request,
        "approvals/detail.html",
        {
            "object": obj,
            "sections": request_sections(obj),
            "missing": services.request_missing(obj) if obj.status == RequestStatus.DRAFT else {},
            "votes": obj.votes.select_related("member").order_by("round", "at"),
            "comments": obj.comments.select_related("author"),
            **timeline_of(obj),
            "policy": _preview(obj),
            "related": related_accounts(field=obj.field, platform_id=obj.platform_id),
            "can_edit": actions["edit"],
            "can_submit": actions["submit"],
            "can_ask_submission": actions["ask_submission"],
            "vote_form": (VoteForm() if vote_form is None else vote_form) if actions["vote"] else None,
            "comment_form": (CommentForm() if comment_form is None else comment_form) if actions["comment"] else None,
            "can_decide": actions["decide"],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_submit(request, pk: int):
    """The 課長 confirms, then submits to the committee (G-4-2-イ); a warning when (ア)〜(ウ) point to reuse."""
    obj = _visible(request.user, pk)
    ensure_can_submit_request(request.user, obj)
    if not request_actions(request.user, obj)["submit"]:
        messages.error(request, f"{obj.status_label}の申請は提出できません。")
        return redirect("approvals:detail", pk=obj.pk)
    missing = services.request_missing(obj)
    if request.method == "POST" and not missing:
        try:
            services.request_submit(request_id=obj.pk, actor=request.user)
        except services.SubmissionIncomplete as exc:
            missing = exc.missing
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            obj.refresh_from_db()
            messages.success(request, f"{obj.reference} として{settings.CITY.committee_name}に提出しました。")
            return redirect("approvals:detail", pk=obj.pk)
    # What is missing, as the edit form's fields: the summary links to each of them.
    missing_form = None
    if missing:
        missing_form = RequestForm(instance=obj, department=obj.department)
        show_errors(missing_form, missing)
    return render(
        request,
        "approvals/submit.html",
        {
            "object": obj,
            "missing": missing,
            "missing_form": missing_form,
            "edit_url": _edit_to_complete(obj),
            "sections": request_sections(obj),
        },
    )


@login_required
@require_POST
def request_ask_submission(request, pk: int):
    """A clerk hands the finished draft to the 課長, who submits it."""
    obj = _visible(request.user, pk)
    ensure_can_ask_submission(request.user, obj)
    try:
        services.request_ask_submission(request_id=obj.pk, actor=request.user)
    except services.SubmissionIncomplete as exc:
        messages.error(request, f"提出を依頼する前に、次の{len(exc.missing)}項目を入力してください。")
        return redirect(_edit_to_complete(obj))
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "課長に提出を依頼しました。課長のダッシュボードとお知らせに表示されます。")
    return redirect("approvals:detail", pk=obj.pk)


@login_required
@require_POST
def request_vote(request, pk: int):
    obj = _visible(request.user, pk)
    ensure_can_vote(request.user, obj)
    form = VoteForm(request.POST)
    if not form.is_valid():
        if request_actions(request.user, obj)["vote"]:
            # The page again, with the 意見 as typed and 賛否 marked as missing.
            return _detail_page(request, obj, vote_form=form)
        messages.error(request, "賛成・反対・保留のいずれかを選んでください。")
        return redirect("approvals:detail", pk=obj.pk)
    try:
        vote = services.request_vote(request_id=obj.pk, actor=request.user, **form.cleaned_data)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"「{vote.get_choice_display()}」を記録しました。")
    return redirect("approvals:detail", pk=obj.pk)


@login_required
@require_POST
def request_comment(request, pk: int):
    obj = _visible(request.user, pk)
    ensure_can_comment(request.user, obj)
    form = CommentForm(request.POST)
    if not form.is_valid() and request_actions(request.user, obj)["comment"]:
        return _detail_page(request, obj, comment_form=form)
    try:
        if not form.is_valid():
            raise TransitionError("コメントを入力してください。")
        services.request_comment(request_id=obj.pk, actor=request.user, body=form.cleaned_data["body"])
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "コメントを記録しました。")
    return redirect("approvals:detail", pk=obj.pk)


@login_required
@require_http_methods(["GET", "POST"])
def request_decide(request, pk: int):
    obj = _visible(request.user, pk)
    ensure_can_decide(request.user, obj)
    if request.method == "GET" and not request_actions(request.user, obj)["decide"]:
        messages.error(request, f"この申請（{obj.status_label}）は決定できません。")
        return redirect("approvals:detail", pk=obj.pk)
    form = DecisionForm(request.POST or None, exception_only=obj.status == RequestStatus.SUBMITTED)
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            services.request_decide(request_id=obj.pk, actor=request.user, **form.cleaned_data)
        except TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, settings.CITY.named(DECIDED_MESSAGES[decision]))
            return redirect("approvals:detail", pk=obj.pk)
    votes = list(obj.votes.filter(round=obj.round).select_related("member"))
    tally = [(label, sum(1 for v in votes if v.choice == value)) for value, label in Vote.Choice.choices]
    return render(request, "approvals/decide.html", {"object": obj, "form": form, "votes": votes, "tally": tally})


DECIDED_MESSAGES = {
    "approve": "承認しました。公式アカウントを開設準備で登録し、運用ポリシー第1版を制定しました。課に伝えました。",
    "reject": "否認しました。理由を課に伝えました。",
    "return": "申請を課に差し戻しました。差戻しのコメントを課に伝えました。",
}


@login_required
@require_safe
def request_form4_pdf(request, pk: int):
    """The 電子計算組織処理計画書（第４号様式）, printed through the one PDF service."""
    obj = _visible(request.user, pk)
    # The document is the 計画書 itself: its own fields follow the heading, unnumbered and untitled;
    # the other parts are numbered sections.
    numbered, own = [], []
    for index, (legend, rows) in enumerate(request_sections(obj)):
        if index == AccountRequest.FORM_SECTION:
            own = rows
        else:
            numbered.append((len(numbered) + 1, legend, rows))
    try:
        pdf = render_pdf(
            "approvals/pdf/form4.html",
            {"object": obj, "own_rows": own, "sections": numbered, "policy": _preview(obj)},
        )
    except DocumentFontMissing as exc:
        messages.error(request, str(exc))
        return redirect("approvals:detail", pk=obj.pk)
    name = f"{settings.CITY.form_name}_{obj.reference or '下書き'}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=\"form4.pdf\"; filename*=UTF-8''{quote(name)}"
    return response
