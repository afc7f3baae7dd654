"""Four-eyes on what the public sees (trust-boundaries §2, SPEC §8, P-7).

The attack: a 担当職員 alone changed the profile URL of a 運用中 account, and /registry/, accounts.json
and accounts.csv linked the "official" account there at once. Now that change waits for the 課長,
and until then the public sees the old values.
"""

import json
from unittest.mock import ANY

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import AccountStatus, PublicChange
from core.errors import TransitionError
from core.models import AuditEvent
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

EVIL = "https://x.com/komae_kodomo_official"


def _edit_form(account, head) -> dict:
    """The edit form as the page fills it for `account`: every field as it is now."""
    data = {}
    for name in services.EDITABLE_FIELDS:
        value = getattr(account, name)
        if name in ("platform", "manager"):
            value = value.pk
        elif isinstance(value, bool):
            if not value:
                continue
            value = "on"
        elif value is None:
            value = ""
        data[name] = value
    return data


def _public_urls(client) -> str:
    registry = client.get(reverse("registry:list")).content.decode()
    data = client.get(reverse("registry:json")).content.decode()
    csv = client.get(reverse("registry:csv")).content.decode("utf-8-sig")
    return registry + data + csv


def _verify(client, query: str) -> dict:
    return client.get(reverse("registry:verify"), {"q": query}, HTTP_ACCEPT="application/json").json()


def test_a_clerks_change_of_the_profile_url_waits_for_the_section_head(client, staff_a, head_a, account_a):
    client.force_login(staff_a)
    data = {
        **_edit_form(account_a, head_a),
        "profile_url": EVIL,
        "handle": "komae_kids",
        "content_notes": "毎週金曜に配信",  # not public: applies at once
    }
    response = client.post(reverse("accounts:edit", args=[account_a.pk]), data, follow=True)
    assert "課長に申請しました" in response.content.decode()
    client.logout()
    public = _public_urls(client)
    assert EVIL not in public and "komae_kids" not in public
    assert "https://x.com/komae_kodomo" in public
    assert _verify(client, EVIL)["official"] is False
    assert _verify(client, "https://x.com/komae_kodomo")["official"] is True
    account_a.refresh_from_db()
    assert account_a.content_notes == "毎週金曜に配信"
    change = PublicChange.objects.get()
    assert change.status == PublicChange.Status.PENDING and change.proposed_by == staff_a
    assert set(change.changes) == {"profile_url", "handle"}
    proposed = AuditEvent.objects.for_object(change).get()
    assert (proposed.action, proposed.actor) == (AuditEvent.Action.CREATED, staff_a)
    assert proposed.changes == {
        "ユーザー名": ["komae_kodomo", "komae_kids"],
        "プロフィールURL": ["https://x.com/komae_kodomo", EVIL],
    }


def test_the_section_head_approves_and_the_public_sees_the_new_values(client, staff_a, head_a, account_a, mailoutbox):
    change = services.account_update(
        account_id=account_a.pk, actor=staff_a, fields={"display_name": "こまえ子ども応援団"}
    ).proposal
    client.force_login(head_a)
    page = client.get(reverse("accounts:detail", args=[account_a.pk])).content.decode()
    assert "課長の承認を待っている公開情報の変更" in page and "承認して公開する" in page
    response = client.post(
        reverse("accounts:public_change", args=[account_a.pk, change.pk, "approve"]), {"comment": "確認済み"}
    )
    assert response.status_code == 302
    client.logout()
    assert "こまえ子ども応援団" in client.get(reverse("registry:list")).content.decode()
    event = AuditEvent.objects.for_object(change).get(action=AuditEvent.Action.TRANSITION)
    assert (event.from_state, event.to_state, event.actor) == ("pending", "approved", head_a)
    assert event.changes == {"表示名": ["こまえ子ども", "こまえ子ども応援団"]}
    assert event.comment == f"申請：{staff_a.display_name}／承認：{head_a.display_name}：確認済み"
    change.refresh_from_db()
    assert (change.status, change.decided_by) == (PublicChange.Status.APPROVED, head_a)


