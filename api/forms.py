"""The sysadmin's form of a new API token (issue 24); it validates and lays out only."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from .models import Scope

DEFAULT_DAYS = 90


class TokenForm(forms.Form):
    owner = forms.ModelChoiceField(
        label="利用者（トークンはこの人として、この人の権限の範囲で動きます）",
        queryset=None,
        empty_label="選んでください",
    )
    name = forms.CharField(label="用途（どのツールが何に使うか）", max_length=100)
    scopes = forms.MultipleChoiceField(
        label="範囲", choices=Scope.choices, widget=forms.CheckboxSelectMultiple, help_text="必要なものだけを選びます。"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(is_active=True).select_related("department")
        self.fields["owner"].queryset = users.order_by("username")
        self.fields["owner"].label_from_instance = lambda u: f"{u.display_name}（{u.username}）"
        most = settings.API_TOKEN_MAX_DAYS
        self.fields["days"] = forms.IntegerField(
            label="有効期間（日）",
            min_value=1,
            max_value=most,
            initial=min(DEFAULT_DAYS, most),
            help_text=f"1〜{most}日。期限が来ると使えなくなります。",
        )
