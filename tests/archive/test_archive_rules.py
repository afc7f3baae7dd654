"""The archive's rules, fast (issue 22): who may do what with kept posts (archive/permissions.py), person by
person; and the search (archive/search.py): the form a post and a search word are compared in, the same pages
newest first by each way a page is found, and the found words marked; and what new posts say of a takeover
(archive/signals.py: published after the day of 運用停止, a burst). `make mutate` runs these against each change
of those modules (marker `rules`), with tests/archive/test_search.py.

課A's account is seen by 課A and the roles that see all, a contractor only once assigned; the export is the
city's; 保存期間 is its 課長's and the sysadmin's; a 延長・廃棄 takes two people, the 課長 and the security
officer, one proposing and the other deciding.
"""

import warnings
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import OperationalError, connection, connections
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AccountStatus, OfficialAccount
from archive import search
from archive.models import Post, PostEvidence, RetentionDecision
from archive.permissions import (
    can_decide_disposal,
    can_export_archive,
    can_propose_disposal,
    can_record_by_hand,
    can_see_archive,
    can_see_retention_list,
    can_set_retention,
    can_use_archive,
    disposal_roles,
    ensure_can_decide_disposal,
    ensure_can_export_archive,
    ensure_can_propose_disposal,
    ensure_can_record_by_hand,
    ensure_can_see_archive,
    ensure_can_see_retention_list,
    ensure_can_set_retention,
    ensure_can_use_archive,
)
from archive.search import SearchRefused, bigrams, excerpt, in_period, index_fields, normalise, run_search, words_of
from archive.signals import post_burst, posts_while_suspended, signal_new_posts, signals_of
from core.audit import Job
from core.models import AuditEvent
from monitoring.models import Incident, StatusCheck
from org.roles import Role
from tests.archive.made import JST, at, keep_post
from tests.conftest import _user, refused, who_may
from tests.factories import AccountFactory

pytestmark = [pytest.mark.django_db, pytest.mark.rules]

SECTION_A = {"staff_a", "head_a"}
SEE_ALL = {"member", "chair", "security_officer", "admin"}


# --- seeing, searching and handing over -----------------------------------------------------------------


def test_the_archive_of_an_account_is_seen_by_its_section_the_officers_and_an_assigned_contractor(
    people, account_a, contractor
):
    assert who_may(people, lambda user: can_see_archive(user, account_a)) == SECTION_A | SEE_ALL
    assert refused(people, lambda user: ensure_can_see_archive(user, account_a)) == dict.fromkeys(
        set(people) - SECTION_A - SEE_ALL, "このアカウントの保存した投稿は見られません。"
    )
    account_a.contractors.add(contractor)
    assert who_may(people, lambda user: can_see_archive(user, account_a)) == SECTION_A | SEE_ALL | {"contractor"}
    assert ensure_can_see_archive(people["contractor"], account_a) is None


def test_the_search_page_is_for_whoever_sees_some_account(people, dept_a):
    """A contractor sees the accounts assigned to it (none yet is still the page, empty); a 課's staff need a 課."""
    assert who_may(people, can_use_archive) == set(people)
    assert refused(people, ensure_can_use_archive) == {}
    nobody = {
        "clerk_without_section": _user("clerk_without_section", None, Role.STAFF),
        "head_without_section": _user("head_without_section", None, Role.SECTION_HEAD),
        "pr_without_section": _user("pr_without_section", None, Role.PR_OFFICE),
        "no_role": _user("no_role", dept_a),
    }
    assert who_may(nobody, can_use_archive) == set()
    assert refused(nobody, ensure_can_use_archive) == dict.fromkeys(
        nobody, "保存した投稿を見られるのは、公式アカウントを見られる職員です。"
    )
    officer_without_section = _user("officer_without_section", None, Role.SECURITY_OFFICER)
    assert can_use_archive(officer_without_section)


def test_a_handover_is_the_citys_not_the_contractors(people, account_a, contractor, dept_a, dept_b):
    exports = SECTION_A | SEE_ALL
    assert who_may(people, lambda user: can_export_archive(user, account_a)) == exports
    account_a.contractors.add(contractor)  # it sees the posts now, but hands nothing over
    assert can_see_archive(contractor, account_a)
    assert who_may(people, lambda user: can_export_archive(user, account_a)) == exports
    assert refused(people, lambda user: ensure_can_export_archive(user, account_a)) == dict.fromkeys(
        set(people) - exports,
        "このアカウントの保存した投稿を書き出す権限がありません（書き出しは市の職員が行います）。",
    )
    # A contractor who is also the city's (a role of a 課, or one that sees all) hands over what it sees: as a
    # contractor, the accounts assigned to it.
    also_staff = _user("contractor_and_staff", dept_a, Role.CONTRACTOR, Role.STAFF)
    assert not can_export_archive(also_staff, account_a)
    account_a.contractors.add(also_staff)
    assert can_export_archive(also_staff, account_a)
    also_officer = _user("contractor_and_officer", dept_b, Role.CONTRACTOR, Role.SECURITY_OFFICER)
    assert can_export_archive(also_officer, account_a)