def test_a_rejected_change_never_reaches_the_public(client, staff_a, head_a, account_a):
    staff_a.email = "staff_a@city.komae.lg.jp"
    staff_a.save()
    change = services.account_update(account_id=account_a.pk, actor=staff_a, fields={"profile_url": EVIL}).proposal
    services.public_change_decide(change_id=change.pk, actor=head_a, approve=False, comment="URLが違います")
    account_a.refresh_from_db()
    assert account_a.profile_url == "https://x.com/komae_kodomo"
    assert PublicChange.objects.get().status == PublicChange.Status.REJECTED
    event = AuditEvent.objects.for_object(change).get(action=AuditEvent.Action.TRANSITION)
    assert (event.to_state, event.actor, event.changes) == ("rejected", head_a, {"プロフィールURL": [ANY, EVIL]})
    with pytest.raises(TransitionError, match="既に「却下」"):
        services.public_change_decide(change_id=change.pk, actor=head_a, approve=True)


@pytest.mark.parametrize("who", ["staff_a", "member", "chair", "security_officer", "contractor"])
def test_only_the_section_head_decides(request, who, staff_a, account_a):
    from django.core.exceptions import PermissionDenied

    change = services.account_update(account_id=account_a.pk, actor=staff_a, fields={"profile_url": EVIL}).proposal
    with pytest.raises(PermissionDenied):
        services.public_change_decide(change_id=change.pk, actor=request.getfixturevalue(who), approve=True)
    account_a.refresh_from_db()
    assert account_a.profile_url == "https://x.com/komae_kodomo"
    assert PublicChange.objects.get().status == PublicChange.Status.PENDING


def test_the_section_heads_own_change_applies_at_once_and_says_who_approved(head_a, account_a):
    result = services.account_update(account_id=account_a.pk, actor=head_a, fields={"display_name": "新しい名前"})
    assert result.proposal is None
    event = AuditEvent.objects.for_object(account_a).get()
    assert event.changes == {"表示名": ["こまえ子ども", "新しい名前"]}
    assert event.comment == f"公開情報（表示名）の変更：{head_a.display_name}が変更し承認"


def test_a_second_proposal_waits_for_the_first_and_nothing_is_half_applied(staff_a, account_a):
    services.account_update(account_id=account_a.pk, actor=staff_a, fields={"display_name": "一つ目"})
    with pytest.raises(TransitionError, match="承認を待っている公開情報の変更があります"):
        services.account_update(
            account_id=account_a.pk, actor=staff_a, fields={"display_name": "二つ目", "content_notes": "メモ"}
        )
    account_a.refresh_from_db()
    assert (account_a.display_name, account_a.content_notes) == ("こまえ子ども", "")
    assert PublicChange.objects.count() == 1


def test_a_proposal_made_stale_by_a_later_edit_is_not_applied(staff_a, head_a, account_a):
    change = services.account_update(account_id=account_a.pk, actor=staff_a, fields={"display_name": "案"}).proposal
    services.account_update(account_id=account_a.pk, actor=head_a, fields={"display_name": "課長が直した名前"})
    with pytest.raises(TransitionError, match="申請の後に登録内容（表示名）が変わっています"):
        services.public_change_decide(change_id=change.pk, actor=head_a, approve=True)
    account_a.refresh_from_db()
    assert account_a.display_name == "課長が直した名前"


def test_a_bad_proposal_is_refused_when_proposed(staff_a, account_a, dept_a, head_a):
    AccountFactory(department=dept_a, manager=head_a, handle="komae_taken")
    with pytest.raises(TransitionError, match="既に登録されています"):
        services.account_update(account_id=account_a.pk, actor=staff_a, fields={"handle": "komae_taken"})
    with pytest.raises(TransitionError, match="プロフィールURL"):
        services.account_update(account_id=account_a.pk, actor=staff_a, fields={"profile_url": "http://127.0.0.1/"})
    assert not PublicChange.objects.exists()


@pytest.mark.parametrize("status", [AccountStatus.NOTICE, AccountStatus.SUSPENDED])
def test_accounts_under_notice_or_suspended_are_public_too(status, staff_a, dept_a, head_a):
    account = AccountFactory(department=dept_a, manager=head_a, handle="komae_x", status=status)
    result = services.account_update(account_id=account.pk, actor=staff_a, fields={"display_name": "変更"})
    assert result.proposal is not None


def test_an_account_in_preparation_is_edited_directly(staff_a, preparing_a):
    result = services.account_update(account_id=preparing_a.pk, actor=staff_a, fields={"display_name": "準備中の名前"})
    assert result.proposal is None and result.changed == ["表示名"]


