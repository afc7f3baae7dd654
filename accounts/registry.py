"""The public registry of official accounts (P-7, P-8): no login, read-only, citizens and press."""

import json
from dataclasses import dataclass, field
from datetime import datetime, time

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_cookie, vary_on_headers

from core.clientip import client_ip
from core.dates import to_wareki
from core.exports import csv_response
from core.ratelimit import spend

from . import lookup, peers, probe
from .forms import SearchForm
from .impersonations import impersonations_matching, warning_list, warning_row
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
    # What `kind` (the JSON's "result") may be. Issue 24 adds a peer municipality's account ("other_body")
    # and an account two peers both claim ("disputed", 要確認): the API documents this list.
    KINDS = (
        "official",
        "notice",
        "suspended",
        "closed",
        "impersonation",
        "other_body",
        "disputed",
        "not_found",
        "unrecognized",
    )

    query: str
    kind: str  # one of KINDS
    message: str
    recognized: lookup.ProfileRef | None = None
    accounts: list = field(default_factory=list)
    impersonations: list = field(default_factory=list)  # the city's confirmed なりすまし it points at (P-7-2)
    # Issue 24: the peers (other municipalities) the answer rests on, and their rows it points at.
    bodies: list = field(default_factory=list)  # peers.body_of(peer) of each body named
    peer_accounts: list = field(default_factory=list)  # PeerAccount
    peer_impersonations: list = field(default_factory=list)  # PeerImpersonation

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
        if self.kind == "impersonation":
            who = self.bodies[0]["name"] if self.bodies and not self.impersonations else settings.CITY_NAME
            return f"確認結果：{who}が確認したなりすましアカウントです"
        if self.kind == "other_body":
            return f"確認結果：{self.bodies[0]['name']}の公式アカウントです（{settings.CITY_NAME}のものではありません）"
        if self.kind == "disputed":
            return "確認結果：要確認"
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
            "accounts": [registry_row(a) for a in self.accounts] + [peer_row(a) for a in self.peer_accounts],
            "impersonations": [warning_row(e) for e in self.impersonations]
            + [peer_warning_row(e) for e in self.peer_impersonations],
            # Issue 24: who answers for an account of another municipality, and when its list was read.
            "bodies": self.bodies,
        }


def _body_ref(peer) -> dict:
    return {"name": peer.name, "code": peer.body_code}


def peer_row(account) -> dict:
    """A peer's official account: registry_row's keys the peer's list gives, and the body it is of."""
    return {
        "body": _body_ref(account.peer),
        "department": account.department,
        "platform": account.platform_name,
        "display_name": account.display_name,
        "handle": f"@{account.handle}",
        "profile_url": account.profile_url,
        "status": account.status,
        "status_label": account.status_label,
    }


