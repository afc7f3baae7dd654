"""The form of the API tokens (issue 13, issue 17): the sysadmin enters a token for a platform's reads."""

from django import forms

from accounts.models import AccountStatus, OfficialAccount, Platform
from core.forms import JapaneseDateField

from .checks import credential_kinds_for, platforms_taking_credentials
from .credentials import kind_refusal
from .models import ApiCredential

TOKEN_NOT_KEPT = "安全のため、入力したトークンは消去しました（画面に再表示しません）。もう一度入力してください。"


class PlatformSelect(forms.Select):
    """The SNS list; each option says which kinds of token the SNS takes (static/js/credential-kinds.js)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        platform = getattr(value, "instance", None)
        if platform is not None:
            option["attrs"]["data-kinds"] = " ".join(credential_kinds_for(platform.code))
        return option


class AccountSelect(forms.Select):
    """The account list; each option says its SNS, so the script can show only the chosen SNS's."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        account = getattr(value, "instance", None)
        if account is not None:
            option["attrs"]["data-platform"] = str(account.platform_id)
        return option


class CredentialForm(forms.Form):
    """An API token for the status checks (issue 13); the token box never shows a value back.

    Issue 17: only the SNS whose check reads with a token are offered, and the 種類 must be one the
    chosen SNS takes (credentials.kind_refusal, the adapters' rule). With JavaScript the 種類 and
    アカウント lists follow the SNS chosen; without it the help text says the rule and the server refuses."""

    platform = forms.ModelChoiceField(label="SNS", queryset=Platform.objects.none(), widget=PlatformSelect)
    account = forms.ModelChoiceField(
        label="アカウント",
        queryset=OfficialAccount.objects.none(),
        required=False,
        empty_label="このSNSのすべてのアカウント",
        help_text="アカウントごとのトークン（LINEのチャネルアクセストークンなど）は、そのアカウントを選びます。",
        widget=AccountSelect,
    )
    kind = forms.ChoiceField(
        label="種類",
        choices=[("", "選んでください"), *ApiCredential.Kind.choices],
        error_messages={"required": "種類を選んでください。"},
    )
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
        platforms = Platform.objects.filter(code__in=platforms_taking_credentials())
        self.fields["platform"].queryset = platforms
        self.fields["account"].queryset = (
            OfficialAccount.objects.exclude(status=AccountStatus.CLOSED)
            .filter(platform__in=platforms)
            .select_related("platform")
        )
        self.fields["account"].label_from_instance = lambda account: account.label
        labels = dict(ApiCredential.Kind.choices)
        self.fields["kind"].help_text = "SNSごとに使える種類：" + "、".join(
            f"{p.name}は{'・'.join(labels[k] for k in credential_kinds_for(p.code))}" for p in platforms
        )

    def clean(self):
        data = super().clean()
        platform, account = data.get("platform"), data.get("account")
        if platform and account and account.platform_id != platform.pk:
            self.add_error("account", f"{account.label}は{platform.name}のアカウントではありません。")
        if platform and data.get("kind"):
            refusal = kind_refusal(platform, data["kind"])
            if refusal:
                self.add_error("kind", refusal)
        if "expires_on" in data and not data.get("expires_on") and not data.get("no_expiry"):
            self.add_error("expires_on", "有効期限を入力するか、「有効期限なし」を選んでください。")
        if data.get("expires_on") and data.get("no_expiry"):
            self.add_error("no_expiry", "有効期限を入力したときは「有効期限なし」を選ばないでください。")
        return data

    def token_cleared(self) -> None:
        """Say on the token box that what was typed is gone: the page never sends a token back."""
        if str(self.data.get("token", "")).strip():
            self.add_error("token", TOKEN_NOT_KEPT)
