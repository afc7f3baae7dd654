"""The 投稿前チェック form (SPEC §6)."""

from django import forms

from accounts.models import OfficialAccount
from core.forms import InCityWords

from .permissions import accounts_to_screen


class DraftForm(InCityWords, forms.Form):
    account = forms.ModelChoiceField(label="アカウント", queryset=OfficialAccount.objects.none())
    text = forms.CharField(label="投稿の下書き", widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000)
    consent_confirmed = forms.BooleanField(
        label="写っている人・名前の出る人（団体）の了解を得ています（G-4-3-エ）", required=False
    )
    note = forms.CharField(label="指摘への対応（記録する場合）", required=False, max_length=300)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts_to_screen(user)