def peer_warning_row(entry) -> dict:
    """A peer's confirmed impersonator: warning_row's keys, and the body that confirmed it."""
    return {
        "body": _body_ref(entry.peer),
        "platform": entry.platform_name,
        "handle": f"@{entry.handle}",
        "display_name": entry.display_name,
        "profile_url": entry.profile_url,
        "imitates": entry.imitates,
        "confirmed_on": entry.confirmed_on,
        "gone": entry.gone_at is not None,
        "gone_at": timezone.localtime(entry.gone_at) if entry.gone_at else None,
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
    # Issue 24: one query first says which lists name it at all; only those are read (accounts/probe.py).
    named = probe.lists_naming(ref)
    found = []
    if probe.OWN in named:
        found = [a for a in accounts_matching_reference(ref) if a.status != AccountStatus.PREPARING]
    if not found and probe.OWN_WARNING in named and (fakes := impersonations_matching(ref)):
        return _impersonation_verdict(query, ref, fakes)  # the city's own registry always wins
    if not found and named & {probe.PEER, probe.PEER_WARNING} and (answer := _peer_verdict(query, ref, named)):
        return answer  # issue 24: another municipality's list names it
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


def _impersonation_verdict(query: str, ref, fakes: list) -> Verdict:
    """P-7-2: the city has confirmed that the account imitates one of its own: say so, with the real one."""
    fake = fakes[0]
    official = fake.imitates
    confirmed = to_wareki(fake.confirmed_on)
    message = (
        f"{settings.CITY_NAME}が{confirmed}に確認した、なりすましアカウントです。"
        f"{settings.CITY_NAME}の公式アカウント「{official.display_name}」"
        f"（{official.platform.name} @{official.handle}）をまねています。"
        "フォローやメッセージへの返信、リンクの閲覧、個人情報の入力はしないでください。"
    )
    if fake.gone_at:
        gone = to_wareki(timezone.localdate(fake.gone_at))
        message += f"このアカウントは{gone}にSNS上から削除されたことを確認しています。"
    return Verdict(query, "impersonation", message, ref, impersonations=fakes)


def _bodies(rows) -> dict:
    """{body key: peer} of the rows' peers; a body is its code, or its list where it gives none."""
    bodies = {}
    for row in rows:
        bodies.setdefault(row.peer.body_code or row.peer.url, row.peer)
    return bodies


def _peer_verdict(query: str, ref, named: set[str]) -> Verdict | None:
    """Issue 24: what the peers' lists say of an account this city's registry does not know.

    Exactly one body lists it as its official account: "other_body", naming the body and when its list
    was read — never "official", which is this city's answer alone. One or more bodies confirmed it as
    an impersonator (and none lists it as official): "impersonation", naming the body. Two bodies
    claiming it, or one claiming and another warning: "disputed" (要確認), no answer either way."""
    accounts = peers.peer_accounts_matching(ref) if probe.PEER in named else []
    fakes = peers.peer_impersonations_matching(ref) if probe.PEER_WARNING in named else []
    if not accounts and not fakes:
        return None
    claiming, warning = _bodies(accounts), _bodies(fakes)
    everyone = {**warning, **claiming}
    bodies = [peers.body_of(p) for p in everyone.values()]
    if len(claiming) > 1 or (claiming and set(warning) - set(claiming)):
        names = "・".join(p.name for p in everyone.values())
        message = (
            f"{names}の公式アカウント一覧の内容が食い違っているため、この画面では判断できません。"
            f"それぞれの団体のホームページで確かめてください。{settings.CITY_NAME}の公式アカウントではありません。"
        )
        return Verdict(
            query, "disputed", message, ref, bodies=bodies, peer_accounts=accounts, peer_impersonations=fakes
        )
    if claiming:
        peer = next(iter(claiming.values()))
        mine = [a for a in accounts if a.peer_id == peer.pk]
        best = mine[0]
        status = f"（{best.status_label}）" if best.status not in ("", "active") and best.status_label else ""
        message = (
            f"このアカウントは{peer.name}の公式アカウント{status}として、{peer.name}の一覧に掲載されています"
            f"（{peers.read_words(peer)}）。{settings.CITY_NAME}の公式アカウントではありません。"
        )
        if best.department:
            message = message.replace("として、", f"（{best.department}）として、", 1)
        return Verdict(query, "other_body", message, ref, bodies=bodies, peer_accounts=mine)
    peer = next(iter(warning.values()))
    fake = fakes[0]
    official = fake.imitates or {}
    imitates = ""
    if official.get("display_name") or official.get("handle"):
        imitates = (
            f"{peer.name}の公式アカウント「{official.get('display_name', '')}」"
            f"（{official.get('platform', '')} {official.get('handle', '')}）をまねています。"
        )
    confirmed = f"{peers.wareki(fake.confirmed_on)}に" if fake.confirmed_on else ""
    message = (
        f"{peer.name}が{confirmed}確認し、{peer.name}の一覧で知らせている、なりすましアカウントです"
        f"（{peers.read_words(peer)}）。{imitates}"
        "フォローやメッセージへの返信、リンクの閲覧、個人情報の入力はしないでください。"
    )
    return Verdict(query, "impersonation", message, ref, bodies=bodies, peer_impersonations=fakes)


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
            "warnings": [warning_row(e) for e in warning_list()],
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
        # Issue 24: the shape's version (peers read format 1, without this key, too), the city's
        # 全国地方公共団体コード and site; each row adds its platform's code and permanent ID.
        "format": peers.FORMAT,
        "publisher": settings.CITY_NAME,
        "publisher_code": settings.CITY_CODE,
        "site": settings.CITY_HOMEPAGE_URL,
        "generated_at": timezone.now(),
        "accounts": [
            {**registry_row(a), "platform_code": a.platform.code, "platform_account_id": a.platform_account_id}
            for a in accounts_public()
        ],
        # Issue 23 (P-7-2): the accounts the city confirmed as impersonating its own.
        "impersonations": [
            {**warning_row(e), "platform_code": e.platform.code, "platform_account_id": e.platform_account_id}
            for e in warning_list()
        ],
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


# --- the public warning list (P-7-2, issue 23): also as CSV and an Atom feed ------------------------

WARNING_CSV_COLUMNS = [
    ("platform", "SNS"),
    ("handle", "ユーザー名"),
    ("display_name", "表示名"),
    ("profile_url", "URL"),
    ("imitates_name", "まねている公式アカウント"),
    ("imitates_url", "公式アカウントのURL"),
    ("confirmed_on", "市が確認した日"),
    ("gone_label", "SNS上での状況"),
]


def _warning_cells(entry) -> dict:
    row = warning_row(entry)
    official = row["imitates"]
    gone = row["gone_at"]
    return {
        **row,
        "handle": entry.handle,  # without "@": a cell must not start a formula
        "imitates_name": f"{official['display_name']}（{official['platform']} {official['handle']}）",
        "imitates_url": official["profile_url"],
        "gone_label": f"削除を確認（{gone:%Y-%m-%d}）" if gone else "確認時点で存在",
    }


@require_safe
@kept_until_changed(_everyone)
def registry_warnings_csv(request):
    rows = [[_warning_cells(e)[key] for key, _ in WARNING_CSV_COLUMNS] for e in warning_list()]
    return csv_response(
        ascii_name="impersonation-warnings.csv",
        filename=f"{settings.CITY_NAME}なりすましアカウント一覧.csv",
        header=[label for _, label in WARNING_CSV_COLUMNS],
        rows=rows,
    )


@require_safe
@kept_until_changed(_everyone)
def registry_warnings_atom(request):
    """The warning list as an Atom feed (RFC 4287): a resident's or a newsroom's reader hears of each
    impersonator the city confirms, and of one the platform removed (the entry is updated)."""
    entries = list(warning_list()[:100])
    feed_url = request.build_absolute_uri()
    updated = max([timezone.now().replace(microsecond=0)] if not entries else [_entry_updated(e) for e in entries])
    body = render(
        request,
        "registry/warnings.atom",
        {
            "entries": [(e, _warning_cells(e), _entry_updated(e)) for e in entries],
            "feed_url": feed_url,
            "registry_url": request.build_absolute_uri(reverse("registry:list")),
            "updated": updated,
        },
        content_type="application/atom+xml; charset=utf-8",
    )
    return body


def _entry_updated(entry):
    """When an entry last changed for the public: confirmed (the start of that day) or found gone."""
    start = timezone.make_aware(datetime.combine(entry.confirmed_on, time.min))
    return max(start, entry.gone_at) if entry.gone_at else start
