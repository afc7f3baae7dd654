"""Lookalike discovery (issue 23, G-4-3-カ): search, score, queue, judge.

A pass asks every platform that can search accounts (platforms.reads.search_accounts) for the words an
impersonator would use — each official account's display name and handle, the city's name and the 課's
names — scores what comes back against every official account (discovery.scoring), and keeps what
scores as a lookalike as a Candidate. Never a candidate: the city's own accounts, and an account already
judged unless it changed its name or handle since. Residents' reports (accounts.reports) join the same
queue. The security officer and the 広報 office judge each candidate; なりすまし opens an incident with
the impersonator's profile captured as evidence and puts it on the public warning list (P-7-2).
"""

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts import impersonations, peers
from accounts.lookup import normalize_handle
from accounts.models import AccountStatus, OfficialAccount, Platform, ResidentReport
from core.audit import Job, audit_record
from core.errors import TransitionError
from core.models import AuditEvent
from monitoring.incidents import incident_open_by_judgement
from platforms import reads

from . import scoring
from .models import Candidate, OfficialAvatar, ProfileCapture, SearchRun
from .permissions import ensure_can_judge

log = logging.getLogger(__name__)

# Accounts an impersonator imitates: the ones residents may meet on the platforms.
WATCHED_STATUSES = (AccountStatus.ACTIVE, AccountStatus.NOTICE, AccountStatus.SUSPENDED)
MAX_NOTE = 2000
# A result scoring at least this before its picture is compared has its picture fetched and compared.
AVATAR_CHECK_SCORE = 10


def watched_accounts():
    return OfficialAccount.objects.filter(status__in=WATCHED_STATUSES).select_related("platform", "department")


def identity_of(platform_account_id: str, handle: str) -> str:
    """One candidate per account on a platform: its permanent ID where given, else its handle as compared."""
    if platform_account_id:
        return f"id:{platform_account_id.strip().lower()}"[:300]
    return f"@{normalize_handle(handle)}"[:300]


def search_words(accounts) -> list[str]:
    """What an impersonator would call itself: each account's name and handle, the city's name and the
    課's names, each once, bounded by DISCOVERY_MAX_QUERIES."""
    words: list[str] = []
    for account in accounts:
        words += [account.display_name, account.handle]
    words.append(settings.CITY_NAME)
    words += sorted({account.department.name for account in accounts})
    seen, unique = set(), []
    for word in (w.strip() for w in words):
        if word and word.lower() not in seen:
            seen.add(word.lower())
            unique.append(word[:100])
    return unique[: settings.DISCOVERY_MAX_QUERIES]


def city_names() -> list[str]:
    """The names an impersonator would borrow from the city: 狛江市 and 狛江, こまえし and こまえ (profile)."""
    city = settings.CITY
    names = [city.name, city.reading]
    for name, suffixes in (
        (city.name, ("市", "町", "村", "区")),
        (city.reading, ("し", "ちょう", "まち", "むら", "く")),
    ):
        for suffix in suffixes:
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                names.append(name.removesuffix(suffix))
                break
    return [n for n in dict.fromkeys(names) if n]


def scorer_for(accounts) -> scoring.Scorer:
    avatars = {
        pk: _unsigned(value)
        for pk, value in OfficialAvatar.objects.filter(account__in=accounts).values_list("account_id", "avatar_hash")
    }
    officials = [
        scoring.Official(
            key=account.pk,
            platform=account.platform.code,
            handle=account.handle,
            display_name=account.display_name,
            avatar_hash=avatars.get(account.pk),
            platform_account_id=account.platform_account_id,
            platform_name=account.platform.name,
        )
        for account in accounts
    ]
    departments = sorted({account.department.name for account in accounts})
    return scoring.Scorer(officials, city_names=city_names(), department_names=departments, today=timezone.localdate())


def _own(platform: Platform, found) -> OfficialAccount | None:
    """The city's own account a result is (any status, those being prepared too), or None."""
    cond = Q(handle_key=normalize_handle(found.handle))
    if found.platform_account_id:
        cond |= Q(platform_account_id__iexact=found.platform_account_id)
    return OfficialAccount.objects.filter(cond, platform=platform).first()


