"""A 課 registers, edits and records follower counts of its accounts; 課B never touches 課A's."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts import services
from accounts.models import AccountStatus, ContentCategory, FollowerSnapshot, OfficialAccount, VerificationStatus
from core.errors import TransitionError
from core.models import AuditEvent
from tests.factories import AccountFactory, platform

pytestmark = pytest.mark.django_db


def _form(head, **overrides):
    data = {
        "platform": platform("instagram").pk,
        "field": "children",
        "handle": "@Komae_Kosodate",
        "display_name": "こまえ子育て",
        "profile_url": "https://www.instagram.com/komae_kosodate/",
        "platform_account_id": "",
        "profile_operator": f"{settings.CITY_NAME}子ども政策課",
        "profile_purpose": "子育て情報をお届けします。",
        "manager": head.pk,
        "content_categories": [ContentCategory.GENERAL, ContentCategory.DISASTER],
        "content_notes": "",
        "restrict_follow": "on",
        "restrict_reply": "on",
        "restrict_contact": "on",
        "tone": "standard",
        "approval_required": "on",
        "registered_email": f"kodomo@{settings.CITY_EMAIL_DOMAIN}",
        "verification_status": VerificationStatus.APPLIED,
        "homepage_url": "",
        "linked_apps": "予約投稿ツールA\n分析ツールB",
        "password_changed_on": "令和8年4月1日",
        "initial_status": AccountStatus.PREPARING,
    }
    data.update(overrides)
    return data


@pytest.mark.smoke
def test_staff_registers_an_existing_account_of_their_own_section(client, staff_a, head_a, dept_a):
    client.force_login(staff_a)
    response = client.post(reverse("accounts:create"), _form(head_a))
    account = OfficialAccount.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("accounts:detail", args=[account.pk])
    assert account.department == dept_a
    assert (account.handle, account.handle_key) == ("Komae_Kosodate", "komae_kosodate")
    assert account.status == AccountStatus.PREPARING  # the 課長's 運用開始 makes it official
    assert account.password_changed_on == date(2026, 4, 1)
    assert account.linked_app_list == ["予約投稿ツールA", "分析ツールB"]
    event = AuditEvent.objects.for_object(account).get()
    assert (event.action, event.actor, event.to_state) == (AuditEvent.Action.CREATED, staff_a, "preparing")
    page = client.get(response.url).content.decode()
    assert (
        f'アカウントを登録（開設準備）</span>\n      <span class="text-body-secondary">— {staff_a.display_name}' in page
    )
    assert "2026年4月1日（令和8年4月1日）" in page


def test_only_the_section_head_registers_an_account_as_operating(client, staff_a, head_a):
    client.force_login(staff_a)
    response = client.post(reverse("accounts:create"), _form(head_a, initial_status=AccountStatus.ACTIVE))
    assert response.status_code == 200 and not OfficialAccount.objects.exists()
    client.force_login(head_a)
    client.post(reverse("accounts:create"), _form(head_a, initial_status=AccountStatus.ACTIVE))
    assert OfficialAccount.objects.get().status == AccountStatus.ACTIVE


def test_staff_cannot_appoint_the_manager_or_contractors(staff_a, head_a, account_a, contractor):
    with pytest.raises(PermissionDenied, match="管理者を変更できるのは課長です"):
        services.account_update(account_id=account_a.pk, actor=staff_a, fields={"manager": staff_a})
    with pytest.raises(PermissionDenied, match="委託業者を変更できるのは課長です"):
        services.account_update(account_id=account_a.pk, actor=staff_a, fields={}, contractors=[contractor])
    services.account_update(account_id=account_a.pk, actor=head_a, fields={"manager": head_a}, contractors=[contractor])
    assert list(account_a.contractors.all()) == [contractor]


def test_a_date_out_of_range_is_refused_with_a_message(client, head_a, account_a):
    client.force_login(head_a)
    response = client.post(
        reverse("accounts:followers", args=[account_a.pk]), {"recorded_on": "1800-01-01", "count": "5"}, follow=True
    )
    assert "2000年1月1日から2100年12月31日まで" in response.content.decode()
    assert not FollowerSnapshot.objects.exists()


def test_the_form_never_asks_for_the_sns_password(client, staff_a):
    client.force_login(staff_a)
    page = client.get(reverse("accounts:create")).content.decode()
    assert 'type="password"' not in page
    assert not any("password" in f.name and "changed" not in f.name for f in OfficialAccount._meta.fields)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("registered_email", "komae.kodomo@gmail.com", "市のドメイン（@city.komae.lg.jp）"),
        ("password_changed_on", "令和8年2月30日", "存在しません"),
        ("password_changed_on", "きのう", "日付として読み取れません"),
        ("content_categories", [], "発信する内容を1つ以上選んでください"),
        ("handle", "@", "ユーザー名を入力してください"),
    ],
)
def test_bad_input_gets_a_japanese_message_and_keeps_the_rest(client, staff_a, head_a, field, value, message):
    client.force_login(staff_a)
    response = client.post(reverse("accounts:create"), _form(head_a, **{field: value}))
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "子育て情報をお届けします。" in body  # nothing the clerk typed is lost
    assert not OfficialAccount.objects.exists()


def test_a_second_registration_of_the_same_handle_is_refused(client, staff_a, head_a):
    client.force_login(staff_a)
    client.post(reverse("accounts:create"), _form(head_a))
    response = client.post(reverse("accounts:create"), _form(head_a, handle="komae_KOSODATE"))
    body = response.content.decode()
    assert "このSNSのこのユーザー名は既に登録されています" in body
    # Beside the field it is about, and the summary links to it (issue 20 #12).
    assert re.search(r'<input type="text" name="handle"[^>]*aria-invalid="true"', body)
    assert '<a href="#id_handle">' in body
    assert OfficialAccount.objects.count() == 1


def test_the_manager_must_belong_to_the_section(client, staff_a, head_a, head_b, admin, account_a):
    """SPEC §1: the 管理者 is a member of the account's 課 — in the form and in the service, for every role."""
    client.force_login(staff_a)
    response = client.post(reverse("accounts:create"), _form(head_a, manager=head_b.pk))
    assert response.status_code == 200
    # The form offers only the 課's people, so head_b is not even a valid choice there.
    assert "選択したものは候補にありません" in response.content.decode()
    assert OfficialAccount.objects.count() == 1
    fields = {name: getattr(account_a, name) for name in services.EDITABLE_FIELDS}
    with pytest.raises(TransitionError, match="管理者は所管課の職員から選んでください"):
        services.account_register(
            actor=admin, department=account_a.department, fields={**fields, "handle": "komae_other", "manager": head_b}
        )
    with pytest.raises(TransitionError, match="管理者は所管課の職員から選んでください"):
        services.account_update(account_id=account_a.pk, actor=admin, fields={"manager": head_b})
    account_a.refresh_from_db()
    assert account_a.manager == head_a and OfficialAccount.objects.count() == 1


