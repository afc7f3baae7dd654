"""Archived posts as an incident's evidence (issue 22; G-4-3-カ: 画面を保存するなど記録を残した上で削除).

A post is attached as the version it had when attached (`PostEvidence`), by the capture that found a
signal (archive/signals.py) or by staff who pick it from the account's archive. The incident's page
and its evidence PDF show what is attached through monitoring's extension point
(monitoring/evidence_sources.py): monitoring does not know the archive.
"""

import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Prefetch

from core.audit import audit_record, person_of
from core.errors import TransitionError
from core.models import AuditEvent
from core.pdf import EMBED_MAX_BYTES, image_data_url
from monitoring.evidence_sources import EvidenceSource, add_evidence_source
from monitoring.incidents import incident_for_work
from monitoring.models import Incident

from .models import MediaFile, Post, PostEvidence, PostVersion
from .search import normalise

MAX_PICKED = 200  # posts attached by one request (the picker shows 50 a page)
MAX_WORDS = 100  # characters of the picker's word filter


def _attach(incident: Incident, posts: list[Post], *, actor) -> int:
    """Attach the posts not yet attached, each as its latest version; one audit row. The caller holds
    the incident's lock, so two attachings of one post never race."""
    attached = set(PostEvidence.objects.filter(incident=incident).values_list("post_id", flat=True))
    fresh = [post for post in posts if post.pk not in attached]
    if not fresh:
        return 0
    latest = {
        version.post_id: version
        for version in PostVersion.objects.filter(post__in=fresh, number=F("post__versions_count")).only(
            "pk", "post_id"
        )
    }
    PostEvidence.objects.bulk_create(
        PostEvidence(incident=incident, post=post, version=latest[post.pk], added_by=person_of(actor)) for post in fresh
    )
    audit_record(
        target=incident,
        actor=actor,
        action=AuditEvent.Action.POSTS_ATTACHED,
        summary=f"保存した投稿を証拠に追加（{len(fresh)}件）",
        comment="\n".join(post.url or post.post_id for post in fresh)[:5000],
    )
    return len(fresh)


def posts_attach_found(*, incident: Incident, posts: list[Post], actor) -> int:
    """The posts a signal found, attached by the capture (`actor` its Job) to the incident that
    `monitoring.status.record_anomaly` gave, locked, in the same transaction."""
    return _attach(incident, posts, actor=actor)


@transaction.atomic
def posts_attach(*, incident_id: int, actor, post_ids: Iterable[int]) -> int:
    """Staff attach posts picked from the account's archive; how many were new to the incident.

    PermissionDenied unless `actor` may work on the incident, or for a post of another account;
    TransitionError once the incident is closed, for no post or one not found or disposed of."""
    incident = incident_for_work(incident_id=incident_id, actor=actor)  # locked; 403; closed refused
    ids = set(post_ids)
    if not ids:
        raise TransitionError("証拠にする投稿を選んでください。")
    if len(ids) > MAX_PICKED:
        raise TransitionError(f"一度に追加できる投稿は{MAX_PICKED}件までです。")
    posts = list(Post.objects.filter(pk__in=ids).order_by("published_at", "pk"))
    if len(posts) != len(ids):
        raise TransitionError("選んだ投稿が見つかりません。")
    if any(post.account_id != incident.account_id for post in posts):
        raise PermissionDenied("このインシデントのアカウントの投稿だけを証拠にできます。")
    if any(post.disposed_at for post in posts):
        raise TransitionError("廃棄した投稿は証拠にできません。")
    return _attach(incident, posts, actor=actor)


def posts_to_pick(*, incident: Incident, words: str = ""):
    """The account's posts newest first for the picker, those not disposed of; with `words`, those whose
    text holds them (normalised as the search is: full-width and half-width alike)."""
    posts = Post.objects.filter(account_id=incident.account_id, disposed_at__isnull=True).only(
        "pk", "account_id", "post_id", "url", "published_at", "first_captured_at", "text", "gone_at", "by_hand"
    )
    wanted = picker_words(words)
    if wanted:
        posts = posts.filter(search_text__contains=wanted)
    return posts.order_by(F("published_at").desc(nulls_last=True), "-pk")


def picker_words(value: str) -> str:
    """The picker's word filter as compared: normalised, bounded, without NUL (PostgreSQL refuses it)."""
    return normalise(str(value or "").replace("\x00", "")[:MAX_WORDS])


# --- what the incident's page and its evidence PDF show (monitoring/evidence_sources.py) ----------------


# The bidirectional controls (ALM, LRM RLM, LRE RLE PDF LRO RLO, LRI RLI FSI PDI): kept in the record, but
# shown as what they are in evidence, so that an override cannot reverse or hide what a post said.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def evidence_text(text: str) -> str:
    """A post's text as evidence shows it: every bidirectional control written out (〔U+202E〕)."""
    return _BIDI.sub(lambda m: f"〔U+{ord(m.group()):04X}〕", text)


def _media_shown(version: PostVersion) -> list[dict]:
    """A version's media for the PDF: a kept image drawn from storage, anything else by URL and state."""
    shown = []
    for media in version.media.all():
        image = None
        if media.state == MediaFile.State.KEPT and media.file and media.size <= EMBED_MAX_BYTES:
            try:
                with media.file.open("rb") as handle:
                    image = image_data_url(handle.read(EMBED_MAX_BYTES + 1))
            except OSError:
                image = None
        shown.append({"media": media, "image": image})
    return shown


def attached_posts(incident: Incident, *, printing: bool = False) -> dict:
    """What the archive adds to an incident's page and PDF: the posts attached, oldest first, each with
    the version attached, the platform's answer it was read from (its hash) and, printing, its media."""
    rows = (
        PostEvidence.objects.filter(incident=incident)
        .select_related("post", "version", "version__answer", "added_by")
        .defer("version__answer__body")  # the answer's bytes stay in the database; its hash is shown
        .order_by(F("post__published_at").asc(nulls_last=True), "pk")
    )
    if printing:
        rows = rows.prefetch_related(Prefetch("version__media", queryset=MediaFile.objects.order_by("pk")))
    rows = list(rows)
    return {
        "attached": [
            {
                "evidence": row,
                "text": evidence_text(row.version.text),
                "media": _media_shown(row.version) if printing else [],
            }
            for row in rows
        ]
    }


def contribute() -> None:
    """Show and print the attached posts with every incident (called from ArchiveConfig.ready())."""
    add_evidence_source(
        EvidenceSource(
            key="archive",
            template="archive/_incident_posts.html",
            pdf_template="archive/_incident_posts_pdf.html",
            context=attached_posts,
        )
    )
