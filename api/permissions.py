"""Who may do what with the API's tokens (issue 24); what a token reaches is its owner's own rights."""

from django.core.exceptions import PermissionDenied

from org.roles import is_sysadmin


def can_manage_api_tokens(user) -> bool:
    """Create, list and revoke the tokens of other tools: the sysadmin alone (like the platforms' tokens)."""
    return is_sysadmin(user)


def ensure_can_manage_api_tokens(user) -> None:
    if not can_manage_api_tokens(user):
        raise PermissionDenied("APIトークン（外部ツール用）を扱えるのはシステム管理者です。")


def token_allows(scopes, scope: str) -> bool:
    """A token reaches an endpoint only with the endpoint's scope; a browser session has every scope."""
    return scopes is None or scope in scopes
