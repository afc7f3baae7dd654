"""/api/v1/ (issue 24): the registry, the 投稿前チェック, the archive and the incidents for other tools.

Each endpoint answers for the person the caller acts as, with the same selectors and permission
functions as that person's pages; a token reaches only the endpoints of its scopes. Refusals are JSON
`{"error": "…"}` in Japanese: 400 (naming the field), 401 (with WWW-Authenticate), 403, 404, 429
(with Retry-After). The OpenAPI document is /api/v1/openapi.json, its readable form /api/v1/docs.
"""

from datetime import date
from tempfile import SpooledTemporaryFile

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Query, Router
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from accounts.models import OfficialAccount, Platform
from accounts.registry import registry_row, verify
from accounts.selectors import accounts_public, accounts_visible_to
from archive.exports import CONTENT_TYPES, PDF_PAGE_MAX_POSTS, Selection, posts_export
from archive.models import Post
from archive.permissions import can_see_archive, ensure_can_export_archive, ensure_can_use_archive
from archive.search import MAX_WORDS, PAGE_SIZE, SearchRefused, in_period, run_search, words_of
from core.errors import TransitionError
from core.pdf import DocumentFontMissing
from monitoring import incidents as monitoring_incidents
from monitoring.models import Incident
from screening import services as screening
from screening.permissions import accounts_to_screen, can_screen, ensure_can_use_screening

from . import schemas as s
from .auth import AUTH, REALM, NotAuthenticated, RateLimited, ScopeMissing, need
from .models import Scope
from .tokens import TokenRefused

SPOOL_BYTES = 16 * 1024 * 1024
INCIDENTS_PER_PAGE = 50
MAX_QUERY_LENGTH = 500


