"""An account's 保存期間, and the 延長 or 廃棄 of its posts past their period (公文書管理, issue 22).

At 年度末 the posts whose period ends by the end of the 年度 are listed for a decision that needs two people:
one of the account's 課長 and the security officer proposes (延長 by N years, or 廃棄), the other approves or
returns it. Nothing is disposed of by the system on its own: only `disposal_decide` on an approved 廃棄 does.

The disposal empties what a post said and keeps that it existed: in one transaction, under locks, the versions'
content, the media files (their stored files deleted after commit), the platform's answers that hold only
disposed posts, and the post's own text and search columns; the database triggers allow exactly that shape
(archive/models.py `disposed_only`). A `Tombstone` keeps the post's ID, URL and time, the SHA-256s of what was
emptied, and the decision (who proposed, who decided, when, why).
"""

from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import OfficialAccount
from core.audit import audit_record
from core.dates import current_fiscal_year, to_wareki
from core.errors import TransitionError
from core.models import AuditEvent
from core.notices import notify
from org.models import User
from org.roles import Role, has_role

from .capture import archive_of
from .models import (
    AccountArchive,
    MediaFile,
    Post,
    PostEvidence,
    PostVersion,
    RawAnswer,
    Retention,
    RetentionDecision,
    Tombstone,
)
from .permissions import (
    disposal_roles,
    ensure_can_decide_disposal,
    ensure_can_propose_disposal,
    ensure_can_set_retention,
)
from .retention import EXTEND_YEARS_MAX, due_by, due_filter, ended, expires_on, extended_until

Action = RetentionDecision.Action
Status = RetentionDecision.Status
REASON_MAX = 2000


# --- the account's 保存期間 ------------------------------------------------------------------------------


@transaction.atomic
def retention_set(*, account_id: int, actor, retention: str, reason: str) -> AccountArchive:
    """The 課長 of the account's 課 (or the sysadmin) changes how long its posts are kept, saying why."""
    account = OfficialAccount.objects.get(pk=account_id)
    ensure_can_set_retention(actor, account)
    state = AccountArchive.objects.select_for_update().get(pk=archive_of(account).pk)
    if retention not in Retention.values:
        raise TransitionError("保存期間を選んでください。", field="retention")
    reason = reason.strip()
    if not reason:
        raise TransitionError("変更の理由を入力してください。", field="reason")
    if state.retention == retention:
        raise TransitionError(f"保存期間は既に「{state.get_retention_display()}」です。", field="retention")
    old_label = state.get_retention_display()
    old, state.retention = state.retention, retention
    state.save(update_fields=["retention"])
    new_label = state.get_retention_display()
    audit_record(
        target=state,
        actor=actor,
        action=AuditEvent.Action.RETENTION_SET,
        summary=f"保存期間を変更：{old_label} → {new_label}",
        from_state=old,
        to_state=retention,
        comment=reason[:REASON_MAX],
        changes={"保存期間": [old_label, new_label]},
    )
    return state


# --- reads -----------------------------------------------------------------------------------------------


def accounts_for_disposal(*, user) -> QuerySet[OfficialAccount]:
    """The accounts whose 延長・廃棄 `user` takes part in: every one for the security officer, their own 課's
    for a 課長 (archive.permissions.disposal_roles, as a query)."""
    qs = OfficialAccount.objects.select_related("platform", "department", "archive")
    if has_role(user, Role.SECURITY_OFFICER):
        return qs
    if has_role(user, Role.SECTION_HEAD) and user.department_id:
        return qs.filter(department_id=user.department_id)
    return qs.none()


def _pending() -> QuerySet[RetentionDecision]:
    return RetentionDecision.objects.filter(status=Status.PROPOSED)


