"""Archived posts as an incident's evidence (issue 22; G-4-3-カ: 記録を残した上で削除): picked from the
account's archive by those who work on the incident, shown on its page and printed in its evidence PDF."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from archive.capture import capture_account
from archive.evidence import posts_attach
from archive.models import MediaFile, Post, PostEvidence
from core.errors import TransitionError
from core.models import AuditEvent
from core.templatetags.wareki import wareki
from monitoring import incidents
from monitoring.models import Incident
from tests.archive.test_capture import HANDLE, feed
from tests.factories import AccountFactory
from tests.pdf_reading import assert_archival_and_tagged, read_pdf
from tests.platform_fixtures import BSKY_DID, bluesky_post
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db


@pytest.fixture
def bsky(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "bluesky") as server:
        yield server


@pytest.fixture
def account(dept_b, head_b):
    return api.city_account(dept_b, head_b, "bluesky", HANDLE, BSKY_DID)


def ago(**delta) -> str:
    return (datetime.now(UTC) - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@pytest.fixture
def archived(bsky, account):
    """Three posts of the account kept by a capture, newest first by text."""
    feed(
        bsky,
        (
            [
                bluesky_post("p3", "【当選】ﾌﾟﾚｾﾞﾝﾄ企画 https://example.invalid/win", ago(days=1)),
                bluesky_post("p2", "防災訓練のお知らせ", ago(days=2), images=[f"{bsky.url}/img/a.png"]),
                bluesky_post("p1", "ごみの収集日", ago(days=3)),
            ],
            None,
            None,
        ),
    )
    bsky.answer("/img/a.png", body=png(), content_type="image/png")  # the capture keeps the image it names
    capture_account(account.pk)
    return {post.text[:4]: post for post in Post.objects.filter(account=account)}


@pytest.fixture
def incident(account, staff_b):
    return incidents.incident_open(account_id=account.pk, actor=staff_b, kind="hijack", title="心当たりのない投稿")


def picker(incident) -> str:
    return reverse("archive:incident_posts", args=[incident.pk])


def png(colour=(200, 0, 0)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, format="PNG")
    return out.getvalue()


def test_staff_pick_posts_of_the_account_by_a_word_and_attach_them(client, archived, incident, staff_b):
    client.force_login(staff_b)
    page = client.get(picker(incident)).content.decode()
    texts = ["【当選】ﾌﾟﾚｾﾞﾝﾄ企画", "防災訓練のお知らせ", "ごみの収集日"]
    assert [page.index(text) for text in texts] == sorted(page.index(text) for text in texts)  # newest first
    found = client.get(picker(incident), {"q": "プレゼント"}).content.decode()  # full-width finds half-width
    assert "ﾌﾟﾚｾﾞﾝﾄ企画" in found and "防災訓練" not in found

    chosen = [archived["【当選】"].pk, archived["防災訓練"].pk]
    response = client.post(picker(incident), {"post": chosen}, follow=True)
    assert "保存した投稿2件を証拠に追加しました。" in response.content.decode()
    attached = PostEvidence.objects.filter(incident=incident)
    assert {e.post_id for e in attached} == set(chosen) and {e.added_by for e in attached} == {staff_b}
    audit = AuditEvent.objects.for_object(incident).get(action="posts_attached")
    assert audit.actor == staff_b and audit.summary == "保存した投稿を証拠に追加（2件）"

    again = client.post(picker(incident), {"post": chosen}, follow=True).content.decode()
    assert "選んだ投稿は既に証拠に追加されています。" in again  # idempotent: nothing twice, no second audit row
    assert (
        attached.count() == 2 and AuditEvent.objects.for_object(incident).filter(action="posts_attached").count() == 1
    )
    assert "checked disabled" in client.get(picker(incident)).content.decode()


def test_the_incident_page_lists_the_posts_attached_with_their_hashes(client, archived, incident, staff_b):
    post = archived["防災訓練"]
    posts_attach(incident_id=incident.pk, actor=staff_b, post_ids=[post.pk])
    Post.objects.filter(pk=post.pk).update(gone_at=timezone.now())  # then deleted on the platform
    version = post.versions.get()
    client.force_login(staff_b)
    page = client.get(reverse("monitoring:incident", args=[incident.pk])).content.decode()
    assert "防災訓練のお知らせ" in page and post.url in page
    assert version.sha256 in page and version.answer.sha256 in page
    assert f"{wareki(version.captured_at)} {timezone.localtime(version.captured_at):%H:%M:%S}" in page
    assert "削除を確認" in page and "保存した投稿から選んで追加" in page and "証拠を印刷（PDF）" in page


def test_a_person_of_another_section_cannot_attach(client, archived, incident, staff_a, member, dept_a, head_a):
    post = archived["防災訓練"]
    with pytest.raises(PermissionDenied, match="このインシデントに対応する権限がありません"):
        posts_attach(incident_id=incident.pk, actor=staff_a, post_ids=[post.pk])
    client.force_login(staff_a)  # 課A does not even see 課B's incident
    assert client.post(picker(incident), {"post": [post.pk]}).status_code == 404
    client.force_login(member)  # the committee sees every account, but works on no incident
    refused = client.post(picker(incident), {"post": [post.pk]})
    assert refused.status_code == 403 and "このインシデントに対応する権限がありません。" in refused.content.decode()
    assert client.get(picker(incident)).status_code == 403
    # 課A's own incident takes no post of 課B's account.
    own = AccountFactory(department=dept_a, manager=head_a)
    theirs = incidents.incident_open(account_id=own.pk, actor=staff_a, kind="hijack", title="不審な投稿")
    client.force_login(staff_a)
    refused = client.post(picker(theirs), {"post": [post.pk]})
    assert (
        refused.status_code == 403
        and "このインシデントのアカウントの投稿だけを証拠にできます。" in refused.content.decode()
    )
    assert not PostEvidence.objects.exists()


def test_a_closed_incident_takes_no_posts_and_bad_picks_are_said(client, archived, incident, staff_b, head_b):
    client.force_login(staff_b)
    for body, message in (
        ({}, "証拠にする投稿を選んでください。"),
        ({"post": ["x"]}, "選んだ投稿が見つかりません。"),
        ({"post": ["999999"]}, "選んだ投稿が見つかりません。"),
    ):
        assert message in client.post(picker(incident), body, follow=True).content.decode()
    Incident.objects.filter(pk=incident.pk).update(status=Incident.Status.CLOSED, closed_at=timezone.now())
    with pytest.raises(TransitionError, match="完了したインシデントは変更できません"):
        posts_attach(incident_id=incident.pk, actor=head_b, post_ids=[archived["防災訓練"].pk])
    response = client.post(picker(incident), {"post": [archived["防災訓練"].pk]}, follow=True)
    assert "完了したインシデントは変更できません。" in response.content.decode()
    assert not PostEvidence.objects.exists()


def test_the_picker_runs_the_same_queries_at_one_and_fifty_posts(client, account, incident, staff_b):
    def fill(n):
        for _ in range(n):
            number = Post.objects.count() + 1
            Post.objects.create(
                account=account, post_id=f"p{number}", text=f"投稿{number}", published_at=timezone.now()
            )

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(picker(incident)).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(staff_b)
    fill(1)
    count()
    at_one = count()
    fill(49)
    assert count() == at_one


def test_the_evidence_pdf_shows_the_posts_with_their_capture_time_hashes_and_images(
    client, archived, incident, staff_b, head_b
):
    post = archived["防災訓練"]
    assert MediaFile.objects.get(version__post=post).state == MediaFile.State.KEPT
    posts_attach(incident_id=incident.pk, actor=staff_b, post_ids=[post.pk])
    screenshot = SimpleUploadedFile("画面の保存.png", png((0, 0, 200)), content_type="image/png")
    uploaded = incidents.evidence_add(incident_id=incident.pk, actor=staff_b, upload=screenshot)
    incidents.incident_step_done(incident_id=incident.pk, actor=staff_b, code="confirm", note="広告の投稿")
    incidents.incident_escalate(incident_id=incident.pk, actor=staff_b)
    version = post.versions.get()

    client.force_login(head_b)
    incident_page = client.get(reverse("monitoring:incident", args=[incident.pk])).content.decode()
    assert reverse("monitoring:incident_pdf", args=[incident.pk]) in incident_page
    response = client.get(reverse("monitoring:incident_pdf", args=[incident.pk]))
    assert response["Content-Type"] == "application/pdf"
    doc = read_pdf(response.content)
    assert_archival_and_tagged(doc, title="インシデントの証拠：心当たりのない投稿")
    text = doc.reading
    assert "防災訓練のお知らせ" in text and post.url in text
    assert f"{wareki(version.captured_at)} {timezone.localtime(version.captured_at):%H:%M:%S}" in text
    assert version.sha256 in text and version.answer.sha256 in text
    assert "画面の保存.png" in text and uploaded.sha256 in text
    assert "掲載された情報の内容を確認する" in text and "広告の投稿" in text and staff_b.display_name in text
    assert "所属長への報告" in text and "乗っ取り" in text
    # The screenshot and the post's kept image, drawn from storage (each page lists the document's images).
    images = {image.name for page in PdfReader(io.BytesIO(response.content)).pages for image in page.images}
    assert len(images) == 2


def test_the_evidence_pdf_is_for_those_who_work_on_the_incident(client, incident, member, staff_a, security_officer):
    url = reverse("monitoring:incident_pdf", args=[incident.pk])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(staff_a)
    assert client.get(url).status_code == 404
    client.force_login(security_officer)
    assert read_pdf(client.get(url).content).reading.count("ありません。") == 2  # no files, no posts yet


def test_hostile_post_text_is_shown_and_printed_as_what_it_is(client, bsky, account, incident, staff_b):
    hostile = "\u202e悪意<script>alert(1)</script>\nhttps://example.invalid/x"
    feed(bsky, ([bluesky_post("p1", hostile, ago(hours=1))], None, None))
    capture_account(account.pk)
    posts_attach(incident_id=incident.pk, actor=staff_b, post_ids=[Post.objects.get().pk])
    client.force_login(staff_b)
    page = client.get(reverse("monitoring:incident", args=[incident.pk])).content.decode()
    # Escaped, and the right-to-left override written out: it neither reverses nor hides what was said.
    assert "<script>alert(1)" not in page and "<bdi>〔U+202E〕悪意&lt;script&gt;alert(1)&lt;/script&gt;" in page
    text = read_pdf(client.get(reverse("monitoring:incident_pdf", args=[incident.pk])).content).reading
    print("TXT", repr(text[text.find("本文") : text.find("本文") + 120]))
    assert "〔U+202E〕悪意<script>alert(1)</script>" in text
