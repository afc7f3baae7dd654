from django import forms

from .models import Candidate
from .services import MAX_NOTE, watched_accounts

VERDICTS = [
    (Candidate.State.IMPERSONATION.value, "なりすまし（インシデントを起票し、警告の一覧に載せる）"),
    (Candidate.State.UNRELATED.value, "無関係（候補から外す）"),
    (Candidate.State.OTHER_BODY.value, "他団体の公式（候補から外す）"),
]


class JudgeForm(forms.Form):
    verdict = forms.ChoiceField(
        label="判断", choices=VERDICTS, widget=forms.RadioSelect, error_messages={"required": "判断を選んでください。"}
    )
    imitates = forms.ModelChoiceField(
        label="まねている公式アカウント（なりすましの場合）",
        queryset=None,
        required=False,
        empty_label="選んでください",
    )
    note = forms.CharField(
        label="判断の理由・メモ", required=False, max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["imitates"].queryset = watched_accounts().order_by("platform__sort_order", "display_name")
        self.fields["imitates"].label_from_instance = lambda a: f"{a.display_name}（{a.platform.name} @{a.handle}）"

    def clean(self):
        data = super().clean()
        if data.get("verdict") == Candidate.State.IMPERSONATION and not data.get("imitates"):
            self.add_error("imitates", "なりすましの場合は、まねている公式アカウントを選んでください。")
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="取り消す理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "取り消す理由を入力してください。"},
    )