# --- retention and disposal -----------------------------------------------------------------------------


def test_the_period_is_set_by_the_accounts_section_head_and_the_sysadmin(people, account_a, dept_a):
    assert who_may(people, lambda user: can_set_retention(user, account_a)) == {"head_a", "admin"}
    assert refused(people, lambda user: ensure_can_set_retention(user, account_a)) == dict.fromkeys(
        set(people) - {"head_a", "admin"}, "保存期間を変更できるのは、所管課の課長とシステム管理者です。"
    )
    assert not can_set_retention(_user("head_without_section", None, Role.SECTION_HEAD), account_a)
    superuser = _user("root", None)
    superuser.is_superuser = True
    assert can_set_retention(superuser, account_a)


def test_the_disposal_roles_are_the_accounts_section_head_and_the_security_officer(people, account_a, dept_a):
    roles = {name: disposal_roles(user, account_a) for name, user in people.items()}
    assert roles == {
        **dict.fromkeys(people, frozenset()),
        "head_a": frozenset({Role.SECTION_HEAD}),
        "security_officer": frozenset({Role.SECURITY_OFFICER}),
    }
    both = _user("head_and_officer", dept_a, Role.SECTION_HEAD, Role.SECURITY_OFFICER)
    assert disposal_roles(both, account_a) == frozenset({Role.SECTION_HEAD, Role.SECURITY_OFFICER})
    assert disposal_roles(_user("head_without_section", None, Role.SECTION_HEAD), account_a) == frozenset()


def test_the_year_end_list_and_the_proposal(people, account_a):
    assert who_may(people, can_see_retention_list) == {"head_a", "head_b", "security_officer"}
    people_named = "所管課の課長と統括情報セキュリティ責任者"
    assert refused(people, ensure_can_see_retention_list) == dict.fromkeys(
        set(people) - {"head_a", "head_b", "security_officer"},
        f"保存期間の満了した投稿の一覧は、{people_named}が扱います。",
    )
    assert who_may(people, lambda user: can_propose_disposal(user, account_a)) == {"head_a", "security_officer"}
    assert refused(people, lambda user: ensure_can_propose_disposal(user, account_a)) == dict.fromkeys(
        set(people) - {"head_a", "security_officer"},
        f"保存期間の満了した投稿の延長・廃棄を扱えるのは、{people_named}です。",
    )


def decision(account, proposed_by) -> RetentionDecision:
    """A proposal as made (unsaved: the rule reads only its account and who proposed it)."""
    return RetentionDecision(account=account, fiscal_year=2025, action="dispose", proposed_by=proposed_by)


def test_the_other_of_the_two_decides(people, account_a, dept_a, dept_b):
    by_head = decision(account_a, people["head_a"])
    assert who_may(people, lambda user: can_decide_disposal(user, by_head)) == {"security_officer"}
    by_officer = decision(account_a, people["security_officer"])
    assert who_may(people, lambda user: can_decide_disposal(user, by_officer)) == {"head_a"}
    # Another security officer does not decide what a security officer proposed: the same role.
    second_officer = _user("second_officer", dept_b, Role.SECURITY_OFFICER)
    assert not can_decide_disposal(second_officer, by_officer)
    assert can_decide_disposal(second_officer, by_head)
    # One person in both roles brings both: either other one decides, never they themselves.
    both = _user("head_and_officer", dept_a, Role.SECTION_HEAD, Role.SECURITY_OFFICER)
    by_both = decision(account_a, both)
    assert who_may({**people, "both": both}, lambda user: can_decide_disposal(user, by_both)) == {
        "head_a",
        "security_officer",
    }
    assert can_decide_disposal(both, by_head) and can_decide_disposal(both, by_officer)


def test_a_refused_decision_says_why(people, account_a):
    by_head = decision(account_a, people["head_a"])
    others = (
        "この案を決定・差戻しできるのは、起案者とは別の立場の所管課の課長と統括情報セキュリティ責任者のうちの一人です。"
    )
    assert refused(people, lambda user: ensure_can_decide_disposal(user, by_head)) == {
        **dict.fromkeys(set(people) - {"security_officer"}, others),
        "head_a": "起案した本人は決定できません（延長・廃棄は二人で決めます）。",
    }


# --- posts recorded by hand -----------------------------------------------------------------------------