def test_the_sysadmin_registers_for_any_section(client, admin, head_a, dept_a):
    client.force_login(admin)
    response = client.post(reverse("accounts:create"), _form(head_a, department=dept_a.pk))
    assert response.status_code == 302
    assert OfficialAccount.objects.get().department == dept_a


def test_editing_records_what_changed_before_and_after(client, head_a, account_a):
    client.force_login(head_a)
    data = _form(
        head_a,
        platform=account_a.platform.pk,
        handle=account_a.handle,
        profile_url=account_a.profile_url,
        display_name="こまえ子ども応援",
    )
    data.pop("initial_status")
    response = client.post(reverse("accounts:edit", args=[account_a.pk]), data)
    assert response.status_code == 302
    event = AuditEvent.objects.for_object(account_a).get()
    assert event.action == AuditEvent.Action.UPDATED
    assert event.changes["表示名"] == ["こまえ子ども", "こまえ子ども応援"]
    assert event.actor == head_a
    page = client.get(reverse("accounts:detail", args=[account_a.pk])).content.decode()
    assert "表示名：こまえ子ども → こまえ子ども応援" in page


def test_an_edit_without_changes_writes_no_audit_row(head_a, account_a):
    services.account_update(account_id=account_a.pk, actor=head_a, fields={"display_name": account_a.display_name})
    assert not AuditEvent.objects.for_object(account_a).exists()


