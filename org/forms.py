import hashlib

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


class ThrottledAuthenticationForm(AuthenticationForm):
    """The login form, refusing a (user name, address) pair after repeated failures (SPEC §7)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "ユーザー名またはパスワードが正しくありません。",
        "inactive": "このユーザーは利用停止されています。",
        "locked": "ログインの失敗が続いたため、しばらくログインできません。%(minutes)s分後にもう一度お試しください。",
    }

    def _key(self) -> str:
        username = (self.data.get("username") or "").strip().lower()
        raw = f"{username}|{_client_address(self.request)}".encode()
        return "login-failures:" + hashlib.sha256(raw).hexdigest()

    def clean(self):
        key = self._key()
        if cache.get(key, 0) >= settings.LOGIN_FAILURE_LIMIT:
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)
            raise
        cache.delete(key)
        return cleaned


class ThrottledAdminAuthenticationForm(ThrottledAuthenticationForm, AdminAuthenticationForm):
    """The admin's login form (staff only), throttled the same way."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        **ThrottledAuthenticationForm.error_messages,
    }

    def confirm_login_allowed(self, user):
        from core.admin_site import is_sysadmin

        AuthenticationForm.confirm_login_allowed(self, user)
        if not is_sysadmin(user):
            raise forms.ValidationError("管理画面はシステム管理者のみ利用できます。", code="invalid_login")
