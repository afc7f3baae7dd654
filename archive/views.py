"""The archive's staff pages (issue 22): search, a post with every version, and the export of an
account's posts (情報公開請求). Thin: permission → form → selector or service → page or file."""

from tempfile import SpooledTemporaryFile

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST, require_safe

from accounts.selectors import accounts_visible_to
from core.pdf import DocumentFontMissing

from .exports import CONTENT_TYPES, PDF_PAGE_MAX_POSTS, Selection, posts_export
from .forms import ExportForm, SearchForm
from .matching import accounts_to_answer, states_of, unconfirmed_posts
from .models import MediaFile, Post, PostMatch
from .permissions import (
    can_answer_unmatched,
    can_see_unconfirmed_queue,
    ensure_can_export_archive,
    ensure_can_see_archive,
    ensure_can_use_archive,
)
from .search import SearchRefused, excerpt, in_period, run_search, words_of

EXPORT_PREFIX = "export"
SPOOL_BYTES = 16 * 1024 * 1024  # an export larger than this is written to a temporary file


def _page_number(request) -> int:
    """?page=, anything but a small whole number being the first page."""
    value = request.GET.get("page", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else 1


def _search_page(request, *, export_form=None, status=200):
    user = request.user
    visible = accounts_visible_to(user=user)
    form = SearchForm(request.GET or None, accounts=visible)
    result, words = None, []
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        words = words_of(data.get("q", ""))
        account = data.get("account")
        base = Post.objects.filter(account__in=list(visible.values_list("pk", flat=True)))
        if account:
            base = base.filter(account=account)
        if data.get("platform"):
            base = base.filter(account__platform__code=data["platform"])
        base = in_period(base, data.get("start"), data.get("end"))
        try:
            result = run_search(base, words, scan_allowed=account is not None, page=_page_number(request))
        except SearchRefused as exc:
            form.add_error("q", str(exc))
    posts = list(result.posts) if result else []
    states = states_of(posts)  # issue 25: 決裁済み / 確認済み / 未確認
    rows = [{"post": p, "excerpt": excerpt(p.text, words), "state": states[p.pk]} for p in posts]
    if export_form is None:
        initial = {}
        if form.is_bound and form.is_valid():
            initial = {k: form.cleaned_data.get(k) for k in ("account", "start", "end")}
        export_form = ExportForm(prefix=EXPORT_PREFIX, accounts=visible, initial=initial)
    return render(
        request,
        "archive/search.html",
        {
            "form": form,
            "result": result,
            "rows": rows,
            "words": words,
            "export_form": export_form,
            **_queue_link(user),
        },
        status=status,
    )


def _queue_link(user) -> dict:
    """Issue 25: the link to the queue of posts nobody approved, with how many wait for this user."""
    if not can_see_unconfirmed_queue(user):
        return {"may_see_queue": False}
    return {"may_see_queue": True, "unconfirmed_count": unconfirmed_posts(accounts_to_answer(user)).count()}


@login_required
@require_safe
def search(request):
    ensure_can_use_archive(request.user)
    return _search_page(request)


@login_required
@require_safe
def post_detail(request, pk: int):
    post = get_object_or_404(
        Post.objects.select_related("account", "account__platform", "account__department", "recorded_by").defer(
            "search_text", "grams"
        ),
        pk=pk,
    )
    ensure_can_see_archive(request.user, post.account)
    versions = (
        post.versions.select_related("answer")
        .defer("answer__body")
        .prefetch_related(Prefetch("media", queryset=MediaFile.objects.order_by("pk")))
        .order_by("-number")
    )
    match = PostMatch.objects.filter(post=post).select_related("draft", "by", "incident").first()
    context = {
        "post": post,
        "versions": versions,
        "match": match,
        "match_state": states_of([post])[post.pk],
        "may_answer": match is None and can_answer_unmatched(request.user, post.account),
    }
    return render(request, "archive/post.html", context)


@login_required
@require_POST
def export(request):
    """One account's posts of a period as a file (CSV, PDF or WARC), recorded as handed over."""
    user = request.user
    ensure_can_use_archive(user)
    form = ExportForm(request.POST, prefix=EXPORT_PREFIX, accounts=accounts_visible_to(user=user))
    if not form.is_valid():
        return _search_page(request, export_form=form)
    account = form.cleaned_data["account"]
    ensure_can_export_archive(user, account)
    selection = Selection(account=account, start=form.cleaned_data["start"], end=form.cleaned_data["end"])
    fmt = form.cleaned_data["format"]
    if fmt == "pdf" and (count := selection.posts().count()) > PDF_PAGE_MAX_POSTS:
        form.add_error(
            None,
            f"この期間の投稿は{count:,}件です。PDFはこの画面から一度に{PDF_PAGE_MAX_POSTS:,}件まで書き出せます。"
            "期間を分けるか、CSV・WARCで書き出してください（システム管理者はコマンド export_posts でも書き出せます）。",
        )
        return _search_page(request, export_form=form)
    out = SpooledTemporaryFile(max_size=SPOOL_BYTES)  # FileResponse closes it
    try:
        posts_export(selection=selection, fmt=fmt, out=out, actor=user, made_by=user.display_name)
    except DocumentFontMissing as exc:
        out.close()
        form.add_error(None, str(exc))
        return _search_page(request, export_form=form)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=selection.filename(fmt), content_type=CONTENT_TYPES[fmt])
