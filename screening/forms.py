"""The 投稿前チェック form (SPEC §6)."""

from datetime import datetime

from django import forms
from django.conf import settings

from accounts.models import OfficialAccount
from core.dates import TOKYO
from core.forms import InCityWords, JapaneseDateField
from core.uploads import size_label

from .permissions import accounts_to_screen

MAX_IMAGES = 4


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


# --- 決裁 before posting (issue 25) --------------------------------------------------------------------


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Up to MAX_IMAGES images chosen at once (Django's documented pattern for several files)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/png,image/jpeg,image/gif"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleImageField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class PostDraftForm(DraftForm):
    """A draft to be posted: the check's fields, and when it is to be posted, and its images."""

    planned_on = JapaneseDateField(label="投稿の予定日")
    planned_time = forms.TimeField(label="投稿の予定時刻（日本時間）", help_text="例：9:30、18:05")
    images = MultipleImageField(label="投稿する画像", required=False)
    field_order = ["account", "text", "planned_on", "planned_time", "images", "consent_confirmed", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "images"
        ].help_text = f"PNG・JPEG・GIF、{MAX_IMAGES}枚まで、1枚{size_label(settings.MAX_UPLOAD_BYTES)}まで。"

    def clean(self):
        data = super().clean()
        day, time = data.get("planned_on"), data.get("planned_time")
        if day and time:
            data["planned_at"] = datetime.combine(day, time, tzinfo=TOKYO)
        return data


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="決裁", choices=[("approve", "決裁する"), ("return", "差し戻す")], widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="コメント",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="差し戻すときは、直してほしいところを書いてください（必須）。",
    )


class LinkPostForm(forms.Form):
    url = forms.CharField(
        label="投稿のURL", max_length=1000, help_text="SNSに投稿した後、その投稿のURLを貼り付けます。"
    )


class DeputyForm(forms.Form):
    deputy = forms.ModelChoiceField(label="代決者", queryset=None, required=False, empty_label="指名しない")

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = candidates
        self.fields["deputy"].label_from_instance = lambda u: u.display_name
