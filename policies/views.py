"""運用ポリシー screens, reached from an account's page."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.selectors import accounts_visible_to
from core.errors import TransitionError
from core.pdf import DocumentFontMissing

from . import services
from .forms import ArticleFormSet, IssueForm, TitleForm
from .models import PolicyDraft
from .permissions import can_draft_policy, can_issue_policy, ensure_can_draft_policy, ensure_can_issue_policy


def _account(user, pk):
    return get_object_or_404(accounts_visible_to(user=user), pk=pk)


def _pdf_response(content_or_file, filename: str) -> HttpResponse:
    """Serve a PDF inline with a Japanese file name (RFC 6266 filename*)."""
    disposition = f"inline; filename=\"policy.pdf\"; filename*=UTF-8''{quote(filename)}"
    if isinstance(content_or_file, bytes):
        response = HttpResponse(content_or_file, content_type="application/pdf")
    else:
        response = FileResponse(content_or_file, content_type="application/pdf")
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_safe
def policy_overview(request, pk: int):
    account = _account(request.user, pk)
    versions = list(account.policy_versions.select_related("issued_by").order_by("-number"))
    return render(
        request,
        "policies/overview.html",
        {
            "account": account,
            "draft": PolicyDraft.objects.filter(account=account).select_related("updated_by").first(),
            "versions": versions,
            "can_edit": can_draft_policy(request.user, account),
            "can_issue": can_issue_policy(request.user, account),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy_draft_edit(request, pk: int):
    account = _account(request.user, pk)
    ensure_can_draft_policy(request.user, account)
    draft = PolicyDraft.objects.filter(account=account).first()
    if draft is None:
        messages.info(request, "まず「案を作成」で、アカウントの登録内容とテンプレートから案を作ってください。")
        return redirect("policies:overview", pk=account.pk)
    initial = [{"heading": a["heading"], "body": a["body"]} for a in draft.articles]
    title_form = TitleForm(request.POST or None, initial={"title": draft.title})
    formset = ArticleFormSet(
        request.POST or None,
        initial=initial,
        prefix="articles",
        error_messages={"too_many_forms": f"条は{services.MAX_ARTICLES}条までです。"},
    )
    if request.method == "POST" and title_form.is_valid() and formset.is_valid():
        try:
            services.policy_draft_update(
                account_id=account.pk,
                actor=request.user,
                title=title_form.cleaned_data["title"],
                articles=[f.cleaned_data for f in formset.forms if f.cleaned_data],
            )
        except TransitionError as exc:
            title_form.add_error(None, str(exc))
        else:
            messages.success(request, settings.CITY.named("運用ポリシー案を保存しました。"))
            return redirect("policies:overview", pk=account.pk)
    return render(
        request,
        "policies/draft_form.html",
        {"account": account, "title_form": title_form, "formset": formset, "draft": draft},
    )


@login_required
@require_POST
def policy_draft_start(request, pk: int):
    """Create the draft from the template, or refill it when one exists (its edits are replaced)."""
    account = _account(request.user, pk)
    ensure_can_draft_policy(request.user, account)
    try:
        services.policy_draft_start(account_id=account.pk, actor=request.user, reset=True)
    except TransitionError as exc:
        messages.error(request, str(exc))
        return redirect("policies:overview", pk=account.pk)
    messages.success(request, "アカウントの登録内容とテンプレートから案を作りました。必要な箇所を修正してください。")
    return redirect("policies:draft", pk=account.pk)


@login_required
@require_safe
def policy_draft_pdf(request, pk: int):
    account = _account(request.user, pk)
    draft = get_object_or_404(PolicyDraft.objects.select_related("account"), account=account)
    try:
        pdf = services.draft_pdf(draft)
    except DocumentFontMissing as exc:
        messages.error(request, str(exc))
        return redirect("policies:overview", pk=account.pk)
    return _pdf_response(pdf, f"{draft.title}（案）.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def policy_issue(request, pk: int):
    account = _account(request.user, pk)
    ensure_can_issue_policy(request.user, account)
    draft = PolicyDraft.objects.filter(account=account).first()
    if draft is None:
        messages.error(request, settings.CITY.named("運用ポリシー案がありません。先に案を作成してください。"))
        return redirect("policies:overview", pk=account.pk)
    form = IssueForm(request.POST or None, initial={"issued_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            version = services.policy_issue(account_id=account.pk, actor=request.user, **form.cleaned_data)
        except TransitionError as exc:
            form.add_error(None, str(exc))
        except DocumentFontMissing as exc:
            messages.error(request, str(exc))
            return redirect("policies:overview", pk=account.pk)
        else:
            messages.success(
                request,
                settings.CITY.named(f"運用ポリシー第{version.number}版を{version.get_kind_display()}しました。"),
            )
            return redirect("policies:version", pk=account.pk, number=version.number)
    is_first = not account.policy_versions.exists()
    return render(
        request,
        "policies/issue.html",
        {"account": account, "draft": draft, "form": form, "kind": "制定" if is_first else "改正"},
    )


@login_required
@require_safe
def policy_version(request, pk: int, number: int):
    account = _account(request.user, pk)
    version = get_object_or_404(account.policy_versions.select_related("issued_by"), number=number)
    previous = account.policy_versions.filter(number__lt=number).order_by("-number").first()
    return render(
        request,
        "policies/version.html",
        {
            "account": account,
            "version": version,
            "previous": previous,
            "diff": services.version_comparison(version) if previous else None,
            "document": services.document_context(
                title=version.title, articles=version.articles, history=version.history, draft=False
            ),
        },
    )


@login_required
@require_safe
def policy_version_pdf(request, pk: int, number: int):
    account = _account(request.user, pk)
    version = get_object_or_404(account.policy_versions, number=number)
    if not version.pdf:
        # Rendering after the issuing commit failed or has not run yet: do it once, now.
        try:
            version = services.policy_version_render(version_id=version.pk)
        except DocumentFontMissing as exc:
            messages.error(request, str(exc))
            return redirect("policies:version", pk=account.pk, number=number)
    try:
        handle = version.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404("PDFファイルが見つかりません。") from exc
    response = _pdf_response(handle, f"{version.title}_第{version.number}版.pdf")
    response["ETag"] = f'"{version.pdf_sha256}"'
    return response