def retention_overview(*, user, fiscal_year: int | None = None) -> dict:
    """The 年度末 list: per account `user` decides on, the posts whose period ends by the end of the 年度
    (`due`) and those already past it (`ended`), and the decisions waiting."""
    fy = fiscal_year or current_fiscal_year()
    kept = Q(archived_posts__disposed_at__isnull=True)
    accounts = accounts_for_disposal(user=user)
    pending = list(
        _pending()
        .filter(account__in=accounts.values("pk"))
        .select_related("account", "account__platform", "proposed_by")
        .annotate(count=Count("posts"))
        .order_by("proposed_at")
    )
    rows = (
        accounts.annotate(
            due=Count(
                "archived_posts", filter=kept & due_filter(fy, post="archived_posts__", retention="archive__retention")
            ),
            ended=Count(
                "archived_posts",
                # A period ends on a 3/31: past it today is "ended by the end of the last 年度".
                filter=kept & due_filter(fy - 1, post="archived_posts__", retention="archive__retention"),
            ),
        )
        .filter(Q(due__gt=0) | Q(pk__in=[d.account_id for d in pending]))
        .order_by("department__sort_order", "handle_key")
    )
    for decision in pending:
        decision.awaits_me = decision.proposed_by_id != user.pk and bool(disposal_roles(user, decision.account))
    return {"fiscal_year": fy, "due_by": due_by(fy), "accounts": rows, "pending": pending}


def due_posts(account: OfficialAccount, *, fiscal_year: int | None = None) -> QuerySet[Post]:
    """The account's kept posts whose period ends by the end of the 年度 (the current one by default)."""
    fy = fiscal_year or current_fiscal_year()
    return Post.objects.filter(account=account, disposed_at__isnull=True).filter(due_filter(fy))


def with_flags(posts: QuerySet[Post]) -> QuerySet[Post]:
    """Posts with what the 年度末 page shows beside each: in a decision waiting, kept as an incident's evidence."""
    return posts.annotate(
        pending=Exists(_pending().filter(posts=OuterRef("pk"))),
        evidence_kept=Exists(PostEvidence.objects.filter(post=OuterRef("pk"))),
    )


def expiry_of(post: Post, retention: str) -> date | None:
    """The last day `post` is kept under the account's `retention` (archive/retention.py)."""
    return expires_on(
        published=post.published_at or post.first_captured_at, retention=retention, keep_until=post.keep_until
    )


def decisions_of(account: OfficialAccount) -> QuerySet[RetentionDecision]:
    return (
        RetentionDecision.objects.filter(account=account)
        .select_related("proposed_by", "decided_by")
        .annotate(count=Count("posts"))
    )


# --- proposing -------------------------------------------------------------------------------------------