def _created(found) -> datetime | None:
    value = getattr(found, "created_at", "") or ""
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.utc)
    return parsed


def _as_scored(platform: Platform, found) -> scoring.Found:
    return scoring.Found(
        platform=platform.code,
        handle=found.handle,
        display_name=found.display_name,
        description=found.description,
        platform_account_id=found.platform_account_id,
        avatar_hash=None,
        created_at=_created(found),
    )


@dataclass
class PassResult:
    """What one pass found on one platform, for the command and the dashboard."""

    platform: Platform
    new: list[Candidate] = field(default_factory=list)
    problem: str = ""
    searched: bool = False


def _reasons(score) -> list[dict]:
    return [{"code": r.code, "words": r.words} for r in score.reasons]


@transaction.atomic
def _keep(platform: Platform, found, score, job: Job, *, avatar_hash: int | None = None) -> tuple[Candidate, bool]:
    """Record a scored lookalike; True when the queue has it anew (first seen, or renamed since judged)."""
    identity = identity_of(found.platform_account_id, found.handle)
    now = timezone.now()
    values = {
        "handle": found.handle[:300],
        "display_name": found.display_name[:200],
        "description": found.description[:5000],
        "profile_url": found.profile_url[:2000],
        "platform_account_id": found.platform_account_id[:100],
        "avatar_url": (getattr(found, "avatar_url", "") or "")[:2000],
        "avatar_hash": _signed(avatar_hash),
        "created_on_platform": _created(found),
        "score": max(0, min(100, score.value)),
        "reasons": _reasons(score),
        "imitates_id": score.imitates,
        "last_seen_at": now,
    }
    candidate = Candidate.objects.select_for_update().filter(platform=platform, identity=identity).first()
    if candidate is None and found.platform_account_id:
        # A resident reported it by its handle before a search read its permanent ID: the same account.
        by_handle = identity_of("", found.handle)
        candidate = Candidate.objects.select_for_update().filter(platform=platform, identity=by_handle).first()
        if candidate is not None:
            candidate.identity = identity
    if candidate is None:
        candidate = Candidate.objects.create(
            platform=platform, identity=identity, source=Candidate.Source.SEARCH, first_seen_at=now, **values
        )
        audit_record(target=candidate, actor=job, action=AuditEvent.Action.CREATED, summary="検索で発見")
        return candidate, True
    reopened = candidate.state != Candidate.State.NEW and (
        normalize_handle(found.handle) != normalize_handle(candidate.judged_handle)
        or found.display_name.strip() != candidate.judged_display_name.strip()
    )
    for name, value in values.items():
        setattr(candidate, name, value)
    if reopened:
        was = candidate.get_state_display()
        candidate.state = Candidate.State.NEW
        audit_record(
            target=candidate,
            actor=job,
            action=AuditEvent.Action.TRANSITION,
            summary=f"名前またはユーザー名が変わったため再確認（判断済み：{was}）"[:200],
            from_state=was,
            to_state=Candidate.State.NEW.label,
        )
    candidate.save()
    return candidate, reopened


def _signed(value: int | None) -> int | None:
    """A 64-bit hash as PostgreSQL's bigint keeps it (two's complement), and back (`_unsigned`)."""
    return None if value is None else value - (1 << 64) if value >= 1 << 63 else value


def _unsigned(value: int | None) -> int | None:
    return None if value is None else value + (1 << 64) if value < 0 else value


def _avatar_of(platform: Platform, url: str) -> int | None:
    """The perceptual hash of a profile picture the platform serves, or None when it cannot be read."""
    if not url:
        return None
    try:
        return scoring.avatar_hash(reads.fetch_avatar(platform, url).content)
    except reads.ReadFailed:
        return None


def _remember_own_avatar(platform: Platform, found) -> None:
    """A search that finds one of the city's own accounts shows its picture: keep its hash, so that a
    lookalike reusing it is found (on any platform) from the next comparison on."""
    account = _own(platform, found)
    url = (getattr(found, "avatar_url", "") or "")[:2000]
    if account is None or not url:
        return
    kept = OfficialAvatar.objects.filter(account=account).first()
    if kept is not None and kept.avatar_url == url:
        return
    value = _avatar_of(platform, url)
    if value is not None:
        OfficialAvatar.objects.update_or_create(
            account=account, defaults={"avatar_url": url, "avatar_hash": _signed(value), "read_at": timezone.now()}
        )


