"""決裁 before posting (issue 25, G-4-3-ア): a draft goes to the 課長 (or the deputy the 課長 named), who
approves it or returns it with a comment; a returned draft keeps its history; the author never decides
their own draft; an account whose posts need no 決裁 records the draft 確認済み at once."""

from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, InternalError, transaction
from django.urls import reverse

from core.dates import TOKYO
from core.errors import TransitionError
from core.models import AuditEvent, Notice
from org.roles import Role
from screening import drafts
from screening.models import DraftDeputy, PostDraft
from tests.conftest import _user

pytestmark = pytest.mark.django_db

PLANNED = datetime(2026, 10, 1, 9, 0, tzinfo=TOKYO)
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 32


def _submit(account, actor, text="市民まつりを開催します。", **kwargs):
    return drafts.draft_submit(account_id=account.pk, actor=actor, text=text, planned_at=PLANNED, **kwargs)


def test_a_draft_waits_for_the_section_head_who_approves_it(
    account_a, staff_a, head_a, mailoutbox, django_capture_on_commit_callbacks
):
    staff_a.email = "staff_a@city.komae.lg.jp"
    staff_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        draft = _submit(account_a, staff_a, images=[SimpleUploadedFile("a.png", PNG)])
    assert draft.state == PostDraft.State.PENDING
    assert draft.screened.text == draft.text  # the 投稿前チェック kept beside it
    assert draft.images.get().content_type == "image/png"
    assert Notice.objects.filter(recipient=head_a, subject__contains="投稿の決裁をお願いします").exists()
    with django_capture_on_commit_callbacks(execute=True):
        drafts.draft_decide(draft_id=draft.pk, actor=head_a, approve=True, comment="")
    draft.refresh_from_db()
    assert (draft.state, draft.decided_by) == (PostDraft.State.APPROVED, head_a)
    assert Notice.objects.filter(recipient=staff_a, subject__contains="決裁されました").exists()
    assert any("決裁されました" in m.subject and m.to == [staff_a.email] for m in mailoutbox)
    rows = AuditEvent.objects.filter(object_id=draft.pk, content_type__model="postdraft")
    assert {r.action for r in rows} == {AuditEvent.Action.CREATED, AuditEvent.Action.TRANSITION}


def test_a_returned_draft_keeps_its_history_and_the_revision_is_decided_again(account_a, staff_a, head_a, client):
    draft = _submit(account_a, staff_a, text="市民まつりを開催しまス。")
    with pytest.raises(TransitionError, match="差し戻す理由"):
        drafts.draft_decide(draft_id=draft.pk, actor=head_a, approve=False, comment="  ")
    drafts.draft_decide(draft_id=draft.pk, actor=head_a, approve=False, comment="誤字を直してください。")
    assert Notice.objects.filter(recipient=staff_a, subject__contains="差し戻されました").exists()
    revision = _submit(account_a, staff_a, revision_of_id=draft.pk)
    with pytest.raises(TransitionError, match="出し直し済み"):
        _submit(account_a, staff_a, revision_of_id=draft.pk)
    drafts.draft_decide(draft_id=revision.pk, actor=head_a, approve=True)
    draft.refresh_from_db()
    assert (draft.state, draft.text, draft.comment) == (
        PostDraft.State.RETURNED,
        "市民まつりを開催しまス。",
        "誤字を直してください。",
    )
    client.force_login(staff_a)
    page = client.get(reverse("screening:draft", args=[revision.pk])).content.decode()
    assert "差戻しと修正の履歴" in page and "誤字を直してください。" in page
    # The database keeps the decision as made.
    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        PostDraft.objects.filter(pk=draft.pk).update(text="書き換え")
    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        PostDraft.objects.filter(pk=revision.pk).update(state=PostDraft.State.RETURNED)


def test_nobody_decides_their_own_draft_not_even_the_section_head(account_a, head_a, staff_a):
    draft = _submit(account_a, head_a)
    with pytest.raises(PermissionDenied, match="自分の起案した下書き"):
        drafts.draft_decide(draft_id=draft.pk, actor=head_a, approve=True)
    with pytest.raises(PermissionDenied):
        drafts.draft_decide(draft_id=draft.pk, actor=staff_a, approve=True)  # not the 課長, not named
    assert PostDraft.objects.get(pk=draft.pk).state == PostDraft.State.PENDING


