"""Forms of the archive's search and export pages; they validate and lay out only."""

from django import forms

from accounts.models import Platform
from core.forms import JapaneseDateField

from .search import MAX_WORDS, words_of


class _Period(forms.Form):
    """From – to, both days included; either may be left empty."""

    start = JapaneseDateField(label="期間（から）", required=False)
    end = JapaneseDateField(label="期間（まで）", required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "期間の終わりが始まりより前です。")
        return data


class SearchForm(_Period):
    q = forms.CharField(
        label="語句",
        required=False,
        max_length=100,
        help_text=(
            "2文字以上（1文字の語句はアカウントを選んだときだけ）。空白で区切ると、すべてを含む投稿を探します。"
            "全角・半角は区別しません。"
        ),
    )
    account = forms.ModelChoiceField(label="アカウント", required=False, queryset=None, empty_label="すべて")
    platform = forms.ChoiceField(label="SNS", required=False)
    field_order = ["q", "account", "platform", "start", "end"]

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts.order_by("platform__sort_order", "display_name")
        self.fields["account"].label_from_instance = lambda a: f"{a.display_name}（{a.platform.name} @{a.handle}）"
        self.fields["platform"].choices = [("", "すべて"), *Platform.objects.values_list("code", "name")]

    def clean_q(self):
        q = self.cleaned_data["q"]
        if len(words_of(q)) > MAX_WORDS:
            raise forms.ValidationError(f"語句は{MAX_WORDS}つまでにしてください。")
        return q


class ExportForm(_Period):
    FORMATS = [("csv", "CSV（表計算ソフト用）"), ("pdf", "PDF（画像を含む）"), ("warc", "WARC（取得した応答そのもの）")]

    account = forms.ModelChoiceField(label="アカウント", queryset=None, empty_label="選んでください")
    format = forms.ChoiceField(label="形式", choices=FORMATS, widget=forms.RadioSelect, initial="csv")
    field_order = ["account", "start", "end", "format"]

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts.order_by("platform__sort_order", "display_name")
        self.fields["account"].label_from_instance = lambda a: f"{a.display_name}（{a.platform.name} @{a.handle}）"
        for name in ("start", "end"):
            self.fields[name].label = self.fields[name].label.replace("期間", "書き出す期間")