def _search(platform: Platform, words, run: SearchRun, result: PassResult) -> list:
    """Every account the words find on the platform, each once; the city's own are set apart."""
    seen: dict[str, object] = {}
    for word in words:
        stop = False
        try:
            found_list = reads.search_accounts(platform, word, limit=settings.DISCOVERY_RESULTS_PER_QUERY)
        except reads.ReadFailed as exc:
            # A quota or budget refusal, a platform down, pages that loop: what was found before it
            # stopped is scored; the rest waits for the next pass.
            result.problem = f"「{word[:30]}」の検索：{exc}"[:1000]
            found_list, stop = list(exc.partial), True
        run.queries += 1
        for found in found_list:
            identity = identity_of(found.platform_account_id, found.handle)
            if identity in seen:
                continue
            seen[identity] = found
        if stop:
            break
    others = []
    # Issue 24: another municipality's official account (its list, read as a peer) is never a candidate.
    peer_handles, peer_ids = peers.peer_official_keys(platform.code)
    for found in seen.values():
        if _own(platform, found) is not None:
            _remember_own_avatar(platform, found)
        elif normalize_handle(found.handle or "") in peer_handles or (
            found.platform_account_id and found.platform_account_id.lower() in peer_ids
        ):
            continue
        else:
            others.append(found)
    return others


def search_platform(platform: Platform, words, *, job: Job = Job.DISCOVERY) -> PassResult:
    """One platform's part of a pass; a refusal or a failure is recorded with why, never raised."""
    result = PassResult(platform)
    answer = reads.can_search(platform)
    run = SearchRun.objects.create(platform=platform)
    if not answer:
        result.problem = answer.reason
    else:
        result.searched = True
        found_list = _search(platform, words, run, result)
        run.results = len(found_list)
        scorer = scorer_for(list(watched_accounts()))  # with the pictures this search has just read
        avatars_left = settings.DISCOVERY_AVATARS_PER_PASS
        for found in found_list:
            scored = _as_scored(platform, found)
            score = scorer.score(scored)
            # A result that already looks somewhat like an official account has its picture compared
            # too (bounded per pass: each is one more request to the platform).
            if score.value >= AVATAR_CHECK_SCORE and avatars_left > 0 and getattr(found, "avatar_url", ""):
                avatars_left -= 1
                value = _avatar_of(platform, found.avatar_url)
                if value is not None:
                    scored = replace(scored, avatar_hash=value)
                    score = scorer.score(scored)
            if score.value < scoring.CANDIDATE_SCORE:
                continue
            candidate, new = _keep(platform, found, score, job, avatar_hash=scored.avatar_hash)
            if new:
                result.new.append(candidate)
    run.finished_at = timezone.now()
    run.new_candidates = len(result.new)
    run.problem = result.problem
    run.save()
    return result


def discover(*, platform_code: str | None = None, job: Job = Job.DISCOVERY) -> list[PassResult]:
    """A pass over every platform (or one): what it found new, and what could not be searched and why."""
    words = search_words(list(watched_accounts()))
    platforms = Platform.objects.order_by("sort_order", "pk")
    if platform_code:
        platforms = platforms.filter(code=platform_code)
    return [search_platform(platform, words, job=job) for platform in platforms]


# --- residents' reports join the queue ------------------------------------------------------------