def test_the_proposer_withdraws_and_the_heads_are_told_by_mail(
    client, staff_a, head_a, account_a, mailoutbox, django_capture_on_commit_callbacks
):
    head_a.email = "head_a@city.komae.lg.jp"
    head_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        change = services.account_update(
            account_id=account_a.pk, actor=staff_a, fields={"verification_status": "verified"}
        ).proposal
    assert mailoutbox[0].to == ["head_a@city.komae.lg.jp"] and "承認依頼" in mailoutbox[0].subject
    client.force_login(head_a)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "承認を待っている公開情報の変更" in dashboard and account_a.display_name in dashboard
    client.force_login(staff_a)
    client.post(reverse("accounts:public_change", args=[account_a.pk, change.pk, "withdraw"]))
    assert PublicChange.objects.get().status == PublicChange.Status.WITHDRAWN
    event = AuditEvent.objects.for_object(change).get(action=AuditEvent.Action.TRANSITION)
    assert (event.from_state, event.to_state, event.actor) == ("pending", "withdrawn", staff_a)
    assert json.loads(client.get(reverse("registry:json")).content)["accounts"][0]["verification"] == "未申請"


def test_activation_publishes_only_what_the_section_head_saw(client, staff_a, head_a, preparing_a):
    """A clerk may edit an account in 開設準備; an edit between the 課長's look and 運用開始 is refused."""
    client.force_login(head_a)
    page = client.get(reverse("accounts:transition", args=[preparing_a.pk, "activate"])).content.decode()
    assert "公開一覧に載る内容（確認してください）" in page and preparing_a.profile_url in page
    seen = services.public_fingerprint(preparing_a)
    services.account_update(account_id=preparing_a.pk, actor=staff_a, fields={"profile_url": EVIL})
    response = client.post(
        reverse("accounts:transition", args=[preparing_a.pk, "activate"]), {"public_fingerprint_seen": seen}
    )
    assert "公開される項目（ユーザー名・プロフィールURLなど）が変更されました" in response.content.decode()
    preparing_a.refresh_from_db()
    assert preparing_a.status == AccountStatus.PREPARING
    fresh = services.public_fingerprint(preparing_a)
    client.post(reverse("accounts:transition", args=[preparing_a.pk, "activate"]), {"public_fingerprint_seen": fresh})
    preparing_a.refresh_from_db()
    assert preparing_a.status == AccountStatus.ACTIVE
    event = AuditEvent.objects.for_object(preparing_a).filter(action=AuditEvent.Action.TRANSITION).get()
    assert event.actor == head_a and event.changes["プロフィールURL"] == EVIL


def test_a_decision_with_too_long_a_comment_is_not_made(client, staff_a, head_a, account_a):
    change = services.account_update(account_id=account_a.pk, actor=staff_a, fields={"display_name": "案"}).proposal
    client.force_login(head_a)
    response = client.post(
        reverse("accounts:public_change", args=[account_a.pk, change.pk, "approve"]),
        {"comment": "あ" * 501},
        follow=True,
    )
    assert "承認・却下はまだ行っていません" in response.content.decode()
    assert PublicChange.objects.get().status == PublicChange.Status.PENDING


def test_a_legacy_profile_url_does_not_block_a_change_of_another_field(staff_a, head_a, account_a):
    from accounts.models import OfficialAccount

    OfficialAccount.objects.filter(pk=account_a.pk).update(profile_url="http://old.example/komae")
    change = services.account_update(account_id=account_a.pk, actor=staff_a, fields={"display_name": "案"}).proposal
    services.public_change_decide(change_id=change.pk, actor=head_a, approve=True)
    account_a.refresh_from_db()
    assert account_a.display_name == "案"


def test_the_accounts_history_shows_each_proposal_and_what_became_of_it(client, staff_a, head_a, account_a):
    """The rows are the public change's own (its status moves through core.audit.transition); the
    account's page reads them in its 経過 beside the account's, who did what in words."""
    change = services.account_update(account_id=account_a.pk, actor=staff_a, fields={"display_name": "案"}).proposal
    services.public_change_decide(change_id=change.pk, actor=head_a, approve=False, comment="名称が違います")
    client.force_login(head_a)
    page = client.get(reverse("accounts:detail", args=[account_a.pk])).content.decode()
    timeline = page[page.index('id="timeline-heading"') :]
    decided, proposed = "公開情報の変更（表示名）：承認待ち → 却下", "公開情報の変更を申請（表示名）"
    assert timeline.index(decided) < timeline.index(proposed)  # newest first
    assert f"— {head_a.display_name}" in timeline and f"— {staff_a.display_name}" in timeline
    assert "名称が違います" in timeline