class JapaneseJSON(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


class BadInput(Exception):
    """Input the schema let through that a rule refuses: 400 naming `field`."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


api = NinjaAPI(
    title=f"{settings.CITY_NAME} 公式SNSアカウント管理システム API",
    version="1",
    description=(
        "外部ツール用のAPIです。`Authorization: Bearer <トークン>` で呼び出します（トークンはシステム管理者が"
        "作成します）。トークンは作成した人として、その人の権限の範囲で、与えられた範囲（registry, screening, "
        "archive, incidents:read）のエンドポイントだけを使えます。"
    ),
    urls_namespace="api-v1",
    auth=AUTH,
    renderer=JapaneseJSON(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)

# The refusals every endpoint may give; each operation lists its own besides 200.
REFUSALS = {401: s.Error, 403: s.Error, 429: s.Error}


def _error(request, status: int, message: str, **extra):
    body = {"error": message, **{k: v for k, v in extra.items() if v is not None}}
    return api.create_response(request, body, status=status)


@api.exception_handler(NotAuthenticated)
@api.exception_handler(AuthenticationError)
def _no_credentials(request, exc):
    response = _error(request, 401, "APIトークンが必要です。Authorization: Bearer <トークン> を付けて送ってください。")
    response["WWW-Authenticate"] = REALM
    return response


@api.exception_handler(TokenRefused)
def _token_refused(request, exc):
    response = _error(request, 401, str(exc))
    response["WWW-Authenticate"] = f'{REALM}, error="invalid_token"'
    return response


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    response = _error(request, 403, str(exc) or "この操作をする権限がありません。")
    if isinstance(exc, ScopeMissing):
        response["WWW-Authenticate"] = f'{REALM}, error="insufficient_scope"'
    return response


@api.exception_handler(RateLimited)
def _too_many(request, exc):
    response = _error(request, 429, str(exc))
    response["Retry-After"] = str(exc.wait)
    return response


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "見つかりません（ないか、見る権限がありません）。")


@api.exception_handler(BadInput)
def _bad_input(request, exc):
    return _error(request, 400, str(exc), field=exc.field, fields=[exc.field])


# What pydantic says, in the words a person reads (the rest: 「値が正しくありません」).
PYDANTIC_WORDS = {
    "missing": "必須です",
    "string_too_short": "短すぎます（空にはできません）",
    "string_too_long": "長すぎます",
    "string_type": "文字列で指定してください",
    "int_parsing": "整数で指定してください",
    "int_type": "整数で指定してください",
    "greater_than_equal": "小さすぎます",
    "less_than_equal": "大きすぎます",
    "date_from_datetime_parsing": "日付（YYYY-MM-DD）で指定してください",
    "date_parsing": "日付（YYYY-MM-DD）で指定してください",
    "date_type": "日付（YYYY-MM-DD）で指定してください",
    "literal_error": "使える値ではありません",
    "enum": "使える値ではありません",
    "extra_forbidden": "知らない項目です",
    "model_attributes_type": "JSONオブジェクトを送ってください",
    "dict_type": "JSONオブジェクトを送ってください",
}
_WRAPPERS = {"body", "query", "path", "payload", "filters", "params"}


def _field_of(loc) -> str:
    """A pydantic location as the caller named it: ("body", "payload", "text") → "text"."""
    names = [str(part) for part in loc if str(part) not in _WRAPPERS]
    return ".".join(names) or "body"


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    problems = []
    for error in exc.errors:
        field = _field_of(error.get("loc", ()))
        problems.append((field, PYDANTIC_WORDS.get(error.get("type", ""), "値が正しくありません")))
    fields = list(dict.fromkeys(f for f, _ in problems))
    message = "入力が正しくありません：" + "、".join(f"{f}（{w}）" for f, w in problems)
    return _error(request, 400, message, field=fields[0] if fields else None, fields=fields)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 400:  # the only one django-ninja raises itself: a body that is not JSON
        return _error(request, 400, "リクエストの本文をJSONとして読めません。", field="body", fields=["body"])
    return _error(request, exc.status_code, str(exc))


# --- registry (scope: registry) ------------------------------------------------------------------

registry = Router(tags=["registry"])


@registry.get("/accounts", response={200: s.RegistryList, **REFUSALS}, summary="公式アカウントの一覧")
def registry_accounts(request):
    """公開一覧に載る公式アカウント（運用中・停止予告中・運用停止）。/registry/accounts.json と同じ項目です。"""
    need(request, Scope.REGISTRY)
    rows = [registry_row(a) for a in accounts_public()]
    return {"publisher": settings.CITY_NAME, "count": len(rows), "accounts": rows}


@registry.get("/verify", response={200: s.Verification, 400: s.Error, **REFUSALS}, summary="公式アカウントかの確認")
def registry_verify(request, q: str = Query(..., min_length=1, max_length=MAX_QUERY_LENGTH)):
    """貼り付けたURLや@ハンドルが公式アカウントかどうか。/registry/verify と同じ答えです。"""
    need(request, Scope.REGISTRY)
    return verify(q).as_json()


# --- screening (scope: screening) ----------------------------------------------------------------

screening_router = Router(tags=["screening"])


@screening_router.post("", response={200: s.ScreeningOut, 400: s.Error, **REFUSALS}, summary="投稿前チェック")
def screening_run(request, payload: s.ScreeningIn):
    """投稿前チェックの画面と同じ指摘を返します（何も記録しません）。account を指定すると、そのアカウントの
    SNSの文字数と過去の下書きとの重複も見ます（チェックできるアカウントに限ります）。account がないときは
    すべてのアカウントに共通のルールと、platform を指定すればそのSNSの文字数を見ます。"""
    caller = need(request, Scope.SCREENING)
    user = caller.user
    ensure_can_use_screening(user)
    platform = None
    try:
        if payload.account is not None:
            account = accounts_to_screen(user).filter(pk=payload.account).first()
            if account is None:
                other = OfficialAccount.objects.filter(pk=payload.account).first()
                if other is not None and not can_screen(user, other):
                    raise PermissionDenied("このアカウントの下書きをチェックする権限がありません。")
                raise BadInput("account", "そのIDのアカウントは見つからないか、投稿する状態ではありません。")
            findings = screening.screen_draft(account=account, text=payload.text)
            platform = account.platform
        else:
            if payload.platform:
                platform = Platform.objects.filter(code=payload.platform).first()
                if platform is None:
                    raise BadInput("platform", f"知らないSNSのコードです（{', '.join(_platform_codes())}）。")
            findings = screening.screen_text(text=payload.text, platform=platform)
    except TransitionError as exc:
        raise BadInput("text", str(exc)) from exc
    return {
        "account": payload.account,
        "platform": platform.code if platform else None,
        "findings": [{**f.as_dict(), "clause_label": settings.CITY.clause(f.clause)} for f in findings],
    }


def _platform_codes() -> list[str]:
    return list(Platform.objects.order_by("sort_order").values_list("code", flat=True))


@screening_router.get("/accounts", response={200: s.ScreenableAccounts, **REFUSALS}, summary="チェックできるアカウント")
def screening_accounts(request):
    """この利用者が下書きをチェックできるアカウント（id を投稿前チェックの account に使います）。"""
    caller = need(request, Scope.SCREENING)
    ensure_can_use_screening(caller.user)
    rows = accounts_to_screen(caller.user).order_by("platform__sort_order", "display_name")
    return {
        "accounts": [
            {
                "id": a.pk,
                "display_name": a.display_name,
                "platform": a.platform.code,
                "handle": a.handle,
                "status": a.status,
            }
            for a in rows
        ]
    }


# --- archive (scope: archive) --------------------------------------------------------------------

archive = Router(tags=["archive"])


def _visible_account(user, pk: int) -> OfficialAccount:
    """An account whose archive the caller sees: 403 for one of another 課, 400 for none at all."""
    account = OfficialAccount.objects.select_related("platform").filter(pk=pk).first()
    if account is None:
        raise BadInput("account", "そのIDのアカウントは見つかりません。")
    if not can_see_archive(user, account):
        raise PermissionDenied("このアカウントの保存した投稿は見られません。")
    return account


def _check_period(start, end) -> None:
    if start and end and end < start:
        raise BadInput("to", "期間の終わりが始まりより前です。")


@archive.get("/posts", response={200: s.ArchiveSearch, 400: s.Error, **REFUSALS}, summary="保存した投稿の検索")
def archive_posts(
    request,
    q: str = Query("", max_length=100, description="語句（空白で区切るとすべてを含む投稿）"),
    account: int | None = Query(None, ge=1),
    platform: str | None = Query(None, max_length=20),
    from_: str | None = Query(None, alias="from", pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD"),
    to: str | None = Query(None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD"),
    page: int = Query(1, ge=1, le=1000),
):
    """この利用者が見られるアカウントの保存した投稿を、新しい順に50件ずつ探します（保存した投稿の画面と同じ検索）。"""
    caller = need(request, Scope.ARCHIVE)
    user = caller.user
    ensure_can_use_archive(user)
    start, end = _day("from", from_), _day("to", to)
    _check_period(start, end)
    words = words_of(q)
    if len(words) > MAX_WORDS:
        raise BadInput("q", f"語句は{MAX_WORDS}つまでにしてください。")
    base = Post.objects.filter(account__in=list(accounts_visible_to(user=user).values_list("pk", flat=True)))
    if account is not None:
        base = base.filter(account=_visible_account(user, account))
    if platform:
        if platform not in _platform_codes():
            raise BadInput("platform", f"知らないSNSのコードです（{', '.join(_platform_codes())}）。")
        base = base.filter(account__platform__code=platform)
    base = in_period(base, start, end)
    try:
        result = run_search(base, words, scan_allowed=account is not None, page=page)
    except SearchRefused as exc:
        raise BadInput("q", str(exc)) from exc
    return {
        "page": result.page,
        "per_page": PAGE_SIZE,
        "total": result.total,
        "more": result.more,
        "has_next": result.has_next,
        "posts": [
            {
                "id": p.pk,
                "account": p.account_id,
                "account_name": p.account.display_name,
                "platform": p.account.platform.code,
                "post_id": p.post_id,
                "url": p.url,
                "published_at": p.published_at,
                "text": p.text,
                "versions": p.versions_count,
                "gone_at": p.gone_at,
                "by_hand": p.by_hand,
            }
            for p in result.posts
        ],
    }


def _day(field: str, value: str | None):
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise BadInput(field, "日付（YYYY-MM-DD）で指定してください。") from exc


EXPORT_RESPONSES = {
    "200": {
        "description": "書き出したファイル（添付）",
        "content": {
            CONTENT_TYPES["csv"].split(";")[0]: {"schema": {"type": "string"}},
            CONTENT_TYPES["pdf"]: {"schema": {"type": "string", "format": "binary"}},
            CONTENT_TYPES["warc"]: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@archive.post(
    "/export",
    response={400: s.Error, **REFUSALS},
    summary="保存した投稿の書き出し",
    openapi_extra={"responses": EXPORT_RESPONSES},
)
def archive_export(request, payload: s.ExportIn):
    """1つのアカウントの期間の投稿をファイル（CSV・PDF・WARC）で書き出します（情報公開請求）。書き出しは
    監査記録に残ります（トークンと、その利用者の名前で）。書き出せるのは、そのアカウントの保存した投稿を
    見られる市の職員です（委託業者は書き出せません）。"""
    caller = need(request, Scope.ARCHIVE)
    user = caller.user
    ensure_can_use_archive(user)
    account = _visible_account(user, payload.account)
    ensure_can_export_archive(user, account)
    _check_period(payload.from_, payload.to)
    selection = Selection(account=account, start=payload.from_, end=payload.to)
    fmt = payload.format
    if fmt == "pdf" and (count := selection.posts().count()) > PDF_PAGE_MAX_POSTS:
        raise BadInput(
            "format",
            f"この期間の投稿は{count:,}件です。PDFは一度に{PDF_PAGE_MAX_POSTS:,}件まで書き出せます。"
            "期間を分けるか、CSV・WARCで書き出してください。",
        )
    out = SpooledTemporaryFile(max_size=SPOOL_BYTES)  # FileResponse closes it
    try:
        posts_export(selection=selection, fmt=fmt, out=out, actor=caller.actor, made_by=user.display_name)
    except DocumentFontMissing as exc:
        out.close()
        raise BadInput("format", str(exc)) from exc
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=selection.filename(fmt), content_type=CONTENT_TYPES[fmt])


# --- incidents (scope: incidents:read) -----------------------------------------------------------

incidents = Router(tags=["incidents"])


def _incident_summary(incident: Incident) -> dict:
    account = incident.account
    return {
        "id": incident.pk,
        "account": {
            "id": account.pk,
            "display_name": account.display_name,
            "platform": account.platform.code,
            "handle": account.handle,
            "department": account.department.full_name,
        },
        "kind": incident.kind,
        "kind_label": incident.get_kind_display(),
        "status": incident.status,
        "title": incident.title,
        "opened_at": incident.opened_at,
        "closed_at": incident.closed_at,
    }


@incidents.get("", response={200: s.IncidentList, 400: s.Error, **REFUSALS}, summary="インシデントの一覧")
def incident_list(
    request,
    status: str = Query("open", pattern="^(open|closed|all)$", description="open（対応中）, closed（完了）, all"),
    page: int = Query(1, ge=1, le=100000),
):
    """この利用者が見られるアカウントのインシデントを、新しい順に50件ずつ返します。"""
    caller = need(request, Scope.INCIDENTS_READ)
    qs = monitoring_incidents.incidents_visible_to(user=caller.user)
    if status != "all":
        qs = qs.filter(status=status)
    paginator = Paginator(qs.order_by("-opened_at", "-pk"), INCIDENTS_PER_PAGE)
    if page > paginator.num_pages:
        raise BadInput("page", f"ページは{paginator.num_pages}までです。")
    rows = paginator.page(page).object_list
    return {
        "page": page,
        "pages": paginator.num_pages,
        "count": paginator.count,
        "incidents": [_incident_summary(i) for i in rows],
    }


@incidents.get("/{int:incident_id}", response={200: s.Incident, 404: s.Error, **REFUSALS}, summary="インシデント")
def incident_detail(request, incident_id: int):
    """インシデント1件と、その手順・証拠ファイル（名前とハッシュ）。"""
    caller = need(request, Scope.INCIDENTS_READ)
    incident = get_object_or_404(monitoring_incidents.incidents_visible_to(user=caller.user), pk=incident_id)
    return {
        **_incident_summary(incident),
        "description": incident.description,
        "anomaly": incident.anomaly,
        "reported_to_head_at": incident.reported_to_head_at,
        "reported_to_ciso_at": incident.reported_to_ciso_at,
        "steps": [
            {
                "label": step.label,
                "done_at": step.done_at,
                "done_by": step.done_by.display_name if step.done_by else None,
                "note": step.note,
            }
            for step in incident.steps.select_related("done_by").order_by("order")
        ],
        "evidence": [
            {
                "name": e.original_name,
                "content_type": e.content_type,
                "size": e.size,
                "sha256": e.sha256,
                "uploaded_at": e.uploaded_at,
            }
            for e in incident.evidence.order_by("uploaded_at", "pk")
        ],
    }


api.add_router("/registry", registry)
api.add_router("/screening", screening_router)
api.add_router("/archive", archive)
api.add_router("/incidents", incidents)
