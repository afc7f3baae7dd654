"""決裁 before posting (issue 25, G-4-3-ア: 決裁の要・不要を確認).

A draft (text, account, planned time, images) is screened (the 投稿前チェック, kept as a ScreenedDraft)
and then, for an account whose posts need 決裁, waits for its 課長 or the deputy the 課長 named, who
approves it or returns it with a comment; the author is told in the app and by mail. An account whose
posts need no 決裁 records the draft 確認済み by its author at once. A returned draft is never edited: its
revision is a new draft naming it. After the decision the 課 posts on the platform itself (the system
publishes nothing and stores no SNS password) and may paste the post's URL.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import OfficialAccount
from core.audit import audit_record, transition
from core.errors import TransitionError
from core.models import AuditEvent
from core.notices import notify
from core.uploads import size_label
from org.roles import Role, has_role

from .forms import MAX_IMAGES
from .models import DraftDeputy, DraftImage, PostDraft
from .permissions import (
    SCREENABLE,
    current_deputy_id,
    deputy_candidates,
    ensure_can_decide_draft,
    ensure_can_draft,
    ensure_can_link_post,
    ensure_can_name_deputy,
)
from .services import draft_keep

User = get_user_model()

MAX_COMMENT = 2000
IMAGE_SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
]


def deciders_of(account: OfficialAccount) -> list:
    """Who is told that a draft waits: the 課長 of the account's 課 and the deputy in force."""
    people = list(
        User.objects.filter(is_active=True, groups__name=Role.SECTION_HEAD, department_id=account.department_id)
    )
    deputy_id = current_deputy_id(account)
    if deputy_id:
        deputy = User.objects.filter(pk=deputy_id, is_active=True, department_id=account.department_id).first()
        if deputy is not None:
            people.append(deputy)
    return people


def _read_images(uploads) -> list[tuple[bytes, str, str]]:
    uploads = [u for u in uploads if u]
    if len(uploads) > MAX_IMAGES:
        raise TransitionError(f"画像は{MAX_IMAGES}枚までです。")
    read = []
    for upload in uploads:
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise TransitionError(f"画像が大きすぎます（{size_label(settings.MAX_UPLOAD_BYTES)}まで）。")
        data = upload.read(settings.MAX_UPLOAD_BYTES + 1)
        if len(data) > settings.MAX_UPLOAD_BYTES:
            raise TransitionError(f"画像が大きすぎます（{size_label(settings.MAX_UPLOAD_BYTES)}まで）。")
        kind = next((k for magic, k in IMAGE_SIGNATURES if data.startswith(magic)), None)
        if kind is None:
            raise TransitionError("画像（PNG・JPEG・GIF）だけを添付できます。")
        upload.seek(0)
        read.append((data, kind, (upload.name or "image")[-200:]))
    return read


