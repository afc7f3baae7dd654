"""Federation of registries (issue 24): other municipalities' lists of official accounts, read here.

Each city keeps its own registry and publishes it at /registry/accounts.json; an instance reads its
peers' lists (the profile's [registry] peers, REGISTRY_PEERS, or added by the sysadmin) so that
/registry/verify can tell a resident "this is 〇〇市's official account" — never "official", which is
this city's answer alone. What is read is a cached copy, replaced whole on a good answer; a peer that
fails keeps its last good copy and is shown as stale since when.

The fetch goes through the outbound guard (core.outbound): a peer URL the operator configured may be
on an internal address (a prefecture's own network), as a configured platform base may; every
redirect hop is checked again and must stay at the configured URL's own origin, so a redirect from it
elsewhere inside (or anywhere else) is refused. The answer is streamed within a size cap and a
deadline, then validated before anything is written.

The accounts.json shape (format 2, `"format": 2`) adds "publisher_code" (全国地方公共団体コード) and
"site" to what format 1 published ("publisher", "generated_at", "accounts", "impersonations"), and
"platform_code" and "platform_account_id" to each row; a list without "format" is format 1.
"""

import hashlib
import json
import os
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.audit import audit_record
from core.dates import to_wareki
from core.errors import TransitionError
from core.models import AuditEvent
from core.municipal import municipality_code_problem, peer_url_problem
from core.outbound import OutboundRefused, check_url, guarded_client, origin_of

from . import lookup
from .models import OfficialAccount, PeerAccount, PeerImpersonation, PeerRegistry, Platform
from .registry_cache import registry_changed

FORMAT = 2  # what this instance publishes (accounts.json's "format")
FORMATS = (1, 2)  # what it reads
MAX_REDIRECTS = 3
MAX_IMPERSONATIONS = 2000
# The longest value of each field a peer's row may carry (characters); a longer one refuses the list.
LIMITS = {
    "platform": 50,
    "platform_code": 30,
    "handle": 300,
    "platform_account_id": 100,
    "profile_url": 2000,
    "display_name": 200,
    "department": 200,
    "status": 20,
    "status_label": 50,
}


class PeerProblem(Exception):
    """Why a peer's answer was refused, in Japanese (the page and the command show it)."""


# --- configuration --------------------------------------------------------------------------------


def configured_peers() -> tuple[str, list[str]]:
    """(source, URLs) of the peers the operator configured: REGISTRY_PEERS when set, else the profile."""
    source = PeerRegistry.Source.ENV if os.environ.get("REGISTRY_PEERS") is not None else PeerRegistry.Source.PROFILE
    return source, list(settings.REGISTRY_PEERS)


@transaction.atomic
def sync_configured() -> None:
    """Make the rows of the configured peers match the configuration (at each fetch and on the page):
    a configured URL is read; one no longer configured is no longer read (its row and history stay).
    Configuration is the operator's record of these; nothing here is a person's change to audit."""
    source, urls = configured_peers()
    rows = {p.url: p for p in PeerRegistry.objects.select_for_update()}
    changed = False
    for url in urls:
        peer = rows.get(url)
        if peer is None:
            PeerRegistry.objects.create(url=url, source=source)
            changed = True
        elif peer.source != source or not peer.active:
            peer.source, peer.active, peer.deactivated_at, peer.deactivated_by = source, True, None, None
            peer.save(update_fields=["source", "active", "deactivated_at", "deactivated_by"])
            changed = True
    for peer in rows.values():
        if peer.configured and peer.active and peer.url not in urls:
            peer.active, peer.deactivated_at = False, timezone.now()
            peer.save(update_fields=["active", "deactivated_at"])
            changed = True
    if changed:
        registry_changed()


# --- the sysadmin's page: add and remove (each locked and audited) ---------------------------------


