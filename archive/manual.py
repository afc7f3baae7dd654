"""Posts recorded by hand (issue 22): where the platform offers no way to read an account's posts (LINE
broadcasts, or a platform the capture cannot read here), staff record what was posted — the text, the time,
and an image or PDF of it — as a post marked 手動で記録 by whom.
"""

import hashlib
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import OfficialAccount
from core.audit import audit_record
from core.dates import TOKYO
from core.errors import TransitionError
from core.models import AuditEvent
from monitoring.incidents import evidence_too_large_message, sniff
from platforms.checks import Capability, can

from .capture import archive_of, clean_text
from .matching import match_account
from .models import AccountArchive, MediaFile, Post, PostVersion, content_sha256
from .permissions import ensure_can_record_by_hand
from .search import index_fields

TEXT_MAX = 10_000  # as a captured post's text (archive/capture.py)
EARLIEST = datetime(2000, 1, 1, tzinfo=TOKYO)
FILE_KINDS = "画像（PNG・JPEG・GIF）またはPDF"


def why_by_hand(account: OfficialAccount) -> str:
    """Why the account's posts are recorded by hand (the platform layer's reason), or "" when they are read."""
    answer = can(account, Capability.READ_POSTS)
    return "" if answer else answer.reason


def read_upload(upload) -> tuple[bytes, str]:
    """The file's bytes and its type by content (never by its name: a renamed executable stays refused)."""
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise TransitionError(evidence_too_large_message(), field="file")
    data = upload.read(settings.MAX_UPLOAD_BYTES + 1)
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise TransitionError(evidence_too_large_message(), field="file")
    content_type = sniff(data[:16])
    if content_type is None:
        raise TransitionError(f"{FILE_KINDS}だけを添付できます。", field="file")
    return data, content_type


@transaction.atomic
def post_record_by_hand(*, account_id: int, actor, text: str, posted_at: datetime, upload=None) -> Post:
    """Record one post of an account whose posts cannot be read: a new post (by_hand, recorded_by) with its
    version 1 and, if given, the image or PDF of it as the version's media (with its SHA-256)."""
    account = OfficialAccount.objects.select_related("platform").get(pk=account_id)
    ensure_can_record_by_hand(actor, account)
    AccountArchive.objects.select_for_update().get(pk=archive_of(account).pk)
    if not why_by_hand(account):
        raise TransitionError("このSNSの投稿は自動で保存しています。手動で記録する必要はありません。")
    text = clean_text(text, TEXT_MAX + 1).strip()
    if len(text) > TEXT_MAX:
        raise TransitionError(f"本文は{TEXT_MAX:,}文字以内で入力してください。", field="text")
    if timezone.is_naive(posted_at):
        raise TransitionError("投稿日時を入力してください。", field="posted_on")
    if not EARLIEST <= posted_at <= timezone.now() + timedelta(minutes=5):
        raise TransitionError("投稿日時は2000年から今までの日時を入力してください。", field="posted_on")
    data, content_type = read_upload(upload) if upload is not None else (b"", "")
    if not text and not data:
        raise TransitionError("本文を入力するか、投稿の画像またはPDFを添付してください。", field="text")
    digest = hashlib.sha256(data).hexdigest() if data else ""
    published = timezone.localtime(posted_at).isoformat()
    now = timezone.now()
    post = Post.objects.create(
        account=account,
        post_id=f"manual:{uuid.uuid4()}",
        published_at=posted_at,
        first_captured_at=now,
        by_hand=True,
        recorded_by=actor,
        text=text,
        **index_fields(text),
    )
    version = PostVersion.objects.create(
        post=post,
        number=1,
        captured_at=now,
        published=published,
        text=text,
        # The file's hash is part of what the version says (the image is the post, for a LINE rich message).
        sha256=content_sha256(text=text, links=[], media=[f"sha256:{digest}"] if digest else [], published=published),
    )
    if data:
        media = MediaFile(
            version=version,
            state=MediaFile.State.KEPT,
            content_type=content_type,
            size=len(data),
            sha256=digest,
            fetched_at=now,
        )
        upload.seek(0)
        media.file.save("manual", upload, save=False)
        media.save()
    audit_record(
        target=post,
        actor=actor,
        action=AuditEvent.Action.POST_RECORDED,
        summary=f"投稿を手動で記録（{timezone.localtime(posted_at):%Y-%m-%d %H:%M}の投稿"
        + ("・添付あり" if data else "")
        + "）",
    )
    # Issue 25: matched to its 決裁 as a captured post is (robust: the record stands whatever it does).
    transaction.on_commit(lambda: match_account(account.pk, actor=actor), robust=True)
    return post