@transaction.atomic
def queue_report(report: ResidentReport) -> Candidate | None:
    """A resident's report (accounts.reports) as a candidate of the queue, or the one it names again.
    A report that names no platform stays a report (the form asks for one)."""
    if report.outcome != ResidentReport.Outcome.QUEUED or report.platform_id is None:
        return None
    identity = identity_of(report.platform_account_id, report.handle)
    candidate = Candidate.objects.select_for_update().filter(platform_id=report.platform_id, identity=identity).first()
    if candidate is None:
        # The same account named by its handle where the candidate was found by its permanent ID.
        candidate = (
            Candidate.objects.select_for_update()
            .filter(platform_id=report.platform_id, handle__iexact=report.handle)
            .exclude(handle="")
            .first()
        )
    if candidate is None:
        accounts = list(watched_accounts())
        platform = report.platform
        found = reads.FoundAccount(
            handle=report.handle,
            display_name="",
            platform_account_id=report.platform_account_id,
            profile_url=platform.profile_url_for(report.handle) if report.handle else "",
        )
        score = scorer_for(accounts).score(_as_scored(platform, found))
        candidate = Candidate.objects.create(
            platform=platform,
            identity=identity,
            handle=report.handle,
            profile_url=found.profile_url[:2000],
            platform_account_id=report.platform_account_id,
            score=max(0, min(100, score.value)),
            reasons=_reasons(score),
            imitates_id=score.imitates,
            source=Candidate.Source.REPORT,
        )
        audit_record(
            target=candidate, actor=Job.DISCOVERY, action=AuditEvent.Action.CREATED, summary="住民からの通報で受付"
        )
    candidate.reports.add(report)
    candidate.last_seen_at = timezone.now()
    candidate.save(update_fields=["last_seen_at"])
    return candidate


# --- judging ------------------------------------------------------------------------------------------


def _lock(candidate_id: int) -> Candidate:
    return Candidate.objects.select_for_update(of=("self",)).select_related("platform", "imitates").get(pk=candidate_id)


@transaction.atomic
def candidate_judge(
    *, candidate_id: int, actor, verdict: str, imitates_id: int | None = None, note: str = ""
) -> Candidate:
    """Judge a candidate: なりすまし, 無関係 or 他団体の公式 (issue 23). なりすまし opens an impersonation
    incident on the account it imitates (G-4-3-カ), keeps the impersonator's profile as its evidence and
    puts it on the public warning list (P-7-2). Audited; a judged candidate can be judged again (a
    mistake corrected), but a warning once published is withdrawn only on its own page."""
    ensure_can_judge(actor)
    if verdict not in (Candidate.State.IMPERSONATION, Candidate.State.UNRELATED, Candidate.State.OTHER_BODY):
        raise TransitionError("判断を選んでください。")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise TransitionError(f"メモは{MAX_NOTE}文字以内で入力してください。")
    candidate = _lock(candidate_id)
    was = candidate.get_state_display()
    if verdict == Candidate.State.IMPERSONATION:
        if imitates_id is None:
            raise TransitionError("まねている公式アカウントを選んでください。")
        imitates = watched_accounts().filter(pk=imitates_id).first()
        if imitates is None:
            raise TransitionError("まねている公式アカウントを選んでください。")
        if not candidate.handle:
            raise TransitionError("ユーザー名の分からない候補は、なりすましとして公表できません。")
        candidate.imitates = imitates
        if candidate.warning_id is None or candidate.warning.withdrawn_at is not None:
            candidate.warning = impersonations.impersonation_confirm(
                platform=candidate.platform,
                handle=candidate.handle,
                display_name=candidate.display_name,
                profile_url=candidate.profile_url,
                platform_account_id=candidate.platform_account_id,
                imitates=imitates,
                actor=actor,
            )
        if candidate.incident_id is None:
            candidate.incident = incident_open_by_judgement(
                account_id=imitates.pk,
                actor=actor,
                title=f"なりすまし：{candidate.platform.name} @{candidate.handle}"[:200],
                description=(
                    f"{candidate.platform.name}の @{candidate.handle}（{candidate.display_name or '表示名なし'}）を"
                    f"なりすましと判断しました。{candidate.profile_url}\n{note}"
                ).strip(),
            )
    candidate.state = verdict
    candidate.judged_by = actor
    candidate.judged_at = timezone.now()
    candidate.judgement_note = note
    candidate.judged_handle = candidate.handle
    candidate.judged_display_name = candidate.display_name
    candidate.save()
    audit_record(
        target=candidate,
        actor=actor,
        action=AuditEvent.Action.CANDIDATE_JUDGED,
        summary=f"判断：{candidate.get_state_display()}（{candidate.platform.name} @{candidate.handle}）"[:200],
        from_state=was,
        to_state=candidate.get_state_display(),
        comment=note,
    )
    if verdict == Candidate.State.IMPERSONATION:
        transaction.on_commit(lambda: capture_profile(candidate_id=candidate.pk, actor=actor), robust=True)
    return candidate


