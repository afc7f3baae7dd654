"""Finding kept posts by words (issue 22): two-character Japanese words, width variants, the user's 課
only, and the bounded count and paging of a word found in many posts. `make mutate` runs these (marker
`rules`) against each change of archive/search.py, with the fast ones of test_archive_rules.py."""

import pytest
from django.db import connection

from archive import search
from archive.models import Post
from archive.search import SearchRefused, excerpt, in_period, run_search, words_of
from tests.archive.made import at, keep_post
from tests.factories import AccountFactory

pytestmark = [pytest.mark.django_db, pytest.mark.rules]


def found(posts, query: str, *, account=None) -> list[str]:
    """The post IDs a search finds, newest first (all pages)."""
    if account is not None:
        posts = posts.filter(account=account)
    ids, page = [], 1
    while True:
        result = run_search(posts, words_of(query), scan_allowed=account is not None, page=page)
        ids += [p.post_id for p in result.posts]
        if not result.has_next:
            return ids
        page += 1


@pytest.fixture
def posts(account_a):
    keep_post(account_a, "bousai", "今週末は防災訓練を実施します。", at(2026, 9, 1))
    keep_post(account_a, "kosodate", "子育て支援センターで親子イベントを開催します。", at(2026, 9, 2))
    keep_post(account_a, "wide", "ＳＮＳで防災情報をお届けします。ｲﾍﾞﾝﾄも告知します。", at(2026, 9, 3))
    keep_post(account_a, "gomi", "ごみの収集日が変わります。", at(2026, 9, 4))
    return Post.objects.all()


@pytest.mark.smoke  # also on the embedded defaults (SQLite)
def test_a_two_character_word_is_found_and_only_where_it_is(posts):
    assert found(posts, "防災") == ["wide", "bousai"]
    assert found(posts, "ごみ") == ["gomi"]
    assert found(posts, "台風") == []
    assert found(posts, "防犯") == []  # shares a character with 防災, not the word


@pytest.mark.smoke  # also on the embedded defaults (SQLite)
def test_width_and_case_variants_are_one_word(posts):
    # NFKC folds full-width letters and half-width kana, on both sides.
    assert found(posts, "sns") == ["wide"]
    assert found(posts, "ＳＮＳ 防災") == ["wide"]
    assert found(posts, "イベント") == ["wide", "kosodate"]
    assert found(posts, "ｲﾍﾞﾝﾄ") == ["wide", "kosodate"]


def test_every_word_must_be_in_the_text(posts):
    assert found(posts, "防災 訓練") == ["bousai"]
    assert found(posts, "防災　ごみ") == []  # an ideographic space separates words too


@pytest.mark.smoke  # also on the embedded defaults (SQLite)
def test_like_wildcards_in_a_word_are_plain_characters(account_a):
    keep_post(account_a, "percent", "達成率は100%です。", at(2026, 9, 1))
    keep_post(account_a, "under", "a_b の表記", at(2026, 9, 2))
    keep_post(account_a, "plain", "達成率は1000です。axb", at(2026, 9, 3))
    keep_post(account_a, "back", "C:\\temp のフォルダ", at(2026, 9, 4))
    posts = Post.objects.all()
    assert found(posts, "0%") == ["percent"]
    assert found(posts, "a_b") == ["under"]
    assert found(posts, "\\te") == ["back"]
    assert found(posts, "\\x") == []  # unescaped, LIKE would read \x as x: "axb"


def test_a_one_character_word_needs_an_account(posts, account_a):
    with pytest.raises(SearchRefused, match="1文字の語句は、アカウントを選んだときだけ検索できます"):
        run_search(posts, ["災"])
    assert found(posts, "災", account=account_a) == ["wide", "bousai"]


@pytest.mark.smoke  # also on the embedded defaults (SQLite)
def test_another_departments_staff_find_nothing_of_department_a(posts, staff_b, head_a):
    from accounts.selectors import accounts_visible_to

    def visible_to(user):
        return Post.objects.filter(account__in=list(accounts_visible_to(user=user).values_list("pk", flat=True)))

    assert found(visible_to(staff_b), "防災") == []
    assert found(visible_to(head_a), "防災") == ["wide", "bousai"]


