"""Kept posts for the retention tests, written as the capture writes them: the platform's answer (with the
IDs of the posts it lists), the post, its version read from that answer, and a media file kept in storage."""

import hashlib
import json
from datetime import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from archive.capture import archive_of
from archive.models import MediaFile, Post, PostVersion, RawAnswer, content_sha256
from archive.search import index_fields
from core.dates import TOKYO

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def when(year: int, month: int, day: int, hour: int = 9) -> datetime:
    """A time in Japan."""
    return datetime(year, month, day, hour, tzinfo=TOKYO)


def answer_of(account, posts: list[tuple[str, str]]) -> RawAnswer:
    """A page of the platform's feed listing (post_id, text) pairs."""
    body = json.dumps({"feed": [{"uri": pid, "text": text} for pid, text in posts]}, ensure_ascii=False).encode()
    archive_of(account)
    return RawAnswer.objects.create(
        account=account,
        url="https://bsky.example.invalid/xrpc/app.bsky.feed.getAuthorFeed",
        content_type="application/json",
        body=body,
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
        post_ids=[pid for pid, _ in posts],
    )


def kept_post(
    account, post_id: str, text: str, published: datetime | None, *, answer=None, media: bytes = b"", captured=None
):
    """One kept post with version 1 (read from `answer`, or a page of its own) and, if `media`, a kept file;
    first captured now, or at `captured`."""
    answer = answer or answer_of(account, [(post_id, text)])
    stamp = published.isoformat() if published else ""
    post = Post.objects.create(
        account=account,
        post_id=post_id,
        url=f"https://bsky.app/profile/komae/post/{post_id}",
        published_at=published,
        first_captured_at=captured or timezone.now(),
        text=text,
        **index_fields(text),
    )
    urls = ["https://cdn.example.invalid/image.png"] if media else []
    version = PostVersion.objects.create(
        post=post,
        number=1,
        published=stamp,
        text=text,
        links=["https://www.city.komae.tokyo.jp/"],
        media_urls=urls,
        sha256=content_sha256(text=text, links=["https://www.city.komae.tokyo.jp/"], media=urls, published=stamp),
        answer=answer,
    )
    if media:
        file = MediaFile(
            version=version,
            url=urls[0],
            state=MediaFile.State.KEPT,
            content_type="image/png",
            size=len(media),
            sha256=hashlib.sha256(media).hexdigest(),
            fetched_at=timezone.now(),
        )
        file.file.save("media", ContentFile(media), save=False)
        file.save()
    return post
