"""The media files a post names, fetched for the archive (issue 22): only from the platform's own media
hosts or its configured base, never with a credential, capped while they stream, and kept only when
their bytes are the image, video or PDF the server says they are."""

import hashlib

import pytest

from platforms import checks, reads
from platforms.models import ApiCredential
from tests.platform_fixtures import (
    GIF_BYTES,
    JPEG_BYTES,
    MP4_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    WEBP_BYTES,
    X_TOKEN,
    X_USER_ID,
    X_USERNAME,
    x_media,
    x_post,
    x_timeline,
)
from tests.platform_server import Listener
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db


@pytest.fixture
def x(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "x") as server:
        yield server


@pytest.fixture
def account(dept_b, head_b, admin):
    account = api.city_account(dept_b, head_b, "x", X_USERNAME, X_USER_ID)
    api.register_token(admin, account, X_TOKEN, kind=ApiCredential.Kind.BEARER_TOKEN, for_platform=True)
    return account


def _failure(account, url, **kw) -> str:
    with pytest.raises(reads.ReadFailed) as failed:
        reads.fetch_media(account, url, **kw)
    return str(failed.value)


@pytest.mark.parametrize(
    ("content", "declared", "kind"),
    [
        (PNG_BYTES, "image/png", "image/png"),
        (JPEG_BYTES, "image/jpeg", "image/jpeg"),
        (JPEG_BYTES, "image/jpg", "image/jpeg"),  # a common misspelling of the same type
        (GIF_BYTES, "image/gif", "image/gif"),
        (WEBP_BYTES, "image/webp", "image/webp"),
        (MP4_BYTES, "video/mp4", "video/mp4"),
        (PDF_BYTES, "application/pdf", "application/pdf"),
        (PNG_BYTES, "application/octet-stream", "image/png"),  # undeclared: the bytes decide
    ],
    ids=["png", "jpeg", "jpg", "gif", "webp", "mp4", "pdf", "undeclared"],
)
def test_a_media_file_is_fetched_with_its_type_and_digest(x, account, content, declared, kind):
    x.answer("/media/file", body=content, content_type=declared)
    media = reads.fetch_media(account, f"{x.url}/media/file", max_bytes=1024)
    assert (media.content, media.content_type) == (content, kind)
    assert media.sha256 == hashlib.sha256(content).hexdigest()


def test_no_credential_goes_to_a_media_host(x, account):
    """The posts are read with the bearer token; the pictures they name are fetched with nothing."""
    x.answer(
        f"/2/users/{X_USER_ID}/tweets",
        json=x_timeline(
            [x_post("1860000000000000001", "写真です", "2026-11-20T09:00:00.000Z", media_keys=["3_1"])],
            media=[x_media("3_1", "photo", f"{x.url}/media/3_1.jpg")],
        ),
    )
    x.answer("/media/3_1.jpg", body=JPEG_BYTES, content_type="image/jpeg")
    (post,) = reads.read_posts(account).posts
    assert reads.fetch_media(account, post.media[0], max_bytes=4096).content == JPEG_BYTES
    (media_request,) = [headers for path, headers in api.requests_of(x) if path.startswith("/media/")]
    assert "Authorization" not in media_request and not any(X_TOKEN in v for v in media_request.values())


@pytest.mark.parametrize(
    ("content", "declared", "reason"),
    [
        (JPEG_BYTES, "image/png", "ファイルの中身（JPEG）が申告された形式（image/png）と違います"),
        (
            b"<html><script>alert(1)</script></html>",
            "image/jpeg",
            "画像・動画・PDFとして読み取れないファイルです（image/jpeg）",
        ),
        (
            b"MZ\x90\x00" + b"\x00" * 64,
            "application/octet-stream",
            "読み取れないファイルです（application/octet-stream）",
        ),
        (PNG_BYTES, "text/html", "ファイルの中身（PNG）が申告された形式（text/html）と違います"),
        (b"", "image/png", "読み取れないファイル"),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 32, "video/mp4", "読み取れないファイルです（video/mp4）"),
    ],
    ids=["jpeg-as-png", "html-as-jpeg", "exe", "png-as-html", "empty", "heic-as-mp4"],
)
def test_a_file_that_is_not_what_it_says_is_not_kept(x, account, content, declared, reason):
    x.answer("/media/file", body=content, content_type=declared)
    assert reason in _failure(account, f"{x.url}/media/file", max_bytes=1024)


