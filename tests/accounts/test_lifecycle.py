"""開設準備 → 運用中 → 停止予告中 → 運用停止 → 閉鎖: every allowed step, every refused one, the audit."""

from datetime import date, timedelta

import pytest
import time_machine
from django.contrib import admin as django_admin
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from accounts import services
from accounts.models import AccountStatus, FollowerSnapshot, OfficialAccount
from core.errors import DeletionForbidden, TransitionError
from core.models import AuditEvent
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 24)


def _events(account):
    return list(AuditEvent.objects.for_object(account).filter(action=AuditEvent.Action.TRANSITION))


def _announce(account, actor, successor, *, starts=TODAY, ends=TODAY + timedelta(days=30), short=""):
    return services.account_announce_suspension(
        account_id=account.pk,
        actor=actor,
        reason="情報を市公式アカウントに集約するため",
        notice_starts_on=starts,
        notice_ends_on=ends,
        successor_id=successor.pk,
        short_notice_reason=short,
    )


@time_machine.travel("2026-11-24 10:00 +0900", tick=False)
def test_the_whole_lifecycle_is_audited_step_by_step(preparing_a, head_a, admin, pr_account):
    services.account_activate(account_id=preparing_a.pk, actor=head_a, comment="開設しました")
    _announce(preparing_a, head_a, pr_account, starts=TODAY, ends=TODAY + timedelta(days=30))
    with time_machine.travel("2026-12-25 10:00 +0900", tick=False):  # the day after the notice period
        services.account_suspend(account_id=preparing_a.pk, actor=head_a)
        services.account_close(account_id=preparing_a.pk, actor=admin, comment="サービス終了の告知があったため")

    preparing_a.refresh_from_db()
    assert preparing_a.status == AccountStatus.CLOSED
    assert preparing_a.suspended_on == date(2026, 12, 25)
    steps = [(e.from_state, e.to_state, e.actor) for e in _events(preparing_a)]
    assert steps == [
        ("preparing", "active", head_a),
        ("active", "notice", head_a),
        ("notice", "suspended", head_a),
        ("suspended", "closed", admin),
    ]
    assert _events(preparing_a)[0].comment == "開設しました"


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (AccountStatus.ACTIVE, "activate"),
        (AccountStatus.PREPARING, "suspend"),
        (AccountStatus.ACTIVE, "suspend"),
        (AccountStatus.PREPARING, "announce_suspension"),
        (AccountStatus.SUSPENDED, "activate"),
        (AccountStatus.SUSPENDED, "withdraw_notice"),
        (AccountStatus.CLOSED, "activate"),
        (AccountStatus.ACTIVE, "close"),
        (AccountStatus.NOTICE, "close"),
    ],
)
def test_a_transition_from_the_wrong_state_is_refused_in_japanese(account_a, admin, pr_account, status, action):
    OfficialAccount.objects.filter(pk=account_a.pk).update(status=status)
    kwargs = {"comment": "理由"}
    if action == "announce_suspension":
        kwargs = {
            "reason": "理由",
            "notice_starts_on": TODAY,
            "notice_ends_on": TODAY,
            "successor_id": pr_account.pk,
        }
    service = getattr(services, f"account_{action}")
    with pytest.raises(TransitionError, match=r"現在の状態（.*）では「.*」を行えません"):
        service(account_id=account_a.pk, actor=admin, **kwargs)
    account_a.refresh_from_db()
    assert account_a.status == status
    assert _events(account_a) == []


@pytest.mark.parametrize("person", ["staff_a", "member", "chair", "security_officer", "head_b", "contractor"])
def test_only_the_section_head_or_sysadmin_moves_an_account(request, preparing_a, person):
    actor = request.getfixturevalue(person)
    with pytest.raises(PermissionDenied, match="所管課の課長またはシステム管理者のみ"):
        services.account_activate(account_id=preparing_a.pk, actor=actor)
    preparing_a.refresh_from_db()
    assert preparing_a.status == AccountStatus.PREPARING


def test_only_the_sysadmin_records_a_closure(account_a, head_a, pr_account):
    OfficialAccount.objects.filter(pk=account_a.pk).update(status=AccountStatus.SUSPENDED)
    with pytest.raises(PermissionDenied, match="システム管理者のみ"):
        services.account_close(account_id=account_a.pk, actor=head_a, comment="終了")


