"""Forms of the retention (保存期間, 延長・廃棄) and of a post recorded by hand; they validate and lay out only."""

from datetime import datetime

from django import forms
from django.conf import settings
from django.utils import timezone

from core.dates import TOKYO
from core.forms import InCityWords, JapaneseDateField
from core.uploads import size_label

from .models import Retention, RetentionDecision
from .retention import EXTEND_YEARS_MAX


class RetentionForm(InCityWords, forms.Form):
    retention = forms.ChoiceField(label="保存期間", choices=Retention.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="変更の理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ProposalForm(InCityWords, forms.Form):
    ALL, CHECKED = "all", "checked"

    action = forms.ChoiceField(label="決定の内容", choices=RetentionDecision.Action.choices, widget=forms.RadioSelect)
    extend_years = forms.IntegerField(
        label="延長する年数",
        required=False,
        min_value=1,
        max_value=EXTEND_YEARS_MAX,
        help_text="延長のときだけ入力します。保存期間の満了する年度（過ぎているものは今年度）の末から数えます。",
    )
    scope = forms.ChoiceField(
        label="対象の投稿",
        choices=[
            (
                ALL,
                "保存期間が今年度末までに満了する投稿すべて（決定待ちの案にあるものと、廃棄ではインシデントの証拠を除く）",
            ),
            (CHECKED, "下の一覧でチェックした投稿"),
        ],
        initial=ALL,
        widget=forms.RadioSelect,
    )
    posts = forms.TypedMultipleChoiceField(label="投稿", coerce=int, required=False)
    reason = forms.CharField(label="理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, post_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posts"].choices = [(pk, str(pk)) for pk in post_choices]

    def clean(self):
        data = super().clean()
        if data.get("action") == RetentionDecision.Action.EXTEND and not data.get("extend_years"):
            self.add_error("extend_years", "延長する年数を入力してください。")
        if data.get("scope") == self.CHECKED and not data.get("posts"):
            self.add_error("posts", "対象の投稿にチェックを入れてください。")
        return data

    def post_ids(self) -> list[int] | None:
        """The posts checked, or None for every post due."""
        return self.cleaned_data["posts"] if self.cleaned_data["scope"] == self.CHECKED else None


class DecideForm(forms.Form):
    comment = forms.CharField(
        label="コメント",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="差し戻すときは理由を必ず書きます。",
    )


class ManualPostForm(InCityWords, forms.Form):
    text = forms.CharField(
        label="本文", required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 6}), strip=True
    )
    posted_on = JapaneseDateField(label="投稿した日", past_only=True)
    posted_time = forms.TimeField(label="投稿した時刻（日本時間）", help_text="例：9:30、18:05")
    file = forms.FileField(label="投稿の画像またはPDF", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = f"配信した画面の画像（PNG・JPEG・GIF）またはPDF。{size_label(settings.MAX_UPLOAD_BYTES)}まで。"

    def clean(self):
        data = super().clean()
        day, time = data.get("posted_on"), data.get("posted_time")
        if day and time:
            posted_at = datetime.combine(day, time, tzinfo=TOKYO)
            if posted_at > timezone.now():
                self.add_error("posted_time", "未来の時刻は入力できません。")
            data["posted_at"] = posted_at
        return data
