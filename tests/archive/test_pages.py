"""The archive's staff pages (issue 22): the search page and a post's page — what they show, to whom,
hostile text rendered inert, bad parameters answered in Japanese."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Platform
from archive.models import Post
from tests.archive.made import at, keep_post, png
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("archive:search")
HOSTILE = '\u202e<script>alert("x")</script><img src=x onerror=alert(1)>防災\u202c' + "あ" * 3000


def page_text(response) -> str:
    return response.content.decode()


def results(response) -> list[str]:
    """The links of the result rows, as hrefs."""
    return re.findall(r'<td class="archive-post"><a href="(/archive/posts/\d+/)"', page_text(response))


@pytest.fixture
def kept(account_a, head_a):
    return {
        "bousai": keep_post(account_a, "bousai", "今週末は防災訓練を実施します。", at(2026, 9, 1, 10, 30)),
        "gone": keep_post(
            account_a, "gone", "防災無線の放送内容（訂正前）", at(2026, 9, 2), gone_at=at(2026, 9, 3, 8, 15)
        ),
        "hand": keep_post(
            account_a, "line-1", "LINEで防災情報を配信しました。", at(2026, 9, 4), by_hand=True, recorded_by=head_a
        ),
        "gomi": keep_post(account_a, "gomi", "ごみの収集日が変わります。", at(2026, 9, 5)),
    }


def test_a_word_finds_the_posts_newest_first_with_the_word_marked(client, head_a, kept):
    client.force_login(head_a)
    response = client.get(SEARCH, {"q": "防災"})
    assert response.status_code == 200
    assert results(response) == [f"/archive/posts/{kept[k].pk}/" for k in ("hand", "gone", "bousai")]
    html = page_text(response)
    assert "「防災」を含む投稿：3件" in html
    assert "今週末は<mark>防災</mark>訓練を実施します。" in html
    assert "2026年9月1日 10:30" in html and "こまえ子ども（X）" in html
    assert '削除を確認</span> <span class="small">2026年9月3日 08:15' in html
    assert "手動で記録" in html
    assert "ごみの収集日" not in html


def test_width_variants_of_a_word_find_it_too(client, head_a, kept):
    client.force_login(head_a)
    assert len(results(client.get(SEARCH, {"q": "ＬＩＮＥ"}))) == 1
    assert len(results(client.get(SEARCH, {"q": "line 防災"}))) == 1


def test_without_words_the_page_lists_the_newest_posts(client, head_a, kept):
    client.force_login(head_a)
    response = client.get(SEARCH)
    assert len(results(response)) == 4 and "新しい投稿：4件" in page_text(response)


def test_filters_by_account_sns_and_period(client, head_a, kept, account_a, dept_a):
    from tests.factories import AccountFactory

    other = AccountFactory(
        department=dept_a, manager=head_a, handle="komae_line", platform=Platform.objects.get(code="line")
    )
    keep_post(other, "o1", "防災の日です。", at(2026, 9, 1))
    client.force_login(head_a)
    assert len(results(client.get(SEARCH, {"q": "防災", "account": other.pk}))) == 1
    assert len(results(client.get(SEARCH, {"q": "防災", "platform": account_a.platform.code}))) == 3
    by_period = client.get(SEARCH, {"q": "防災", "start": "令和8年9月2日", "end": "2026-09-02"})
    assert results(by_period) == [f"/archive/posts/{kept['gone'].pk}/"]


def test_another_departments_staff_see_nothing_and_get_403_on_a_post(client, staff_b, kept):
    client.force_login(staff_b)
    response = client.get(SEARCH, {"q": "防災"})
    assert response.status_code == 200 and results(response) == []
    assert "こまえ子ども" not in page_text(response)  # not even among the account choices
    response = client.get(reverse("archive:post", args=[kept["bousai"].pk]))
    assert response.status_code == 403
    assert "防災訓練" not in page_text(response)


def test_a_post_page_shows_every_version_its_media_and_the_answer(client, head_a, account_a):
    image = png()
    post = keep_post(
        account_a,
        "edited",
        "防災訓練は9月1日です。",
        at(2026, 8, 20),
        edits=("防災訓練は9月2日です（訂正）。",),
        links=("https://www.city.komae.example.invalid/bousai",),
        images=(image,),
        gone_at=at(2026, 9, 1, 12, 0),
    )
    client.force_login(head_a)
    response = client.get(reverse("archive:post", args=[post.pk]))
    assert response.status_code == 200
    html = page_text(response)
    assert "第2版（最新）" in html and "第1版" in html
    assert "防災訓練は9月1日です。" in html and "防災訓練は9月2日です（訂正）。" in html
    first, second = post.versions.order_by("number")
    for version in (first, second):
        assert version.sha256 in html and version.answer.sha256 in html and version.answer.url in html
    media = first.media.get()
    assert media.sha256 in html and "保存済み" in html and media.url in html
    assert "2026年9月1日 12:00:00に、SNSに見当たらないことを確認しました" in html
    assert "https://www.city.komae.example.invalid/bousai" in html


def test_hostile_text_is_escaped_isolated_and_wrapped(client, head_a, account_a):
    post = keep_post(account_a, "hostile", HOSTILE, at(2026, 9, 1))
    client.force_login(head_a)
    for response in (client.get(SEARCH, {"q": "防災"}), client.get(reverse("archive:post", args=[post.pk]))):
        html = page_text(response)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
        # The text sits in an element of its own direction (dir=auto) whose CSS isolates it.
        assert re.search(r'class="archive-text[^"]*"[^>]*dir="auto"[^>]*>(<bdi>)?\u202e&lt;script', html), html[:0]
    css = (__import__("pathlib").Path(__file__).resolve().parents[2] / "static/css/app.css").read_text()
    assert re.search(r"\.archive-text \{[^}]*unicode-bidi: isolate;[^}]*overflow-wrap: anywhere", css)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "防災" * 60}, "100 文字以下"),
        ({"q": "a b c d e f"}, "語句は5つまでにしてください"),
        ({"q": "災"}, "1文字の語句は、アカウントを選んだときだけ検索できます"),
        ({"start": "2026-13-45"}, "2026年13月45日は存在しません"),
        ({"start": "きのう"}, "日付として読み取れません"),
        ({"start": "2026-09-02", "end": "2026-09-01"}, "期間の終わりが始まりより前です"),
        ({"start": "1026-04-01"}, "2000年1月1日から2100年12月31日まで"),
        ({"account": "abc"}, "正しく選択してください"),
        ({"account": "99999999999999999999999"}, "正しく選択してください"),
        ({"platform": "myspace"}, "正しく選択してください"),
    ],
    ids=[
        "long",
        "too-many-words",
        "one-char",
        "no-such-day",
        "not-a-date",
        "reversed",
        "out-of-range",
        "account",
        "huge",
        "sns",
    ],
)
def test_bad_parameters_get_a_japanese_message_never_a_500(client, head_a, kept, params, message):
    client.force_login(head_a)
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    html = page_text(response)
    assert message in html, html[html.find("error-summary") : html.find("error-summary") + 600]
    assert "<title>エラー：" in html


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999999999999999999", "１"])
def test_a_bad_page_number_is_the_first_page(client, head_a, kept, page):
    client.force_login(head_a)
    response = client.get(SEARCH, {"page": page})
    assert response.status_code == 200 and len(results(response)) == 4


def test_a_nul_anywhere_in_the_query_is_refused_in_japanese_before_the_view(client, head_a, kept):
    client.force_login(head_a)
    for params in ({"q": "防\x00災"}, {"page": "\x00"}, {"account": "1\x00"}):
        response = client.get(SEARCH, params)
        assert response.status_code == 400 and "NUL文字" in page_text(response)


def test_the_menu_leads_those_who_see_accounts_to_the_archive(client, staff_a, contractor, dept_a):
    nobody = UserFactory(username="no_role", department=dept_a, roles=[])
    for user, shown in ((staff_a, True), (contractor, True), (nobody, False)):
        client.force_login(user)
        html = page_text(client.get(reverse("dashboard")))
        assert (f'href="{SEARCH}">保存した投稿</a>' in html) is shown, user.username
    client.force_login(nobody)
    assert client.get(SEARCH).status_code == 403


def test_the_menu_marks_the_archive_as_the_current_page(client, staff_a):
    client.force_login(staff_a)
    assert f'active" aria-current="page" href="{SEARCH}">保存した投稿' in page_text(client.get(SEARCH))


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(SEARCH, params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("params", [{}, {"q": "防災"}], ids=["newest", "word"])
def test_the_search_page_runs_as_many_queries_at_1_and_at_50_rows(client, head_a, account_a, params):
    client.force_login(head_a)
    keep_post(account_a, "p0", "防災", at(2026, 9, 1))
    _queries(client, params)  # warm caches (content types, sessions)
    at_one = _queries(client, params)
    for n in range(1, 50):
        keep_post(account_a, f"p{n}", "防災", at(2026, 9, 1, 9, n))
    assert Post.objects.count() == 50
    assert _queries(client, params) == at_one
