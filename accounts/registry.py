"""The public registry of official accounts (P-7, P-8): no login, read-only, citizens and press."""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_cookie, vary_on_headers

from core.clientip import client_ip
from core.dates import to_wareki
from core.exports import csv_response
from core.ratelimit import spend

from . import lookup
from .forms import SearchForm
from .models import PUBLIC_STATUSES, AccountStatus, OfficialAccount
from .registry_cache import kept_until_changed, shared_page
from .selectors import (
    account_search,
    accounts_matching_reference,
    accounts_public,
    platform_host_map,
    registry_entries,
)

MAX_QUERY_LENGTH = 500


def registry_row(account: OfficialAccount) -> dict:
    """Return what the public may know of an account: the same keys in HTML, JSON and CSV."""
    successor = account.successor
    return {
        "department": account.department.full_name,
        "platform": account.platform.name,
        "display_name": account.display_name,
        "handle": f"@{account.handle}",
        "profile_url": account.profile_url,
        "status": account.status,
        "status_label": account.get_status_display(),
        "verification": account.get_verification_status_display(),
        # P-7-3: the badge as the platform itself showed it at the last status check (None: not read, or
        # the platform does not say), and that reading's day; the words say both.
        "platform_verified": account.platform_verified if account.platform_verification_read_on else None,
        "platform_verification_read_on": account.platform_verification_read_on,
        "platform_verification": account.platform_verification_words,
        "homepage_url": account.homepage_url,
        "suspension_reason": account.suspension_reason,
        "notice_ends_on": account.notice_ends_on,
        "suspended_on": account.suspended_on,
        "successor_name": successor.display_name if successor else "",
        "successor_platform": successor.platform.name if successor else "",
        "successor_handle": f"@{successor.handle}" if successor else "",
        "successor_label": successor.label if successor else "",
        "successor_url": successor.profile_url if successor else "",
    }


@dataclass
class Verdict:
    query: str
    kind: str  # official | notice | suspended | closed | not_found | unrecognized
    message: str
    recognized: lookup.ProfileRef | None = None
    accounts: list = field(default_factory=list)

    @property
    def is_official(self) -> bool:
        return self.kind in ("official", "notice")

    @property
    def heading(self) -> str:
        """The answer in a few words: the page's heading and the start of its title (2.4.2)."""
        if self.is_official:
            return "確認結果：公式アカウントです"
        if self.kind in ("suspended", "closed"):
            return "確認結果：運用を停止した公式アカウントです"
        if self.kind == "not_found":
            return "確認結果：公式アカウントではありません"
        return "確認結果：読み取れませんでした"

    def as_json(self) -> dict:
        ref = self.recognized
        return {
            "query": self.query,
            "result": self.kind,
            "official": self.is_official,
            "message": self.message,
            "recognized": {"platform": ref.platform, "handle": ref.handle, "account_id": ref.account_id}
            if ref
            else None,
            "accounts": [registry_row(a) for a in self.accounts],
        }


def verify(query: str) -> Verdict:
    """Answer "is this URL or @handle an official account of the city?" (P-7)."""
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    ref = lookup.parse_reference(query, platform_host_map()) if query else None
    if ref is None or not (ref.handle or ref.account_id):
        return Verdict(
            query,
            "unrecognized",
            "URL または @ユーザー名 として読み取れませんでした。アカウントのプロフィールURLを貼り付けてください。",
            ref,
        )
    found = [a for a in accounts_matching_reference(ref) if a.status != AccountStatus.PREPARING]
    if not found:
        return Verdict(
            query,
            "not_found",
            f"{settings.CITY_NAME}の公式アカウントとして登録されていません。なりすましの可能性があります。"
            "フォローや個人情報の入力はお控えください。",
            ref,
        )
    # One reference may match the same handle on several platforms when no URL was pasted.
    order = [AccountStatus.ACTIVE, AccountStatus.NOTICE, AccountStatus.SUSPENDED, AccountStatus.CLOSED]
    found.sort(key=lambda a: order.index(a.status))
    best = found[0]
    if best.status == AccountStatus.ACTIVE:
        kind, message = "official", f"{settings.CITY_NAME}の公式アカウントです（{best.department.full_name}）。"
        if ref.platform is None:
            # Only a name was given: impersonators reuse the same name on other services (P-7).
            where = "・".join(sorted({a.platform.name for a in found if a.status == AccountStatus.ACTIVE}))
            message = (
                f"このユーザー名は、{where}上の{settings.CITY_NAME}の公式アカウントです（{best.department.full_name}）。"
                "他のSNSで同じ名前のアカウントは公式ではありません。URLで確かめると確実です。"
            )
    elif best.status == AccountStatus.NOTICE:
        kind = "notice"
        ends = to_wareki(best.notice_ends_on)
        message = f"{settings.CITY_NAME}の公式アカウントですが、{ends}をもって運用を停止する予定です。"
    elif best.status == AccountStatus.SUSPENDED:
        kind = "suspended"
        message = f"{settings.CITY_NAME}の公式アカウントでしたが、運用を停止しています。新しい情報は掲載されません。"
    else:
        kind, message = "closed", f"{settings.CITY_NAME}の公式アカウントでしたが、サービスの終了により閉鎖しています。"
    return Verdict(query, kind, message, ref, found)


