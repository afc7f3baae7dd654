"""Issue 20 (security 2): a handle has its platform's documented syntax on every way in.

The attack: the handle `komae/../../../../internal/admin` made the X check send
`GET /2/internal/admin` with the city's bearer token, and `komae?extra=1#` replaced its query. The
form, the services behind it (register, edit, the four-eyes proposal and its approval) and the demo
file the city profile names all refuse such a handle now, with a message that says the rule.
"""

import dataclasses

import pytest
from django.urls import reverse

from accounts import services
from accounts.handles import handle_problem
from accounts.models import OfficialAccount, PublicChange
from core.errors import TransitionError
from tests.accounts.test_account_views import _form
from tests.accounts.test_public_changes import _edit_form
from tests.factories import platform

pytestmark = pytest.mark.django_db

ATTACKS = ["komae/../../../../internal/admin", "komae?extra=1#", "komae%2F..", "komae city", "..", "komae\\admin"]


@pytest.mark.parametrize(
    ("code", "handle"),
    [
        ("x", "komae_city"),
        ("instagram", "komae.kosodate"),
        ("threads", "komae_city"),
        ("tiktok", "komae.kanko"),
        ("facebook", "komae.city"),
        ("youtube", "komae-channel"),
        ("youtube", "狛江市チャンネル"),
        ("line", "123abcde"),
        ("line", "komae_city"),
        ("bluesky", "komae-city.bsky.social"),
        ("note", "komae_library"),
        ("pinterest", "kakuuno_photo"),  # a platform the city adds: the generic rule
    ],
)
def test_the_platforms_documented_handles_pass(code, handle):
    assert handle_problem(code, handle) == ""


@pytest.mark.parametrize(
    ("code", "handle"),
    [
        ("x", "komae_city_invented"),  # 16 characters or more
        ("x", "komae-city"),
        ("instagram", "komae-city"),
        ("tiktok", "k"),
        ("facebook", "komae_city"),
        ("youtube", "ko"),
        ("line", "komae_kosodate_info_x"),
        ("bluesky", "komae"),
        ("bluesky", "komae.123"),
        ("note", "komae.library"),
        *[(code, attack) for code in ("x", "bluesky", "note", "line", "youtube", "pinterest") for attack in ATTACKS],
    ],
)
def test_anything_else_is_refused_with_the_rule(code, handle):
    assert "ユーザー名の形ではありません" in handle_problem(code, handle)


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_form_refuses_a_handle_that_is_no_x_username(client, head_a, attack):
    client.force_login(head_a)
    data = _form(head_a, platform=platform("x").pk, handle=attack, profile_url="https://x.com/komae_kosodate")
    response = client.post(reverse("accounts:create"), data)
    assert response.status_code == 200
    assert "Xのユーザー名の形ではありません" in response.content.decode()
    assert not OfficialAccount.objects.exists()


def test_a_full_width_handle_is_stored_as_typed_in_ascii(client, head_a):
    client.force_login(head_a)
    response = client.post(reverse("accounts:create"), _form(head_a, handle="＠ｋｏｍａｅ_ｋｏｓｏｄａｔｅ"))
    assert response.status_code == 302
    assert OfficialAccount.objects.get().handle == "komae_kosodate"


def test_the_service_refuses_it_for_every_caller(admin, dept_a, head_a):
    fields = {
        **{k: v for k, v in _form(head_a).items() if k in services.EDITABLE_FIELDS},
        "platform": platform("x"),
        "handle": "komae/../../../../internal/admin",
        "profile_url": "https://x.com/komae",
        "manager": head_a,
        "password_changed_on": None,
    }
    with pytest.raises(TransitionError, match="Xのユーザー名の形ではありません"):
        services.account_register(actor=admin, department=dept_a, fields=fields)
    assert not OfficialAccount.objects.exists()


def test_a_clerks_proposal_of_such_a_handle_is_refused_and_nothing_waits(client, staff_a, head_a, account_a):
    client.force_login(staff_a)
    data = {**_edit_form(account_a, head_a), "handle": "komae?extra=1#"}
    response = client.post(reverse("accounts:edit", args=[account_a.pk]), data)
    assert response.status_code == 200
    assert "ユーザー名の形ではありません" in response.content.decode()
    with pytest.raises(TransitionError, match="ユーザー名の形ではありません"):
        services.account_update(account_id=account_a.pk, actor=staff_a, fields={"handle": "komae?extra=1#"})
    assert not PublicChange.objects.exists()
    account_a.refresh_from_db()
    assert account_a.handle == "komae_kodomo"


def test_a_proposal_made_before_the_rule_is_not_applied(staff_a, head_a, account_a):
    """A change proposed before the upgrade still waits: the 課長's approval refuses it, changes nothing."""
    change = PublicChange.objects.create(
        account=account_a, changes={"handle": ["komae_kodomo", "komae/../../internal"]}, proposed_by=staff_a
    )
    with pytest.raises(TransitionError, match="ユーザー名の形ではありません"):
        services.public_change_decide(change_id=change.pk, actor=head_a, approve=True)
    account_a.refresh_from_db()
    change.refresh_from_db()
    assert account_a.handle == "komae_kodomo" and change.status == PublicChange.Status.PENDING
    services.public_change_decide(change_id=change.pk, actor=head_a, approve=False)


def test_a_stored_handle_from_before_the_rule_does_not_block_other_edits(client, head_a, account_a):
    OfficialAccount.objects.filter(pk=account_a.pk).update(handle="komae-kodomo")  # not an X username
    account_a.refresh_from_db()
    client.force_login(head_a)
    data = {**_edit_form(account_a, head_a), "content_notes": "毎週金曜に配信"}
    response = client.post(reverse("accounts:edit", args=[account_a.pk]), data)
    assert response.status_code == 302
    account_a.refresh_from_db()
    assert account_a.content_notes == "毎週金曜に配信"
    assert client.get(reverse("accounts:detail", args=[account_a.pk])).status_code == 200


@pytest.mark.parametrize("where", ["accounts", "request"])
def test_the_demo_file_is_refused_naming_the_handle(settings, where):
    from portal.city_profile import DemoError, demo_organisation

    demo = dict(settings.CITY.demo)
    if where == "accounts":
        demo["accounts"] = [{**demo["accounts"][0], "handle": "komae/../../../../internal/admin"}]
        demo.pop("incident", None)
    else:
        demo["request"] = {**demo["request"], "desired_handle": "komae?extra=1#"}
    settings.CITY = dataclasses.replace(settings.CITY, demo=demo)
    with pytest.raises(DemoError, match="ユーザー名の形ではありません"):
        demo_organisation()


def test_the_shipped_demo_files_pass(settings):
    from komae_sns.city import load_profile
    from portal.city_profile import demo_organisation

    for name in ("komae.toml", "kakuuno.toml"):
        city = load_profile(settings.BASE_DIR / "komae_sns" / "profiles" / name)
        settings.CITY = city
        demo_organisation()
