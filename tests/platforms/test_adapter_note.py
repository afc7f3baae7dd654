"""note through the creator's public RSS feed (no key), against the local server playing note.com."""

import datetime
import time

import pytest

from accounts.models import AccountStatus, OfficialAccount
from monitoring import status
from monitoring.models import StatusCheck
from platforms import checks
from tests.platform_fixtures import NOTE_ID, billion_laughs, external_entity_feed, note_rss
from tests.platform_server import PlatformServer
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db

RSS = f"/{NOTE_ID}/rss"
XML = "application/rss+xml"


@pytest.fixture
def note(settings, monkeypatch):
    monkeypatch.setattr(checks, "BACKOFF_SECONDS", 0.01)
    with PlatformServer() as server:
        settings.STATUS_CHECK_BASES = {"note": server.url}  # STATUS_CHECK_BASE_NOTE
        yield server


@pytest.fixture
def account(dept_b, head_b):
    return api.city_account(dept_b, head_b, "note", NOTE_ID)


def _check(account) -> StatusCheck:
    return status.check_now([account])[0]


def _paths(server):
    return [path for path, _ in server.server.RequestHandlerClass.requests]


def test_a_matching_creator_is_ok_and_names_the_interface(note, account):
    note.answer(RSS, text=note_rss(), content_type=XML)
    check = _check(account)
    assert check.outcome == StatusCheck.Outcome.OK, check.error
    assert check.display_name == "狛江市"
    assert check.last_post == "2026-11-20T09:00:00+00:00"  # 18:00 JST, the newest item
    assert check.profile_states_operator and check.profile_states_purpose and check.profile_links_city
    assert check.adapter.startswith("note：クリエイターの公開RSS")
    assert _paths(note) == [RSS]


def test_a_new_name_is_an_anomaly(note, account):
    note.answer(RSS, text=note_rss(title="狛江市ファンクラブ"), content_type=XML)
    assert _check(account).anomalies == ["renamed"]


def test_a_page_answering_under_another_note_id_is_said(note, account):
    note.answer(RSS, text=note_rss(note_id="someone_else_invented"), content_type=XML)
    check = _check(account)
    assert "someone_else_invented のページとして答えました" in check.error


def test_a_profile_without_the_operator_and_the_city_link_is_not_official(note, account):
    """P-3: the profile must state the operator and link the city's site."""
    note.answer(RSS, text=note_rss(description="日々のできごとを書きます。"), content_type=XML)
    check = _check(account)
    assert check.anomalies == ["not_official"]
    assert not check.profile_states_operator and not check.profile_links_city


def test_an_article_after_the_suspension_date_is_an_anomaly(note, account):
    """G-4-5-エ: a 運用停止 account is kept and checked; an article dated after its suspension is found."""
    OfficialAccount.objects.filter(pk=account.pk).update(
        status=AccountStatus.SUSPENDED, suspended_on=datetime.date(2026, 3, 31)
    )
    account.refresh_from_db()
    # 2026-03-31 23:30 JST is still the day of the stop (compared on the local date).
    note.answer(RSS, text=note_rss(pub_dates=("Tue, 31 Mar 2026 23:30:00 +0900",)), content_type=XML, times=1)
    assert _check(account).outcome == StatusCheck.Outcome.OK
    note.answer(RSS, text=note_rss(pub_dates=("Wed, 01 Apr 2026 00:30:00 +0900",)), content_type=XML)
    assert _check(account).anomalies == ["posts_while_suspended"]


def test_a_missing_feed_is_a_gone_account(note, account):
    note.answer(RSS, status=404, text="<html>ページが見つかりません</html>", content_type="text/html")
    check = _check(account)
    assert check.anomalies == ["gone"]
    assert "RSS HTTP 404" in check.error


def test_a_server_error_is_not_checked_and_not_gone(note, account):
    note.answer(RSS, status=503, text="", content_type="text/html")
    check = _check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert check.anomalies == []


def test_a_429_waits_for_retry_after_then_reads(note, account):
    note.answer(RSS, status=429, text="", content_type="text/html", headers={"Retry-After": "1"}, times=1)
    note.answer(RSS, text=note_rss(), content_type=XML)
    started = time.monotonic()
    check = _check(account)
    assert check.outcome == StatusCheck.Outcome.OK, check.error
    assert time.monotonic() - started >= 1.0
    assert _paths(note) == [RSS, RSS]


@pytest.mark.parametrize("body", [billion_laughs(), external_entity_feed()])
def test_a_hostile_feed_is_refused_unread(note, account, body):
    note.answer(RSS, text=body, content_type=XML)
    started = time.monotonic()
    check = _check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert "文書型宣言" in check.error
    assert check.display_name == ""
    assert time.monotonic() - started < 2


def test_a_body_naming_a_local_file_is_never_opened(note, account, tmp_path):
    """feedparser opens a file or fetches a URL when given one as a string: it only ever gets bytes."""
    local = tmp_path / "feed.xml"
    local.write_text(note_rss(title="ローカルのファイル"), encoding="utf-8")
    note.answer(RSS, text=str(local), content_type=XML)
    check = _check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert check.display_name == ""
    assert "フィードとして読み取れません" in check.error


@pytest.mark.parametrize(
    ("handle", "reason"),
    [("", "note ID（ユーザー名）が登録されていません"), ("../admin", "noteのユーザー名の形ではありません")],
)
def test_without_a_usable_note_id_it_says_why_it_cannot_check(note, account, handle, reason):
    OfficialAccount.objects.filter(pk=account.pk).update(handle=handle)
    account.refresh_from_db()
    check = _check(account)
    assert check.outcome == StatusCheck.Outcome.ERROR
    assert reason in check.error  # the outcome itself says 確認できず
    assert _paths(note) == []


def test_the_feed_goes_to_note_itself_without_a_base(settings, account):
    settings.STATUS_CHECK_BASES = {}
    target = checks.adapter_for("note").target(account)
    assert target.url == "https://note.com"
    assert "note.com" in target.hosts
