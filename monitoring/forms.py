"""Forms of the year-end review, the suspension plan, incidents and API tokens; they validate and lay out only."""

from django import forms

from accounts.models import AccountStatus, OfficialAccount, Platform
from core.forms import InCityWords, JapaneseDateField

from .credential_models import ApiCredential
from .models import Incident, YearEndReview


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


class IncidentForm(InCityWords, forms.Form):
    kind = forms.ChoiceField(label="種別", choices=Incident.Kind.choices)
    title = forms.CharField(label="件名", max_length=200)
    description = forms.CharField(label="内容", required=False, widget=forms.Textarea(attrs={"rows": 4}))


TOKEN_NOT_KEPT = "安全のため、入力したトークンは消去しました（画面に再表示しません）。もう一度入力してください。"


class CredentialForm(forms.Form):
    """An API token for the status checks (issue 13); the token box never shows a value back."""

    platform = forms.ModelChoiceField(label="SNS", queryset=Platform.objects.all())
    account = forms.ModelChoiceField(
        label="アカウント",
        queryset=OfficialAccount.objects.exclude(status=AccountStatus.CLOSED).select_related("platform"),
        required=False,
        empty_label="このSNSのすべてのアカウント",
        help_text="アカウントごとのトークン（LINEのチャネルアクセストークンなど）は、そのアカウントを選びます。",
    )
    kind = forms.ChoiceField(label="種類", choices=ApiCredential.Kind.choices)
    token = forms.CharField(
        label="トークン",
        max_length=4096,
        widget=forms.PasswordInput(
            render_value=False,
            attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"},
        ),
        help_text="登録後は表示されません（指紋で見分けます）。SNSのパスワードは入力しないでください。",
    )
    expires_on = JapaneseDateField(label="有効期限", required=False)
    no_expiry = forms.BooleanField(
        label="有効期限なし（SNSが有効期限のないトークンを発行した場合）",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].label_from_instance = lambda account: account.label

    def clean(self):
        data = super().clean()
        platform, account = data.get("platform"), data.get("account")
        if platform and account and account.platform_id != platform.pk:
            self.add_error("account", f"{account.label}は{platform.name}のアカウントではありません。")
        if "expires_on" in data and not data.get("expires_on") and not data.get("no_expiry"):
            self.add_error("expires_on", "有効期限を入力するか、「有効期限なし」を選んでください。")
        if data.get("expires_on") and data.get("no_expiry"):
            self.add_error("no_expiry", "有効期限を入力したときは「有効期限なし」を選ばないでください。")
        return data

    def token_cleared(self) -> None:
        """Say on the token box that what was typed is gone: the page never sends a token back."""
        if str(self.data.get("token", "")).strip():
            self.add_error("token", TOKEN_NOT_KEPT)