def test_the_manager_and_the_section_record_by_hand(people, account_a, dept_a, dept_b):
    assert who_may(people, lambda user: can_record_by_hand(user, account_a)) == SECTION_A
    assert refused(people, lambda user: ensure_can_record_by_hand(user, account_a)) == dict.fromkeys(
        set(people) - SECTION_A, "投稿を手動で記録できるのは、アカウントの管理者と所管課の職員・課長です。"
    )
    # The 管理者 records though neither staff nor 課長 (a 広報担当 of the 課), while one of the 課.
    manager = _user("pr_a", dept_a, Role.PR_OFFICE)
    managed = AccountFactory(department=dept_a, manager=manager, handle="komae_kouhou_a")
    assert can_record_by_hand(manager, managed)
    assert who_may(people, lambda user: can_record_by_hand(user, managed)) == SECTION_A  # head_a: as 課長
    assert ensure_can_record_by_hand(manager, managed) is None
    assert not can_record_by_hand(manager, account_a)
    manager.department = dept_b  # 人事異動
    assert not can_record_by_hand(manager, managed)
    assert not can_record_by_hand(_user("clerk_without_section", None, Role.STAFF), account_a)


# --- the form a post and a search word are compared in (archive/search.py) ----------------------------------


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("ＳＮＳで防災", "snsで防災"),  # full-width letters
        ("ｲﾍﾞﾝﾄ ｶﾞｲﾄﾞ", "イベント ガイド"),  # half-width kana, their voiced marks composed
        ("１２３４５　ｐｍ２．５", "12345 pm2.5"),  # full-width digits, the ideographic space
        ("Komae CITY", "komae city"),
        ("Straße", "strasse"),  # case folded, not only lowered
        ("  防災\n\t訓練\u3000 \r\n お知らせ  ", "防災 訓練 お知らせ"),  # white space: one space, none at the ends
        ("㈱こまえ", "(株)こまえ"),
        ("", ""),
        (None, ""),
        ("災", "災"),
    ],
)
def test_width_case_and_spaces_are_folded(text, normalised):
    assert normalise(text) == normalised


def test_the_bigrams_of_a_text_are_each_pair_of_characters_once_none_across_a_space():
    assert bigrams("防災訓練") == ["防災", "災訓", "訓練"]
    assert bigrams("防災 訓練") == ["防災", "訓練"]  # a pair across words would find 災訓 where no one wrote it
    assert bigrams("snsで防災") == ["sn", "ns", "sで", "で防", "防災"]  # scripts mixed in one word
    assert bigrams("防災防災の防災") == ["防災", "災防", "災の", "の防"]  # each once, in the order first seen
    assert bigrams("ab") == ["ab"]
    assert bigrams("災") == []  # one character: nothing to look up by
    assert bigrams("") == []
    assert bigrams("a b") == []


def test_a_long_text_is_indexed_up_to_its_cap(monkeypatch):
    from archive import search

    monkeypatch.setattr(search, "MAX_GRAMS_TEXT", 4)
    assert bigrams("abcdef") == ["ab", "bc", "cd"]


def test_a_post_keeps_its_folded_text_and_its_bigrams():
    assert index_fields("ＳＮＳで　防災") == {"search_text": "snsで 防災", "grams": "sn ns sで 防災"}
    assert index_fields("") == {"search_text": "", "grams": ""}


def test_the_words_of_a_search_box_are_folded_as_the_posts_are_and_each_asked_once():
    assert words_of(" ＳＮＳ　防災  sns 防災 ｲﾍﾞﾝﾄ ") == ["sns", "防災", "イベント"]
    assert words_of("") == []
    assert words_of("災") == ["災"]


# --- the page of a search (archive/search.py run_search): the same pages by every path -----------------------


@pytest.fixture
def shuffled(account_a):
    """Ten posts kept out of the order of their times (their ids do not sort them), two pairs at one minute
    (one of a pair without the word), one without a time; eight hold 防災."""
    for post_id, text, minute in [
        ("a", "防災", 5),
        ("b", "防災", 9),
        ("c", "お知らせ", 8),
        ("d", "防災", 1),
        ("e", "防災", 7),
        ("f", "防災", 7),
        ("g", "防災", None),
        ("h", "防災", 3),
        ("i", "防災のお知らせ", 8),
        ("j", "お知らせ", 10),
    ]:
        keep_post(account_a, post_id, text, None if minute is None else at(2026, 9, 1, 9, minute))
    return Post.objects.all()


# PostgreSQL sorts a missing time first (DESC), then the newest; at one minute, the later kept first.
MATCHES_NEWEST_FIRST = ["g", "b", "i", "f", "e", "a", "h", "d"]
ALL_NEWEST_FIRST = ["g", "j", "b", "i", "c", "f", "e", "a", "h", "d"]