def _clean_reason(reason: str, what: str = "理由", field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(f"{what}を入力してください。", field=field)
    if len(reason) > REASON_MAX:
        raise TransitionError(f"{what}は{REASON_MAX}文字以内で入力してください。", field=field)
    return reason


def _others_to_tell(account: OfficialAccount, proposer) -> list:
    """Who may decide what `proposer` proposed: the people in the role the proposer did not bring."""
    roles = disposal_roles(proposer, account)
    people = []
    if roles - {Role.SECURITY_OFFICER} or not roles:
        people += User.objects.filter(is_active=True, groups__name=Role.SECURITY_OFFICER)
    if roles - {Role.SECTION_HEAD} or not roles:
        people += User.objects.filter(
            is_active=True, department_id=account.department_id, groups__name=Role.SECTION_HEAD
        )
    return [u for u in people if u.pk != proposer.pk]


def _what(decision: RetentionDecision) -> str:
    if decision.action == Action.EXTEND:
        return f"{decision.extend_years}年の延長"
    return "廃棄"


@transaction.atomic
def disposal_propose(
    *,
    account_id: int,
    actor,
    action: str,
    reason: str,
    extend_years: int | None = None,
    post_ids: list[int] | None = None,
) -> RetentionDecision:
    """Propose the 延長 or 廃棄 of the account's posts past their period: the ones checked (`post_ids`), or
    every one not already in a decision waiting (`post_ids` None; a 廃棄 then leaves out incident evidence)."""
    account = OfficialAccount.objects.select_related("platform").get(pk=account_id)
    ensure_can_propose_disposal(actor, account)
    # One proposal of an account at a time: two cannot take the same posts.
    AccountArchive.objects.select_for_update().get(pk=archive_of(account).pk)
    if action not in Action.values:
        raise TransitionError("延長か廃棄かを選んでください。", field="action")
    if action == Action.EXTEND:
        if extend_years is None or not 1 <= extend_years <= EXTEND_YEARS_MAX:
            raise TransitionError(f"延長する年数を1〜{EXTEND_YEARS_MAX}年で入力してください。", field="extend_years")
    else:
        extend_years = None
    reason = _clean_reason(reason)
    fy = current_fiscal_year()
    candidates = with_flags(due_posts(account, fiscal_year=fy))
    if post_ids is None:
        chosen = candidates.filter(pending=False)
        if action == Action.DISPOSE:
            chosen = chosen.filter(evidence_kept=False)
        posts = list(chosen.only("pk"))
    else:
        wanted = {int(pk) for pk in post_ids}
        if not wanted:
            raise TransitionError("対象の投稿を選んでください。", field="posts")
        found = list(candidates.filter(pk__in=wanted).only("pk"))
        if len(found) != len(wanted):
            raise TransitionError(
                "選んだ投稿に、保存期間が今年度末までに満了しない投稿か、既に廃棄した投稿が含まれています。",
                field="posts",
            )
        if any(p.pending for p in found):
            raise TransitionError("選んだ投稿に、決定待ちの案に含まれている投稿があります。", field="posts")
        if action == Action.DISPOSE and any(p.evidence_kept for p in found):
            raise TransitionError(
                "選んだ投稿に、インシデントの証拠として保存している投稿があります。廃棄せず延長してください。",
                field="posts",
            )
        posts = found
    if not posts:
        raise TransitionError("延長・廃棄の対象になる投稿がありません。")
    decision = RetentionDecision.objects.create(
        account=account,
        fiscal_year=fy,
        action=action,
        extend_years=extend_years,
        reason=reason,
        proposed_by=actor,
    )
    decision.posts.set(posts)
    audit_record(
        target=decision,
        actor=actor,
        action=AuditEvent.Action.DISPOSAL_PROPOSED,
        summary=f"保存期間が満了する投稿{len(posts)}件の{_what(decision)}を起案",
        to_state=Status.PROPOSED,
        comment=reason,
    )
    notify(
        _others_to_tell(account, actor),
        subject=f"投稿の{_what(decision)}の決定依頼：{account.display_name}",
        body=f"{actor.display_name}さんが、保存期間が満了する投稿{len(posts)}件の{_what(decision)}を起案しました。\n"
        f"理由：{reason}\n内容を確認し、決定するか差し戻してください（二人目の確認です）。",
        path=reverse("archive:decision", args=[decision.pk]),
    )
    return decision


# --- deciding --------------------------------------------------------------------------------------------


def _lock_decision(decision_id: int, actor) -> RetentionDecision:
    decision = (
        RetentionDecision.objects.select_for_update(of=("self",))
        .select_related("account", "account__platform", "proposed_by")
        .get(pk=decision_id)
    )
    ensure_can_decide_disposal(actor, decision)
    if decision.status != Status.PROPOSED:
        raise TransitionError(f"この案は既に「{decision.get_status_display()}」です。")
    return decision


def _close(decision: RetentionDecision, *, actor, to: str, action, summary: str, comment: str) -> None:
    decision.status, decision.decided_by, decision.decided_at = to, actor, timezone.now()
    decision.comment = comment
    decision.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    audit_record(
        target=decision,
        actor=actor,
        action=action,
        summary=summary,
        from_state=Status.PROPOSED,
        to_state=to,
        comment=comment,
    )


@transaction.atomic
def disposal_return(*, decision_id: int, actor, comment: str) -> RetentionDecision:
    """The other of the two sends the proposal back, saying why; its posts may be proposed again."""
    decision = _lock_decision(decision_id, actor)
    comment = _clean_reason(comment, "差戻しの理由", field="comment")
    _close(
        decision,
        actor=actor,
        to=Status.RETURNED,
        action=AuditEvent.Action.DISPOSAL_RETURNED,
        summary=f"投稿の{_what(decision)}の案を差戻し",
        comment=comment,
    )
    notify(
        [decision.proposed_by],
        subject=f"投稿の{_what(decision)}の案が差し戻されました：{decision.account.display_name}",
        body=f"{actor.display_name}さんが差し戻しました。\n理由：{comment}",
        path=reverse("archive:decision", args=[decision.pk]),
    )
    return decision


@dataclass(frozen=True)
class Decided:
    decision: RetentionDecision
    posts: int  # extended, or disposed
    answers_emptied: int = 0
    files_deleted: int = 0


@transaction.atomic
def disposal_decide(*, decision_id: int, actor, comment: str = "") -> Decided:
    """The other of the two approves: a 延長 moves the posts' `keep_until`; a 廃棄 disposes of them now."""
    decision = _lock_decision(decision_id, actor)
    account = decision.account
    state = AccountArchive.objects.select_for_update().get(pk=archive_of(account).pk)
    posts = list(
        Post.objects.select_for_update()
        .filter(pk__in=decision.posts.values("pk"), disposed_at__isnull=True)
        .annotate(evidence_kept=Exists(PostEvidence.objects.filter(post=OuterRef("pk"))))
        .order_by("pk")
    )
    comment = (comment or "").strip()[:REASON_MAX]
    today = timezone.localdate()
    if decision.action == Action.DISPOSE:
        _check_disposable(posts, retention=state.retention, today=today)
    _close(
        decision,
        actor=actor,
        to=Status.DECIDED,
        action=AuditEvent.Action.DISPOSAL_DECIDED,
        summary=f"投稿{len(posts)}件の{_what(decision)}を決定",
        comment=comment,
    )
    if decision.action == Action.DISPOSE:
        done = _dispose(decision, posts, state=state)
    else:
        done = Decided(decision, _extend(posts, retention=state.retention, years=decision.extend_years, today=today))
    notify(
        [decision.proposed_by],
        subject=f"投稿の{_what(decision)}が決定されました：{account.display_name}",
        body=f"{actor.display_name}さんが決定しました（{done.posts}件）。"
        + (f"\nコメント：{comment}" if comment else ""),
        path=reverse("archive:decision", args=[decision.pk]),
    )
    return done


def _extend(posts: list[Post], *, retention: str, years: int, today: date) -> int:
    """Each post kept to the end of the 年度 `years` after its period's (or today's) 年度; 常用 stays 常用."""
    by_date: dict[date, list[int]] = {}
    for post in posts:
        expiry = expiry_of(post, retention)
        if expiry is not None:
            by_date.setdefault(extended_until(expiry=expiry, years=years, today=today), []).append(post.pk)
    for until, ids in by_date.items():
        Post.objects.filter(pk__in=ids).update(keep_until=until)
    return sum(len(ids) for ids in by_date.values())


def _check_disposable(posts: list[Post], *, retention: str, today: date) -> None:
    """A 廃棄 only of posts whose period is over on the day it is decided, none of them an incident's evidence."""
    if not posts:
        raise TransitionError("廃棄する投稿がありません（既に廃棄されています）。")
    running = [e for p in posts if not ended(e := expiry_of(p, retention), today=today)]
    if running:
        last = max((e for e in running if e is not None), default=None)
        until = f"（最も遅いもので{to_wareki(last)}まで）" if last else "（保存期間が常用です）"
        raise TransitionError(
            f"保存期間がまだ満了していない投稿が{len(running)}件あります{until}。満了した後に決定してください。"
        )
    if any(p.evidence_kept for p in posts):
        raise TransitionError("インシデントの証拠として保存している投稿が含まれています。差し戻してください。")


def _answers_holding(account_id: int, posts: list[Post]) -> list[RawAnswer]:
    """The platform's answers that hold any of `posts`: the answers their versions were read from, and every
    answer listing one of their IDs (an answer lists the posts unchanged since an earlier reading too).
    Answers emptied by an earlier disposal are among them: the tombstone names them too."""
    ids = [p.post_id for p in posts]
    read_from = PostVersion.objects.filter(post__in=[p.pk for p in posts], answer__isnull=False).values("answer_id")
    answers = RawAnswer.objects.filter(account_id=account_id).defer("body").order_by("pk")
    if connection.vendor == "postgresql":
        return list(answers.filter(Q(pk__in=read_from) | Q(post_ids__has_any_keys=ids)))
    wanted = set(ids)  # SQLite: its JSON functions do not look into arrays by value
    listed = {a.pk: a for a in answers if wanted & set(a.post_ids)}
    listed.update({a.pk: a for a in answers.filter(pk__in=read_from)})
    return sorted(listed.values(), key=lambda a: a.pk)


def _holding_staying(account_id: int, answers: list[RawAnswer], disposing: set[int]) -> set[int]:
    """The answers (by pk) that also hold a post that stays (not disposed, and not disposed of now): they keep
    their body until the last post they hold is disposed of."""
    staying = Post.objects.filter(account_id=account_id, disposed_at__isnull=True).exclude(pk__in=disposing)
    listed = set(staying.filter(post_id__in={i for a in answers for i in a.post_ids}).values_list("post_id", flat=True))
    read_from = set(
        PostVersion.objects.filter(answer__in=[a.pk for a in answers], post__in=staying).values_list(
            "answer_id", flat=True
        )
    )
    return {a.pk for a in answers if a.pk in read_from or listed & set(a.post_ids)}


def _dispose(decision: RetentionDecision, posts: list[Post], *, state: AccountArchive) -> Decided:
    """Empty what the posts said, keep their hashes, and leave a tombstone each (the caller holds the locks)."""
    now = timezone.now()
    disposing = {p.pk for p in posts}
    versions = list(
        PostVersion.objects.filter(post__in=disposing)
        .order_by("post_id", "number")
        .values("post_id", "number", "sha256", "answer_id")
    )
    media = list(
        MediaFile.objects.filter(version__post__in=disposing, disposed_at__isnull=True).values(
            "pk", "version__post_id", "url", "sha256", "file", "state"
        )
    )
    answers = _answers_holding(state.account_id, posts)
    kept_answers = _holding_staying(state.account_id, answers, disposing)
    emptied = [a for a in answers if a.pk not in kept_answers and a.disposed_at is None]

    PostVersion.objects.filter(post__in=disposing, disposed_at__isnull=True).update(
        text="", links=[], media_urls=[], published="", disposed_at=now
    )
    fetched = [m["pk"] for m in media if m["state"] != MediaFile.State.PENDING]
    MediaFile.objects.filter(pk__in=fetched).update(file="", disposed_at=now)
    # Never fetched: marked so that a later fetch does not bring the file back (the trigger then holds it).
    MediaFile.objects.filter(pk__in=[m["pk"] for m in media if m["pk"] not in fetched]).update(
        state=MediaFile.State.FAILED, reason="廃棄したため取得しません", file="", disposed_at=now
    )
    RawAnswer.objects.filter(pk__in=[a.pk for a in emptied]).update(body=b"", disposed_at=now)
    Post.objects.filter(pk__in=disposing).update(text="", search_text="", grams="", disposed_at=now)

    answers_by_post: dict[str, list[RawAnswer]] = {}
    for answer in answers:
        for post_id in answer.post_ids:
            answers_by_post.setdefault(post_id, []).append(answer)
    read_from = {}
    for v in versions:
        read_from.setdefault(v["post_id"], set()).add(v["answer_id"])
    by_pk = {a.pk: a for a in answers}
    Tombstone.objects.bulk_create(
        Tombstone(
            post=post,
            decision=decision,
            platform_post_id=post.post_id,
            url=post.url,
            published_at=post.published_at,
            disposed_at=now,
            hashes=_hashes(post, versions, media, answers_by_post, read_from, by_pk, kept_answers),
        )
        for post in posts
    )
    files = [m["file"] for m in media if m["file"]]
    transaction.on_commit(lambda: _delete_files(files))
    return Decided(decision, len(posts), answers_emptied=len(emptied), files_deleted=len(files))


def _hashes(post, versions, media, answers_by_post, read_from, by_pk, kept_answers) -> list[dict]:
    """What the tombstone keeps of each thing emptied: its SHA-256 (and whether an answer was left because it
    holds posts that stay)."""
    rows = [
        {"kind": "version", "number": v["number"], "sha256": v["sha256"]} for v in versions if v["post_id"] == post.pk
    ]
    holding = {a.pk: a for a in answers_by_post.get(post.post_id, [])}
    holding.update({pk: by_pk[pk] for pk in read_from.get(post.pk, set()) if pk in by_pk})
    rows += [
        {"kind": "answer", "id": a.pk, "sha256": a.sha256, "emptied": a.pk not in kept_answers}
        for a in sorted(holding.values(), key=lambda a: a.pk)
    ]
    rows += [
        {"kind": "media", "url": m["url"], "sha256": m["sha256"]} for m in media if m["version__post_id"] == post.pk
    ]
    return rows


def _delete_files(names: list[str]) -> None:
    """After commit (the rows say disposed): delete the stored files no kept row still names."""
    storage = MediaFile._meta.get_field("file").storage
    still_named = set(MediaFile.objects.filter(file__in=names).values_list("file", flat=True))
    for name in names:
        if name not in still_named:
            storage.delete(name)