@transaction.atomic
def draft_submit(
    *,
    account_id: int,
    actor,
    text: str,
    planned_at: datetime,
    consent_confirmed: bool = False,
    note: str = "",
    images=(),
    revision_of_id: int | None = None,
) -> PostDraft:
    """Screen the draft, keep the check, and send it for 決裁 (or record it 確認済み where the account's
    posts need none). A revision answers a returned draft of the same account, once."""
    account = OfficialAccount.objects.select_for_update().select_related("platform").get(pk=account_id)
    ensure_can_draft(actor, account)
    if account.status not in SCREENABLE:
        raise TransitionError("このアカウントは投稿していません（運用停止・閉鎖）。")
    if planned_at is None:
        raise TransitionError("投稿の予定日時を入力してください。")
    previous = None
    if revision_of_id is not None:
        previous = PostDraft.objects.select_for_update().filter(pk=revision_of_id).first()
        if previous is None or previous.account_id != account.pk:
            raise TransitionError("差し戻された下書きが見つかりません。")
        if previous.state != PostDraft.State.RETURNED:
            raise TransitionError("差し戻された下書きだけを修正して出し直せます。")
        if PostDraft.objects.filter(revision_of=previous).exists():
            raise TransitionError("この下書きは修正して出し直し済みです。")
    read = _read_images(images)
    screened = draft_keep(account_id=account.pk, actor=actor, text=text, consent_confirmed=consent_confirmed, note=note)
    now = timezone.now()
    needs = account.approval_required
    draft = PostDraft.objects.create(
        account=account,
        author=actor,
        text=text,
        planned_at=planned_at,
        screened=screened,
        state=PostDraft.State.PENDING if needs else PostDraft.State.CONFIRMED,
        decided_by=None if needs else actor,
        decided_at=None if needs else now,
        revision_of=previous,
    )
    for data, kind, name in read:
        image = DraftImage(
            draft=draft, content_type=kind, original_name=name, size=len(data), sha256=hashlib.sha256(data).hexdigest()
        )
        image.file.save("image", ContentFile(data), save=False)
        image.save()
    summary = "投稿を起案（決裁に回付）" if needs else "投稿を起案（決裁不要のアカウント：起案者が確認済み）"
    if previous is not None:
        summary = f"差戻しを受けて修正した{summary}"
    audit_record(
        target=draft,
        actor=actor,
        action=AuditEvent.Action.CREATED,
        summary=summary,
        comment=f"予定：{timezone.localtime(planned_at):%Y-%m-%d %H:%M}",
    )
    if needs:
        notify(
            [p for p in deciders_of(account) if p.pk != actor.pk],
            subject=f"投稿の決裁をお願いします：{account.display_name}",
            body=f"{actor.display_name}さんが投稿を起案しました（{settings.CITY.clause('G-4-3-ア')}）。\n\n{text[:200]}",
            path=reverse("screening:draft", args=[draft.pk]),
        )
    return draft


@transaction.atomic
def draft_decide(*, draft_id: int, actor, approve: bool, comment: str = "") -> PostDraft:
    """The 課長 (or the deputy) approves the draft, or returns it with a comment; the author is told."""
    draft = PostDraft.objects.select_for_update().select_related("account", "author").get(pk=draft_id)
    ensure_can_decide_draft(actor, draft)
    if draft.state != PostDraft.State.PENDING:
        raise TransitionError(f"この下書きは既に{draft.get_state_display()}です。")
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise TransitionError(f"コメントは{MAX_COMMENT}文字までにしてください。")
    if not approve and not comment:
        raise TransitionError("差し戻す理由をコメントに書いてください。")
    draft.decided_by, draft.decided_at, draft.comment = actor, timezone.now(), comment
    to = PostDraft.State.APPROVED if approve else PostDraft.State.RETURNED
    transition(
        draft,
        to=to,
        field="state",
        actor=actor,
        label="決裁" if approve else "差戻し",
        comment=comment,
        update_fields=["decided_by", "decided_at", "comment"],
    )
    word = "決裁されました" if approve else "差し戻されました"
    body = f"{draft.account.label}の投稿の下書きが{word}（{actor.display_name}）。"
    if comment:
        body += f"\n\nコメント：{comment}"
    notify(
        [draft.author],
        subject=f"投稿の下書きが{word}：{draft.account.display_name}",
        body=body,
        path=reverse("screening:draft", args=[draft.pk]),
    )
    return draft


# What an app above screening does once a post's URL is pasted (the archive: match it at once), registered
# from that app's AppConfig.ready() so that screening never imports it (the layers contract). Each is
# called after commit with the account's id and the person who pasted.
LinkListener = Callable[[int, object], None]
_link_listeners: list[LinkListener] = []


def add_link_listener(listener: LinkListener) -> None:
    if listener not in _link_listeners:
        _link_listeners.append(listener)


def _canonical(url: str) -> str:
    return url.strip()