def test_the_deputy_the_section_head_names_decides_until_the_naming_ends(account_a, dept_a, head_a, staff_a):
    deputy = _user("deputy_a", dept_a, Role.STAFF)
    drafts.deputy_name(account_id=account_a.pk, actor=head_a, deputy_id=deputy.pk)
    assert Notice.objects.filter(recipient=deputy, subject__contains="代決者に指名").exists()
    with pytest.raises(PermissionDenied):
        drafts.deputy_name(account_id=account_a.pk, actor=staff_a, deputy_id=staff_a.pk)
    first = _submit(account_a, staff_a)
    assert Notice.objects.filter(recipient=deputy, subject__contains="投稿の決裁をお願いします").exists()
    assert list(drafts.drafts_waiting_for(deputy)) == [first]
    drafts.draft_decide(draft_id=first.pk, actor=deputy, approve=True)
    own = _submit(account_a, deputy)
    with pytest.raises(PermissionDenied, match="自分の起案した下書き"):
        drafts.draft_decide(draft_id=own.pk, actor=deputy, approve=True)
    drafts.deputy_name(account_id=account_a.pk, actor=head_a, deputy_id=None)
    second = _submit(account_a, staff_a)
    with pytest.raises(PermissionDenied):
        drafts.draft_decide(draft_id=second.pk, actor=deputy, approve=True)
    assert DraftDeputy.objects.filter(account=account_a).count() == 2  # each naming kept


def test_an_account_that_needs_no_approval_records_the_draft_confirmed_by_its_author(account_a, staff_a, head_a):
    type(account_a).objects.filter(pk=account_a.pk).update(approval_required=False)
    draft = _submit(account_a, staff_a)
    assert (draft.state, draft.decided_by) == (PostDraft.State.CONFIRMED, staff_a)
    assert not Notice.objects.filter(recipient=head_a).exists()


def test_the_post_url_is_pasted_once_and_must_be_the_platforms(account_a, staff_a, head_a, staff_b):
    draft = _submit(account_a, staff_a)
    with pytest.raises(TransitionError):
        drafts.draft_link_post(draft_id=draft.pk, actor=staff_a, url="https://x.com/komae_kodomo/status/1")
    drafts.draft_decide(draft_id=draft.pk, actor=head_a, approve=True)
    with pytest.raises(PermissionDenied):
        drafts.draft_link_post(draft_id=draft.pk, actor=staff_b, url="https://x.com/komae_kodomo/status/1")
    with pytest.raises(TransitionError, match="の投稿のURL"):
        drafts.draft_link_post(draft_id=draft.pk, actor=staff_a, url="https://evil.example/status/1")
    drafts.draft_link_post(draft_id=draft.pk, actor=staff_a, url="https://x.com/komae_kodomo/status/1")
    with pytest.raises(TransitionError, match="記録済み"):
        drafts.draft_link_post(draft_id=draft.pk, actor=staff_a, url="https://x.com/komae_kodomo/status/2")


def test_the_pages_draft_check_and_decide(client, account_a, staff_a, head_a):
    client.force_login(staff_a)
    form = {
        "account": account_a.pk,
        "text": "○○さんの写真です。",
        "planned_on": "2026-10-01",
        "planned_time": "9:00",
    }
    checked = client.post(reverse("screening:draft_new"), {**form, "check": "1"}).content.decode()
    assert "チェックの結果" in checked and "決裁に回す" in checked
    response = client.post(
        reverse("screening:draft_new"), {**form, "submit": "1", "images": SimpleUploadedFile("x.txt", b"hello")}
    )
    assert "画像（PNG・JPEG・GIF）だけ" in response.content.decode()
    response = client.post(reverse("screening:draft_new"), {**form, "submit": "1"})
    draft = PostDraft.objects.get()
    assert response.url == reverse("screening:draft", args=[draft.pk])
    assert client.post(reverse("screening:draft_decide", args=[draft.pk]), {"decision": "approve"}).status_code == 403
    client.force_login(head_a)
    assert "あなたの決裁を待っている下書き" in client.get(reverse("screening:drafts")).content.decode()
    refused = client.post(reverse("screening:draft_decide", args=[draft.pk]), {"decision": "return", "comment": ""})
    assert refused.status_code == 400 and "差し戻す理由" in refused.content.decode()
    client.post(reverse("screening:draft_decide", args=[draft.pk]), {"decision": "return", "comment": "了解を確認"})
    client.force_login(staff_a)
    page = client.get(reverse("screening:draft", args=[draft.pk])).content.decode()
    assert "修正して出し直す" in page and "了解を確認" in page
    revise = client.get(reverse("screening:draft_new") + f"?revise={draft.pk}").content.decode()
    assert "差し戻された下書き" in revise
