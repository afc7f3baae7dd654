"""Which kinds of API token an SNS takes (issue 17): one rule, the adapters', followed by the form's
choices, its validation (with or without JavaScript) and the credential service."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import TransitionError
from core.models import AuditEvent
from platforms import checks, credentials
from platforms.models import ApiCredential
from tests.factories import AccountFactory, platform

pytestmark = pytest.mark.django_db

TOKEN = "AAAA-komae-bearer-token-5c1e9a7b3d2f4e6a8b0c1d2e3f4a5b6c"


def _post(client, **fields):
    data = {
        "platform": platform("x").pk,
        "account": "",
        "kind": "bearer_token",
        "token": TOKEN,
        "expires_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
    }
    data.update(fields)
    return client.post(reverse("platforms:credential_register"), data)


def test_the_service_refuses_a_channel_access_token_for_x_and_keeps_nothing(admin):
    x = platform("x")
    with pytest.raises(TransitionError) as refused:
        credentials.credential_register(
            actor=admin, platform_id=x.pk, token=TOKEN, kind="channel_access_token", expires_on=None
        )
    assert str(refused.value) == (
        f"{x.name}には「チャネルアクセストークン」は使えません。{x.name}で使える種類：「ベアラートークン」。"
    )
    assert not ApiCredential.objects.exists()
    assert not AuditEvent.objects.exists()


def test_the_form_refuses_a_wrong_kind_beside_the_field_without_javascript(client, admin):
    client.force_login(admin)
    response = _post(client, platform=platform("line").pk, kind="bearer_token")
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "LINEには「ベアラートークン」は使えません。LINEで使える種類：「チャネルアクセストークン」。" in page
    assert 'aria-invalid="true"' in page
    assert not ApiCredential.objects.exists()
    assert TOKEN not in page  # the token box comes back empty, as after any refusal

    response = _post(client, kind="")
    assert "種類を選んでください。" in response.content.decode()
    assert not ApiCredential.objects.exists()

    response = _post(client, kind="bearer_token")  # the kind X takes
    assert response.status_code == 302
    assert ApiCredential.objects.get().kind == "bearer_token"


def test_an_sns_whose_check_takes_no_token_is_not_offered_nor_accepted(client, admin):
    bluesky = platform("bluesky")
    client.force_login(admin)
    page = client.get(reverse("platforms:credentials")).content.decode()
    assert f'value="{bluesky.pk}"' not in page and f'value="{platform("x").pk}"' in page
    response = _post(client, platform=bluesky.pk, kind="access_token")
    assert response.status_code == 200 and not ApiCredential.objects.exists()
    with pytest.raises(TransitionError, match="Blueskyの状態確認はAPIトークンを使いません"):
        credentials.credential_register(
            actor=admin, platform_id=bluesky.pk, token=TOKEN, kind="access_token", expires_on=None
        )


def test_each_option_says_what_the_script_filters_by(client, admin, account_a):
    line_account = AccountFactory(platform=platform("line"), handle="@komae_line", department=account_a.department)
    bluesky_account = AccountFactory(platform=platform("bluesky"), handle="komae.bsky.social")
    client.force_login(admin)
    page = client.get(reverse("platforms:credentials")).content.decode()
    assert f'<option value="{platform("x").pk}" data-kinds="bearer_token">' in page
    assert f'<option value="{platform("line").pk}" data-kinds="channel_access_token">' in page
    assert 'data-kinds="access_token refresh_token client_credentials"' in page  # TikTok
    assert f'<option value="{account_a.pk}" data-platform="{account_a.platform_id}">' in page
    assert f'<option value="{line_account.pk}" data-platform="{line_account.platform_id}">' in page
    assert f'data-platform="{bluesky_account.platform_id}"' not in page  # its SNS takes no token
    assert "js/credential-kinds.js" in page
    # Without the script, the help text says the rule.
    assert f"SNSごとに使える種類：{platform('x').name}はベアラートークン、" in page
    assert f"{platform('line').name}はチャネルアクセストークン" in page


def test_the_adapters_rule_names_real_kinds_and_every_platform_with_an_api_token():
    for code, adapter in checks.ADAPTERS.items():
        assert set(adapter.credential_kinds) <= set(ApiCredential.Kind.values), code
    assert checks.credential_kinds_for("x") == ("bearer_token",)
    assert checks.credential_kinds_for("line") == ("channel_access_token",)
    assert checks.credential_kinds_for("youtube") == ("api_key",)
    assert checks.credential_kinds_for("bluesky") == ()
    assert checks.credential_kinds_for("machi") == ()  # a platform the city added: its public page
    assert set(checks.platforms_taking_credentials()) == {
        "x",
        "line",
        "facebook",
        "instagram",
        "threads",
        "tiktok",
        "youtube",
    }


def test_a_token_registered_with_a_wrong_kind_before_the_rule_is_flagged(client, admin):
    """An upgraded city may hold an X bearer token registered as アクセストークン: it is kept (a record)
    and the list says to register it again with the right kind."""
    ApiCredential.objects.create(
        platform=platform("x"),
        kind="access_token",
        secret=credentials.encrypt(TOKEN),
        fingerprint=credentials.fingerprint_of(TOKEN),
        registered_by=admin,
    )
    client.force_login(admin)
    page = html.unescape(client.get(reverse("platforms:credentials")).content.decode())
    assert "種類の誤り" in page
    assert f"{platform('x').name}には「アクセストークン」は使えません。" in page