@time_machine.travel("2026-11-24 10:00 +0900", tick=False)
def test_no_suspension_before_the_notice_period_ends(account_a, head_a, admin, pr_account):
    """G-4-5-ウ: followers are told in advance; stopping waits for the end of the notice period."""
    _announce(account_a, head_a, pr_account, ends=TODAY, short="乗っ取りの恐れがあり、周知を短くする")
    with pytest.raises(TransitionError, match="事前周知の期間（令和8年11月24日まで）が終わるまで"):
        services.account_suspend(account_id=account_a.pk, actor=head_a)
    # The sysadmin may cut it short, but only with the reason on record.
    with pytest.raises(TransitionError, match="理由をコメントに記録"):
        services.account_suspend(account_id=account_a.pk, actor=admin)
    services.account_suspend(account_id=account_a.pk, actor=admin, comment="乗っ取りの恐れがあり緊急停止")
    account_a.refresh_from_db()
    assert account_a.status == AccountStatus.SUSPENDED
    assert _events(account_a)[-1].comment == "乗っ取りの恐れがあり緊急停止"


@time_machine.travel("2026-11-24 10:00 +0900", tick=False)
def test_the_notice_names_a_reason_and_an_operating_successor(account_a, head_a, pr_account):
    """G-4-5-ウ: the notice leads followers to an operating account (the 市広報アカウント)."""
    with pytest.raises(TransitionError, match="停止の理由を入力"):
        services.account_announce_suspension(
            account_id=account_a.pk,
            actor=head_a,
            reason="  ",
            notice_starts_on=TODAY,
            notice_ends_on=TODAY,
            successor_id=pr_account.pk,
        )
    with pytest.raises(TransitionError, match="誘導先には運用中の別の公式アカウント"):
        _announce(account_a, head_a, account_a)
    OfficialAccount.objects.filter(pk=pr_account.pk).update(status=AccountStatus.SUSPENDED)
    with pytest.raises(TransitionError, match="誘導先には運用中の別の公式アカウント"):
        _announce(account_a, head_a, pr_account)
    account_a.refresh_from_db()
    assert (account_a.status, account_a.suspension_reason) == (AccountStatus.ACTIVE, "")


@time_machine.travel("2026-11-24 10:00 +0900", tick=False)
def test_a_notice_cannot_start_in_the_past_except_by_the_sysadmin(account_a, head_a, admin, pr_account):
    with pytest.raises(TransitionError, match="事前周知の開始日は今日以降"):
        _announce(account_a, head_a, pr_account, starts=TODAY - timedelta(days=60), ends=TODAY - timedelta(days=1))
    _announce(account_a, admin, pr_account, starts=TODAY - timedelta(days=60), ends=TODAY - timedelta(days=1))
    account_a.refresh_from_db()
    assert account_a.status == AccountStatus.NOTICE


@time_machine.travel("2026-11-24 10:00 +0900", tick=False)
def test_withdrawing_the_notice_clears_the_public_reason(account_a, head_a, pr_account):
    _announce(account_a, head_a, pr_account)
    services.account_withdraw_notice(account_id=account_a.pk, actor=head_a, comment="方針変更のため継続")
    account_a.refresh_from_db()
    assert account_a.status == AccountStatus.ACTIVE
    assert (account_a.suspension_reason, account_a.successor, account_a.notice_ends_on) == ("", None, None)


# --- G-4-5-エ: no account is ever deleted --------------------------------------------------------


def test_an_account_cannot_be_deleted_by_the_model(account_a):
    with pytest.raises(DeletionForbidden, match="削除できません"):
        account_a.delete()
    assert OfficialAccount.objects.filter(pk=account_a.pk).exists()


def test_an_account_cannot_be_deleted_by_a_queryset(account_a):
    with pytest.raises(DeletionForbidden):
        OfficialAccount.objects.filter(pk=account_a.pk).delete()
    with pytest.raises(DeletionForbidden):
        OfficialAccount.objects.all().delete()
    assert OfficialAccount.objects.filter(pk=account_a.pk).exists()


