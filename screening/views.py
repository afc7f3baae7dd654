"""投稿前チェックの画面と JSON エンドポイント."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import OfficialAccount
from accounts.selectors import accounts_visible_to
from core.errors import TransitionError

from . import rules, services
from .forms import DraftForm
from .models import ScreenedDraft
from .permissions import accounts_to_screen, ensure_can_use_screening

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
