"""投稿前チェックの画面と JSON エンドポイント."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import OfficialAccount
from accounts.selectors import accounts_visible_to
from core.audit import timeline_of
from core.errors import TransitionError

from . import rules, services
from .drafts import deputy_name, draft_decide, draft_link_post, draft_submit, drafts_waiting_for
from .forms import DecideForm, DeputyForm, DraftForm, LinkPostForm, PostDraftForm
from .models import DraftDeputy, DraftImage, PostDraft, ScreenedDraft
from .permissions import (
    accounts_to_screen,
    can_decide_draft,
    can_draft,
    can_link_post,
    can_name_deputy,
    can_use_screening,
    current_deputy_id,
    deputy_candidates,
    ensure_can_decide_draft,
    ensure_can_draft,
    ensure_can_link_post,
    ensure_can_name_deputy,
    ensure_can_use_screening,
)

WHOLE_TEXT = ("length", "repeat")


def marked(text: str, findings: list[dict]) -> str:
    """The draft with each finding's span in <mark>, every piece escaped."""
    pieces, at = [], 0
    for f in sorted(findings, key=lambda f: (f["start"], f["end"])):
        if f["code"] in WHOLE_TEXT or f["start"] < at:
            continue
        pieces.append(escape(text[at : f["start"]]))
        pieces.append(
            f'<mark title="{escape(settings.CITY.clause(f["clause"]))}">{escape(text[f["start"] : f["end"]])}</mark>'
        )
        at = f["end"]
    pieces.append(escape(text[at:]))
    return mark_safe("".join(pieces))  # noqa: S308 - built from escaped pieces only


@login_required
@require_http_methods(["GET", "POST"])
def screen(request):
    ensure_can_use_screening(request.user)
    form = DraftForm(request.POST or None, user=request.user)
    result = None
    if request.method == "POST" and form.is_valid():
        account, text = form.cleaned_data["account"], form.cleaned_data["text"]
        if "keep" in request.POST:
            try:
                services.draft_keep(
                    account_id=account.pk,
                    actor=request.user,
                    text=text,
                    consent_confirmed=form.cleaned_data["consent_confirmed"],
                    note=form.cleaned_data["note"],
                )
            except TransitionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "チェックの結果を下書きと一緒に記録しました。")
                return redirect("screening:records")
        try:
            findings = [f.as_dict() for f in services.screen_draft(account=account, text=text)]
        except TransitionError as exc:
            form.add_error("text", str(exc))
        else:
            result = {"findings": findings, "marked": marked(text, findings), "length": rules.x_length(text) / 2}
    return render(request, "screening/screen.html", {"form": form, "result": result})


