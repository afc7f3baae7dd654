"""Posts recorded by hand (issue 22): where the platform offers no way to read posts (LINE broadcasts), staff
record the text, the time and an image or PDF of it, marked 手動で記録 by whom."""

import hashlib
from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archive.manual import post_record_by_hand, why_by_hand
from archive.models import MediaFile, Post, PostVersion
from core.dates import TOKYO
from core.errors import TransitionError
from core.models import AuditEvent
from platforms.checks import Capability, can
from tests.factories import AccountFactory, platform
from tests.platform_fixtures import BSKY_DID
from tests.platforms import api_support as api

# Also on the embedded defaults (SQLite): a small city keeps and hands over its posts there too.
pytestmark = [pytest.mark.django_db, pytest.mark.smoke]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64  # a Windows executable


@pytest.fixture
def line_a(dept_a, head_a):
    """課A's LINE公式アカウント: its broadcasts cannot be read by any interface."""
    return AccountFactory(department=dept_a, manager=head_a, platform=platform("line"), handle="@komae_kosodate")


def _form(**fields):
    return {
        "text": "【子育てひろば】今週土曜は休館です。",
        "posted_on": "令和8年11月20日",
        "posted_time": "9:30",
        **fields,
    }


def test_staff_record_a_broadcast_with_its_image(client, line_a, staff_a):
    reason = can(line_a, Capability.READ_POSTS).reason
    assert reason and why_by_hand(line_a) == reason
    client.force_login(staff_a)
    url = reverse("archive:record", args=[line_a.pk])
    page = client.get(url).content.decode()
    assert "このSNSは投稿を読み取る方法を提供していないため" in page and f"理由：{reason}" in page
    image = SimpleUploadedFile("配信画面.png", PNG, content_type="image/png")
    response = client.post(url, _form(file=image))
    assert response.status_code == 302 and response.url == reverse("accounts:detail", args=[line_a.pk])
    post = Post.objects.get(account=line_a)
    assert post.by_hand and post.recorded_by == staff_a and post.post_id.startswith("manual:")
    assert post.published_at == datetime(2026, 11, 20, 9, 30, tzinfo=TOKYO)  # Japan's time, kept aware
    assert post.text == "【子育てひろば】今週土曜は休館です。" and "休館" in post.search_text and "休館" in post.grams
    version = PostVersion.objects.get(post=post)
    assert version.number == 1 and version.answer is None and version.text == post.text
    media = MediaFile.objects.get(version=version)
    assert media.state == MediaFile.State.KEPT and media.content_type == "image/png" and media.size == len(PNG)
    assert media.sha256 == hashlib.sha256(PNG).hexdigest()
    with default_storage.open(media.file.name, "rb") as stored:
        assert stored.read() == PNG
    event = AuditEvent.objects.for_object(post).get()
    assert event.action == AuditEvent.Action.POST_RECORDED and event.actor == staff_a
    assert "2026-11-20 09:30" in event.summary and "添付あり" in event.summary


def test_a_renamed_executable_is_refused_in_japanese_and_nothing_is_kept(client, line_a, staff_a):
    client.force_login(staff_a)
    fake = SimpleUploadedFile("screen.png", EXE, content_type="image/png")
    response = client.post(reverse("archive:record", args=[line_a.pk]), _form(file=fake))
    assert response.status_code == 200
    assert "画像（PNG・JPEG・GIF）またはPDFだけを添付できます" in response.content.decode()
    assert not Post.objects.exists() and not MediaFile.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.POST_RECORDED).exists()


def test_a_file_past_the_cap_is_refused(client, line_a, staff_a, settings):
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(staff_a)
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024), content_type="application/pdf")
    response = client.post(reverse("archive:record", args=[line_a.pk]), _form(file=big))
    assert response.status_code == 200 and "ファイルが大きすぎます（1 MBまで）" in response.content.decode()
    assert not Post.objects.exists()


def test_a_pdf_alone_is_a_record_and_an_empty_one_is_not(line_a, head_a):
    pdf = SimpleUploadedFile("配信.pdf", b"%PDF-1.7\n%\xe2\xe3\n", content_type="application/pdf")
    at = datetime(2026, 11, 1, 18, 5, tzinfo=TOKYO)
    post = post_record_by_hand(account_id=line_a.pk, actor=head_a, text="", posted_at=at, upload=pdf)
    assert post.text == "" and post.versions.get().media.get().content_type == "application/pdf"
    with pytest.raises(TransitionError, match="本文を入力するか"):
        post_record_by_hand(account_id=line_a.pk, actor=head_a, text="  ", posted_at=at)
    assert Post.objects.count() == 1


def test_the_time_it_was_posted_is_in_the_past(client, line_a, staff_a):
    client.force_login(staff_a)
    response = client.post(reverse("archive:record", args=[line_a.pk]), _form(posted_on="2099-01-01"))
    assert "未来の日付は入力できません" in response.content.decode()
    with pytest.raises(TransitionError, match="2000年から今まで"):
        post_record_by_hand(
            account_id=line_a.pk, actor=staff_a, text="古い", posted_at=datetime(1999, 12, 31, tzinfo=TOKYO)
        )
    assert not Post.objects.exists()


def test_who_records_by_hand(client, line_a, people):
    at = datetime(2026, 11, 1, 9, tzinfo=TOKYO)
    allowed = set()
    for name, user in people.items():
        try:
            post_record_by_hand(account_id=line_a.pk, actor=user, text=f"{name}の記録", posted_at=at)
        except PermissionDenied as refusal:
            assert "管理者と所管課の職員・課長" in str(refusal)
        else:
            allowed.add(name)
    assert allowed == {"staff_a", "head_a"}
    url = reverse("archive:record", args=[line_a.pk])
    for name, status in (("member", 403), ("security_officer", 403), ("staff_b", 404), ("admin", 403)):
        client.force_login(people[name])
        assert client.get(url).status_code == status, name
        assert client.post(url, _form()).status_code == status, name
    assert Post.objects.count() == 2


def test_the_manager_records_while_one_of_the_section(line_a, staff_a, dept_b):
    line_a.manager = staff_a
    line_a.save()
    at = datetime(2026, 11, 1, 9, tzinfo=TOKYO)
    assert post_record_by_hand(account_id=line_a.pk, actor=staff_a, text="配信", posted_at=at).recorded_by == staff_a
    staff_a.department = dept_b  # 人事異動: no longer of the account's 課
    staff_a.save()
    with pytest.raises(PermissionDenied):
        post_record_by_hand(account_id=line_a.pk, actor=staff_a, text="配信", posted_at=at)


def test_an_account_whose_posts_are_read_is_not_recorded_by_hand(client, dept_a, head_a, staff_a):
    bluesky = api.city_account(dept_a, head_a, "bluesky", "komae-city.bsky.social", BSKY_DID)
    assert can(bluesky, Capability.READ_POSTS)
    client.force_login(staff_a)
    response = client.get(reverse("archive:record", args=[bluesky.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:detail", args=[bluesky.pk])
    assert "自動で保存しています" in response.content.decode()
    with pytest.raises(TransitionError, match="自動で保存しています"):
        post_record_by_hand(
            account_id=bluesky.pk, actor=staff_a, text="x", posted_at=datetime(2026, 11, 1, 9, tzinfo=TOKYO)
        )
    assert not Post.objects.exists()
