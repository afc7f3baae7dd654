"""Retention (公文書管理, issue 22): when a kept post's 保存期間 ends, the account's period set with a reason, and
the 延長 or 廃棄 of posts past their period decided by two people — the account's 課長 and the security officer."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive import disposal
from archive.capture import archive_of, capture_account
from archive.models import (
    AccountArchive,
    MediaFile,
    Post,
    PostEvidence,
    PostVersion,
    RawAnswer,
    Retention,
    RetentionDecision,
)
from archive.retention import (
    EXTEND_YEARS_MAX,
    due_by,
    due_filter,
    ended,
    expires_on,
    extended_until,
    published_before,
)
from core.dates import TOKYO
from core.errors import TransitionError
from core.models import AuditEvent, Notice
from monitoring import incidents
from tests.archive.kept import PNG, answer_of, kept_post, when
from tests.factories import AccountFactory
from tests.platform_fixtures import BSKY_DID, bluesky_feed_page, bluesky_post
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db

TODAY = "2026-12-03 10:00 +0900"  # 年度 2026: periods ending by 2027-03-31 are due


# --- the rule (archive/retention.py) ---------------------------------------------------------------------


@pytest.mark.rules
@pytest.mark.parametrize(
    ("retention", "last_day"),
    [
        (Retention.YEAR_1, date(2026, 3, 31)),
        (Retention.YEARS_3, date(2028, 3, 31)),
        (Retention.YEARS_5, date(2030, 3, 31)),
        (Retention.YEARS_10, date(2035, 3, 31)),
        (Retention.YEARS_30, date(2055, 3, 31)),
    ],
)
def test_the_period_counts_from_the_4_1_after_the_fiscal_year_of_the_post(retention, last_day):
    # A post of 年度 2024 kept 5 years: counted from 2025-04-01, kept to the end of 年度 2029.
    for published in (when(2024, 4, 1, 0), when(2024, 11, 20), when(2025, 3, 31, 23)):
        assert expires_on(published=published, retention=retention) == last_day
    assert expires_on(published=date(2025, 4, 1), retention=retention) == last_day.replace(year=last_day.year + 1)


@pytest.mark.rules
def test_the_fiscal_year_is_the_date_in_japan_not_utc():
    # 2025-03-31 15:30 UTC is 2025-04-01 00:30 in Japan: 年度 2025, not 2024.
    published = datetime.fromisoformat("2025-03-31T15:30:00+00:00")
    assert expires_on(published=published, retention=Retention.YEARS_5) == date(2031, 3, 31)
    assert expires_on(published=published.replace(minute=0, hour=14), retention=Retention.YEARS_5) == date(2030, 3, 31)


@pytest.mark.rules
def test_keep_until_of_an_extension_decides_and_permanent_never_ends():
    published = when(2020, 6, 1)
    assert expires_on(published=published, retention=Retention.YEARS_5, keep_until=date(2029, 3, 31)) == date(
        2029, 3, 31
    )
    assert expires_on(published=published, retention=Retention.PERMANENT, keep_until=date(2029, 3, 31)) == date(
        2029, 3, 31
    )
    assert expires_on(published=published, retention=Retention.PERMANENT) is None
    assert published_before(Retention.PERMANENT, 2026) is None


@pytest.mark.rules
def test_the_last_day_is_still_kept():
    assert not ended(date(2027, 3, 31), today=date(2027, 3, 31))
    assert ended(date(2027, 3, 31), today=date(2027, 4, 1))
    assert not ended(None, today=date(2099, 4, 1))  # 常用
    assert due_by(2026) == date(2027, 3, 31)


@pytest.mark.rules
def test_an_extension_counts_from_the_later_of_the_period_and_today():
    assert extended_until(expiry=date(2027, 3, 31), years=3, today=date(2026, 12, 3)) == date(2030, 3, 31)
    # A period that ended years ago is extended from this 年度, not into the past.
    assert extended_until(expiry=date(2021, 3, 31), years=1, today=date(2026, 12, 3)) == date(2028, 3, 31)
    assert extended_until(expiry=date(2026, 3, 31), years=1, today=date(2026, 3, 31)) == date(2027, 3, 31)
    assert extended_until(expiry=date(2026, 3, 31), years=EXTEND_YEARS_MAX, today=date(2026, 1, 1)) == date(2056, 3, 31)
    for years in (0, EXTEND_YEARS_MAX + 1):
        with pytest.raises(ValueError, match="延長する年数"):
            extended_until(expiry=date(2027, 3, 31), years=years, today=date(2026, 12, 3))


@pytest.mark.rules
def test_the_query_lists_exactly_the_posts_the_rule_says(account_a, pr_account):
    """due_filter (SQL) and expires_on (Python) agree, at the edges of each retention and for keep_until."""
    archive_of(account_a)
    archive_of(pr_account)
    AccountArchive.objects.filter(account=pr_account).update(retention=Retention.PERMANENT)
    edge = published_before(Retention.YEARS_5, 2026)  # 年度 2021 + 5 years ends with 年度 2026
    assert edge == datetime(2022, 4, 1, tzinfo=TOKYO)
    posts = {
        "last_of_fy2020": kept_post(account_a, "a", "a", datetime.fromisoformat("2021-03-31T23:59:59+09:00")),
        "last_of_fy2021": kept_post(account_a, "b", "b", datetime.fromisoformat("2022-03-31T23:59:59+09:00")),
        "first_of_fy2022": kept_post(account_a, "c", "c", edge),
        "no_time_old": kept_post(account_a, "d", "d", None, captured=when(2018, 5, 1)),
        "extended_to_fy_end": kept_post(account_a, "e", "e", when(2015, 6, 1)),
        "extended_past_it": kept_post(account_a, "f", "f", when(2015, 6, 1)),
        "permanent": kept_post(pr_account, "g", "g", when(2001, 6, 1)),
        "permanent_until": kept_post(pr_account, "h", "h", when(2001, 6, 1)),
    }
    Post.objects.filter(pk=posts["extended_to_fy_end"].pk).update(keep_until=date(2027, 3, 31))
    Post.objects.filter(pk=posts["extended_past_it"].pk).update(keep_until=date(2027, 4, 1))
    Post.objects.filter(pk=posts["permanent_until"].pk).update(keep_until=date(2027, 3, 31))
    for fy in (2025, 2026, 2027):
        listed = set(Post.objects.filter(due_filter(fy)).values_list("post_id", flat=True))
        expected = set()
        for post in Post.objects.select_related("account__archive"):
            last = expires_on(
                published=post.published_at or post.first_captured_at,
                retention=post.account.archive.retention,
                keep_until=post.keep_until,
            )
            if last is not None and last <= due_by(fy):
                expected.add(post.post_id)
        assert listed == expected, fy
    listed_2026 = set(Post.objects.filter(due_filter(2026)).values_list("post_id", flat=True))
    assert listed_2026 == {"a", "b", "d", "e", "h"}
    assert set(Post.objects.filter(due_filter(2025)).values_list("post_id", flat=True)) == {"a", "d"}
    # The same rule from the accounts' side (the 年度末 list counts with it).
    counted = dict(
        type(account_a)
        .objects.annotate(
            n=Count("archived_posts", filter=due_filter(2026, post="archived_posts__", retention="archive__retention"))
        )
        .values_list("pk", "n")
    )
    assert counted[account_a.pk] == 4 and counted[pr_account.pk] == 1


# --- the account's 保存期間 -------------------------------------------------------------------------------


def test_the_section_head_changes_the_period_with_a_reason_audited(client, account_a, head_a):
    client.force_login(head_a)
    url = reverse("archive:retention_set", args=[account_a.pk])
    page = client.get(url)
    assert page.status_code == 200 and "翌年度の4月1日" in page.content.decode()
    response = client.post(url, {"retention": "10", "reason": "市の文書管理規程の改正により10年とするため。"})
    assert response.status_code == 302
    state = archive_of(account_a)
    assert state.retention == Retention.YEARS_10
    event = AuditEvent.objects.for_object(state).get(action=AuditEvent.Action.RETENTION_SET)
    assert (event.from_state, event.to_state, event.actor) == ("5", "10", head_a)
    assert event.changes == {"保存期間": ["5年", "10年"]} and "改正" in event.comment


def test_a_period_change_is_refused_in_japanese_when_wrong(account_a, head_a):
    with pytest.raises(TransitionError, match="変更の理由を入力"):
        disposal.retention_set(account_id=account_a.pk, actor=head_a, retention="10", reason="  ")
    with pytest.raises(TransitionError, match="既に「5年」"):
        disposal.retention_set(account_id=account_a.pk, actor=head_a, retention="5", reason="確認")
    with pytest.raises(TransitionError, match="保存期間を選んで"):
        disposal.retention_set(account_id=account_a.pk, actor=head_a, retention="7", reason="確認")
    assert archive_of(account_a).retention == "5"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.RETENTION_SET).exists()


def test_only_the_section_head_and_the_sysadmin_change_the_period(client, account_a, people):
    allowed = set()
    for name, user in people.items():
        try:
            disposal.retention_set(account_id=account_a.pk, actor=user, retention="1" if allowed else "3", reason="r")
        except PermissionDenied as refusal:
            assert "所管課の課長とシステム管理者" in str(refusal)
        else:
            allowed.add(name)
    assert allowed == {"head_a", "admin"}
    client.force_login(people["staff_a"])
    url = reverse("archive:retention_set", args=[account_a.pk])
    assert client.post(url, {"retention": "30", "reason": "r"}).status_code == 403
    client.force_login(people["head_b"])
    assert client.get(url).status_code == 404
    assert archive_of(account_a).retention == "1"


# --- the 年度末 list and the two-person decision -------------------------------------------------------


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def old_posts(today, account_a):
    """Two posts of 年度 2019 and 2020 (their 5 years over) sharing one answer, with an image; one of 年度 2021
    (kept to 2027-03-31: due this 年度, not yet ended); one of 年度 2022 (not due)."""
    shared = answer_of(account_a, [("p2019", "令和元年の防災訓練"), ("p2020", "令和2年のお知らせ")])
    return {
        "p2019": kept_post(account_a, "p2019", "令和元年の防災訓練", when(2019, 9, 1), answer=shared, media=PNG),
        "p2020": kept_post(account_a, "p2020", "令和2年のお知らせ", when(2020, 5, 1), answer=shared),
        "p2021": kept_post(account_a, "p2021", "令和3年のお知らせ", when(2021, 10, 1)),
        "p2022": kept_post(account_a, "p2022", "令和4年のお知らせ", when(2022, 10, 1)),
    }


def _propose(actor, account, action="dispose", posts=None, years=None, reason="保存期間が満了したため。"):
    return disposal.disposal_propose(
        account_id=account.pk,
        actor=actor,
        action=action,
        reason=reason,
        extend_years=years,
        post_ids=None if posts is None else [p.pk for p in posts],
    )


def test_the_list_shows_per_account_the_posts_due_by_the_end_of_the_fiscal_year(
    client, old_posts, account_a, head_a, head_b, security_officer, staff_a
):
    client.force_login(head_a)
    page = client.get(reverse("archive:retention")).content.decode()
    assert "令和8年度末" in page and "令和9年3月31日までに" in page
    row = page.split(f'data-account="{account_a.pk}"')[1].split("</tr>")[0]
    assert "data-due>3件" in row and "data-ended>2件" in row
    client.force_login(head_b)
    assert f'data-account="{account_a.pk}"' not in client.get(reverse("archive:retention")).content.decode()
    client.force_login(security_officer)
    assert f'data-account="{account_a.pk}"' in client.get(reverse("archive:retention")).content.decode()
    client.force_login(staff_a)
    assert client.get(reverse("archive:retention")).status_code == 403
    account_page = reverse("archive:retention_account", args=[account_a.pk])
    assert client.get(account_page).status_code == 403
    client.force_login(head_b)
    assert client.get(account_page).status_code == 404
    client.force_login(head_a)
    listed = client.get(account_page).content.decode()
    assert all(f'data-post="{old_posts[p].pk}"' in listed for p in ("p2019", "p2020", "p2021"))
    assert f'data-post="{old_posts["p2022"].pk}"' not in listed and "（満了予定）" in listed


def test_the_list_runs_the_same_queries_at_one_and_at_fifty_accounts(
    client, today, dept_a, head_a, django_assert_max_num_queries
):
    def fill(n):
        for _ in range(n):
            account = AccountFactory(department=dept_a, manager=head_a)
            kept_post(account, f"x{account.pk}", "古い投稿", when(2018, 5, 1))
            _propose(head_a, account)

    client.force_login(head_a)
    fill(1)
    client.get(reverse("archive:retention"))
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("archive:retention")).status_code == 200
    fill(49)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("archive:retention")).content.decode()
    assert page.count("もう一人の決定待ち") == 50


def test_two_people_decide_a_disposal_and_the_same_person_never_does_both(
    old_posts, account_a, head_a, security_officer, people
):
    decision = _propose(head_a, account_a, posts=[old_posts["p2019"], old_posts["p2020"]])
    assert decision.status == RetentionDecision.Status.PROPOSED
    # Told: the security officer, whose decision it awaits; not the proposer.
    assert Notice.objects.filter(recipient=security_officer, path=reverse("archive:decision", args=[decision.pk]))
    assert not Notice.objects.filter(recipient=head_a).exists()
    refused = {}
    for name, user in people.items():
        if name == "security_officer":
            continue
        with pytest.raises(PermissionDenied) as refusal:
            disposal.disposal_decide(decision_id=decision.pk, actor=user)
        refused[name] = str(refusal.value)
        with pytest.raises(PermissionDenied):
            disposal.disposal_return(decision_id=decision.pk, actor=user, comment="差戻し")
    assert "起案した本人は決定できません" in refused["head_a"]
    assert "起案者とは別の立場" in refused["admin"]
    assert Post.objects.get(pk=old_posts["p2019"].pk).text == "令和元年の防災訓練"  # nothing happened
    done = disposal.disposal_decide(decision_id=decision.pk, actor=security_officer, comment="確認しました。")
    assert done.posts == 2
    decision.refresh_from_db()
    assert (decision.status, decision.decided_by) == (RetentionDecision.Status.DECIDED, security_officer)
    actions = list(AuditEvent.objects.for_object(decision).order_by("at", "id").values_list("action", flat=True))
    assert actions == [AuditEvent.Action.DISPOSAL_PROPOSED, AuditEvent.Action.DISPOSAL_DECIDED]
    assert Notice.objects.filter(recipient=head_a, subject__contains="廃棄が決定されました").exists()
    with pytest.raises(TransitionError, match="既に「決定済み」"):
        disposal.disposal_decide(decision_id=decision.pk, actor=security_officer)


def test_the_security_officer_proposes_and_the_section_head_decides(old_posts, account_a, head_a, security_officer):
    decision = _propose(security_officer, account_a, action="extend", years=3, posts=[old_posts["p2021"]])
    assert Notice.objects.filter(recipient=head_a, subject__contains="3年の延長の決定依頼").exists()
    with pytest.raises(PermissionDenied, match="起案した本人"):
        disposal.disposal_decide(decision_id=decision.pk, actor=security_officer)
    disposal.disposal_decide(decision_id=decision.pk, actor=head_a)
    post = Post.objects.get(pk=old_posts["p2021"].pk)
    assert post.keep_until == date(2030, 3, 31) and post.text == "令和3年のお知らせ"  # 2027-03-31 + 3 years
    assert not disposal.due_posts(account_a).filter(pk=post.pk).exists()


def test_an_extension_of_a_long_ended_period_counts_from_this_year(old_posts, account_a, head_a, security_officer):
    decision = _propose(head_a, account_a, action="extend", years=1, posts=[old_posts["p2019"]])
    disposal.disposal_decide(decision_id=decision.pk, actor=security_officer)
    assert Post.objects.get(pk=old_posts["p2019"].pk).keep_until == date(2028, 3, 31)


def test_the_disposal_empties_the_content_keeps_the_hashes_and_leaves_a_tombstone(
    old_posts, account_a, head_a, security_officer, django_capture_on_commit_callbacks
):
    post = old_posts["p2019"]
    version = post.versions.get()
    media = MediaFile.objects.get(version=version)
    stored = media.file.name
    assert default_storage.exists(stored)
    before = {"version": version.sha256, "answer": version.answer.sha256, "media": media.sha256}
    decision = _propose(head_a, account_a, posts=[post, old_posts["p2020"]], reason="5年が経過したため。")
    with django_capture_on_commit_callbacks(execute=True):
        done = disposal.disposal_decide(decision_id=decision.pk, actor=security_officer)
    assert (done.posts, done.answers_emptied, done.files_deleted) == (2, 1, 1)
    post.refresh_from_db()
    assert (post.text, post.search_text, post.grams) == ("", "", "") and post.disposed_at is not None
    assert (post.post_id, post.url, post.published_at) == ("p2019", old_posts["p2019"].url, when(2019, 9, 1))
    version.refresh_from_db()
    assert (version.text, version.links, version.media_urls, version.published) == ("", [], [], "")
    assert version.sha256 == before["version"] and version.disposed_at is not None
    answer = RawAnswer.objects.get(pk=version.answer_id)
    assert bytes(answer.body) == b"" and answer.sha256 == before["answer"] and answer.post_ids == ["p2019", "p2020"]
    media.refresh_from_db()
    assert media.file.name == "" and media.sha256 == before["media"] and media.disposed_at is not None
    assert not default_storage.exists(stored)
    tombstone = post.tombstone
    assert tombstone.decision == decision and tombstone.platform_post_id == "p2019"
    assert tombstone.published_at == when(2019, 9, 1) and tombstone.url == post.url
    assert tombstone.hashes == [
        {"kind": "version", "number": 1, "sha256": before["version"]},
        {"kind": "answer", "id": answer.pk, "sha256": before["answer"], "emptied": True},
        {"kind": "media", "url": "https://cdn.example.invalid/image.png", "sha256": before["media"]},
    ]
    # The other posts are as they were.
    assert Post.objects.get(post_id="p2021").text == "令和3年のお知らせ"
    assert PostVersion.objects.get(post__post_id="p2022").text == "令和4年のお知らせ"


def test_an_answer_that_also_holds_a_post_that_stays_keeps_its_body_until_that_one_goes(
    old_posts, account_a, head_a, security_officer
):
    shared = RawAnswer.objects.get(post_ids=["p2019", "p2020"])
    # A later reading listed p2019 unchanged beside p2022: no version points at it, its IDs do.
    later = answer_of(account_a, [("p2022", "令和4年のお知らせ"), ("p2019", "令和元年の防災訓練")])
    first = _propose(head_a, account_a, posts=[old_posts["p2019"]])
    disposal.disposal_decide(decision_id=first.pk, actor=security_officer)
    shared.refresh_from_db()
    later.refresh_from_db()
    assert bytes(shared.body) != b"" and shared.disposed_at is None  # p2020 stays
    assert bytes(later.body) != b"" and later.disposed_at is None  # p2022 stays
    rows = [h for h in Post.objects.get(post_id="p2019").tombstone.hashes if h["kind"] == "answer"]
    assert rows == [
        {"kind": "answer", "id": shared.pk, "sha256": shared.sha256, "emptied": False},
        {"kind": "answer", "id": later.pk, "sha256": later.sha256, "emptied": False},
    ]
    second = _propose(security_officer, account_a, posts=[old_posts["p2020"]])
    disposal.disposal_decide(decision_id=second.pk, actor=head_a)
    shared.refresh_from_db()
    assert bytes(shared.body) == b"" and shared.disposed_at is not None  # the last post it held is gone


def test_nothing_is_disposed_of_without_the_second_person(old_posts, account_a, head_a, security_officer):
    decision = _propose(head_a, account_a)
    assert set(decision.posts.values_list("post_id", flat=True)) == {"p2019", "p2020", "p2021"}
    assert not Post.objects.filter(disposed_at__isnull=False).exists()
    assert not RawAnswer.objects.filter(disposed_at__isnull=False).exists()
    disposal.disposal_return(decision_id=decision.pk, actor=security_officer, comment="対象を分けてください。")
    decision.refresh_from_db()
    assert decision.status == RetentionDecision.Status.RETURNED and decision.comment == "対象を分けてください。"
    assert Notice.objects.filter(recipient=head_a, subject__contains="差し戻されました").exists()
    assert AuditEvent.objects.for_object(decision).filter(action=AuditEvent.Action.DISPOSAL_RETURNED).exists()
    assert not Post.objects.filter(disposed_at__isnull=False).exists()
    again = _propose(head_a, account_a, posts=[old_posts["p2019"]])  # returned: the posts are free again
    assert again.posts.count() == 1


def test_no_scheduled_task_disposes_of_anything():
    from komae_sns.celery import app

    tasks = [entry["task"] for entry in app.conf.beat_schedule.values()]
    assert tasks and not [t for t in tasks if "dispos" in t or "retention" in t]
    assert "archive.disposal" not in {t.rsplit(".", 1)[0] for t in tasks}


def test_a_disposal_waits_until_the_period_is_over(old_posts, account_a, head_a, security_officer):
    decision = _propose(head_a, account_a, posts=[old_posts["p2021"]])  # kept to 2027-03-31
    with pytest.raises(TransitionError, match=r"保存期間がまだ満了していない投稿が1件.*令和9年3月31日まで"):
        disposal.disposal_decide(decision_id=decision.pk, actor=security_officer)
    assert RetentionDecision.objects.get(pk=decision.pk).status == RetentionDecision.Status.PROPOSED
    with time_machine.travel("2027-04-01 09:00 +0900", tick=False):
        disposal.disposal_decide(decision_id=decision.pk, actor=security_officer)
    assert Post.objects.get(pk=old_posts["p2021"].pk).disposed_at is not None


def test_a_proposal_refuses_what_it_cannot_take(old_posts, account_a, pr_account, head_a, security_officer):
    with pytest.raises(TransitionError, match="満了しない投稿か"):
        _propose(head_a, account_a, posts=[old_posts["p2022"]])
    with pytest.raises(TransitionError, match="延長する年数"):
        _propose(head_a, account_a, action="extend", posts=[old_posts["p2019"]])
    with pytest.raises(TransitionError, match="理由を入力"):
        _propose(head_a, account_a, posts=[old_posts["p2019"]], reason=" ")
    _propose(head_a, account_a, posts=[old_posts["p2019"]])
    with pytest.raises(TransitionError, match="決定待ちの案に含まれて"):
        _propose(security_officer, account_a, posts=[old_posts["p2019"], old_posts["p2020"]])
    with pytest.raises(PermissionDenied):
        _propose(head_a, pr_account)  # another 課's account
    incident = incidents.incident_open(account_id=account_a.pk, actor=head_a, kind="hijack", title="不審な投稿")
    PostEvidence.objects.create(
        incident=incident, post=old_posts["p2020"], version=old_posts["p2020"].versions.get(), added_by=head_a
    )
    with pytest.raises(TransitionError, match="インシデントの証拠"):
        _propose(head_a, account_a, posts=[old_posts["p2020"]])
    rest = _propose(head_a, account_a)  # "all": not the one waiting, not the evidence
    assert set(rest.posts.values_list("post_id", flat=True)) == {"p2021"}
    assert RetentionDecision.objects.count() == 2


def test_the_database_still_refuses_a_delete_after_the_disposal(old_posts, account_a, head_a, security_officer):
    decision = _propose(head_a, account_a, posts=[old_posts["p2019"]])
    disposal.disposal_decide(decision_id=decision.pk, actor=security_officer)
    post = Post.objects.get(pk=old_posts["p2019"].pk)
    for table, pk in (
        ("archive_post", post.pk),
        ("archive_postversion", post.versions.get().pk),
        ("archive_tombstone", post.tombstone.pk),
        ("archive_retentiondecision", decision.pk),
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])
    # Nor may the emptied content come back.
    with pytest.raises(IntegrityError), transaction.atomic():
        PostVersion.objects.filter(post=post).update(text="復元")
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=post.pk).update(text="復元")
    assert Post.objects.filter(pk=post.pk).exists()


def test_the_pages_take_the_decision_through_and_show_the_tombstone(
    client, old_posts, account_a, head_a, security_officer, staff_a
):
    client.force_login(head_a)
    url = reverse("archive:retention_account", args=[account_a.pk])
    refused = client.post(url, {"action": "dispose", "scope": "checked", "reason": "満了"})
    assert refused.status_code == 200 and "対象の投稿にチェックを入れてください" in refused.content.decode()
    response = client.post(
        url,
        {"action": "dispose", "scope": "checked", "posts": [old_posts["p2019"].pk], "reason": "満了したため。"},
    )
    decision = RetentionDecision.objects.get()
    assert response.status_code == 302 and response.url == reverse("archive:decision", args=[decision.pk])
    page = client.get(response.url).content.decode()
    assert "決定待ち" in page and 'value="approve"' not in page  # the proposer is offered no decision
    decide = reverse("archive:decide", args=[decision.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 403
    client.force_login(staff_a)
    assert client.get(response.url).status_code == 403
    assert client.post(decide, {"decision": "approve"}).status_code == 403
    client.force_login(security_officer)
    page = client.get(response.url).content.decode()
    assert 'value="approve"' in page and 'value="return"' in page
    returned = client.post(decide, {"decision": "return", "comment": ""}, follow=True).content.decode()
    assert "差戻しの理由を入力してください" in returned
    assert RetentionDecision.objects.get().status == RetentionDecision.Status.PROPOSED
    client.post(decide, {"decision": "approve", "comment": "確認済み"})
    page = client.get(response.url).content.decode()
    assert "決定済み" in page and "廃棄済み" in page and "data-tombstone" in page
    assert old_posts["p2019"].versions.get().sha256 in page


def test_every_answer_that_holds_a_disposed_post_is_found_through_the_ids_the_capture_kept(
    settings, monkeypatch, dept_a, head_a, security_officer
):
    """A later reading lists a post unchanged (no version of it points at that answer, kept for another
    post that is new in it): its IDs still find it."""
    feed = "/xrpc/app.bsky.feed.getAuthorFeed"
    older = [
        bluesky_post("p2", "平成30年のお知らせ二", "2018-06-02T09:00:00Z"),
        bluesky_post("p1", "一", "2018-06-01T09:00:00Z"),
    ]
    with api.serve(settings, monkeypatch, "bluesky") as bsky:
        account = api.city_account(dept_a, head_a, "bluesky", "komae-city.bsky.social", BSKY_DID)
        bsky.answer(feed, match={"actor": BSKY_DID}, json=bluesky_feed_page(older), times=1)
        capture_account(account.pk)
        newer = [bluesky_post("p3", "平成30年のお知らせ三", "2018-06-03T09:00:00Z"), *older]
        bsky.answer(feed, match={"actor": BSKY_DID}, json=bluesky_feed_page(newer))
        capture_account(account.pk)  # p3 is new: the answer is kept, holding p2 and p1 unchanged
    first, second = RawAnswer.objects.filter(account=account).order_by("pk")
    ids = [f"at://{BSKY_DID}/app.bsky.feed.post/p{n}" for n in (2, 1)]
    assert first.post_ids == ids and second.post_ids == [f"at://{BSKY_DID}/app.bsky.feed.post/p3", *ids]
    assert not PostVersion.objects.filter(answer=second, post__post_id__in=ids).exists()
    assert "平成30年のお知らせ二".encode() in bytes(second.body)
    decision = _propose(head_a, account)
    disposal.disposal_decide(decision_id=decision.pk, actor=security_officer)
    for answer in (first, second):
        answer.refresh_from_db()
        assert bytes(answer.body) == b"" and answer.disposed_at is not None and answer.post_ids[-2:] == ids
