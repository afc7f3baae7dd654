"""Issue 21: a caller asks a platform what it can do here, and why not, instead of knowing it by name."""

import pytest

from platforms import checks
from platforms.checks import Capability
from tests.factories import AccountFactory, platform
from tests.platforms.api_support import register_token

pytestmark = pytest.mark.django_db


def test_a_public_page_reads_the_profile_but_not_the_posts(dept_a, staff_a):
    account = AccountFactory(department=dept_a, manager=staff_a, platform=platform("x"))
    page = checks.GenericAdapter()  # a platform without its own adapter
    assert page.can(Capability.READ_PROFILE, account)
    answer = page.can(Capability.READ_POSTS, account)
    assert not answer and answer.reason == "投稿の読み取りはできません（公開プロフィールページで確認）"


def test_line_reads_a_profile_with_its_token_and_never_the_posts(dept_a, staff_a, admin):
    account = AccountFactory(department=dept_a, manager=staff_a, platform=platform("line"), handle="@komae")
    answer = checks.can(account, Capability.READ_PROFILE)
    assert not answer and answer.reason.startswith("プロフィールの読み取りはできません：APIの設定がありません")
    assert answer.needs == ("channel_access_token",)
    register_token(admin, account, "invented-line-channel-token-0001")
    assert checks.can(account, Capability.READ_PROFILE)
    assert not checks.can(account, Capability.READ_POSTS)  # LINE's API gives no posts of a channel


def test_a_token_of_a_kind_the_platform_does_not_take_is_the_reason(dept_a, staff_a, admin):
    from tests.platforms.api_support import stored_before_the_kind_rule

    account = AccountFactory(department=dept_a, manager=staff_a, platform=platform("x"), handle="komae")
    stored_before_the_kind_rule(admin, account, "invented-api-key-0001", kind="api_key")
    answer = checks.can(account, Capability.READ_PROFILE)
    assert not answer and "この確認には使えません" in answer.reason


@pytest.mark.parametrize("code", ["bluesky", "note", "youtube", "x", "threads", "facebook", "instagram", "tiktok"])
def test_the_platforms_that_read_posts_page_by_page_say_so(code):
    """platforms/reads.py reads them (tests/platforms/test_reads.py, test_read_posts_with_tokens.py)."""
    assert Capability.READ_POSTS in checks.adapter_for(code).capabilities


def test_line_alone_reads_no_posts():
    """LINE's Messaging API has no way to read the broadcasts an account sent."""
    assert {code for code, a in checks.ADAPTERS.items() if Capability.READ_POSTS not in a.capabilities} == {"line"}


def test_an_adapter_that_declares_a_capability_implements_it():
    """A declaration without its method would answer "yes" to `can()` and then fail at the call."""
    base = checks.GenericAdapter
    methods = {Capability.READ_POSTS: "read_posts", Capability.SEARCH_ACCOUNTS: "search_accounts"}
    for code, adapter in checks.ADAPTERS.items():
        for capability, method in methods.items():
            declared = capability in adapter.capabilities
            implemented = getattr(type(adapter), method) is not getattr(base, method)
            assert declared == implemented, f"{code}: {capability} declared={declared} implemented={implemented}"


def test_bluesky_youtube_and_x_search_accounts():
    searching = {code for code, a in checks.ADAPTERS.items() if Capability.SEARCH_ACCOUNTS in a.capabilities}
    assert searching == {"bluesky", "youtube", "x"}


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("line", "LINEのAPIには、名前で公式アカウントを探す機能がありません"),
        ("note", "noteには、名前でクリエイターを探す公開のAPIがありません"),
        ("threads", "Threads APIで読めるのはトークンの持ち主のアカウントだけで、名前で探す機能がありません"),
        ("facebook", "Facebookのページ検索はMetaの審査（Page Public Metadata Access）が要り、市のアプリでは使えません"),
        (
            "instagram",
            "Instagram Graph APIには、名前でアカウントを探す機能がありません（ユーザー名を指定した照会だけ）",
        ),
        ("tiktok", "TikTokの公開APIには、名前でアカウントを探す機能がありません（Research APIは研究者向けです）"),
    ],
)
def test_a_platform_without_search_says_why_and_what_the_city_does_instead(code, why):
    """Issue 23: the dashboard shows both beside the platform."""
    answer = checks.can_search(platform(code))
    assert not answer and answer.reason == f"アカウントの検索はできません：{why}"
    assert checks.search_alternative(platform(code)).startswith(
        "住民からの通報（「なりすましを見つけたら」）で受け付けます"
    )


def test_a_search_with_a_key_is_possible_once_the_key_is_registered(dept_a, staff_a, admin):
    account = AccountFactory(department=dept_a, manager=staff_a, platform=platform("youtube"), handle="komae")
    answer = checks.can_search(platform("youtube"))
    assert not answer and answer.reason.startswith("アカウントの検索はできません：APIの設定がありません")
    assert checks.can(account, Capability.READ_POSTS)  # the public feed needs no key
    register_token(admin, account, "AIzaInventedKeyForTheSearch-0001", kind="api_key")  # one channel's key
    assert checks.can_search(platform("youtube"))  # any of the city's keys serves a search of public data
