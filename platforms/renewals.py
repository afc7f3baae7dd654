"""Tokens that renew themselves (issue 13's gap): a Threads long-lived token lasts 60 days and can be
refreshed from itself once it is a day old. Beat refreshes each one in the last
CREDENTIAL_REFRESH_DAYS of its life, so the city's Threads checks never lapse into 確認できず; a
refresh that fails leaves the token in use, and the expiry reminders to the sysadmins still come."""

import logging
from datetime import timedelta
from typing import NamedTuple

from cryptography.fernet import InvalidToken
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from core.audit import Job
from core.errors import TransitionError

from . import credentials
from .checks import CheckError, Http, adapter_for, new_client, scrub
from .models import ApiCredential

logger = logging.getLogger(__name__)


class Renewals(NamedTuple):
    renewed: int
    failed: int


def renew_tokens(now=None) -> Renewals:
    renewed = failed = 0
    due = credentials.credentials_to_refresh(now)
    if not due:
        return Renewals(0, 0)
    with new_client() as client:
        for credential in due:
            if _renew(credential, client):
                renewed += 1
            else:
                failed += 1
    return Renewals(renewed, failed)


@sensitive_variables()  # the token, the refreshed one, and the URL that carries it (issue 20)
def _renew(credential: ApiCredential, client) -> bool:
    adapter = adapter_for(credential.platform.code)
    try:
        token = credentials.decrypt(credential.secret)
    except InvalidToken:  # no key of CREDENTIAL_KEYS opens it: token_for already says so on every check
        return False
    target = adapter.platform_target(credential.platform, token=token)
    try:
        fresh, lifetime = adapter.refresh(target, Http(client, target))
    except CheckError as exc:
        # The reason is the platform's error code, never the token.
        reason = scrub(str(exc), (token,), error=True)
        logger.warning("token refresh failed", extra={"credential": credential.pk, "reason": reason})
        return False
    # The platform counts seconds; the registry keeps the day, rounded down to be safe.
    expires_on = timezone.localdate() + timedelta(seconds=lifetime) - timedelta(days=1)
    try:
        renewed = credentials.credential_renewed(
            credential_id=credential.pk,
            fingerprint=credential.fingerprint,
            token=fresh,
            expires_on=expires_on,
            actor=Job.TOKEN_RENEWAL,
        )
    except TransitionError as exc:  # a token we cannot keep (its characters or length)
        reason = scrub(str(exc), (token, fresh), error=True)
        logger.warning("refreshed token refused", extra={"credential": credential.pk, "reason": reason})
        return False
    return renewed is not None