def _wants_json(request) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def _list_variant(request) -> list[str] | None:
    """What the list depends on: the filters as typed (the form shows them again)."""
    values = [request.GET.get(name, "") for name in ("q", "platform", "status")]
    if not shared_page(request) or any(len(v) > MAX_QUERY_LENGTH for v in values):
        return None
    return ["filtered" if request.GET else "", *values]


def _verify_variant(request) -> list[str] | None:
    """What the lookup depends on: HTML or JSON, and the query as pasted (the page shows it again)."""
    query = request.GET.get("q", "")
    if len(query) > MAX_QUERY_LENGTH:
        return None
    if _wants_json(request):
        return ["json", query]
    return ["html", query] if shared_page(request) else None


def _everyone(request) -> list[str]:
    return []


@require_safe
@vary_on_cookie  # base.html shows a signed-in person's menu: only anonymous answers are shared
@kept_until_changed(_list_variant)
def registry_list(request):
    form = SearchForm(request.GET or None, statuses=[(s.value, s.label) for s in PUBLIC_STATUSES])
    qs = accounts_public()
    if form.is_valid():
        qs = account_search(qs, **form.cleaned_data)
    entries = registry_entries(qs)
    return render(
        request,
        "registry/list.html",
        {
            "form": form,
            "operating": [e for e in entries if e["status"] != AccountStatus.SUSPENDED],
            "suspended": [e for e in entries if e["status"] == AccountStatus.SUSPENDED],
        },
    )


@require_safe
@vary_on_headers("Accept", "Cookie")  # the same URL answers HTML or JSON: caches must keep them apart
@kept_until_changed(_verify_variant)
def registry_verify(request):
    # Only lookups worked out here count (a kept answer is served before this view): residents behind
    # one shared address still get the answer everyone asks for, and a flood of distinct queries from
    # one address cannot take the workers (issue 20).
    wait = spend("lookup", client_ip(request), limit=settings.LOOKUP_RATE_LIMIT, seconds=settings.LOOKUP_RATE_SECONDS)
    if wait:
        return _too_many_lookups(request, wait)
    query = request.GET.get("q", "")
    verdict = verify(query) if query.strip() else None
    if _wants_json(request):
        if verdict is None:
            return JsonResponse({"error": "q に URL または @ユーザー名 を指定してください。"}, status=400)
        return JsonResponse(verdict.as_json(), encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})
    return render(request, "registry/verify.html", {"query": query, "verdict": verdict})


def _too_many_lookups(request, wait: int) -> HttpResponse:
    message = f"確認の回数が多すぎます。{wait}秒ほど待ってから、もう一度お試しください。"
    if _wants_json(request):
        response = JsonResponse({"error": message}, status=429, json_dumps_params={"ensure_ascii": False})
    else:
        response = render(request, "registry/too_many.html", {"message": message}, status=429)
    response["Retry-After"] = str(wait)
    add_never_cache_headers(response)
    return response


@require_safe
@kept_until_changed(_everyone)
def registry_json(request):
    payload = {
        "publisher": settings.CITY_NAME,
        "generated_at": timezone.now(),
        "accounts": [registry_row(a) for a in accounts_public()],
    }
    body = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def csv_filename() -> str:
    return f"{settings.CITY_NAME}公式SNSアカウント一覧.csv"


CSV_COLUMNS = [
    ("department", "所管課"),
    ("platform", "SNS"),
    ("display_name", "アカウント名"),
    ("handle", "ユーザー名"),
    ("profile_url", "URL"),
    ("status_label", "状態"),
    ("verification", "認証"),
    ("suspended_on", "運用停止日"),
    ("suspension_reason", "停止の理由"),
    ("successor_label", "今後の情報提供元"),
    ("successor_url", "今後の情報提供元のURL"),
    # P-7-3 (issue 23): added last, so that a reader of the columns above by position keeps working.
    ("platform_verification", "SNS上の認証表示"),
]


@require_safe
@kept_until_changed(_everyone)
def registry_csv(request):
    rows = []
    for account in accounts_public():
        row = {**registry_row(account), "handle": account.handle}  # without "@": a cell must not start a formula
        rows.append([row[key] for key, _ in CSV_COLUMNS])
    return csv_response(
        ascii_name="official-sns-accounts.csv",  # the city's name is in the UTF-8 name
        filename=csv_filename(),
        header=[label for _, label in CSV_COLUMNS],
        rows=rows,
    )
