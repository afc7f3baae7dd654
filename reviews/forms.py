"""Forms of the year-end review and the suspension plan; they validate and lay out only."""

from django import forms

from accounts.models import AccountStatus, OfficialAccount
from core.forms import InCityWords, JapaneseDateField

from .models import YearEndReview


class ReviewForm(InCityWords, forms.ModelForm):
    class Meta:
        model = YearEndReview
        fields = YearEndReview.EDITABLE_FIELDS
        widgets = {
            **dict.fromkeys((*YearEndReview.ANSWER_FIELDS, "effect", "uniqueness", "decision"), forms.RadioSelect),
            **{
                f: forms.Textarea(attrs={"rows": 2})
                for f in (*YearEndReview.REASON_FIELDS, "effect_reason", "uniqueness_reason")
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (*YearEndReview.ANSWER_FIELDS, "effect", "uniqueness", "decision"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
        self.fields["consolidate_into"].queryset = OfficialAccount.objects.filter(status=AccountStatus.ACTIVE).exclude(
            pk=self.instance.account_id
        )
        self.fields["consolidate_into"].help_text = "停止検討のときに選びます（通常は市広報アカウント）。"
        # LINE counts 友だち, YouTube チャンネル登録者: the form uses the platform's own word.
        word = self.instance.account.platform.follower_word
        for name in ("followers_start", "followers_end"):
            self.fields[name].label = self.fields[name].label.replace("フォロワー", word)


class PlanForm(InCityWords, forms.Form):
    reason = forms.CharField(
        label="停止の理由（公開）",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="市公式ホームページと公開の一覧に掲載されます（P-8）。",
    )
    notice_starts_on = JapaneseDateField(label="事前周知の開始日")
    notice_ends_on = JapaneseDateField(
        label="事前周知の終了日", required=False, help_text="空欄なら影響度に応じた期間で設定します。"
    )
    notice_text = forms.CharField(
        label="周知文", required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="空欄なら自動で作成します。"
    )
    short_notice_reason = forms.CharField(
        label="目安より短い周知期間にする理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="影響度の目安より短い周知期間にする場合だけ、その理由を記入します（G-4-5-ウ）。記録され、計画とダッシュボードに表示されます。",
    )
