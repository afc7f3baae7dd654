"""The API tokens' pages (issue 13; the sysadmin only): list, register, retire. Bookmarks of the old
/platforms/credentials/ are redirected here (komae_sns/urls.py)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST, require_safe

from core.errors import TransitionError

from . import credentials
from .forms import CredentialForm
from .models import ApiCredential
from .permissions import ensure_can_manage_credentials


def _credentials_page(request, form: CredentialForm, *, status: int = 200):
    today = timezone.localdate()
    page = Paginator(credentials.credentials_listed(), 100).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for credential in rows:
        credential.expiry_state = credentials.expiry_state(credential, today)
        # Whether a key still opens it (after a key was removed too early); the token is not kept.
        credential.readable = credential.retired_at is not None or credentials.is_readable(credential)
        # Registered before the kinds followed the SNS (issue 17): the check may send the wrong thing.
        credential.kind_refusal = (
            "" if credential.retired_at else credentials.kind_refusal(credential.platform, credential.kind)
        )
    return render(
        request,
        "platforms/credentials.html",
        {
            "form": form,
            "credentials": rows,
            "page": page,
            "reminder_days": settings.CREDENTIAL_REMINDER_DAYS,
            "refresh_days": settings.CREDENTIAL_REFRESH_DAYS,
        },
        status=status,
    )


@login_required
@require_safe
def credential_list(request):
    """The API tokens of the status checks: which SNS or account, kind, fingerprint, expiry; never a token."""
    ensure_can_manage_credentials(request.user)
    return _credentials_page(request, CredentialForm())


@sensitive_post_parameters("token")
@sensitive_variables()  # every local: `data` and the form hold the token (issue 20)
@login_required
@require_POST
def credential_register(request):
    """Register (or replace) a token; after a refusal the token box comes back empty, and says so."""
    ensure_can_manage_credentials(request.user)
    form = CredentialForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            credential = credentials.credential_register(
                actor=request.user,
                platform_id=data["platform"].pk,
                account_id=data["account"].pk if data["account"] else None,
                token=data["token"],
                kind=data["kind"],
                expires_on=None if data["no_expiry"] else data["expires_on"],
            )
        except TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"APIトークンを登録しました（指紋 {credential.fingerprint}）。")
            return redirect("platforms:credentials")
    form.token_cleared()
    return _credentials_page(request, form)


@login_required
@require_POST
def credential_retire(request, pk: int):
    ensure_can_manage_credentials(request.user)
    try:
        credential = credentials.credential_retire(
            actor=request.user,
            credential_id=get_object_or_404(ApiCredential, pk=pk).pk,
            comment=request.POST.get("comment", ""),
        )
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"APIトークン（指紋 {credential.fingerprint}）を廃止しました。")
    return redirect("platforms:credentials")
