"""Who calls the API (issue 24): a token (`Authorization: Bearer ksns_…`, no CSRF token needed) or a
signed-in browser (the session, whose unsafe requests keep Django's CSRF check).

Either way the caller acts as one person, within that person's rights; a token also only within its
scopes. Each caller has a budget of requests (API_RATE_LIMIT per API_RATE_SECONDS).
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from core.audit import TokenActor
from core.clientip import client_ip
from core.ratelimit import spend

from . import tokens
from .models import ApiToken, Scope
from .permissions import token_allows

REALM = 'Bearer realm="komae-sns"'


@dataclass(frozen=True)
class Caller:
    user: Any
    token: ApiToken | None = None

    @property
    def actor(self):
        """Who an audit row names: the token (its prefix, for its owner), or the signed-in person."""
        if self.token is not None:
            return TokenActor(reference=self.token.prefix, owner=self.user)
        return self.user


class NotAuthenticated(Exception):
    """No credentials at all: 401 with the realm."""


class RateLimited(Exception):
    def __init__(self, wait: int):
        super().__init__(f"リクエストが多すぎます。{wait}秒ほど待ってから、もう一度お試しください。")
        self.wait = wait


class ScopeMissing(PermissionDenied):
    """A token without the endpoint's scope: 403 (RFC 6750: insufficient_scope)."""


def _spend(key: str) -> None:
    wait = spend("api", key, limit=settings.API_RATE_LIMIT, seconds=settings.API_RATE_SECONDS)
    if wait:
        raise RateLimited(wait)


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`. Any other scheme is left to the session (and then 401)."""

    def __call__(self, request: HttpRequest):
        value = request.headers.get(self.header, "")
        scheme, _, rest = value.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, rest.strip())

    def authenticate(self, request: HttpRequest, token: str):
        found = tokens.token_of(token)  # TokenRefused: 401 invalid_token
        _spend(f"token:{found.pk}")
        tokens.note_use(found, client_ip(request))
        return Caller(user=found.owner, token=found)


class Session(SessionAuth):
    """The signed-in person; unsafe methods keep the CSRF check, answered in Japanese."""

    def _get_key(self, request: HttpRequest):
        # Nobody signed in: no CSRF to check, and the answer is 401 (no credentials), not 403.
        if request.user.is_authenticated and check_csrf(request):
            raise PermissionDenied(
                "CSRFトークンがありません。ブラウザのセッションで送るときは X-CSRFToken を付けるか、"
                "APIトークン（Authorization: Bearer）を使ってください。"
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key):
        user = request.user
        if not user.is_authenticated:
            return None
        _spend(f"user:{user.pk}")
        return Caller(user=user)


AUTH = [BearerToken(), Session()]

SCOPE_WORDS = dict(Scope.choices)


def need(request: HttpRequest, scope: str) -> Caller:
    """The caller, if its token has `scope` (a session has every scope); else 403."""
    caller: Caller = request.auth
    if not token_allows(caller.token.scopes if caller.token else None, scope):
        raise ScopeMissing(f"このトークンには範囲「{scope}」（{SCOPE_WORDS[scope]}）がありません。")
    return caller
