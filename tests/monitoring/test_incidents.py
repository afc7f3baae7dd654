"""Incidents: checklists per kind, the reporting chain, evidence checked by content (SPEC §4.5)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.errors import TransitionError
from monitoring import incidents
from monitoring.models import Incident

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def hijack(account_a, staff_a):
    return incidents.incident_open(
        account_id=account_a.pk, actor=staff_a, kind="hijack", title="心当たりのない投稿", description="深夜に広告"
    )


def test_a_hijack_gets_the_g_4_3_ka_checklist(hijack):
    labels = [s.label for s in hijack.steps.all()]
    assert "パスワードを変更する" in labels and "連携しているサードパーティー製アプリを解除する" in labels
    assert labels[0] == "掲載された情報の内容を確認する"


def test_a_wrong_post_gets_the_p_5_2_checklist(account_a, staff_a):
    """P-5-2: a wrong post is deleted, then the corrected content is posted again."""
    incident = incidents.incident_open(account_id=account_a.pk, actor=staff_a, kind="wrong_post", title="日付の誤り")
    assert [s.code for s in incident.steps.all()] == ["delete_post", "post_correction"]


def test_the_chain_is_timed_and_closing_needs_every_step(hijack, staff_a, head_a):
    incidents.incident_escalate(incident_id=hijack.pk, actor=staff_a)
    with pytest.raises(PermissionDenied, match="所属長が行います"):
        incidents.incident_escalate(incident_id=hijack.pk, actor=staff_a)
    incidents.incident_escalate(incident_id=hijack.pk, actor=head_a)
    hijack.refresh_from_db()
    assert hijack.reported_to_head_by == staff_a and hijack.reported_to_ciso_by == head_a
    assert hijack.reported_to_head_at <= hijack.reported_to_ciso_at
    with pytest.raises(TransitionError, match="未実施の手順があります"):
        incidents.incident_close(incident_id=hijack.pk, actor=head_a)
    for step in hijack.steps.all():
        incidents.incident_step_done(incident_id=hijack.pk, actor=staff_a, code=step.code)
    incidents.incident_close(incident_id=hijack.pk, actor=head_a)
    hijack.refresh_from_db()
    assert hijack.status == Incident.Status.CLOSED
    with pytest.raises(TransitionError, match="完了したインシデントは変更できません"):
        incidents.incident_escalate(incident_id=hijack.pk, actor=head_a)


def test_section_b_cannot_see_or_work_on_section_a_incidents(client, hijack, staff_b, security_officer):
    client.force_login(staff_b)
    assert client.get(reverse("monitoring:incident", args=[hijack.pk])).status_code == 404
    assert client.post(reverse("monitoring:incident_act", args=[hijack.pk, "escalate"])).status_code == 404
    client.force_login(security_officer)
    assert client.get(reverse("monitoring:incident", args=[hijack.pk])).status_code == 200


def test_evidence_is_checked_by_content_and_served_only_to_those_allowed(client, hijack, staff_a, staff_b):
    client.force_login(staff_a)
    url = reverse("monitoring:incident_act", args=[hijack.pk, "evidence"])
    exe = SimpleUploadedFile("screenshot.png", b"MZ\x90\x00" + b"\x00" * 64, content_type="image/png")
    body = client.post(url, {"file": exe}, follow=True).content.decode()
    assert "画像（PNG・JPEG・GIF）またはPDFだけを添付できます" in body
    client.post(url, {"file": SimpleUploadedFile("画面.png", PNG, content_type="application/octet-stream")})
    evidence = hijack.evidence.get()
    assert evidence.content_type == "image/png" and evidence.original_name == "画面.png"
    assert "画面" not in evidence.file.name and evidence.file.name.startswith(f"evidence/{hijack.pk}/")
    download = client.get(reverse("monitoring:evidence", args=[evidence.pk]))
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Disposition"].startswith("attachment")
    client.force_login(staff_b)
    assert client.get(reverse("monitoring:evidence", args=[evidence.pk])).status_code == 404


def test_oversized_evidence_is_refused(hijack, staff_a, settings):
    settings.MAX_UPLOAD_BYTES = 10
    with pytest.raises(TransitionError, match="大きすぎます"):
        incidents.evidence_add(
            incident_id=hijack.pk, actor=staff_a, upload=SimpleUploadedFile("a.png", PNG, content_type="image/png")
        )


def test_the_screens_open_and_work_an_incident(client, account_a, staff_a):
    """G-4-3-オ: an important mention is recorded and reported up the chain, never rebutted on one's own."""
    client.force_login(staff_a)
    response = client.post(
        reverse("monitoring:incident_new", args=[account_a.pk]),
        {"kind": "important_mention", "title": "掲示板に市の事業の誤情報", "description": "事実誤認"},
        follow=True,
    )
    body = response.content.decode()
    assert "インシデントを起票しました" in body and "個人の判断で否定・反論しない" in body
    incident = Incident.objects.get()
    client.post(reverse("monitoring:incident_act", args=[incident.pk, "step"]), {"code": "record", "note": "保存済"})
    assert incident.steps.get(code="record").done_by == staff_a
    assert "掲示板に市の事業の誤情報" in client.get(reverse("monitoring:incidents")).content.decode()