def test_a_period_is_whole_days_in_japan(account_a):
    keep_post(account_a, "before", "防災", at(2026, 3, 31, 23, 59))
    keep_post(account_a, "first", "防災", at(2026, 4, 1, 0, 0))
    keep_post(account_a, "last", "防災", at(2027, 3, 31, 23, 59))
    keep_post(account_a, "after", "防災", at(2027, 4, 1, 0, 0))
    from datetime import date

    posts = in_period(Post.objects.all(), date(2026, 4, 1), date(2027, 3, 31))
    assert found(posts, "防災") == ["last", "first"]


@pytest.mark.parametrize("recent_window", [100, 3], ids=["newest-posts", "all-matches-sorted"])
def test_a_word_in_many_posts_pages_newest_first_with_a_bounded_count(account_a, monkeypatch, recent_window):
    """COUNT_LIMIT and PAGE_SIZE made small: past the bound, each page is sought among the newest posts
    (or, when they hold too few, among all matches sorted) — the same pages either way."""
    monkeypatch.setattr(search, "COUNT_LIMIT", 6)
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    monkeypatch.setattr(search, "MAX_PAGE", 4)
    monkeypatch.setattr(search, "RECENT_WINDOW", recent_window)
    for day in range(1, 21):
        text = "防災のお知らせ" if day % 2 else "お知らせ"
        keep_post(account_a, f"p{day:02d}", text, at(2026, 5, day))
    keep_post(account_a, "undated", "防災（日時不明）", None)
    posts = Post.objects.all()
    first = run_search(posts, ["防災"])
    assert (first.total_label, first.more) == ("6件以上", True)
    assert [p.post_id for p in first.posts] == ["undated", "p19"]  # PostgreSQL puts a missing time first
    assert found(posts, "防災") == ["undated", "p19", "p17", "p15", "p13", "p11", "p09", "p07"]  # 4 pages
    exact = run_search(posts, ["防災", "日時"])
    assert (exact.total_label, exact.more, exact.num_pages) == ("1件", False, 1)


def test_a_page_number_out_of_range_is_the_nearest_page(posts):
    assert run_search(posts, ["防災"], page=-3).page == 1
    assert run_search(posts, ["防災"], page=10**9).page == search.MAX_PAGE


def test_the_bigram_index_exists_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the index is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [search.GRAMS_INDEX])
        (definition,) = cursor.fetchone()
    assert "USING gin (string_to_array(grams, ' '::text))" in definition


def test_the_search_asks_the_index_for_the_rarest_bigram(posts, account_a):
    if connection.vendor != "postgresql":
        pytest.skip("the index is PostgreSQL's")
    search._stats.update(at=None)
    for n in range(30):
        keep_post(account_a, f"n{n}", "子育てのお知らせ", at(2026, 8, 1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE archive_post")
    sql = str(search.matching(Post.objects.all(), ["子育て支援"], scan_allowed=False).query)
    asked = sql.split("@> (ARRAY[", 1)[1].split("]", 1)[0]
    assert asked in ("て支", "支援"), sql  # 子育 and 育て are in 31 posts of 34; the others in none
    assert "LIKE %子育て支援%" in sql


def test_the_excerpt_marks_the_word_as_written_and_escapes_the_rest():
    text = "<b>お知らせ</b> ｲﾍﾞﾝﾄと防災の日"
    marked = str(excerpt(text, words_of("イベント 防災")))
    assert marked == "&lt;b&gt;お知らせ&lt;/b&gt; <mark>ｲﾍﾞﾝﾄ</mark>と<mark>防災</mark>の日"


def test_the_excerpt_shows_where_a_word_far_in_the_text_is():
    text = "あ" * 500 + "防災訓練" + "い" * 500
    marked = str(excerpt(text, ["防災"]))
    assert marked.startswith("…") and marked.endswith("…") and "<mark>防災</mark>訓練" in marked
    assert len(marked) < 200


def test_a_post_of_another_account_of_the_same_department_is_found(account_a, dept_a, head_a):
    other = AccountFactory(department=dept_a, manager=head_a, handle="komae_other")
    keep_post(other, "o1", "防災マップを更新しました。", at(2026, 9, 9))
    assert found(Post.objects.all(), "防災") == ["o1"]
    assert found(Post.objects.all(), "防災", account=account_a) == []