def test_the_status_cannot_be_changed_by_editing(head_a, account_a):
    with pytest.raises(ValueError, match="not editable"):
        services.account_update(account_id=account_a.pk, actor=head_a, fields={"status": AccountStatus.CLOSED})


def test_follower_counts_are_recorded_over_time_and_corrected(client, staff_a, account_a):
    client.force_login(staff_a)
    url = reverse("accounts:followers", args=[account_a.pk])
    client.post(url, {"recorded_on": "2026/3/31", "count": "1200"})
    client.post(url, {"recorded_on": "R8.3.31", "count": "1250"})
    client.post(url, {"recorded_on": "2025-03-31", "count": "900"})
    snapshots = list(FollowerSnapshot.objects.filter(account=account_a).values_list("recorded_on", "count"))
    assert snapshots == [(date(2026, 3, 31), 1250), (date(2025, 3, 31), 900)]
    recorded = [(e.action, e.actor, e.changes) for e in AuditEvent.objects.for_object(account_a)]
    assert recorded == [
        (AuditEvent.Action.FOLLOWERS, staff_a, {"recorded_on": "2026-03-31", "count": [None, 1200]}),
        (AuditEvent.Action.FOLLOWERS, staff_a, {"recorded_on": "2026-03-31", "count": [1200, 1250]}),  # corrected
        (AuditEvent.Action.FOLLOWERS, staff_a, {"recorded_on": "2025-03-31", "count": [None, 900]}),
    ]
    listing = client.get(reverse("accounts:list")).content.decode()
    assert "1,250" in listing


def test_a_future_follower_count_is_refused_with_a_message(client, staff_a, account_a):
    client.force_login(staff_a)
    response = client.post(
        reverse("accounts:followers", args=[account_a.pk]), {"recorded_on": "2099-01-01", "count": "5"}, follow=True
    )
    assert "未来の日付は入力できません" in response.content.decode()
    assert not FollowerSnapshot.objects.exists()


# --- 課B never sees or changes 課A's records ------------------------------------------------------


def test_section_b_does_not_see_section_a_in_lists(client, staff_b, account_a):
    client.force_login(staff_b)
    body = client.get(reverse("accounts:list")).content.decode()
    assert account_a.display_name not in body
    body = client.get(reverse("accounts:list"), {"q": account_a.handle}).content.decode()
    assert account_a.display_name not in body
    assert account_a.display_name not in client.get(reverse("dashboard")).content.decode()


@pytest.mark.parametrize(
    ("url_name", "method", "data"),
    [
        ("accounts:detail", "get", None),
        ("accounts:edit", "get", None),
        ("accounts:edit", "post", {"display_name": "乗っ取り"}),
        ("accounts:followers", "post", {"recorded_on": "2026-04-01", "count": "1"}),
    ],
)
def test_section_b_cannot_read_or_change_section_a_by_direct_url(client, head_b, account_a, url_name, method, data):
    client.force_login(head_b)
    response = getattr(client, method)(reverse(url_name, args=[account_a.pk]), data)
    assert response.status_code == 404
    account_a.refresh_from_db()
    assert account_a.display_name == "こまえ子ども"
    assert not FollowerSnapshot.objects.exists()


@pytest.mark.parametrize("action", ["announce_suspension", "activate", "suspend", "close", "withdraw_notice"])
def test_section_b_cannot_transition_section_a(client, head_b, account_a, action):
    client.force_login(head_b)
    assert client.post(reverse("accounts:transition", args=[account_a.pk, action])).status_code == 404
    account_a.refresh_from_db()
    assert account_a.status == AccountStatus.ACTIVE


def test_section_b_services_refuse_section_a(head_b, staff_b, account_a, dept_a):
    with pytest.raises(PermissionDenied):
        services.account_activate(account_id=account_a.pk, actor=head_b)
    with pytest.raises(PermissionDenied):
        services.account_update(account_id=account_a.pk, actor=staff_b, fields={"display_name": "x"})
    with pytest.raises(PermissionDenied):
        services.account_register(actor=staff_b, department=dept_a, fields={})


def test_section_b_cannot_register_into_section_a_by_tampering(client, staff_b, head_b, dept_a):
    client.force_login(staff_b)
    client.post(reverse("accounts:create"), _form(head_b, department=dept_a.pk))
    assert not OfficialAccount.objects.filter(department=dept_a).exists()


