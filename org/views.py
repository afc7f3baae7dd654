from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from core.errors import TransitionError

from . import lockouts
from .forms import LoginForm, ReleaseForm, ThrottledPasswordChangeForm
from .models import LockoutRelease
from .permissions import can_release_lockouts, ensure_can_release_lockouts, ensure_can_view_lockouts


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


@login_required
@require_safe
def lockout_list(request):
    """Which names fail to sign in from where, for the 統括情報セキュリティ責任者 (read) and the
    sysadmin (release)."""
    ensure_can_view_lockouts(request.user)
    return render(
        request,
        "org/lockouts.html",
        {
            "overview": lockouts.lockouts_overview(),
            "window_minutes": max(1, settings.LOGIN_LOCKOUT_SECONDS // 60),
            "releases": LockoutRelease.objects.select_related("released_by")[:50],
            "can_release": can_release_lockouts(request.user),
        },
    )


@login_required
@require_POST
def lockout_release(request):
    ensure_can_release_lockouts(request.user)
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "解除する利用者名またはアドレスを確かめてください。")
        return redirect("org:lockouts")
    try:
        release = lockouts.lockout_release(actor=request.user, **form.cleaned_data)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"「{release.target}」のロックを解除しました。")
    return redirect("org:lockouts")