@transaction.atomic
def draft_link_post(*, draft_id: int, actor, url: str) -> PostDraft:
    """The URL of the post made from the decided draft, pasted once after posting (matched by the archive)."""
    draft = PostDraft.objects.select_for_update().select_related("account", "account__platform").get(pk=draft_id)
    ensure_can_link_post(actor, draft)
    if not draft.is_decided:
        raise TransitionError("決裁済み・確認済みの下書きにだけ投稿のURLを記録できます。")
    if draft.post_url:
        raise TransitionError("この下書きの投稿のURLは記録済みです。")
    url = _canonical(url)
    if not url.lower().startswith("https://") or len(url) > 1000 or any(c.isspace() for c in url):
        raise TransitionError("投稿のURL（https:// で始まるもの）を貼り付けてください。")
    host = url.split("/", 3)[2].lower().split(":")[0]
    hosts = draft.account.platform.host_list
    if not any(host == h or host.endswith("." + h) for h in hosts):
        raise TransitionError(f"{draft.account.platform.name}の投稿のURLを貼り付けてください。")
    draft.post_url, draft.post_url_by = url, actor
    draft.save(update_fields=["post_url", "post_url_by"])
    audit_record(target=draft, actor=actor, action=AuditEvent.Action.UPDATED, summary="投稿のURLを記録", comment=url)
    for listener in _link_listeners:
        # robust: the URL is recorded whatever the listener does; the next capture or command matches.
        transaction.on_commit(lambda fn=listener: fn(draft.account_id, actor), robust=True)
    return draft


@transaction.atomic
def deputy_name(*, account_id: int, actor, deputy_id: int | None) -> DraftDeputy:
    """The 課長 names who decides the account's drafts besides the 課長 (or ends the naming: None)."""
    account = OfficialAccount.objects.select_for_update().get(pk=account_id)
    ensure_can_name_deputy(actor, account)
    deputy = None
    if deputy_id is not None:
        deputy = deputy_candidates(actor, account).filter(pk=deputy_id).first()
        if deputy is None:
            raise TransitionError("代決者には所管課の職員を選んでください。")
    if current_deputy_id(account) == (deputy.pk if deputy else None):
        raise TransitionError("その代決者は既に指名されています。" if deputy else "代決者は指名されていません。")
    row = DraftDeputy.objects.create(account=account, deputy=deputy, named_by=actor)
    audit_record(
        target=account,
        actor=actor,
        action=AuditEvent.Action.UPDATED,
        summary=f"決裁の代決者を指名（{deputy.display_name}）" if deputy else "決裁の代決者の指名を終了",
        changes={"決裁の代決者": [None, deputy.display_name if deputy else None]},
    )
    if deputy is not None:
        notify(
            [deputy],
            subject=f"投稿の決裁の代決者に指名されました：{account.display_name}",
            body=f"{actor.display_name}さんが、{account.label}の投稿の決裁の代決者にあなたを指名しました。",
            path=reverse("screening:drafts"),
        )
    return row


def drafts_waiting_for(user):
    """The drafts waiting for this user's 決裁 (課長 of their 課, or deputy), never their own."""
    if not getattr(user, "department_id", None):
        return PostDraft.objects.none()
    deputy_of = [account_id for account_id, deputy in deputies_in_force().items() if deputy == user.pk]
    cond = Q(account_id__in=deputy_of)
    if has_role(user, Role.SECTION_HEAD):
        cond |= Q(account__department_id=user.department_id)
    return (
        PostDraft.objects.filter(cond, state=PostDraft.State.PENDING, account__department_id=user.department_id)
        .exclude(author=user)
        .select_related("account", "account__platform", "author")
    )


def deputies_in_force() -> dict[int, int | None]:
    latest = {}
    for account_id, deputy_id in DraftDeputy.objects.order_by("account_id", "-named_at", "-pk").values_list(
        "account_id", "deputy_id"
    ):
        latest.setdefault(account_id, deputy_id)
    return latest