@transaction.atomic
def peer_add(*, url: str, actor) -> PeerRegistry:
    """A peer's accounts.json URL the sysadmin adds on the page (the caller checks the right)."""
    url = (url or "").strip()
    if problem := peer_url_problem(url):
        raise TransitionError(f"{problem}。")
    if not urlsplit(url).path.endswith(".json"):
        raise TransitionError("他の団体の公式アカウント一覧（…/registry/accounts.json）のURLを入力してください。")
    own = urljoin(settings.SITE_URL.rstrip("/") + "/", "registry/accounts.json") if settings.SITE_URL else ""
    if own and origin_of(url) == origin_of(own) and urlsplit(url).path == urlsplit(own).path:
        raise TransitionError("当市自身の一覧は登録できません。")
    existing = PeerRegistry.objects.select_for_update().filter(url=url).first()
    if existing is not None and existing.active:
        raise TransitionError("このURLはすでに登録されています。")
    if existing is not None:  # added again after it was removed: the same row, its history kept
        existing.active, existing.deactivated_at, existing.deactivated_by = True, None, None
        existing.source, existing.added_at, existing.added_by = PeerRegistry.Source.PAGE, timezone.now(), actor
        existing.save()
        peer = existing
    else:
        peer = PeerRegistry.objects.create(url=url, source=PeerRegistry.Source.PAGE, added_by=actor)
    audit_record(
        target=peer, actor=actor, action=AuditEvent.Action.CREATED, summary=f"他団体の一覧を追加（{url}）"[:200]
    )
    registry_changed()
    return peer


@transaction.atomic
def peer_remove(*, peer_id: int, actor) -> PeerRegistry:
    """Stop reading a peer the sysadmin added (its row and trail stay; its accounts are no longer
    answered). A configured one is removed from the profile or REGISTRY_PEERS, not here."""
    peer = PeerRegistry.objects.select_for_update().get(pk=peer_id)
    if peer.configured:
        raise TransitionError("プロファイルまたは環境変数で設定された一覧は、その設定から外してください。")
    if not peer.active:
        raise TransitionError("この一覧はすでに外されています。")
    peer.active, peer.deactivated_at, peer.deactivated_by = False, timezone.now(), actor
    peer.save(update_fields=["active", "deactivated_at", "deactivated_by"])
    audit_record(
        target=peer,
        actor=actor,
        action=AuditEvent.Action.TRANSITION,
        summary=f"他団体の一覧を外す（{peer.name}）"[:200],
        from_state="読み取る",
        to_state="外した",
    )
    registry_changed()
    return peer


# --- reading one peer's answer (no database: threads run this) --------------------------------------


@dataclass
class Download:
    status: str  # "ok", "not_modified" or "failed"
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""
    error: str = ""


def _deadline_error(timeout: float) -> str:
    return f"応答が終わりません（{timeout:.0f}秒で打ち切りました）"


