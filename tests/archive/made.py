"""Posts as the capture keeps them (archive/capture.py), made directly: the platform's answer with its
hash, the post with its search columns, its versions and media files — for the tests of what is done
with kept posts (search, pages, exports)."""

import hashlib
import json
import struct
import zlib
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.utils import timezone

from archive.models import MediaFile, Post, PostVersion, RawAnswer, content_sha256
from archive.search import index_fields

JST = ZoneInfo("Asia/Tokyo")


def png(width: int = 4, height: int = 4, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A real PNG of one colour (so that a PDF draws it and a reader finds it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=JST)


def answer_for(account, body: bytes, *, url: str = "", captured_at=None) -> RawAnswer:
    return RawAnswer.objects.create(
        account=account,
        captured_at=captured_at or timezone.now(),
        url=url or "https://bsky.example.invalid/xrpc/app.bsky.feed.getAuthorFeed?actor=did%3Aplc%3Ainvented",
        status=200,
        content_type="application/json; charset=utf-8",
        body=body,
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
    )


def keep_post(
    account,
    post_id: str,
    text: str,
    published: datetime | None,
    *,
    edits: tuple[str, ...] = (),
    links: tuple[str, ...] = (),
    images: tuple[bytes, ...] = (),
    gone_at: datetime | None = None,
    by_hand: bool = False,
    recorded_by=None,
    answer: RawAnswer | None = None,
) -> Post:
    """A post as captured (or recorded by hand), with a version per text (`text`, then each edit);
    each image a kept media file of the first version."""
    texts = (text, *edits)
    post = Post.objects.create(
        account=account,
        post_id=post_id,
        url=f"https://bsky.app/profile/komae.example.invalid/post/{post_id}",
        published_at=published,
        by_hand=by_hand,
        recorded_by=recorded_by,
        text=texts[-1],
        versions_count=len(texts),
        gone_at=gone_at,
        **index_fields(texts[-1]),
    )
    for number, version_text in enumerate(texts, start=1):
        media_urls = (
            [f"https://cdn.example.invalid/{post_id}/{i}.png" for i in range(len(images))] if number == 1 else []
        )
        published_text = published.isoformat() if published else ""
        body_answer = answer
        if body_answer is None and not by_hand:
            body = json.dumps({"feed": [{"post": {"uri": post_id, "text": version_text}}]}, ensure_ascii=False)
            body_answer = answer_for(account, body.encode())
        version = PostVersion.objects.create(
            post=post,
            number=number,
            published=published_text,
            text=version_text,
            links=list(links),
            media_urls=media_urls,
            sha256=content_sha256(text=version_text, links=links, media=media_urls, published=published_text),
            answer=body_answer,
        )
        for url, data in zip(media_urls, images if number == 1 else (), strict=True):
            digest = hashlib.sha256(data).hexdigest()
            media = MediaFile(
                version=version,
                url=url,
                state=MediaFile.State.KEPT,
                content_type="image/png",
                size=len(data),
                sha256=digest,
                fetched_at=timezone.now(),
            )
            media.file.save(digest, ContentFile(data), save=False)
            media.save()
    return post
