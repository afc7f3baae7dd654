"""Helpers of the tests of the adapters that need an API token (LINE, Meta, X, TikTok).

Tokens are registered through the real service (platforms.credentials.credential_register), so the
adapters read them the way production does: encrypted in the database, decrypted by token_for().
"""

import contextlib

from monitoring import status
from monitoring.models import StatusCheck
from platforms import checks, credentials
from platforms.models import ApiCredential
from tests.factories import AccountFactory, platform
from tests.platform_server import PlatformServer


@contextlib.contextmanager
def serve(settings, monkeypatch, code: str):
    """The local server playing the platform's API, configured as its STATUS_CHECK_BASE_<CODE>."""
    monkeypatch.setattr(checks, "BACKOFF_SECONDS", 0.01)
    with PlatformServer() as server:
        settings.STATUS_CHECK_BASES = {code: server.url}
        yield server


def city_account(department, manager, code: str, handle: str, platform_account_id: str = "", **fields):
    """The city's account on the platform as registered: 狛江市 names and operates it (P-3)."""
    return AccountFactory(
        department=department,
        manager=manager,
        platform=platform(code),
        handle=handle,
        display_name="狛江市",
        profile_url=fields.pop("profile_url", None) or platform(code).profile_url_for(handle),
        platform_account_id=platform_account_id,
        profile_operator="狛江市",
        **fields,
    )


def register_token(admin, account, token: str, *, kind=None, for_platform=False, **kw):
    """A token for the account (or for every account of its platform) as the sysadmin enters it; of
    the first kind its SNS takes unless another is named."""
    return credentials.credential_register(
        actor=admin,
        platform_id=account.platform_id,
        account_id=None if for_platform else account.pk,
        token=token,
        kind=kind or checks.credential_kinds_for(account.platform.code)[0],
        expires_on=kw.get("expires_on"),
    )


def stored_before_the_kind_rule(admin, account, token: str, *, kind, for_platform=False) -> ApiCredential:
    """A token of a kind its SNS does not take, as a database from before issue 20 may hold it (the
    form and `credential_register` refuse it now)."""
    return ApiCredential.objects.create(
        platform_id=account.platform_id,
        account=None if for_platform else account,
        kind=kind,
        secret=credentials.encrypt(token),
        fingerprint=credentials.fingerprint_of(token),
        registered_by=admin,
    )


def check(account) -> StatusCheck:
    return status.check_now([account])[0]


def requests_of(server) -> list[tuple[str, dict]]:
    return list(server.server.RequestHandlerClass.requests)


def paths_of(server) -> list[str]:
    return [path for path, _ in requests_of(server)]


def assert_token_only_in_authorization(server, token: str, *, public_paths: tuple[str, ...] = ()) -> None:
    """Every API request carries `Authorization: Bearer <token>`, and the token is nowhere else: not
    in a URL, not in another header, and not sent at all to the public pages in `public_paths`."""
    sent = requests_of(server)
    assert sent, "no request was sent"
    for path, headers in sent:
        assert token not in path
        others = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        assert all(token not in v for v in others.values()), others.keys()
        auth = [v for k, v in headers.items() if k.lower() == "authorization"]
        if path.split("?")[0] in public_paths:
            assert auth == [], f"a token was sent to the public page {path}"
        else:
            assert auth == [f"Bearer {token}"], path


def assert_token_not_stored(result: StatusCheck, token: str) -> None:
    """No field of the stored reading holds the token or a piece of it."""
    result.refresh_from_db()
    for field in StatusCheck._meta.concrete_fields:
        value = str(field.value_from_object(result))
        assert token not in value and token[-12:] not in value, field.name


def assert_no_piece_stored(result: StatusCheck, *secrets: str) -> None:
    """No field of the stored reading holds any 8 characters in a row of a secret."""
    result.refresh_from_db()
    for field in StatusCheck._meta.concrete_fields:
        value = str(field.value_from_object(result))
        for secret in secrets:
            pieces = [secret[i : i + 8] for i in range(len(secret) - 7)]
            assert not [p for p in pieces if p in value], (field.name, value)