def _summary(capture) -> dict:
    """What the officer and the evidence PDF read of the capture (the answers themselves are kept whole)."""
    state = capture.state
    return {
        "display_name": state.display_name,
        "description": state.profile_text,
        "platform_account_id": state.platform_account_id,
        "gone": bool(state.gone),
        "posts": [
            {"id": p.post_id[:300], "url": p.url[:2000], "published": p.published[:40], "text": p.text[:2000]}
            for p in capture.posts[:20]
        ],
    }


def capture_profile(*, candidate_id: int, actor) -> list[ProfileCapture]:
    """Keep the impersonator's profile and recent posts as the platform answers them now, as evidence of
    the candidate's incident; what cannot be read is kept as why (never raised)."""
    candidate = Candidate.objects.select_related("platform").get(pk=candidate_id)
    try:
        found = reads.FoundAccount(
            handle=candidate.handle,
            display_name=candidate.display_name,
            platform_account_id=candidate.platform_account_id,  # a renamed handle is still the same account
            profile_url=candidate.profile_url or candidate.platform.profile_url_for(candidate.handle),
        )
        capture = reads.capture_found(candidate.platform, found)
        problem = ""
    except reads.ReadFailed as exc:
        capture, problem = None, str(exc)
    except Exception:  # the evidence is kept as far as it can be; the judgement stands
        log.exception("profile capture of candidate %s failed", candidate_id)
        capture, problem = None, "読み取り中に予期しないエラーが起きました"
    with transaction.atomic():
        kept = []
        for index, answer in enumerate(capture.answers if capture else ()):
            body = bytes(answer.raw or b"")
            kept.append(
                ProfileCapture.objects.create(
                    candidate=candidate,
                    incident_id=candidate.incident_id,
                    captured_at=answer.captured_at,
                    what="プロフィール" if index == 0 else "投稿・その他",
                    url=answer.url[:2000],
                    status=answer.status,
                    content_type=answer.content_type[:200],
                    body=body,
                    sha256=answer.sha256,
                    summary=_summary(capture) if index == 0 else {},
                )
            )
        if capture is not None and capture.note:
            problem = capture.note
        if problem:
            kept.append(
                ProfileCapture.objects.create(
                    candidate=candidate,
                    incident_id=candidate.incident_id,
                    what="取得できなかったもの",
                    url=candidate.profile_url[:2000],
                    body=b"",
                    problem=problem[:500],
                )
            )
        audit_record(
            target=candidate,
            actor=actor,
            action=AuditEvent.Action.PROFILE_CAPTURED,
            summary=(f"プロフィールを保存できず（{problem}）" if problem else f"プロフィール等を保存（{len(kept)}件）")[
                :200
            ],
        )
    return kept


# --- the listed impersonators, read again (P-7-2: 削除を確認) ------------------------------------------


def recheck_warnings(*, job: Job = Job.DISCOVERY) -> list[str]:
    """Read each impersonator on the warning list again; one the platform says is gone (deleted,
    suspended) is marked 削除を確認 and stays listed. A reading that fails says nothing either way."""
    lines = []
    entries = impersonations.warning_list().filter(gone_at__isnull=True)
    for entry in entries:
        try:
            found = reads.FoundAccount(
                handle=entry.handle,
                display_name=entry.display_name,
                platform_account_id=entry.platform_account_id,
                profile_url=entry.profile_url or entry.platform.profile_url_for(entry.handle),
            )
            capture = reads.capture_found(entry.platform, found, posts=1)
        except reads.ReadFailed as exc:
            if not exc.gone:
                continue
            how = str(exc)
        else:
            if not capture.state.gone:
                continue
            how = capture.state.error or "SNSがアカウントの削除・凍結を示しました"
        impersonations.impersonation_gone(entry_id=entry.pk, actor=job, how=how[:150])
        lines.append(f"{entry.platform.name} @{entry.handle}：削除を確認（{how}）")
    return lines
