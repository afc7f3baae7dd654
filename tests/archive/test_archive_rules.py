"""The archive's rules, fast (issue 22): who may do what with kept posts (archive/permissions.py), person by
person, and the form a post and a search word are compared in (archive/search.py). `make mutate` runs these
against each change of those modules (marker `rules`).

課A's account is seen by 課A and the roles that see all, a contractor only once assigned; the export is the
city's; 保存期間 is its 課長's and the sysadmin's; a 延長・廃棄 takes two people, the 課長 and the security
officer, one proposing and the other deciding.
"""

import pytest

from archive.models import RetentionDecision
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
from archive.search import bigrams, index_fields, normalise, words_of
from org.roles import Role
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
