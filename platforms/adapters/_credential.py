"""The API token an adapter needs, looked up in the calling thread (platforms.credentials).

`read()` runs in worker threads with HTTP only, so the token travels in the Target (never in its
repr). Without a usable token the Target carries the problem: the check ends as 確認できず with a
plain reason that says what is missing, and nothing is sent to the platform.
"""

from django.views.decorators.debug import sensitive_variables

from ..checks import ApiAdapter, CheckError, Target


def token_for(account):
    """platforms.credentials.token_for, imported when first asked (the credentials import the models)."""
    from .. import credentials

    return credentials.token_for(account)


def kind_problem(found, kinds) -> str:
    """Why the credential found may not be used here ("" when it may): its kind is not one of `kinds`."""
    credential = found.credential
    if credential is None or credential.kind in kinds:
        return ""
    label = f"{credential.get_kind_display()}（指紋 {credential.fingerprint}）"
    return f"登録されているのは{label}で、この確認には使えません"


@sensitive_variables()
def credential_target(adapter: ApiAdapter, account, *, actor: str, need: str, kinds=None) -> Target:
    """The adapter's API target with the account's token, or with why there is none (nothing sent).
    Only a credential of the adapter's kinds is sent (`Authorization: Bearer …`): never an app's
    client secret, a refresh token (its token endpoint's alone) or an API key (issue 20)."""
    kinds = adapter.credential_kinds if kinds is None else kinds
    found = token_for(account)
    token = (found.token or "").strip()
    problem = found.problem.strip().removeprefix("確認できず：") or kind_problem(found, kinds)
    if not token and not problem:
        problem = "APIの設定がありません"
    if problem:
        return adapter.api_target(account, actor=actor, problem=f"確認できず：{problem}。必要なもの：{need}")
    return adapter.api_target(account, actor=actor, token=token)


def missing_id(adapter: ApiAdapter, account, *, what: str) -> Target:
    """A target that cannot be asked about: the account's permanent ID is not registered."""
    return adapter.api_target(
        account,
        actor="",
        problem=f"確認できず：SNS上の固有ID（{what}）が登録されていません。アカウントの「SNS上の固有ID」に登録してください",
    )


@sensitive_variables()
def bearer(target: Target) -> dict:
    """The Authorization header, the only place a token is sent (never a URL: errors may echo URLs)."""
    return {"Authorization": f"Bearer {target.token}"}


def same_handle(registered: str, *found: str) -> bool:
    """Whether the registered @handle is one of the names the platform gives (case and @ aside)."""
    key = registered.strip().lstrip("@").lower()
    return any(key == str(name or "").strip().lstrip("@").lower() for name in found if name)


def body_of(reply) -> dict:
    """The JSON object of an answer, or {} when it is not one (an error page, an empty body)."""
    try:
        body = reply.json()
    except CheckError:  # not JSON: the HTTP status says enough
        return {}
    return body if isinstance(body, dict) else {}