def download(
    url: str, *, client: httpx.Client, etag: str = "", last_modified: str = "", timeout: float, max_bytes: int
) -> Download:
    """GET a peer's list: conditional, through the guard, redirects only within its own origin, the
    body within `max_bytes` and the whole answer within `timeout` seconds. Never raises."""
    base = "{}://{}:{}".format(*origin_of(url))
    headers = {"Accept": "application/json"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + timeout
    try:
        check_url(url, hosts=(), bases=[base])
        for _ in range(MAX_REDIRECTS + 1):
            with client.stream("GET", url, headers=headers, follow_redirects=False) as response:
                if response.status_code == 304:  # httpx counts every 3xx as a redirect: this one is not
                    return Download("not_modified")
                if response.is_redirect:
                    try:
                        location = urljoin(url, response.headers.get("location", ""))
                        host = urlsplit(location).hostname or "?"
                        check_url(location, hosts=(), bases=[base])
                    except ValueError:
                        return Download("failed", error="転送先のURLが読み取れません")
                    except OutboundRefused:
                        return Download(
                            "failed",
                            error=f"設定されたURLの外へ転送されます（{host}）。転送先を使うには、そのURLを登録してください",
                        )
                    url = location
                    continue
                if response.status_code != 200:
                    return Download("failed", error=f"HTTP {response.status_code} が返りました")
                too_large = f"大きすぎます（上限 {max_bytes // 1024:,} KB）"
                declared = response.headers.get("content-length", "").strip()
                if declared.isdigit() and int(declared) > max_bytes:
                    return Download("failed", error=too_large)
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        return Download("failed", error=too_large)
                    if time.monotonic() > deadline:
                        return Download("failed", error=_deadline_error(timeout))
                    chunks.append(chunk)
                return Download(
                    "ok",
                    body=b"".join(chunks),
                    etag=response.headers.get("etag", "")[:300],
                    last_modified=response.headers.get("last-modified", "")[:100],
                )
        return Download("failed", error="転送が多すぎます")
    except OutboundRefused as exc:
        return Download("failed", error=f"接続先が許可されていません：{exc}")
    except httpx.TimeoutException:
        return Download("failed", error=f"応答がありません（{timeout:.0f}秒）")
    except httpx.ConnectError:
        return Download("failed", error="接続できません")
    except httpx.HTTPError as exc:
        return Download("failed", error=f"通信エラー（{exc.__class__.__name__}）")


# --- validating a list (no database) -------------------------------------------------------------------


@dataclass
class Parsed:
    format: int
    body_name: str
    body_code: str
    site: str
    accounts: list[dict]
    impersonations: list[dict]


def _text(row: dict, key: str, where: str, *, required: bool = False) -> str:
    value = row.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise PeerProblem(f"{where}の {key} が文字列ではありません")
    if required and not value.strip():
        raise PeerProblem(f"{where}に {key} がありません")
    if len(value) > LIMITS.get(key, 500):
        raise PeerProblem(f"{where}の {key} が長すぎます（{LIMITS.get(key, 500)}文字まで）")
    return value.strip()


def _http_url(value: str, where: str, key: str) -> str:
    if value and not value.lower().startswith(("https://", "http://")):
        raise PeerProblem(f"{where}の {key} が http(s) のURLではありません")
    return value


def _row(item, where: str) -> dict:
    if not isinstance(item, dict):
        raise PeerProblem(f"{where}が JSON のオブジェクトではありません")
    row = {key: _text(item, key, where) for key in LIMITS if key != "handle"}
    row["handle"] = _text(item, "handle", where, required=True)
    row["profile_url"] = _http_url(row["profile_url"], where, "profile_url")
    return row


def parse_registry(body: bytes, *, max_accounts: int) -> Parsed:
    """A peer's accounts.json read and checked whole; PeerProblem names the first thing wrong."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise PeerProblem("UTF-8 の文字として読み取れません") from exc
    except json.JSONDecodeError as exc:
        raise PeerProblem(f"JSON として読み取れません（{exc.lineno}行目）") from exc
    if not isinstance(data, dict):
        raise PeerProblem("JSON のオブジェクトではありません")
    version = data.get("format", 1)
    if isinstance(version, bool) or version not in FORMATS:
        raise PeerProblem(f"対応していない形式です（format={str(version)[:20]}）")
    name = data.get("publisher")
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise PeerProblem("publisher（団体名）がないか、100文字を超えています")
    code = data.get("publisher_code") or ""
    if not isinstance(code, str) or (code and municipality_code_problem(code)):
        raise PeerProblem(f"publisher_code：{municipality_code_problem(str(code)[:10])}")
    site = data.get("site") or ""
    if not isinstance(site, str) or len(site) > 500:
        raise PeerProblem("site が文字列でないか、長すぎます")
    _http_url(site, "一覧", "site")
    accounts = data.get("accounts")
    if not isinstance(accounts, list):
        raise PeerProblem("accounts（アカウントの配列）がありません")
    if len(accounts) > max_accounts:
        raise PeerProblem(f"アカウントが多すぎます（{len(accounts):,}件、上限 {max_accounts:,}件）")
    rows = [_row(item, f"{n}番目のアカウント") for n, item in enumerate(accounts, start=1)]
    fakes = data.get("impersonations") or []
    if not isinstance(fakes, list):
        raise PeerProblem("impersonations が配列ではありません")
    if len(fakes) > MAX_IMPERSONATIONS:
        raise PeerProblem(f"なりすましの掲載が多すぎます（上限 {MAX_IMPERSONATIONS:,}件）")
    warned = []
    for n, item in enumerate(fakes, start=1):
        where = f"{n}番目のなりすまし"
        row = _row(item, where)
        imitates = item.get("imitates") or {}
        if not isinstance(imitates, dict):
            raise PeerProblem(f"{where}の imitates がオブジェクトではありません")
        row["imitates"] = {k: _text(imitates, k, where) for k in ("platform", "display_name", "handle", "profile_url")}
        _http_url(row["imitates"]["profile_url"], where, "imitates.profile_url")
        row["confirmed_on"] = _date(item.get("confirmed_on"), where)
        gone_at = item.get("gone_at")
        row["gone_at"] = parse_datetime(gone_at) if isinstance(gone_at, str) and len(gone_at) <= 40 else None
        warned.append(row)
    return Parsed(version, name.strip(), code, site.strip(), rows, warned)


def _date(value, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) <= 10 else None
    except ValueError:
        raise PeerProblem(f"{where}の confirmed_on が日付（YYYY-MM-DD）ではありません") from None


# --- storing what was read ----------------------------------------------------------------------------


@dataclass
class FetchResult:
    url: str
    outcome: str  # PeerRegistry.Result value
    count: int = 0
    error: str = ""
    stale_since: datetime | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def line(self) -> str:
        """One line of `manage.py fetch_peer_registries`."""
        if self.outcome == PeerRegistry.Result.UPDATED:
            text = f"更新 {self.count}件"
        elif self.outcome == PeerRegistry.Result.NOT_MODIFIED:
            text = "変更なし(304)"
        elif self.outcome == PeerRegistry.Result.UNCHANGED:
            text = f"変更なし（{self.count}件）"
        else:
            since = timezone.localtime(self.stale_since).strftime("%Y-%m-%d %H:%M") if self.stale_since else "-"
            text = f"失敗：{self.error}（{since}から古い内容）"
        if self.notes:
            text += "　名乗り：" + "、".join(self.notes)
        return f"{self.url}\t{text}"


class _Own:
    """This city's own accounts, which no peer's list may claim (our registry wins)."""

    def __init__(self):
        self.handles, self.ids = set(), set()
        for code, key, account_id in OfficialAccount.objects.values_list(
            "platform__code", "handle_key", "platform_account_id"
        ):
            self.handles.add((code, key))
            if account_id:
                self.ids.add((code, account_id.lower()))

    def claims(self, row: dict) -> bool:
        code = row["platform_code"]
        if not code:  # a platform we do not know: by handle on any platform we know
            return any(key == row["handle_key"] for _, key in self.handles)
        return (code, row["handle_key"]) in self.handles or (
            bool(row["account_id_key"]) and (code, row["account_id_key"]) in self.ids
        )


class _Platforms:
    def __init__(self):
        self.hosts = {host: p.code for p in Platform.objects.all() for host in p.host_list}
        self.codes = set(self.hosts.values())
        self.names = {}
        for p in Platform.objects.all():
            for name in (p.name, p.former_name, p.code):
                if name:
                    self.names[name.strip().lower()] = p.code

    def keyed(self, row: dict) -> dict:
        """The row with our platform code, the handle key and the permanent ID key, read as verify reads."""
        ref = lookup.parse_reference(row["profile_url"], self.hosts) if row["profile_url"] else None
        code = (ref.platform if ref else None) or ""
        if not code and row.get("platform_code") in self.codes:
            code = row["platform_code"]
        if not code:
            code = self.names.get(row["platform"].strip().lower(), "")
        account_id = row.get("platform_account_id") or (ref.account_id if ref else None) or ""
        return {
            **row,
            "platform_code": code,
            "handle": row["handle"].lstrip("@"),
            "handle_key": lookup.normalize_handle(row["handle"])[:300],
            "account_id_key": account_id.lower()[:100],
        }


def _digest(parsed: Parsed) -> str:
    payload = [parsed.format, parsed.body_name, parsed.body_code, parsed.site, parsed.accounts, parsed.impersonations]
    return hashlib.sha256(json.dumps(payload, default=str, sort_keys=True).encode()).hexdigest()


def _fail(peer: PeerRegistry, error: str, now: datetime) -> FetchResult:
    was_stale = peer.stale_since is not None
    PeerRegistry.objects.filter(pk=peer.pk).update(
        last_fetched_at=now,
        last_result=PeerRegistry.Result.FAILED,
        last_error=error[:1000],
        stale_since=peer.stale_since or now,
    )
    if not was_stale and peer.last_ok_at:
        registry_changed()  # answers from its copy now say since when it is stale
    return FetchResult(peer.url, PeerRegistry.Result.FAILED, error=error, stale_since=peer.stale_since or now)


def store(peer: PeerRegistry, got: Download, *, own: _Own, platforms: _Platforms) -> FetchResult:
    """Record one peer's answer: a good list replaces its rows whole (one transaction), a 304 touches
    it, anything else keeps the last good copy and marks it stale. Our own accounts are never its."""
    now = timezone.now()
    if got.status == "failed":
        return _fail(peer, got.error, now)
    if got.status == "not_modified":
        if peer.last_ok_at is None:  # a 304 to a request that sent no validator: nothing to keep
            return _fail(peer, "前回の内容がないのに 304 が返りました", now)
        PeerRegistry.objects.filter(pk=peer.pk).update(
            last_fetched_at=now,
            last_ok_at=now,
            last_result=PeerRegistry.Result.NOT_MODIFIED,
            last_error="",
            stale_since=None,
        )
        if peer.stale_since:
            registry_changed()
        return FetchResult(peer.url, PeerRegistry.Result.NOT_MODIFIED, count=peer.account_count)
    try:
        parsed = parse_registry(got.body, max_accounts=settings.PEER_MAX_ACCOUNTS)
    except PeerProblem as exc:
        return _fail(peer, str(exc), now)
    if settings.CITY_CODE and parsed.body_code == settings.CITY_CODE:
        return _fail(peer, f"当市と同じ全国地方公共団体コード（{parsed.body_code}）を名乗っています", now)
    accounts, notes = [], []
    for row in (platforms.keyed(r) for r in parsed.accounts):
        if own.claims(row):
            notes.append(f"{row['platform'] or row['platform_code']} @{row['handle']}は当市の公式アカウントのため無視")
        else:
            accounts.append(row)
    fakes = []
    for row in (platforms.keyed(r) for r in parsed.impersonations):
        if own.claims(row):
            notes.append(f"なりすましとされた{row['platform']} @{row['handle']}は当市の公式アカウントのため無視")
        else:
            fakes.append(row)
    digest = _digest(parsed)
    with transaction.atomic():
        locked = PeerRegistry.objects.select_for_update().get(pk=peer.pk)
        meta = {
            "last_fetched_at": now,
            "last_ok_at": now,
            "etag": got.etag,
            "last_modified": got.last_modified,
            "last_error": "",
            "stale_since": None,
            "last_notes": "\n".join(notes)[:5000],
        }
        if digest == locked.content_digest and locked.last_ok_at is not None:
            PeerRegistry.objects.filter(pk=peer.pk).update(**meta, last_result=PeerRegistry.Result.UNCHANGED)
            if locked.stale_since:
                registry_changed()
            return FetchResult(peer.url, PeerRegistry.Result.UNCHANGED, count=locked.account_count, notes=notes)
        PeerAccount.objects.filter(peer=locked).delete()
        PeerImpersonation.objects.filter(peer=locked).delete()
        PeerAccount.objects.bulk_create(
            [
                PeerAccount(
                    peer=locked,
                    platform_code=r["platform_code"],
                    platform_name=r["platform"] or r["platform_code"],
                    handle=r["handle"],
                    handle_key=r["handle_key"],
                    account_id_key=r["account_id_key"],
                    profile_url=r["profile_url"],
                    display_name=r["display_name"],
                    department=r["department"],
                    status=r["status"],
                    status_label=r["status_label"],
                )
                for r in accounts
            ],
            batch_size=1000,
        )
        PeerImpersonation.objects.bulk_create(
            [
                PeerImpersonation(
                    peer=locked,
                    platform_code=r["platform_code"],
                    platform_name=r["platform"] or r["platform_code"],
                    handle=r["handle"],
                    handle_key=r["handle_key"],
                    account_id_key=r["account_id_key"],
                    profile_url=r["profile_url"],
                    display_name=r["display_name"],
                    imitates=r["imitates"],
                    confirmed_on=r["confirmed_on"],
                    gone_at=r["gone_at"],
                )
                for r in fakes
            ],
            batch_size=1000,
        )
        PeerRegistry.objects.filter(pk=peer.pk).update(
            **meta,
            body_name=parsed.body_name,
            body_code=parsed.body_code,
            site=parsed.site,
            format=parsed.format,
            content_digest=digest,
            last_changed_at=now,
            account_count=len(accounts),
            last_result=PeerRegistry.Result.UPDATED,
        )
        registry_changed()
    return FetchResult(peer.url, PeerRegistry.Result.UPDATED, count=len(accounts), notes=notes)


def new_client(urls: Iterable[str], *, concurrency: int) -> httpx.Client:
    """One client for a cycle: the configured peers' own origins may be internal (the URL gate keeps
    each fetch and its redirects at its own peer's origin)."""
    return guarded_client(
        trusted_bases=["{}://{}:{}".format(*origin_of(u)) for u in urls],
        timeout=settings.PEER_FETCH_TIMEOUT,
        headers={"User-Agent": f"komae-sns-registry-peer/1.0 (+{settings.CITY_HOMEPAGE_URL})"},
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
    )


def fetch_peers(peers: list[PeerRegistry] | None = None) -> list[FetchResult]:
    """Read every active peer (or those given) now, `PEER_FETCH_CONCURRENCY` at a time; each answer is
    stored as it comes (the threads do HTTP only, the database is written here). Never raises for a peer."""
    if peers is None:
        sync_configured()
        peers = list(PeerRegistry.objects.filter(active=True).order_by("pk"))
    if not peers:
        return []
    own, platforms = _Own(), _Platforms()
    concurrency = max(1, min(settings.PEER_FETCH_CONCURRENCY, len(peers)))
    results: dict[int, FetchResult] = {}
    lock = threading.Lock()
    with new_client([p.url for p in peers], concurrency=concurrency) as client, ThreadPoolExecutor(concurrency) as pool:
        futures = {
            pool.submit(
                download,
                p.url,
                client=client,
                etag=p.etag if p.last_ok_at else "",
                last_modified=p.last_modified if p.last_ok_at else "",
                timeout=settings.PEER_FETCH_TIMEOUT,
                max_bytes=settings.PEER_MAX_BYTES,
            ): p
            for p in peers
        }
        for future in as_completed(futures):
            peer = futures[future]
            try:
                got = future.result()
            except Exception as exc:  # a bug in one read is that peer's failure, not the cycle's
                got = Download("failed", error=f"取得中にエラーが起きました（{exc.__class__.__name__}）")
            with lock:
                results[peer.pk] = store(peer, got, own=own, platforms=platforms)
    return [results[p.pk] for p in peers]


# --- what /registry/verify reads ----------------------------------------------------------------------


def matching(model, ref):
    """The rows of `model` (PeerAccount or PeerImpersonation) of active peers that a reference names."""
    cond = Q()
    if ref.account_id:
        cond |= Q(account_id_key=ref.account_id.lower())
    if ref.handle:
        cond |= Q(handle_key=ref.handle)
    if not cond:
        return model.objects.none()
    qs = model.objects.filter(cond, peer__active=True)
    if ref.platform:
        qs = qs.filter(platform_code=ref.platform)
    return qs


def _match(model, ref):
    qs = matching(model, ref).select_related("peer")
    # Sorted here, not by the database: the lookup is on the indexes alone, and compiling an ORDER BY
    # across the join costs more than sorting the few rows found (bench/federation.py).
    rows = list(qs.order_by()[:20])
    return sorted(rows, key=lambda row: (row.peer.body_code, row.peer_id, row.pk))


def peer_accounts_matching(ref) -> list[PeerAccount]:
    """The peers' official accounts a parsed URL or @handle points at."""
    return _match(PeerAccount, ref)


def peer_impersonations_matching(ref) -> list[PeerImpersonation]:
    """The peers' confirmed impersonators a parsed URL or @handle points at."""
    return _match(PeerImpersonation, ref)


def peer_official_keys(platform_code: str) -> tuple[set[str], set[str]]:
    """(handle keys, permanent ID keys) of the peers' official accounts on one platform (discovery)."""
    rows = PeerAccount.objects.filter(peer__active=True, platform_code=platform_code)
    handles, ids = set(), set()
    for key, account_id in rows.values_list("handle_key", "account_id_key"):
        handles.add(key)
        if account_id:
            ids.add(account_id)
    return handles, ids


def is_peer_official(platform_code: str, handle: str, account_id: str = "") -> bool:
    """True when a peer lists the account as one of its official ones (discovery never flags it)."""
    cond = Q(handle_key=lookup.normalize_handle(handle or "")) if handle else Q()
    if account_id:
        cond |= Q(account_id_key=account_id.lower())
    if not cond:
        return False
    return PeerAccount.objects.filter(cond, peer__active=True, platform_code=platform_code).exists()


def body_of(peer: PeerRegistry) -> dict:
    """A body as the answer names it: who, its code and site, its list and when that was read."""
    return {
        "name": peer.name,
        "code": peer.body_code,
        "site": peer.site,
        "registry_url": peer.url,
        "read_at": timezone.localtime(peer.last_ok_at) if peer.last_ok_at else None,
        "stale_since": timezone.localtime(peer.stale_since) if peer.stale_since else None,
    }


def wareki(day: date) -> str:
    """A date a peer gave, in 和暦 (a date before 明治 as written: a peer's list may say anything)."""
    try:
        return to_wareki(day)
    except ValueError:
        return day.isoformat()


def read_words(peer: PeerRegistry) -> str:
    """「令和7年4月1日 10:00に確認」, with the staleness when the list could not be read since."""
    read = timezone.localtime(peer.last_ok_at) if peer.last_ok_at else None
    words = f"{wareki(read.date())} {read:%H:%M}に確認" if read else "未確認"
    if peer.stale_since:
        since = timezone.localtime(peer.stale_since)
        words += f"。{wareki(since.date())} {since:%H:%M}から一覧を読み取れていないため、その前の内容です"
    return words
