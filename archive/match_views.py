"""The 管理者's queue of posts nobody approved (issue 25; G-4-3-ア, カ): 「この投稿に心当たりはありますか」."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from core.errors import TransitionError

from .matching import MAX_REASON, accounts_to_answer, post_confirm, post_report, unconfirmed_posts
from .models import Post
from .permissions import ensure_can_answer_unmatched, ensure_can_see_archive, ensure_can_see_unconfirmed_queue


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="この投稿に心当たりはありますか",
        choices=[("confirm", "心当たりがある（事後確認）"), ("report", "心当たりがない（乗っ取りとして報告）")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="理由・状況",
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="事後確認では必須です（例：災害対応のため決裁前に投稿した）。",
    )


@login_required
@require_safe
def unconfirmed(request):
    ensure_can_see_unconfirmed_queue(request.user)
    posts = unconfirmed_posts(accounts_to_answer(request.user))
    page = Paginator(posts, 50).get_page(request.GET.get("page"))
    return render(request, "archive/unconfirmed.html", {"page": page, "posts": page.object_list, "form": AnswerForm()})


@login_required
@require_POST
def answer(request, pk: int):
    post = get_object_or_404(Post.objects.select_related("account"), pk=pk)
    ensure_can_see_archive(request.user, post.account)
    ensure_can_answer_unmatched(request.user, post.account)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["answer"] == "confirm":
                post_confirm(post_id=post.pk, actor=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, "事後確認として記録しました。")
            else:
                incident = post_report(post_id=post.pk, actor=request.user, note=form.cleaned_data["reason"])
                messages.success(request, "乗っ取りの疑いとしてインシデントを起票し、投稿を証拠に加えました。")
                return redirect("monitoring:incident", pk=incident.pk)
        except TransitionError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "「心当たりがある」か「心当たりがない」を選んでください。")
    return redirect("archive:unconfirmed")
