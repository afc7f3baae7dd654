"""The sysadmin's pages of the API tokens for other tools (issue 24): list, create (the token shown
once), revoke after a confirmation. Thin: permission → form → service → page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_http_methods, require_safe

from core.errors import TransitionError

from . import tokens
from .forms import TokenForm
from .models import ApiToken, Scope
from .permissions import ensure_can_manage_api_tokens


@login_required
@require_safe
def token_list(request):
    ensure_can_manage_api_tokens(request.user)
    page = Paginator(tokens.tokens_listed(), 100).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = list(page.object_list)
    for token in rows:
        token.current_state = token.state(now)
    return render(request, "api/tokens.html", {"tokens": rows, "page": page, "scopes": Scope.choices})


@sensitive_variables()  # the new token is a local here
@login_required
@require_http_methods(["GET", "POST"])
def token_create(request):
    ensure_can_manage_api_tokens(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = tokens.token_create(
                actor=request.user,
                owner_id=data["owner"].pk,
                name=data["name"],
                scopes=data["scopes"],
                days=data["days"],
            )
        except TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            # Shown once: this answer is never kept by a browser or a proxy, and the token is not kept here.
            response = render(request, "api/token_created.html", {"token": created.token, "text": created.text})
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
            return response
    return render(request, "api/token_form.html", {"form": form, "max_days": settings.API_TOKEN_MAX_DAYS})


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk: int):
    ensure_can_manage_api_tokens(request.user)
    token = get_object_or_404(ApiToken.objects.select_related("owner"), pk=pk)
    if request.method == "POST":
        try:
            tokens.token_revoke(actor=request.user, token_id=token.pk, comment=request.POST.get("comment", ""))
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"APIトークン「{token.name}」（{token.prefix}）を失効させました。")
        return redirect("api:tokens")
    return render(request, "api/token_revoke.html", {"token": token, "state": token.state()})