def test_committee_and_security_officer_see_every_section(client, member, security_officer, account_a, pr_account):
    for user in (member, security_officer):
        client.force_login(user)
        body = client.get(reverse("accounts:list")).content.decode()
        assert account_a.display_name in body and pr_account.display_name in body


def test_unknown_transition_is_not_found(client, head_a, account_a):
    client.force_login(head_a)
    assert client.get(f"/accounts/{account_a.pk}/transition/delete/").status_code == 404


def test_paging_keeps_every_account_reachable(client, admin, dept_a, head_a):
    AccountFactory.create_batch(55, department=dept_a, manager=head_a)
    client.force_login(admin)
    first = client.get(reverse("accounts:list")).content.decode()
    second = client.get(reverse("accounts:list"), {"page": 2}).content.decode()
    assert "55件（1/2ページ）" in first and "次へ" in first
    assert "55件（2/2ページ）" in second and "前へ" in second


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/anything",
        "https://10.0.0.5/komae",
        "https://x.com/komae_kosodate",  # another platform's host
        "http://www.instagram.com/komae_kosodate/",
        "https://www.instagram.com:8443/komae_kosodate/",
        "https://www.instagram.com@evil.example/komae_kosodate/",
    ],
)
def test_a_profile_url_must_be_on_the_platforms_own_hosts(client, staff_a, head_a, url):
    client.force_login(staff_a)
    response = client.post(reverse("accounts:create"), _form(head_a, profile_url=url))
    assert response.status_code == 200
    assert "プロフィールURLはInstagramのアドレス" in response.content.decode()
    assert not OfficialAccount.objects.exists()


@pytest.mark.parametrize("who", ["head_a", "admin"])
def test_the_service_applies_the_profile_url_rule_to_every_role(request, who, account_a):
    actor = request.getfixturevalue(who)
    with pytest.raises(TransitionError, match="プロフィールURLはXのアドレス"):
        services.account_update(
            account_id=account_a.pk, actor=actor, fields={"profile_url": "http://127.0.0.1:9/anything"}
        )
    account_a.refresh_from_db()
    assert account_a.profile_url == "https://x.com/komae_kodomo"
    fields = {**{k: getattr(account_a, k) for k in services.EDITABLE_FIELDS}, "handle": "komae_new"}
    fields["profile_url"] = "https://evil.example/komae_new"
    with pytest.raises(TransitionError, match="プロフィールURL"):
        services.account_register(actor=actor, department=account_a.department, fields=fields)
    assert OfficialAccount.objects.count() == 1


def test_a_password_change_in_the_future_is_refused(client, staff_a, head_a, account_a):
    """P-4: a date in 2100 would silence the password reminder for ever."""
    client.force_login(staff_a)
    response = client.post(reverse("accounts:create"), _form(head_a, password_changed_on="2100-01-01"))
    assert response.status_code == 200
    assert "未来の日付は入力できません" in response.content.decode()
    assert not OfficialAccount.objects.exclude(pk=account_a.pk).exists()
    with pytest.raises(TransitionError, match="未来の日付"):
        services.account_update(account_id=account_a.pk, actor=head_a, fields={"password_changed_on": date(2100, 1, 1)})
    account_a.refresh_from_db()
    assert account_a.password_changed_on is None


def test_the_apps_above_add_their_buttons_and_sections_to_the_account_page(another_city, client, staff_a, account_a):
    """accounts/page.py: the policy button named as the city names its document, the incident button, and
    monitoring's sections, in the page's order — though accounts' templates name none of those apps."""
    client.force_login(staff_a)
    page = client.get(reverse("accounts:detail", args=[account_a.pk])).content.decode()
    policy = f'href="{reverse("policies:overview", args=[account_a.pk])}">運用方針</a>'
    incident = f'href="{reverse("monitoring:incident_new", args=[account_a.pk])}">インシデントを起票</a>'
    assert policy in page and incident in page
    assert page.index(policy) < page.index(incident) < page.index('id="content-check-heading"')
    assert page.index('id="content-check-heading"') < page.index('id="checks-heading"')