def every_page(posts, words: list[str]) -> tuple[list[str], list[str]]:
    """The post IDs of every page, and the SQL the search sent."""
    ids, page = [], 1
    with CaptureQueriesContext(connection) as queries:
        while True:
            result = run_search(posts, words, page=page)
            ids += [post.post_id for post in result.posts]
            if not result.has_next:
                break
            page += 1
    return ids, [query["sql"] for query in queries.captured_queries]


def small_pages(monkeypatch, *, count_limit: int, max_page: int, recent_window: int = 100) -> None:
    monkeypatch.setattr(search, "COUNT_LIMIT", count_limit)
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    monkeypatch.setattr(search, "MAX_PAGE", max_page)
    monkeypatch.setattr(search, "RECENT_WINDOW", recent_window)


def test_when_the_bounded_count_saw_every_match_the_page_is_sorted_from_them(shuffled, monkeypatch):
    small_pages(monkeypatch, count_limit=8, max_page=10)  # exactly as many matches as the bound
    ids, sql = every_page(shuffled, ["防災"])
    assert ids == MATCHES_NEWEST_FIRST
    assert not any("strpos" in query or "MATERIALIZED" in query for query in sql)  # no other query needed
    first, last = run_search(shuffled, ["防災"]), run_search(shuffled, ["防災"], page=4)
    assert (first.total, first.more, first.total_label, first.num_pages, first.has_next) == (8, False, "8件", 4, True)
    assert (last.page, last.has_next, last.has_previous) == (4, False, True)  # two posts on it: no next page


@pytest.mark.parametrize(
    ("recent_window", "ways"),
    [(9, {"strpos"}), (3, {"strpos", "MATERIALIZED"}), (9, None)],
    ids=["among-the-newest", "all-matches-sorted", "without-postgresql"],
)
def test_past_the_bound_every_way_finds_the_same_pages(shuffled, monkeypatch, recent_window, ways):
    """Eight matches past a bound of six: the pages are sought among the newest `recent_window` posts when
    they hold enough (nine hold seven matches: three pages), else the database sorts all matches; without
    PostgreSQL (the embedded SQLite), by the ORM alone."""
    small_pages(monkeypatch, count_limit=6, max_page=3, recent_window=recent_window)
    if ways is None:
        monkeypatch.setattr(connections["default"], "vendor", "sqlite")
    ids, sql = every_page(shuffled, ["防災"])
    assert ids == MATCHES_NEWEST_FIRST[:6]  # three pages
    first = run_search(shuffled, ["防災"])
    assert (first.total, first.more, first.total_label, first.has_next) == (6, True, "6件以上", True)
    used = {name for name in ("strpos", "MATERIALIZED", "statement_timeout") if any(name in query for query in sql)}
    assert used == ({*ways, "statement_timeout"} if ways else set())
    both, _ = every_page(shuffled, ["防災", "知らせ"])  # each word checked: one post holds both
    assert both == ["i"]


