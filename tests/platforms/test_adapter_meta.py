"""Facebook pages, Instagram professional accounts and Threads through Meta's APIs, with a token."""

import datetime
import time
from dataclasses import dataclass

import pytest

from accounts.models import AccountStatus, OfficialAccount
from monitoring.models import StatusCheck
from platforms import checks
from tests.factories import AccountFactory, platform
from tests.platform_fixtures import (
    FB_PAGE_ID,
    GRAPH_TOKEN,
    IG_USER_ID,
    THREADS_USER_ID,
    graph_error,
    graph_page,
    graph_posts,
    ig_media,
    ig_user,
    threads_posts,
    threads_user,
)
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    code: str
    handle: str
    account_id: str
    profile: str  # the API path of the profile
    posts: str  # the API path of the newest post
    profile_json: object
    posts_json: object  # a function of the post's date
    interface: str
    host: str


CASES = {
    "facebook": Case(
        "facebook",
        "komae.city.invented",
        FB_PAGE_ID,
        f"/v26.0/{FB_PAGE_ID}",
        f"/v26.0/{FB_PAGE_ID}/posts",
        graph_page,
        graph_posts,
        "facebook：Graph API v26.0",
        "graph.facebook.com",
    ),
    "instagram": Case(
        "instagram",
        "komae_city_invented",
        IG_USER_ID,
        f"/v26.0/{IG_USER_ID}",
        f"/v26.0/{IG_USER_ID}/media",
        ig_user,
        ig_media,
        "instagram：Instagram Graph API v26.0",
        "graph.facebook.com",
    ),
    "threads": Case(
        "threads",
        "komae_city_invented",
        THREADS_USER_ID,
        "/v1.0/me",
        "/v1.0/me/threads",
        threads_user,
        threads_posts,
        "threads：Threads API v1.0",
        "graph.threads.com",
    ),
}


@pytest.fixture(params=sorted(CASES))
def case(request):
    return CASES[request.param]


@pytest.fixture
def meta(settings, monkeypatch, case):
    with api.serve(settings, monkeypatch, case.code) as server:
        yield server


@pytest.fixture
def account(dept_b, head_b, case):
    return api.city_account(dept_b, head_b, case.code, case.handle, case.account_id)


@pytest.fixture
def token(admin, account):
    return api.register_token(admin, account, GRAPH_TOKEN)


def _answer(meta, case, *, posted="2026-11-20T09:00:00+0000", **profile):
    meta.answer(case.profile, json=case.profile_json(**profile))
    meta.answer(case.posts, json=case.posts_json(posted))


def test_a_matching_profile_is_ok_and_names_the_interface(meta, case, account, token):
    _answer(meta, case)
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.OK, check.error
    assert (check.display_name, check.platform_account_id) == ("狛江市", case.account_id)
    assert check.last_post == "2026-11-20T09:00:00+0000"
    assert check.profile_states_operator and check.profile_states_purpose and check.profile_links_city
    assert check.adapter.startswith(case.interface)
    assert api.paths_of(meta)[0].startswith(case.profile + "?fields=")
    api.assert_token_only_in_authorization(meta, GRAPH_TOKEN)
    api.assert_token_not_stored(check, GRAPH_TOKEN)


def test_another_id_is_an_anomaly(meta, case, account, token):
    """Facebook and Instagram are asked by the registered ID; Threads answers for the token's user."""
    other = "99999999999999999"
    meta.answer(case.profile, json=case.profile_json(**{_id_arg(case): other}))
    meta.answer(case.posts, json=case.posts_json("2026-11-20T09:00:00+0000"))
    assert api.check(account).anomalies == ["id_changed"]


def _id_arg(case):
    return {"facebook": "page_id"}.get(case.code, "user_id")


def test_a_post_after_the_suspension_date_is_an_anomaly(meta, case, account, token):
    OfficialAccount.objects.filter(pk=account.pk).update(
        status=AccountStatus.SUSPENDED, suspended_on=datetime.date(2026, 3, 31)
    )
    account.refresh_from_db()
    meta.answer(case.profile, json=case.profile_json())
    meta.answer(case.posts, json=case.posts_json("2026-03-30T12:00:00+0000"), times=1)
    assert api.check(account).outcome == StatusCheck.Outcome.OK
    meta.answer(case.posts, json=case.posts_json("2026-11-24T08:00:00+0000"))
    assert api.check(account).anomalies == ["posts_while_suspended"]


def test_a_deleted_object_is_gone(meta, case, account, token):
    meta.answer(
        case.profile,
        status=400,
        json=graph_error(
            100,
            f"Unsupported get request. Object with ID '{case.account_id}' does not exist, cannot be loaded due to "
            "missing permissions, or does not support this operation.",
            subcode=33,
            kind="GraphMethodException",
        ),
    )
    check = api.check(account)
    assert check.anomalies == ["gone"]
    assert "アカウントが見つかりません" in check.error and "code 100" in check.error


