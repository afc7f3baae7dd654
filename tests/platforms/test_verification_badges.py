"""P-7-3: each account's verification badge, read where the platform says it (issue 23).

X's user lookup names it (`verified_type`), Bluesky's profile view shows it (a domain handle, its
`verification`), LINE's interfaces do not say. The answers are the hand-written fixtures in each
platform's documented shape; the reading is stored with the status check.
"""

import pytest

from monitoring.models import StatusCheck
from platforms.models import ApiCredential
from tests.platform_fixtures import (
    BSKY_DID,
    LINE_TOKEN,
    LINE_USER_ID,
    X_TOKEN,
    X_USER_ID,
    X_USERNAME,
    bluesky_feed,
    bluesky_profile,
    bluesky_profile_with_badge,
    line_bot_info,
    line_public_page,
    x_tweets,
    x_user,
    x_user_with_badge,
)
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db

X_LOOKUP = f"/2/users/by/username/{X_USERNAME}"
BSKY_PROFILE = "/xrpc/app.bsky.actor.getProfile"
BSKY_FEED = "/xrpc/app.bsky.feed.getAuthorFeed"


# --- X: user.fields=verified_type ---------------------------------------------------------------------


@pytest.fixture
def x(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "x") as server:
        yield server


@pytest.fixture
def x_account(dept_b, head_b, admin):
    account = api.city_account(dept_b, head_b, "x", X_USERNAME, X_USER_ID)
    api.register_token(admin, account, X_TOKEN, kind=ApiCredential.Kind.BEARER_TOKEN, for_platform=True)
    return account


@pytest.mark.parametrize(
    ("verified_type", "verified", "words"),
    [
        ("government", True, "政府・自治体の認証"),
        ("business", True, "組織の認証"),
        # A blue check is bought with X Premium: it says nothing of who runs the account.
        ("blue", False, "X Premium"),
        ("none", False, "認証マークなし"),
    ],
)
def test_x_reads_the_badge_from_verified_type(x, x_account, verified_type, verified, words):
    x.answer(X_LOOKUP, json=x_user_with_badge(verified_type))
    x.answer(f"/2/users/{X_USER_ID}/tweets", json=x_tweets())
    check = api.check(x_account)
    assert check.outcome == StatusCheck.Outcome.OK, check.error
    assert check.verified is verified
    assert words in check.verification_note and f"X：{verified_type}" in check.verification_note
    assert "verified_type" in api.paths_of(x)[0]  # asked for in the users lookup the check makes anyway


def test_x_without_the_field_or_with_an_unknown_type_does_not_say(x, x_account):
    x.answer(X_LOOKUP, json=x_user(), times=1)
    x.answer(f"/2/users/{X_USER_ID}/tweets", json=x_tweets())
    check = api.check(x_account)
    assert (check.verified, check.verification_note) == (None, "")
    x.answer(X_LOOKUP, json=x_user_with_badge("<script>platinum</script>"))
    check = api.check(x_account)
    assert check.verified is None
    assert "読み取れません" in check.verification_note and "script" not in check.verification_note


# --- Bluesky: the handle's domain, the profile view's verification ----------------------------------


@pytest.fixture
def bsky(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "bluesky") as server:
        yield server


def _bluesky(bsky, account, profile, *, times=None):
    bsky.answer(BSKY_PROFILE, match={"actor": account.handle}, json=profile, times=times)
    bsky.answer(BSKY_FEED, match={"actor": BSKY_DID}, json=bluesky_feed())
    return api.check(account)


def test_bluesky_a_handle_under_bsky_social_is_not_verified(bsky, dept_b, head_b):
    account = api.city_account(dept_b, head_b, "bluesky", "komae-city.bsky.social", BSKY_DID)
    check = _bluesky(bsky, account, bluesky_profile())
    assert check.outcome == StatusCheck.Outcome.OK, check.error
    assert check.verified is False and "bsky.social" in check.verification_note


def test_bluesky_a_domain_handle_is_the_platforms_domain_verification(bsky, dept_b, head_b):
    account = api.city_account(dept_b, head_b, "bluesky", "city.komae.example.jp", BSKY_DID)
    check = _bluesky(bsky, account, bluesky_profile(handle="city.komae.example.jp"))
    assert check.verified is True
    assert "ドメインによる確認" in check.verification_note and "city.komae.example.jp" in check.verification_note


def test_bluesky_a_trusted_verifiers_verification_is_the_blue_check(bsky, dept_b, head_b):
    account = api.city_account(dept_b, head_b, "bluesky", "komae-city.bsky.social", BSKY_DID)
    check = _bluesky(bsky, account, bluesky_profile_with_badge("valid"))
    assert check.verified is True and "verifiedStatus valid" in check.verification_note


def test_bluesky_an_invalid_verification_or_handle_is_not_verified(bsky, dept_b, head_b):
    account = api.city_account(dept_b, head_b, "bluesky", "komae-city.bsky.social", BSKY_DID)
    check = _bluesky(bsky, account, bluesky_profile_with_badge("invalid"), times=1)
    assert check.verified is False and "無効" in check.verification_note
    bsky.answer(BSKY_PROFILE, match={"actor": account.handle}, json=bluesky_profile(handle="handle.invalid"))
    check = api.check(account)
    assert check.verified is False and "handle.invalid" in check.verification_note


# --- LINE: nothing reliable to read -------------------------------------------------------------------


def test_line_says_it_cannot_tell_rather_than_guessing(settings, monkeypatch, dept_b, head_b, admin):
    account = api.city_account(
        dept_b, head_b, "line", "@123komae", LINE_USER_ID, profile_url="https://page.line.me/123komae"
    )
    api.register_token(admin, account, LINE_TOKEN, kind=ApiCredential.Kind.CHANNEL_ACCESS_TOKEN)
    with api.serve(settings, monkeypatch, "line") as line:
        line.answer("/v2/bot/info", json=line_bot_info(premium_id="@komae"))  # a premium ID is not a badge
        line.answer("/123komae", text=line_public_page(), content_type="text/html")
        check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.OK, check.error
    assert check.verified is None
    assert "認証済アカウントかどうかを示しません" in check.verification_note


def test_an_unreachable_profile_stores_no_badge(x, x_account):
    x.answer(X_LOOKUP, json=x_user_with_badge("government"), status=503)
    check = api.check(x_account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert (check.verified, check.verification_note) == (None, "")