@login_required
@require_safe
def records(request):
    visible = accounts_visible_to(user=request.user).values("pk")
    drafts = ScreenedDraft.objects.filter(account__in=visible).select_related("account", "account__platform", "author")
    page = Paginator(drafts.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(request, "screening/records.html", {"drafts": page.object_list, "page": page})


API_USAGE = "account（アカウントのID）と text（下書き）を持つJSONオブジェクトを送ってください。"


def _api_payload(body: bytes) -> tuple[int, str]:
    """Read {"account": id, "text": "…"}; anything else raises ValueError (answered 400)."""
    try:
        payload = json.loads(body or b"{}")
    except (ValueError, RecursionError) as exc:  # RecursionError: [[[[…]]]] nested past the parser's depth
        raise ValueError(API_USAGE) from exc
    if not isinstance(payload, dict):
        raise ValueError(API_USAGE)
    account, text = payload.get("account"), payload.get("text", "")
    if isinstance(account, str) and account.isascii() and account.isdigit():
        account = int(account)
    if isinstance(account, bool) or not isinstance(account, int) or not 0 < account < 2**63:
        raise ValueError(API_USAGE)
    if not isinstance(text, str):
        raise ValueError(API_USAGE)
    return account, text


@login_required
@require_POST
def api(request):
    """JSON in, JSON out: {"account": id, "text": "…"} → {"findings": [...]} for the city's other tools."""
    if request.content_type != "application/json":
        # A form body is not this API's input (and has been parsed as a form already).
        return JsonResponse(
            {"error": "Content-Type: application/json で送ってください。"},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    try:
        account_id, text = _api_payload(request.body)
        account = accounts_to_screen(request.user).get(pk=account_id)
        findings = services.screen_draft(account=account, text=text)
    except ValueError as exc:
        return JsonResponse({"error": str(exc)}, status=400, json_dumps_params={"ensure_ascii": False})
    except OfficialAccount.DoesNotExist:
        return JsonResponse(
            {"error": "そのIDのアカウントは見つからないか、チェックする権限がありません。"},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    except TransitionError as exc:
        return JsonResponse({"error": str(exc)}, status=400, json_dumps_params={"ensure_ascii": False})
    # `clause` is the rule's ID in the code; `clause_label` is what the city's users read (its profile).
    found = [{**f.as_dict(), "clause_label": settings.CITY.clause(f.clause)} for f in findings]
    return JsonResponse({"findings": found}, json_dumps_params={"ensure_ascii": False})


# --- 決裁 before posting (issue 25, G-4-3-ア) ---------------------------------------------------------


def _visible_draft(user, pk: int) -> PostDraft:
    """A draft of an account the user sees (404 otherwise, as for the account itself)."""
    visible = accounts_visible_to(user=user).values("pk")
    return get_object_or_404(
        PostDraft.objects.select_related("account", "account__platform", "author", "decided_by", "screened"),
        pk=pk,
        account__in=visible,
    )


@login_required
@require_safe
def drafts(request):
    visible = accounts_visible_to(user=request.user).values("pk")
    rows = PostDraft.objects.filter(account__in=visible).select_related(
        "account", "account__platform", "author", "decided_by"
    )
    state = request.GET.get("state", "")
    if state in PostDraft.State.values:
        rows = rows.filter(state=state)
    page = Paginator(rows.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    waiting = list(drafts_waiting_for(request.user).order_by("planned_at", "pk")[:100])
    return render(
        request,
        "screening/drafts.html",
        {
            "drafts": page.object_list,
            "page": page,
            "waiting": waiting,
            "states": PostDraft.State.choices,
            "state": state,
            "can_draft": can_use_screening(request.user),
            # The 課長 names each account's deputy (G-4-3-ア).
            "deputy_accounts": [
                a
                for a in accounts_visible_to(user=request.user).filter(approval_required=True)
                if can_name_deputy(request.user, a)
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def draft_new(request):
    ensure_can_use_screening(request.user)
    previous = None
    revise = request.GET.get("revise") or request.POST.get("revision_of")
    if revise:
        if not str(revise).isdigit():
            raise Http404
        previous = _visible_draft(request.user, int(revise))
        ensure_can_draft(request.user, previous.account)
    initial = {}
    if previous is not None:
        planned = timezone.localtime(previous.planned_at)
        initial = {
            "account": previous.account,
            "text": previous.text,
            "planned_on": planned.date(),
            "planned_time": planned.time(),
        }
    form = PostDraftForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    result = None
    if request.method == "POST" and form.is_valid():
        account, text = form.cleaned_data["account"], form.cleaned_data["text"]
        if "submit" in request.POST:
            try:
                draft = draft_submit(
                    account_id=account.pk,
                    actor=request.user,
                    text=text,
                    planned_at=form.cleaned_data.get("planned_at"),
                    consent_confirmed=form.cleaned_data["consent_confirmed"],
                    note=form.cleaned_data["note"],
                    images=form.cleaned_data["images"],
                    revision_of_id=previous.pk if previous else None,
                )
            except TransitionError as exc:
                form.add_error(None, str(exc))
            else:
                if draft.state == PostDraft.State.PENDING:
                    messages.success(request, "下書きを決裁に回しました。決裁の結果は通知とメールでお知らせします。")
                else:
                    messages.success(request, "決裁を要しないアカウントのため、確認済みとして記録しました。")
                return redirect("screening:draft", pk=draft.pk)
        try:
            findings = [f.as_dict() for f in services.screen_draft(account=account, text=text)]
        except TransitionError as exc:
            form.add_error("text", str(exc))
        else:
            result = {"findings": findings, "marked": marked(text, findings), "length": rules.x_length(text) / 2}
    return render(request, "screening/draft_new.html", {"form": form, "result": result, "previous": previous})


def _history(draft: PostDraft) -> list[PostDraft]:
    """The draft's chain of revisions, oldest first (a returned draft and the revision that answered it)."""
    chain, seen = [draft], {draft.pk}
    back = draft
    while back.revision_of_id and back.revision_of_id not in seen:
        back = PostDraft.objects.select_related("decided_by", "author").get(pk=back.revision_of_id)
        chain.insert(0, back)
        seen.add(back.pk)
    forward = draft
    while (nxt := PostDraft.objects.select_related("decided_by", "author").filter(revision_of=forward).first()) and (
        nxt.pk not in seen
    ):
        chain.append(nxt)
        seen.add(nxt.pk)
        forward = nxt
    return chain


def _draft_page(request, draft, *, decide_form=None, link_form=None, status=200):
    user = request.user
    findings = draft.screened.findings
    return render(
        request,
        "screening/draft.html",
        {
            "draft": draft,
            "marked": marked(draft.text, findings),
            "findings": findings,
            "images": list(draft.images.all()),
            "history": _history(draft),
            "decide_form": decide_form or DecideForm(),
            "link_form": link_form or LinkPostForm(),
            "may_decide": can_decide_draft(user, draft),
            "may_link": can_link_post(user, draft),
            "may_revise": draft.state == PostDraft.State.RETURNED
            and can_draft(user, draft.account)
            and not PostDraft.objects.filter(revision_of=draft).exists(),
            **timeline_of(draft),
        },
        status=status,
    )


@login_required
@require_safe
def draft_detail(request, pk: int):
    return _draft_page(request, _visible_draft(request.user, pk))


@login_required
@require_POST
def draft_decide_view(request, pk: int):
    draft = _visible_draft(request.user, pk)
    ensure_can_decide_draft(request.user, draft)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            draft_decide(
                draft_id=draft.pk,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
        except TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, "決裁しました。" if form.cleaned_data["decision"] == "approve" else "差し戻しました。"
            )
            return redirect("screening:draft", pk=draft.pk)
    return _draft_page(request, draft, decide_form=form, status=400)


@login_required
@require_POST
def draft_link(request, pk: int):
    draft = _visible_draft(request.user, pk)
    ensure_can_link_post(request.user, draft)
    form = LinkPostForm(request.POST)
    if form.is_valid():
        try:
            draft_link_post(draft_id=draft.pk, actor=request.user, url=form.cleaned_data["url"])
        except TransitionError as exc:
            form.add_error("url", str(exc))
        else:
            messages.success(request, "投稿のURLを記録しました。保存した投稿と照合します。")
            return redirect("screening:draft", pk=draft.pk)
    return _draft_page(request, draft, link_form=form, status=400)


@login_required
@require_safe
def draft_image(request, pk: int, image_pk: int):
    draft = _visible_draft(request.user, pk)
    image = get_object_or_404(DraftImage, pk=image_pk, draft=draft)
    try:
        handle = image.file.open("rb")
    except OSError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=image.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def deputy(request, account_pk: int):
    account = get_object_or_404(accounts_visible_to(user=request.user), pk=account_pk)
    ensure_can_name_deputy(request.user, account)
    candidates = deputy_candidates(request.user, account)
    current = current_deputy_id(account)
    form = DeputyForm(request.POST or None, candidates=candidates, initial={"deputy": current})
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["deputy"]
        try:
            deputy_name(account_id=account.pk, actor=request.user, deputy_id=chosen.pk if chosen else None)
        except TransitionError as exc:
            form.add_error("deputy", str(exc))
        else:
            messages.success(request, "決裁の代決者を記録しました。")
            return redirect("screening:deputy", account_pk=account.pk)
    namings = DraftDeputy.objects.filter(account=account).select_related("deputy", "named_by")[:50]
    return render(request, "screening/deputy.html", {"account": account, "form": form, "namings": namings})
