"""Forms of the 運用ポリシー screens: they validate and lay out; the services decide."""

from django import forms

from core.forms import JapaneseDateField

from .services import MAX_ARTICLE_CHARS, MAX_ARTICLES, MAX_HEADING_CHARS, MAX_TITLE_CHARS


class ArticleForm(forms.Form):
    heading = forms.CharField(label="見出し", max_length=MAX_HEADING_CHARS, required=False)
    body = forms.CharField(
        label="本文",
        required=False,
        max_length=MAX_ARTICLE_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="号は「・」で始まる行に、２項以降は空行のあとに書きます。番号は印刷時に付きます。",
    )


ArticleFormSet = forms.formset_factory(
    ArticleForm,
    extra=1,
    max_num=MAX_ARTICLES,
    validate_max=True,
    absolute_max=MAX_ARTICLES + 1,  # the blank extra form
)


class TitleForm(forms.Form):
    title = forms.CharField(label="表題", max_length=MAX_TITLE_CHARS)


class IssueForm(forms.Form):
    issued_on = JapaneseDateField(label="制定日・改正日")
    comment = forms.CharField(label="改正の理由など", required=False, widget=forms.Textarea(attrs={"rows": 3}))
