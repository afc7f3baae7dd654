from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

# Failed sign-ins are counted and locked out by django-axes (org.lockouts); these forms only speak Japanese.
MESSAGES = {
    "invalid_login": "ユーザー名またはパスワードが正しくありません。",
    "inactive": "このユーザーは利用停止されています。",
}


class LoginForm(AuthenticationForm):
    error_messages = {**AuthenticationForm.error_messages, **MESSAGES}


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in: only the sysadmin role (core.admin_site), not Django's is_staff."""

    error_messages = {**AdminAuthenticationForm.error_messages, **MESSAGES}

    def confirm_login_allowed(self, user):
        from core.admin_site import is_sysadmin

        AuthenticationForm.confirm_login_allowed(self, user)
        if not is_sysadmin(user):
            raise forms.ValidationError("管理画面はシステム管理者のみ利用できます。", code="invalid_login")
