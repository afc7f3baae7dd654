from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from accounts.models import ContentCategory, Platform, YesNo, field_choices
from core.forms import InCityWords, JapaneseDateField

from .models import AccountRequest, Vote
from .services import DECISIONS, decision_reason_missing

User = get_user_model()


class StartForm(InCityWords, forms.Form):
    """Step 1: the 分野 and the platform, so the existing accounts can be shown first (G-4-2-ア)."""

    field = forms.ChoiceField(label="分野")
    platform = forms.ModelChoiceField(
        label="利用したいSNS", queryset=Platform.objects.filter(is_active=True), empty_label="選択してください"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", "選択してください"), *field_choices()]  # the city's 分野


class RequestForm(InCityWords, forms.ModelForm):
    """The request as the 課 writes it. A draft saves with partial data; submission checks the rest."""

    start_on = JapaneseDateField(label="開始予定日", required=False)
    content_categories = forms.MultipleChoiceField(
        label="発信する内容（P-5）",
        choices=ContentCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = AccountRequest
        fields = AccountRequest.EDITABLE_FIELDS
        widgets = {
            **dict.fromkeys(AccountRequest.ANSWER_FIELDS, forms.RadioSelect),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in (
                    *AccountRequest.REASON_FIELDS,
                    "purpose",
                    "audience",
                    "content",
                    "personal_data",
                    "security",
                    "linked_apps",
                    "content_notes",
                )
            },
        }

    def __init__(self, *args, department, **kwargs):
        super().__init__(*args, **kwargs)
        for name in AccountRequest.ANSWER_FIELDS:
            self.fields[name].choices = YesNo.choices
        self.fields["platform"].queryset = Platform.objects.filter(is_active=True)
        blank, *_ = self.fields["field"].choices
        self.fields["field"].choices = [blank, *field_choices(self.instance.field)]  # the city's 分野
        self.fields["manager"].queryset = User.objects.filter(is_active=True, department=department)
        self.fields["manager"].label_from_instance = lambda u: f"{u.display_name}（{u.title or u.department}）"
        self.fields["frequency"].widget.attrs["placeholder"] = "例：週2〜3回"
        self.fields["cost"].widget.attrs["placeholder"] = "例：なし（無料の範囲で運用）"
        self.fields["registered_email"].widget.attrs["placeholder"] = f"example@{settings.CITY_EMAIL_DOMAIN}"

    def sections(self):
        """The bound fields grouped as AccountRequest.SECTIONS, for the template's fieldsets."""
        return [(legend, [self[name] for name in names]) for legend, names in AccountRequest.sections()]

    def clean_desired_handle(self):
        return self.cleaned_data["desired_handle"].strip().lstrip("@＠")


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label="賛否",
        choices=Vote.Choice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "賛成・反対・保留のいずれかを選んでください。"},
    )
    comment = forms.CharField(label="意見", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    body = forms.CharField(label="コメント", widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="決定", widget=forms.RadioSelect, error_messages={"required": "決定の内容を選んでください。"}
    )
    reason = forms.CharField(
        label="理由・コメント",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="否認・差戻し・委員長特認のときは必須です。差戻しのコメントは課に伝えられます。",
    )

    def __init__(self, *args, exception_only: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.exception_only = exception_only
        chair = settings.CITY.committee_chair_title  # the city profile's word for the chair
        self.fields[
            "reason"
        ].help_text = f"否認・差戻し・{chair}特認のときは必須です。差戻しのコメントは課に伝えられます。"
        if exception_only:
            self.fields["decision"].choices = [("approve", f"{settings.CITY.committee_chair_title}特認により承認")]
            self.fields["decision"].initial = "approve"
        else:
            self.fields["decision"].choices = list(DECISIONS.items())

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision and (
            message := decision_reason_missing(
                decision=decision, exception=self.exception_only, reason=cleaned.get("reason", "")
            )
        ):
            self.add_error("reason", message)
        return cleaned