@pytest.mark.parametrize(
    ("words", "count_limit", "recent_window", "postgresql"),
    [
        ([], 10, 100, True),
        (["防災"], 10, 100, True),  # all matches seen by the bounded count
        (["防災"], 1, 3, True),  # page 1 among the newest three posts
        (["防災"], 1, 1, True),  # all matches sorted by the database
        ([], 1, 1, False),
        (["防災"], 1, 1, False),
    ],
    ids=["no-words", "counted", "among-the-newest", "all-matches-sorted", "no-words-sqlite", "word-sqlite"],
)
def test_posts_of_one_minute_come_the_later_kept_first_by_every_path(
    account_a, monkeypatch, words, count_limit, recent_window, postgresql
):
    for n in range(1, 6):
        keep_post(account_a, f"p{n}", "防災", at(2026, 9, 1, 9, 0))
    # Whatever order PostgreSQL meets them in: here the table's, read whole (as a plan may on a large
    # table), where the first one, found gone since, is written anew at the end.
    Post.objects.filter(post_id="p1").update(gone_at=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off")
    small_pages(monkeypatch, count_limit=count_limit, max_page=3, recent_window=recent_window)
    if not postgresql:
        monkeypatch.setattr(connections["default"], "vendor", "sqlite")
    assert every_page(Post.objects.all(), words)[0] == ["p5", "p4", "p3", "p2", "p1"]


def test_past_the_bound_two_words_are_each_checked_among_the_newest(shuffled, monkeypatch):
    small_pages(monkeypatch, count_limit=1, max_page=3)
    keep_post(shuffled.first().account, "k", "防災のお知らせ（再掲）", at(2026, 9, 1, 9, 11))
    ids, sql = every_page(Post.objects.all(), ["防災", "お知らせ"])
    assert ids == ["k", "i"] and any("strpos" in query for query in sql)


def test_without_words_the_pages_are_the_newest_posts(shuffled, monkeypatch):
    small_pages(monkeypatch, count_limit=6, max_page=4)
    ids, _ = every_page(shuffled, [])
    assert ids == ALL_NEWEST_FIRST[:8]
    first = run_search(shuffled, [])
    assert (first.total, first.more, first.total_label) == (6, True, "6件以上")
    small_pages(monkeypatch, count_limit=10, max_page=4)
    exact = run_search(shuffled, [])
    assert (exact.total, exact.more, exact.total_label, exact.num_pages) == (10, False, "10件", 5)


def test_a_page_reads_its_posts_with_their_account_and_sns_without_the_search_columns(shuffled):
    with CaptureQueriesContext(connection) as queries:
        result = run_search(shuffled, ["防災"])
    (page_query,) = [query["sql"] for query in queries.captured_queries if "accounts_platform" in query["sql"]]
    assert '"archive_post"."id" IN (' in page_query  # the page's posts, not every post
    assert {post.get_deferred_fields().__len__() for post in result.posts} == {2}
    assert result.posts[0].get_deferred_fields() == {"search_text", "grams"}
    with CaptureQueriesContext(connection) as more:
        assert {post.account.platform.code for post in result.posts} == {"x"}
    assert more.captured_queries == []


def test_a_search_that_takes_too_long_is_stopped_with_a_message(shuffled, monkeypatch):
    monkeypatch.setattr(search, "SEARCH_TIMEOUT_MS", 50)
    slow = Post.objects.filter(pk__in=RawSQL("SELECT p.id FROM archive_post p CROSS JOIN pg_sleep(0.5)", ()))
    with pytest.raises(SearchRefused) as refusal:
        run_search(slow, ["防災"])
    assert str(refusal.value) == (
        "検索に時間がかかりすぎたため中止しました。アカウントや期間で絞り込んでから検索してください。"
    )


def test_another_database_error_is_not_read_as_a_timeout(shuffled):
    # A setting that only a restart changes: SQLSTATE 55P02, an OperationalError too.
    failing = Post.objects.filter(
        pk__in=RawSQL("SELECT id FROM archive_post WHERE set_config('port', '1', true) = ''", ())
    )
    with pytest.raises(OperationalError):
        run_search(failing, ["防災"])


def test_a_one_character_word_alone_is_refused_without_an_account(shuffled):
    with pytest.raises(SearchRefused) as refusal:
        run_search(shuffled, ["災", "の"])
    assert str(refusal.value) == (
        "1文字の語句は、アカウントを選んだときだけ検索できます。2文字以上の語句で検索するか、アカウントを選んでください。"
    )
    assert [post.post_id for post in run_search(shuffled, ["災", "の"], scan_allowed=True).posts] == ["i"]
    assert [post.post_id for post in run_search(shuffled, ["防災", "の"]).posts] == ["i"]  # one word has a bigram


def test_a_period_is_whole_days_in_the_citys_time_zone_never_a_naive_time(account_a):
    keep_post(account_a, "before", "防災", at(2026, 3, 31, 23, 59))
    keep_post(account_a, "first", "防災", at(2026, 4, 1, 0, 0))
    keep_post(account_a, "last", "防災", at(2027, 3, 31, 23, 59))
    keep_post(account_a, "after", "防災", at(2027, 4, 1, 0, 0))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # Django's warning of a naive time given to a query
        posts = in_period(Post.objects.all(), date(2026, 4, 1), date(2027, 3, 31))
        assert sorted(posts.values_list("post_id", flat=True)) == ["first", "last"]
        assert sorted(in_period(Post.objects.all(), date(2027, 4, 1), None).values_list("post_id", flat=True)) == [
            "after"
        ]
        assert sorted(in_period(Post.objects.all(), None, date(2026, 3, 31)).values_list("post_id", flat=True)) == [
            "before"
        ]


# --- the bigram the index is asked for (archive/search.py matching, _gram_frequencies) ------------------------


def asked_bigram(word: str) -> str:
    sql = str(search.matching(Post.objects.all(), [word], scan_allowed=False).query)
    return sql.split("@> (ARRAY[", 1)[1].split("]", 1)[0]


def test_the_rarest_bigram_is_asked_and_one_in_no_post_is_the_rarest(account_a):
    for n in range(30):
        keep_post(account_a, f"n{n}", "お知らせです", at(2026, 8, 1))
    keep_post(account_a, "kunren", "訓練の日", at(2026, 8, 2))
    search._stats.update(at=None)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE archive_post")
    # お知 知ら らせ are in 30 posts of 31; 訓練 in one; せ訓 in none: the rarest, though not the first in order.
    assert asked_bigram("お知らせ訓練") == "せ訓"
    assert asked_bigram("訓練お知らせ") == "練お"


def test_the_statistics_are_read_once_then_kept_for_a_while(account_a, monkeypatch):
    search._stats.update(at=None, frequencies={})
    with CaptureQueriesContext(connection) as queries:
        assert search._gram_frequencies() == {}  # no statistics yet (never analysed)
        assert search._gram_frequencies() == {}
    assert len(queries.captured_queries) == 1  # the second time from memory
    for n in range(20):
        keep_post(account_a, f"n{n}", "お知らせ", at(2026, 8, 1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE archive_post")
    assert search._gram_frequencies() == {}  # still the statistics read a moment ago
    clock = search.monotonic()
    monkeypatch.setattr(search, "monotonic", lambda: clock + search.STATS_SECONDS + 1)
    frequencies = search._gram_frequencies()
    assert set(frequencies) >= {"お知", "知ら", "らせ"} and frequencies["お知"] == pytest.approx(1.0)
    monkeypatch.setattr(search, "monotonic", lambda: clock + search.STATS_SECONDS + 2)
    with CaptureQueriesContext(connection) as queries:
        assert search._gram_frequencies() is frequencies
    assert queries.captured_queries == []


# --- the found words marked in a post's text (archive/search.py excerpt) -------------------------------------


def test_every_place_a_word_is_found_is_marked_overlaps_once():
    assert excerpt("防災、防災、防災", ["防災"]) == "<mark>防災</mark>、<mark>防災</mark>、<mark>防災</mark>"
    assert excerpt("防災", ["防災", "災"]) == "<mark>防災</mark>"  # inside a word already marked
    assert excerpt("防災訓練", ["防災", "災", "訓練"]) == "<mark>防災</mark><mark>訓練</mark>"
    assert excerpt("aXb Y", ["x", "y"]) == "a<mark>X</mark>b <mark>Y</mark>"  # found folded, shown as written
    assert excerpt("防災", ["台風"]) == "防災"
    assert excerpt("", ["防災"]) == "" and excerpt(None, ["防災"]) == ""
    assert excerpt("防災", []) == "防災"


def test_a_text_that_folds_otherwise_as_a_whole_is_shown_unmarked():
    # Hangul jamo: ᄀ + ᅡ compose into 가 only together, so folding piece by piece is not the text's folding.
    assert excerpt("\u1100\u1161 防災", ["防災"]) == "\u1100\u1161 防災"


def test_the_excerpt_starts_where_the_first_found_word_is_when_far_in():
    word_at = "あ" * 100 + "防災" + "い" * 100  # at 100: within the first 120 characters less 20
    assert excerpt(word_at, ["防災"]) == "あ" * 100 + "<mark>防災</mark>" + "い" * 18 + "…"
    farther = "あ" * 101 + "防災" + "い" * 100
    assert excerpt(farther, ["防災"]) == "…" + "あ" * 30 + "<mark>防災</mark>" + "い" * 88 + "…"
    # The first place found decides, whichever word: here the one found near the start.
    both = "訓練" + "あ" * 300 + "防災" + "い" * 10 + "防災"
    assert excerpt(both, ["防災", "訓練", "台風"]).startswith("<mark>訓練</mark>")
    assert excerpt("あ" * 300 + "防災" + "い" * 10 + "防災", ["台風", "防災"]).startswith("…" + "あ" * 30 + "<mark>")
    assert excerpt("あ" * 25 + "防災", ["防災"], length=40) == "あ" * 25 + "<mark>防災</mark>"  # begins at 0, no "…"


def test_the_excerpt_says_more_follows_only_when_it_does():
    assert excerpt("あ" * 120, ["防災"]) == "あ" * 120
    assert excerpt("あ" * 121, ["防災"]) == "あ" * 120 + "…"


# --- what new posts say of a takeover (archive/signals.py) ---------------------------------------------------


def suspended_on(account, day: date):
    OfficialAccount.objects.filter(pk=account.pk).update(status=AccountStatus.SUSPENDED, suspended_on=day)
    return OfficialAccount.objects.get(pk=account.pk)


def test_posts_published_after_the_day_of_the_suspension_are_the_signal(account_a):
    """G-4-5-エ: in Japan's calendar, the day it was stopped is still its own (its last word)."""
    later = keep_post(account_a, "later", "お知らせ", at(2026, 9, 3, 10, 0))
    last_word = keep_post(account_a, "last_word", "運用を停止しました", at(2026, 9, 1, 23, 59))
    next_day = keep_post(account_a, "next_day", "当選です", datetime(2026, 9, 1, 15, 30, tzinfo=UTC))  # 9/2 00:30
    same_time = keep_post(account_a, "same_time", "当選です", at(2026, 9, 3, 10, 0))
    undated = keep_post(account_a, "undated", "当選です", None)
    not_new = keep_post(account_a, "not_new", "当選です", at(2026, 9, 4))
    new_ids = [post.pk for post in (later, last_word, next_day, same_time, undated)]
    account = suspended_on(account_a, date(2026, 9, 1))
    # Of two at one time, the one kept first comes first, though its row was written anew since (found gone).
    Post.objects.filter(pk=later.pk).update(gone_at=timezone.now())

    signal = posts_while_suspended(account, new_ids)
    assert (signal.anomaly, [post.post_id for post in signal.posts]) == (
        "posts_while_suspended",
        ["next_day", "later", "same_time"],
    )
    assert signal.detail == (
        "運用停止（令和8年9月1日）の後に公開された投稿が3件あります（2026-09-02 00:30〜2026-09-03 10:00）。"
    )
    assert posts_while_suspended(account, [last_word.pk, undated.pk]) is None
    assert [post.post_id for post in posts_while_suspended(account, [not_new.pk]).posts] == ["not_new"]
    assert signals_of(account, [last_word.pk]) == []


def test_without_a_suspension_and_its_day_nothing_is_said(account_a):
    post = keep_post(account_a, "p", "お知らせ", at(2026, 9, 3))
    assert posts_while_suspended(account_a, [post.pk]) is None  # 運用中: posting is its work
    OfficialAccount.objects.filter(pk=account_a.pk).update(suspended_on=date(2026, 9, 1))  # a resumed account's
    assert posts_while_suspended(OfficialAccount.objects.get(pk=account_a.pk), [post.pk]) is None
    OfficialAccount.objects.filter(pk=account_a.pk).update(status=AccountStatus.SUSPENDED, suspended_on=None)
    assert posts_while_suspended(OfficialAccount.objects.get(pk=account_a.pk), [post.pk]) is None


NOW = datetime(2026, 9, 10, 12, 0, tzinfo=JST)


@pytest.fixture
def burst_of_three(settings):
    settings.ARCHIVE_BURST_POSTS, settings.ARCHIVE_BURST_MINUTES = 3, 60
    with time_machine.travel(NOW, tick=False):
        yield


def burst(account, *posts: tuple[str, datetime, bool], by_hand: tuple[str, ...] = ()) -> list[str] | None:
    """The post IDs of the burst that post_burst finds among (post ID, published, new) posts, or None."""
    new = []
    for post_id, published, is_new in posts:
        post = keep_post(account, post_id, "キャンペーン", published, by_hand=post_id in by_hand)
        if is_new:
            new.append(post.pk)
    signal = post_burst(account, new)
    return None if signal is None else [post.post_id for post in signal.posts]


def ago(**delta) -> datetime:
    return NOW - timedelta(**delta)


def test_a_burst_is_the_least_number_of_posts_within_the_minutes_one_of_them_new(burst_of_three, account_a):
    posts = [("a", ago(hours=3), False), ("b", ago(hours=2, minutes=30), False), ("c", ago(hours=2), True)]
    assert burst(account_a, *posts) == ["a", "b", "c"]  # 60 minutes from the first to the last: still within


def test_posts_of_one_minute_in_a_burst_come_in_the_order_kept(burst_of_three, account_a):
    posts = [keep_post(account_a, f"p{n}", "キャンペーン", ago(hours=1)) for n in range(1, 4)]
    # Whatever order PostgreSQL meets them in: here the table's, where p1, found gone since, is written anew.
    Post.objects.filter(pk=posts[0].pk).update(gone_at=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off")
    assert [post.post_id for post in post_burst(account_a, [posts[0].pk]).posts] == ["p1", "p2", "p3"]


@pytest.mark.parametrize(
    "posts",
    [
        [("a", ago(hours=3), False), ("b", ago(hours=2, minutes=30), False), ("c", ago(hours=1, minutes=59), True)],
        [("a", ago(hours=3), True), ("b", ago(hours=2, minutes=30), True)],  # two are not a burst
        [("a", ago(hours=3), False), ("b", ago(hours=2, minutes=50), False), ("c", ago(hours=2, minutes=40), False)],
        [("a", ago(days=2), True), ("b", ago(days=2), True), ("c", ago(days=2), True)],  # before RECENT: history
    ],
    ids=["61-minutes", "two", "none-new", "old-history"],
)
def test_what_is_not_a_burst(burst_of_three, account_a, posts):
    assert burst(account_a, *posts) is None


def test_only_the_windows_that_hold_a_new_post_are_the_signal(burst_of_three, account_a, dept_a, head_a):
    found = burst(
        account_a,
        *reversed(  # kept newest first, as a feed gives them
            [
                ("old1", ago(hours=9), False),
                ("old2", ago(hours=8, minutes=50), False),
                ("old3", ago(hours=8, minutes=40), False),  # a burst kept before: said when it was new
                ("alone", ago(hours=6), True),
                ("n1", ago(hours=2), False),
                ("n2", ago(hours=1, minutes=40), True),
                ("n3", ago(hours=1, minutes=20), False),
                ("n4", ago(minutes=50), False),
                ("n5", ago(minutes=25), True),
                ("after", ago(minutes=1), False),
            ]
        ),
    )
    # n1–n3, n2–n4, n3–n5 and n4–after: three within an hour each, a new one among them; n1 to n4 is 70 minutes.
    assert found == ["n1", "n2", "n3", "n4", "n5", "after"]


def test_the_burst_counts_the_posts_read_whatever_else_is_kept(burst_of_three, account_a, dept_a, head_a):
    # A post recorded by hand is not read from the platform: it is not counted.
    posts = [("a", ago(hours=3), True), ("b", ago(hours=3), True), ("c", ago(hours=3), True)]
    assert burst(account_a, *posts, by_hand=("b",)) is None
    # Another account's posts are not this one's.
    other = AccountFactory(department=dept_a, manager=head_a, handle="komae_other")
    keep_post(other, "x", "キャンペーン", ago(hours=3))
    assert burst(other, ("z", ago(hours=3), True)) is None  # two of its own: a and c are account_a's
    # A post published exactly RECENT ago still counts; the signal says when and how many.
    third = AccountFactory(department=dept_a, manager=head_a, handle="komae_third")
    new = keep_post(third, "e", "キャンペーン", ago(days=1))
    keep_post(third, "f", "キャンペーン", ago(days=1) + timedelta(minutes=20))
    keep_post(third, "g", "キャンペーン", ago(days=1) + timedelta(minutes=30))
    signal = post_burst(third, [new.pk])
    assert (signal.anomaly, [post.post_id for post in signal.posts]) == ("post_burst", ["e", "f", "g"])
    assert signal.detail == "2026-09-09 12:00〜2026-09-09 12:30に3件の投稿がありました（目安：60分間に3件以上）。"


def test_a_burst_is_read_in_one_query_with_what_its_evidence_needs(
    burst_of_three, account_a, django_assert_num_queries
):
    new = [keep_post(account_a, f"p{n}", "キャンペーン", ago(minutes=n)).pk for n in range(3)]
    with django_assert_num_queries(1):
        signal = post_burst(account_a, new)
        assert [(p.pk, p.account_id, p.post_id, p.url, p.published_at) for p in signal.posts]


def test_the_signals_are_recorded_as_a_reading_and_an_incident_with_the_posts(burst_of_three, account_a, head_a):
    assert signal_new_posts(account_a.pk, [], job=Job.ARCHIVE_CAPTURE) == []
    posts = [keep_post(account_a, f"p{n}", "当選です", ago(minutes=10 * n)) for n in range(3)]
    suspended_on(account_a, date(2026, 9, 1))
    new_ids = [posts[1].pk, posts[2].pk, posts[0].pk]
    found = signal_new_posts(account_a.pk, new_ids, job=Job.ARCHIVE_CAPTURE)
    assert [signal.anomaly for signal in found] == ["posts_while_suspended", "post_burst"]
    checks = StatusCheck.objects.filter(account=account_a).order_by("run_key")
    assert [(check.run_key, check.anomalies, check.adapter) for check in checks] == [
        (f"archive:post_burst:{account_a.pk}:{max(new_ids)}", ["post_burst"], "検知：投稿の保存"),
        (f"archive:posts_while_suspended:{account_a.pk}:{max(new_ids)}", ["posts_while_suspended"], "検知：投稿の保存"),
    ]
    for incident in Incident.objects.filter(account=account_a):
        assert incident.description.startswith("投稿の保存（")
        assert sorted(PostEvidence.objects.filter(incident=incident).values_list("post__post_id", flat=True)) == [
            "p0",
            "p1",
            "p2",
        ]
        trail = AuditEvent.objects.for_object(incident).order_by("at", "id")
        assert [(row.action, row.actor_job) for row in trail] == [
            ("created", "archive_capture"),
            ("posts_attached", "archive_capture"),
        ]
    assert Incident.objects.get(anomaly="post_burst").description.endswith("（目安：60分間に3件以上）。")