def test_a_declared_size_over_the_cap_is_refused_before_reading(x, account):
    x.answer("/media/big.png", body=PNG_BYTES + b"\x00" * 2048, content_type="image/png")
    assert _failure(account, f"{x.url}/media/big.png", max_bytes=1024) == "ファイルが大きすぎます（上限 1 KB）"


def test_a_file_without_a_declared_size_is_capped_while_it_streams(x, account):
    """50 MB sent with no Content-Length: reading stops at the cap, long before the end."""
    failure = _failure(account, f"{x.url}/stream?bytes={50 * 1024 * 1024}", max_bytes=1024 * 1024)
    assert failure == "ファイルが大きすぎます（上限 1 MB）"
    assert x.server.RequestHandlerClass.streamed < 20 * 1024 * 1024


def test_only_the_platforms_media_hosts_and_its_base_are_fetched(x, account):
    with Listener() as elsewhere:
        failure = _failure(account, f"http://127.0.0.1:{elsewhere.port}/a.png")
        assert failure.startswith("接続先が許可されていません") and elsewhere.connections == 0
    adapter = checks.adapter_for("x")
    target = adapter.media_target(account, "https://pbs.twimg.com/media/a.jpg")
    for url in ("https://pbs.twimg.com.example.net/a.jpg", "http://pbs.twimg.com/a.jpg", "https://api.x.com/a.jpg"):
        with pytest.raises(checks.OutboundRefused):
            checks.check_url(url, hosts=target.hosts)
    checks.check_url("https://pbs.twimg.com/media/a.jpg", hosts=target.hosts)
    checks.check_url("https://video.twimg.com/ext_tw_video/1/pu/vid/a.mp4", hosts=target.hosts)
    assert target.token == "" and target.secrets == ()


def test_a_redirect_off_the_media_hosts_is_not_followed(x, account):
    with Listener() as elsewhere:
        failure = _failure(account, f"{x.url}/to?url=http://127.0.0.1:{elsewhere.port}/a.png")
        assert "別のサイトへ転送されます" in failure and elsewhere.connections == 0


def test_a_missing_file_says_so_and_a_rate_limit_is_waited_out(x, account):
    assert _failure(account, f"{x.url}/media/none.png") == "ファイルを取得できません（HTTP 404）"
    x.answer("/media/busy.png", status=429, text="", headers={"Retry-After": "0"}, times=1)
    x.answer("/media/busy.png", body=PNG_BYTES, content_type="image/png")
    assert reads.fetch_media(account, f"{x.url}/media/busy.png").content == PNG_BYTES


def test_a_platform_without_media_hosts_fetches_nothing(settings, dept_b, head_b):
    settings.STATUS_CHECK_BASES = {}
    account = api.city_account(dept_b, head_b, "line", "@123komae")
    assert _failure(account, "https://profile.line-scdn.net/a.png").endswith("このSNSの画像・動画は取得できません")


@pytest.mark.parametrize(
    ("code", "url"),
    [
        ("bluesky", "https://cdn.bsky.app/img/feed_fullsize/plain/did:plc:x/bafy@jpeg"),
        ("bluesky", "https://video.bsky.app/watch/did%3Aplc%3Ax/bafy/playlist.m3u8"),
        ("youtube", "https://i.ytimg.com/vi/inventedV000/hqdefault.jpg"),
        ("instagram", "https://scontent-nrt1-1.cdninstagram.com/v/t51/1.jpg"),
        ("facebook", "https://scontent.xx.fbcdn.net/v/t39/1.jpg"),
        ("threads", "https://scontent-nrt1-2.cdninstagram.com/v/t51/2.jpg"),
        ("tiktok", "https://p16-sign-va.tiktokcdn.com/obj/cover.jpeg"),
        ("note", "https://assets.st-note.com/production/uploads/images/1/a.png"),
    ],
)
def test_each_platform_names_its_own_media_hosts(settings, code, url):
    settings.STATUS_CHECK_BASES = {}
    checks.check_url(url, hosts=checks.adapter_for(code).media_hosts)
    with pytest.raises(checks.OutboundRefused):
        checks.check_url(url.replace("https://", "https://evil.example/"), hosts=checks.adapter_for(code).media_hosts)
