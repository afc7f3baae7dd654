"""Residents report a fake account from the registry (「なりすましを見つけたら」, issue 23, P-7-2).

No sign-in and no CAPTCHA: everyone must be able to use it. What bounds it is a budget of reports per
client address and one for everyone (settings REPORT_RATE, REPORT_TOTAL_RATE): a flood gets a clear
answer with Retry-After and never fills the security officer's queue. An account that is already
official, or already on the warning list, gets its answer at once and is not queued; the others are
kept as ResidentReport, which the discovery queue takes (discovery listens for new reports).
"""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_safe

from core.clientip import client_ip
from core.ratelimit import spend

from . import lookup
from .impersonations import impersonations_matching
from .models import AccountStatus, Platform, ResidentReport
from .selectors import accounts_matching_reference, platform_host_map

MAX_NOTE = 2000


class ReportForm(forms.Form):
    text = forms.CharField(
        label="アカウントのURLまたは @ユーザー名",
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": "例：https://x.com/komae_city_official"}),
        error_messages={"required": "アカウントのURLまたは @ユーザー名 を入力してください。"},
    )
    platform = forms.ChoiceField(
        label="SNS（@ユーザー名で知らせる場合）",
        required=False,
    )
    note = forms.CharField(
        label="気づいたこと（任意）",
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="どこで見かけたか、どんな投稿やメッセージがあったかなど。お名前や連絡先は書かないでください。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"].choices = [("", "URLから判断する"), *Platform.objects.values_list("code", "name")]

    def clean(self):
        data = super().clean()
        text = data.get("text")
        if not text:
            return data
        ref = lookup.parse_reference(text, platform_host_map())
        if ref is None or not (ref.handle or ref.account_id):
            self.add_error(
                "text",
                "URL または @ユーザー名 として読み取れませんでした。アカウントのページのURLを貼り付けてください。",
            )
            return data
        if ref.platform is None:
            if not data.get("platform"):
                self.add_error("platform", "@ユーザー名で知らせる場合は、SNSを選んでください。")
                return data
            ref = lookup.ProfileRef(platform=data["platform"], handle=ref.handle, account_id=ref.account_id)
        data["ref"] = ref
        return data


@dataclass(frozen=True)
class ReportAnswer:
    outcome: str  # ResidentReport.Outcome
    message: str


def _answer_at_once(ref) -> ReportAnswer | None:
    official = [a for a in accounts_matching_reference(ref) if a.status != AccountStatus.PREPARING]
    if official:
        account = official[0]
        return ReportAnswer(
            ResidentReport.Outcome.OFFICIAL,
            f"このアカウントは{settings.CITY_NAME}の公式アカウントです（{account.department.full_name}「{account.display_name}」）。"
            "なりすましではありません。",
        )
    if impersonations_matching(ref):
        return ReportAnswer(
            ResidentReport.Outcome.WARNED,
            f"このアカウントは、{settings.CITY_NAME}がすでになりすましと確認し、公式アカウント一覧でお知らせしています。"
            "お知らせいただきありがとうございます。",
        )
    return None


@transaction.atomic
def report_receive(*, ref, text: str, note: str) -> tuple[ReportAnswer, ResidentReport | None]:
    """Answer a resident's report: official or already warned at once, else keep it for the queue."""
    answer = _answer_at_once(ref)
    if answer is not None:
        return answer, None
    platform = Platform.objects.filter(code=ref.platform).first() if ref.platform else None
    report = ResidentReport.objects.create(
        text=text.strip()[:500],
        note=note.strip()[:MAX_NOTE],
        platform=platform,
        handle=(ref.handle or "")[:300],
        platform_account_id=(ref.account_id or "")[:100],
        outcome=ResidentReport.Outcome.QUEUED,
    )
    return ReportAnswer(
        ResidentReport.Outcome.QUEUED,
        f"お知らせいただきありがとうございます。{settings.CITY_NAME}で確認し、なりすましと確認したアカウントは"
        "公式アカウント一覧の「なりすましにご注意ください」に掲載します。",
    ), report


def _too_many(request, wait: int):
    message = f"通報の受付が混み合っています。{wait}秒ほど待ってから、もう一度お試しください。"
    response = render(request, "registry/too_many.html", {"message": message}, status=429)
    response["Retry-After"] = str(wait)
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def registry_report(request):
    """「なりすましを見つけたら」: the form, and the answer to a report."""
    form = ReportForm(request.POST or None)
    answer = None
    if request.method == "POST":
        address = client_ip(request)
        wait = spend("report", address, limit=settings.REPORT_RATE_LIMIT, seconds=settings.REPORT_RATE_SECONDS)
        if not wait:
            wait = spend(
                "report-total",
                "all",
                limit=settings.REPORT_TOTAL_RATE_LIMIT,
                seconds=settings.REPORT_TOTAL_RATE_SECONDS,
            )
        if wait:
            return _too_many(request, wait)
        if form.is_valid():
            answer, _ = report_receive(
                ref=form.cleaned_data["ref"], text=form.cleaned_data["text"], note=form.cleaned_data["note"]
            )
            if answer.outcome == ResidentReport.Outcome.QUEUED:
                return redirect("registry:report_done")
    response = render(request, "registry/report.html", {"form": form, "answer": answer})
    add_never_cache_headers(response)
    return response


@require_safe
def registry_report_done(request):
    return render(request, "registry/report_done.html")