def test_an_expired_token_is_not_checked_and_says_renew(meta, case, account, token):
    meta.answer(case.profile, status=400, json=graph_error(190, "Error validating access token: Session has expired."))
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert "アクセストークンが無効か期限切れです" in check.error and "code 190" in check.error
    assert "Session has expired" not in check.error  # the platform's text is not copied
    api.assert_token_not_stored(check, GRAPH_TOKEN)


@pytest.mark.parametrize("code", [4, 17, 32, 613])
def test_a_graph_rate_limit_ends_as_not_checked(meta, case, account, token, code):
    meta.answer(case.profile, status=403, json=graph_error(code, "(#4) Application request limit reached"))
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert "回数制限" in check.error and f"code {code}" in check.error
    assert check.anomalies == []


def test_a_429_waits_for_retry_after_then_reads(meta, case, account, token):
    meta.answer(case.profile, status=429, json=graph_error(4, "limit"), headers={"Retry-After": "1"}, times=1)
    _answer(meta, case)
    started = time.monotonic()
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.OK, check.error
    assert time.monotonic() - started >= 0.9
    assert [p.split("?")[0] for p in api.paths_of(meta)].count(case.profile) == 2


def test_without_a_token_nothing_is_sent(meta, case, account):
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert check.error.startswith("APIの設定がありません")
    assert "必要なもの：" in check.error
    assert api.requests_of(meta) == []


def test_the_platform_wide_token_serves_an_account_without_its_own(meta, case, account, admin):
    api.register_token(admin, account, GRAPH_TOKEN, for_platform=True)
    _answer(meta, case)
    assert api.check(account).outcome == StatusCheck.Outcome.OK


def test_the_api_host_is_the_only_place_the_token_goes(settings, case, account, token):
    settings.STATUS_CHECK_BASES = {}
    target = checks.adapter_for(case.code).target(account)
    assert target.url == f"https://{case.host}"
    assert case.host in target.hosts
    assert GRAPH_TOKEN not in repr(target)


@pytest.mark.parametrize("code", ["facebook", "instagram"])
def test_without_the_registered_id_nothing_is_asked(settings, monkeypatch, dept_b, head_b, admin, code):
    with api.serve(settings, monkeypatch, code) as server:
        account = AccountFactory(
            department=dept_b, manager=head_b, platform=platform(code), handle="komae_city_invented"
        )
        api.register_token(admin, account, GRAPH_TOKEN)
        check = api.check(account)
        assert check.outcome == StatusCheck.Outcome.ERROR
        assert check.error.startswith("SNS上の固有ID")
        assert api.requests_of(server) == []


def test_a_threads_token_of_another_user_is_not_checked(settings, monkeypatch, dept_b, head_b, admin):
    with api.serve(settings, monkeypatch, "threads") as server:
        account = AccountFactory(
            department=dept_b, manager=head_b, platform=platform("threads"), handle="komae_city_invented"
        )
        api.register_token(admin, account, GRAPH_TOKEN)
        server.answer("/v1.0/me", json=threads_user(username="someone_else"))
        check = api.check(account)
        assert check.outcome == StatusCheck.Outcome.ERROR
        assert "別のThreadsアカウント（@someone_else）" in check.error


@pytest.mark.parametrize("code", ["facebook", "instagram"])
def test_a_stored_id_stays_one_path_segment(settings, monkeypatch, dept_b, head_b, admin, code):
    """Issue 20: the registered ID is the path's node, never a way to another path with the token."""
    with api.serve(settings, monkeypatch, code) as server:
        account = api.city_account(dept_b, head_b, code, "komae.city", "1/../../internal/admin?fields=")
        api.register_token(admin, account, GRAPH_TOKEN)
        server.answer("/internal/admin", json=graph_page())
        server.answer("/v26.0/internal/admin", json=graph_page())
        check = api.check(account)
        assert check.outcome == StatusCheck.Outcome.ERROR
        assert [p.split("?")[0] for p in api.paths_of(server)] == ["/v26.0/1%2F..%2F..%2Finternal%2Fadmin%3Ffields%3D"]


def test_an_error_that_echoes_the_token_keeps_no_piece_of_it(meta, case, account, token):
    """Issue 20: Meta's fbtrace_id (or a proxy's text in its place) is kept only as a short code."""
    meta.answer(
        case.profile,
        status=500,
        json={
            "error": {"message": f"Bearer {GRAPH_TOKEN}", "code": f"Bearer {GRAPH_TOKEN}", "fbtrace_id": GRAPH_TOKEN}
        },
    )
    check = api.check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    api.assert_no_piece_stored(check, GRAPH_TOKEN)
