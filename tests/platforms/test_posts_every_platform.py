"""What every platform that reads posts must do with its answer (issue 22), whatever the answer is: page
by page with the platform's cursor, an end when the cursor repeats, and a hostile or broken answer
bounded or refused with a reason in Japanese — never an exception from deep inside, never a post
that the database or a page would choke on. Against the local server playing each documented API."""

import pytest

from platforms import checks, reads
from tests.platforms import api_support as api
from tests.platforms.post_cases import CASES

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('狛江')</script><img src=x onerror=alert(1)>\u202eお知らせ\x00です" + "あ" * 100_000


@pytest.fixture(params=sorted(CASES))
def case(request):
    return CASES[request.param]


@pytest.fixture
def server(settings, monkeypatch, case):
    with api.serve(settings, monkeypatch, case.code) as server:
        case.answer(server)
        yield server


@pytest.fixture
def account(dept_b, head_b, admin, case):
    account = api.city_account(dept_b, head_b, case.code, case.handle, case.account_id)
    case.register(admin, account)
    return account


def _read(account, **kw) -> reads.PostPage:
    return reads.read_posts(account, **kw)


def _failure(account, **kw) -> str:
    with pytest.raises(reads.ReadFailed) as failed:
        reads.read_posts(account, **kw)
    return str(failed.value)


def test_every_platform_that_reads_posts_is_described_here():
    readers = {code for code, a in checks.ADAPTERS.items() if checks.Capability.READ_POSTS in a.capabilities}
    assert readers - {"note"} == set(CASES)  # note's RSS is one page with no JSON (tests/platforms/test_reads.py)


def test_pages_follow_the_platforms_cursor_to_the_end(server, case, account):
    server.answer(
        case.path,
        match={case.cursor_param: case.first_cursor},
        json=case.page([case.item("older0001", "先月のお知らせ")]),
    )
    server.answer(case.path, json=case.page([case.item("newer0001", "今日のお知らせ")], case.first_cursor))
    first = _read(account)
    assert [p.text for p in first.posts] == ["今日のお知らせ"] and first.posts[0].post_id.endswith("newer0001")
    assert first.cursor == case.first_cursor
    assert first.raw and b"newer0001" in first.raw  # kept exactly as read
    second = _read(account, cursor=first.cursor)
    assert [p.text for p in second.posts] == ["先月のお知らせ"] and second.cursor == ""


def test_a_cursor_that_repeats_ends_the_reading(server, case, account):
    server.answer(case.path, json=case.page([case.item("same0001", "同じ投稿")], case.first_cursor))
    assert _read(account, cursor=case.first_cursor).cursor == ""


def test_a_hostile_post_is_kept_as_text_bounded_and_storable(server, case, account):
    """Markup stays text (the page escapes it), bidi controls stay (what was posted; the page isolates
    them), NUL — which PostgreSQL refuses — becomes U+FFFD, and 100,000 characters become 10,000. An
    item that is not an object, or whose ID hides a bidi override, is left out."""
    items = [case.item("ok0001", HOSTILE), "not an object", case.item("bad\u202e0001", "偽物"), 42]
    server.answer(case.path, json=case.page(items))
    (post,) = _read(account).posts
    assert post.post_id.endswith("ok0001")
    assert len(post.text) == reads.MAX_TEXT
    assert post.text.startswith("<script>alert('狛江')</script><img src=x onerror=alert(1)>\u202eお知らせ\ufffdです")
    assert "\x00" not in post.text


def test_fields_of_the_wrong_type_are_empty_not_an_error(server, case, account):
    item = case.item("types0001", 12345)  # the text is a number
    server.answer(case.path, json=case.page([item]))
    (post,) = _read(account).posts
    assert post.text == "" and post.post_id.endswith("types0001")


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ({"text": "{not json", "content_type": "application/json"}, "JSONではありません"),
        ({"json": ["a", "list"]}, "APIの応答"),
    ],
)
def test_an_answer_that_is_not_a_page_says_so(server, case, account, answer, reason):
    server.answer(case.path, **answer)
    assert reason in _failure(account)


def test_a_page_without_its_list_of_posts_says_so(server, case, account):
    page = case.page([case.item("x0001", "x")])
    _replace_list(page, {"not": "a list"})
    server.answer(case.path, json=page)
    assert "投稿の一覧がありません" in _failure(account)


def test_a_giant_page_is_refused_with_the_count(server, case, account):
    page = case.page([case.item(f"g{n:05d}", "x") for n in range(150)])
    server.answer(case.path, json=page)
    assert "投稿が多すぎます（150件、1ページの上限 100件）" in _failure(account)


def test_an_answer_over_the_size_cap_is_not_read(server, case, account):
    server.answer(case.path, json=case.page([case.item("big0001", "あ" * (1024 * 1024))]))
    assert "大きすぎます（上限 2 MB）" in _failure(account)


def test_a_cursor_that_is_not_one_is_refused(server, case, account):
    if case.code == "tiktok":  # TikTok's cursor is a number: a string is not one
        page = {**case.page([]), "data": {"videos": [], "cursor": "next", "has_more": True}}
    else:
        page = case.page([case.item("c0001", "x")], "next\u202ecursor")
    server.answer(case.path, json=page)
    assert "カーソル" in _failure(account)


def test_a_rate_limit_is_waited_out_as_the_status_checks_do(server, case, account):
    server.answer(case.path, status=429, json={}, headers={"Retry-After": "0"}, times=1)
    server.answer(case.path, json=case.page([case.item("after0001", "待ってから読めた投稿")]))
    assert [p.text for p in _read(account).posts] == ["待ってから読めた投稿"]
    server.server.RequestHandlerClass.answers.pop(case.path)
    server.answer(case.path, status=429, json={}, headers={"Retry-After": "0"})
    assert "回数制限" in _failure(account)


def _replace_list(page: dict, value) -> None:
    """Put `value` where the page's list of posts is (feed, data, items, data.videos)."""
    for key in ("feed", "items"):
        if key in page:
            page[key] = value
            return
    if isinstance(page.get("data"), dict):
        page["data"]["videos"] = value
    else:
        page["data"] = value
