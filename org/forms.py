from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from .roles import is_sysadmin

# Failed sign-ins are counted and locked out by django-axes (org.lockouts); these forms only speak Japanese.
MESSAGES = {
    "invalid_login": "ユーザー名またはパスワードが正しくありません。",
    "inactive": "このユーザーは利用停止されています。",
}


class LoginForm(AuthenticationForm):
    error_messages = {**AuthenticationForm.error_messages, **MESSAGES}


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in: only the sysadmin role (org.admin_site), not Django's is_staff."""

    error_messages = {**AdminAuthenticationForm.error_messages, **MESSAGES}

    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)
        if not is_sysadmin(user):
            raise forms.ValidationError("管理画面はシステム管理者のみ利用できます。", code="invalid_login")


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """The old password is checked through authenticate(), so django-axes counts and locks it too:
    a signed-in session left open must not become a way to guess the password without limit."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        checked = authenticate(self.request, username=self.user.get_username(), password=old_password)
        if checked is None or checked.pk != self.user.pk:
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class ReleaseForm(forms.Form):
    username = forms.CharField(required=False, max_length=150)
    address = forms.GenericIPAddressField(required=False)
    comment = forms.CharField(label="理由・本人確認の方法", required=False, max_length=500)