def test_deleting_the_department_or_manager_is_refused_while_accounts_exist(account_a, dept_a, head_a):
    with pytest.raises(DeletionForbidden):
        dept_a.delete()
    with pytest.raises(DeletionForbidden):
        head_a.delete()
    assert OfficialAccount.objects.filter(pk=account_a.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_even_raw_sql_cannot_delete_an_account(account_a):
    with pytest.raises(IntegrityError, match="cannot be deleted"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM accounts_officialaccount WHERE id = %s", [account_a.pk])
    assert OfficialAccount.objects.filter(pk=account_a.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_the_audit_trail_cannot_be_rewritten_even_by_sql(account_a, head_a):
    services.account_update(account_id=account_a.pk, actor=head_a, fields={"display_name": "新しい名前"})
    event = AuditEvent.objects.for_object(account_a).get()
    with pytest.raises(DeletionForbidden):
        event.delete()
    with pytest.raises(DeletionForbidden):
        AuditEvent.objects.filter(pk=event.pk).update(summary="改ざん")
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditevent SET summary = 'x' WHERE id = %s", [event.pk])


def test_the_admin_offers_no_delete(rf: RequestFactory, admin, account_a):
    request = rf.get("/admin/")
    request.user = admin
    for model in (OfficialAccount, FollowerSnapshot, AuditEvent):
        model_admin = django_admin.site._registry[model]
        assert model_admin.has_delete_permission(request, None) is False
        assert "delete_selected" not in model_admin.get_actions(request)


def test_the_admin_delete_page_is_refused(client, admin, account_a):
    client.force_login(admin)
    response = client.post(reverse("admin:accounts_officialaccount_delete", args=[account_a.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert OfficialAccount.objects.filter(pk=account_a.pk).exists()


# --- the screens: a refused transition shows its message, nothing changes ------------------------


def test_a_clerk_refused_a_transition_reads_the_services_own_message(client, staff_a, preparing_a):
    """Issue 21: the page refuses early with the message the service raises, not a second wording."""
    with pytest.raises(PermissionDenied) as refused:
        services.account_activate(account_id=preparing_a.pk, actor=staff_a)
    assert str(refused.value) == "「運用開始」は所管課の課長またはシステム管理者のみ行えます。"
    client.force_login(staff_a)
    url = reverse("accounts:transition", args=[preparing_a.pk, "activate"])
    for response in (client.get(url), client.post(url, {"comment": "x"})):
        assert response.status_code == 403
        assert str(refused.value) in response.content.decode()
    preparing_a.refresh_from_db()
    assert preparing_a.status == AccountStatus.PREPARING


def test_a_stale_transition_link_explains_itself(client, head_a, account_a):
    client.force_login(head_a)
    response = client.get(reverse("accounts:transition", args=[account_a.pk, "activate"]), follow=True)
    assert "「運用開始」は現在行えません（状態：運用中）" in response.content.decode()


def test_posting_a_transition_twice_changes_the_state_once(client, head_a, preparing_a):
    client.force_login(head_a)
    url = reverse("accounts:transition", args=[preparing_a.pk, "activate"])
    seen = services.public_fingerprint(preparing_a)  # the hidden field of the page the 課長 confirmed
    first = client.post(url, {"comment": "", "public_fingerprint_seen": seen})
    assert first.status_code == 302
    second = client.post(url, {"comment": "", "public_fingerprint_seen": seen})
    assert second.status_code == 200
    assert "現在の状態（運用中）では「運用開始」を行えません" in second.content.decode()
    assert len(_events(preparing_a)) == 1


@time_machine.travel("2026-11-24 10:00 +0900", tick=False)
def test_the_notice_form_keeps_the_input_and_explains_bad_dates(client, head_a, account_a, pr_account):
    client.force_login(head_a)
    url = reverse("accounts:transition", args=[account_a.pk, "announce_suspension"])
    response = client.post(
        url,
        {
            "reason": "集約のため",
            "notice_starts_on": "令和8年12月1日",
            "notice_ends_on": "R8.11.30",
            "successor": pr_account.pk,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "終了日は開始日以降の日付にしてください" in body
    assert "集約のため" in body
    account_a.refresh_from_db()
    assert account_a.status == AccountStatus.ACTIVE

    response = client.post(
        url,
        {
            "reason": "集約のため",
            "notice_starts_on": "令和8年12月1日",
            "notice_ends_on": "2027/1/31",
            "successor": pr_account.pk,
        },
    )
    assert response.status_code == 302
    account_a.refresh_from_db()
    assert (account_a.status, account_a.notice_ends_on) == (AccountStatus.NOTICE, date(2027, 1, 31))


def test_an_account_starts_operating_only_under_an_enacted_policy(client, dept_a, head_a, admin):
    """G-4-2-イ: the 運用ポリシー is part of the approval; 運用開始 waits for its enactment."""
    from tests.conftest import enact_policy

    account = AccountFactory(department=dept_a, manager=head_a, handle="komae_new", status=AccountStatus.PREPARING)
    with pytest.raises(TransitionError, match="運用ポリシーを制定してください"):
        services.account_activate(account_id=account.pk, actor=head_a)
    client.force_login(head_a)
    url = reverse("accounts:transition", args=[account.pk, "activate"])
    response = client.post(url, {"public_fingerprint_seen": services.public_fingerprint(account)})
    assert "運用ポリシーを制定してください" in response.content.decode()
    account.refresh_from_db()
    assert account.status == AccountStatus.PREPARING
    enact_policy(account, head_a)
    services.account_activate(account_id=account.pk, actor=head_a)
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE


@pytest.mark.parametrize("who", ["head_a", "admin"])
def test_operating_accounts_without_a_policy_are_listed_for_the_section_head_and_sysadmin(
    client, request, who, account_a, staff_a
):
    """G-4-2-イ: accounts registered as 運用中 before they had a policy in the system are shown."""
    client.force_login(request.getfixturevalue(who))
    body = client.get(reverse("dashboard")).content.decode()
    assert "運用ポリシーが制定されていない運用中のアカウント" in body and account_a.display_name in body
    client.force_login(staff_a)
    assert "運用ポリシーが制定されていない運用中のアカウント" not in client.get(reverse("dashboard")).content.decode()


@time_machine.travel("2026-11-24 10:00 +0900", tick=False)
@pytest.mark.parametrize(("followers", "days"), [(500, 30), (5000, 60), (50000, 90)])
def test_a_notice_shorter_than_the_impact_level_suggests_needs_a_reason(
    client, account_a, head_a, pr_account, followers, days
):
    """G-4-5-ウ 「一定期間」: a 0- or 3-day notice against a 60-day 目安 was accepted silently."""
    services.account_record_followers(account_id=account_a.pk, actor=head_a, recorded_on=TODAY, count=followers)
    for short in (0, 3, days - 1):
        with pytest.raises(TransitionError, match=f"目安（{days}日）より短い"):
            _announce(account_a, head_a, pr_account, ends=TODAY + timedelta(days=short))
    account_a.refresh_from_db()
    assert account_a.status == AccountStatus.ACTIVE
    _announce(account_a, head_a, pr_account, ends=TODAY + timedelta(days=3), short="災害対応の統合のため急ぐ")
    account_a.refresh_from_db()
    assert account_a.notice_short_reason == "災害対応の統合のため急ぐ"
    assert "目安（" in _events(account_a)[-1].comment
    client.force_login(head_a)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "目安より短い事前周知で停止予告中のアカウント" in dashboard and account_a.display_name in dashboard
    page = client.get(reverse("accounts:detail", args=[account_a.pk])).content.decode()
    assert "目安より短い事前周知です" in page


@time_machine.travel("2026-11-24 10:00 +0900", tick=False)
def test_the_pages_say_the_notice_days_and_from_when_the_account_can_be_stopped(client, account_a, head_a, pr_account):
    client.force_login(head_a)
    page = client.get(reverse("accounts:transition", args=[account_a.pk, "announce_suspension"])).content.decode()
    assert "事前周知の目安：<strong>30日</strong>以上" in page
    _announce(account_a, head_a, pr_account)
    page = client.get(reverse("accounts:transition", args=[account_a.pk, "suspend"])).content.decode()
    assert "運用停止は<strong>2026年12月25日（令和8年12月25日）</strong>からできます" in page


@time_machine.travel("2026-11-24 10:00 +0900", tick=False)
def test_the_suspend_button_says_from_when_it_can_be_used(client, account_a, head_a, admin, pr_account):
    """Issue 20 #19: the button was active during the notice and only refused when pressed."""
    _announce(account_a, head_a, pr_account)  # the notice runs to 2026-12-24
    detail = reverse("accounts:detail", args=[account_a.pk])
    suspend = reverse("accounts:transition", args=[account_a.pk, "suspend"])
    client.force_login(head_a)
    page = client.get(detail).content.decode()
    assert (
        '<button class="btn btn-outline-dark" type="button" disabled>運用停止（令和8年12月25日から）</button>' in page
    )
    assert f'href="{suspend}"' not in page
    # The sysadmin may stop it earlier, recording why: the button stays theirs.
    client.force_login(admin)
    assert f'href="{suspend}"' in client.get(detail).content.decode()
    with time_machine.travel("2026-12-25 09:00 +0900", tick=False):
        client.force_login(head_a)
        page = client.get(detail).content.decode()
        assert f'href="{suspend}">運用停止</a>' in page and "から）</button>" not in page
