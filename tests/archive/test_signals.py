"""What a capture's new posts say of a takeover (issue 22; G-4-3-カ, G-4-5-エ): a post while 運用停止 and
a burst open an 異常あり reading and a 乗っ取り incident with the posts attached; an old history does not."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountStatus, OfficialAccount
from archive.capture import capture_account
from archive.models import Post, PostEvidence
from archive.signals import signal_new_posts
from core.audit import Job
from core.models import AuditEvent, Notice
from monitoring.models import Incident, StatusCheck
from tests.archive.test_capture import HANDLE, feed, uri
from tests.platform_fixtures import BSKY_DID, bluesky_post
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db


@pytest.fixture
def bsky(settings, monkeypatch):
    with api.serve(settings, monkeypatch, "bluesky") as server:
        yield server


@pytest.fixture
def account(dept_b, head_b, security_officer):
    return api.city_account(dept_b, head_b, "bluesky", HANDLE, BSKY_DID)


@pytest.fixture
def burst_of_three(settings):
    settings.ARCHIVE_BURST_POSTS, settings.ARCHIVE_BURST_MINUTES = 3, 60


def ago(**delta) -> str:
    """A post's createdAt that long before now, as Bluesky writes it (UTC, milliseconds, Z)."""
    return (datetime.now(UTC) - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def posts(*items):
    """Bluesky posts newest first from (rkey, text, createdAt)."""
    return [bluesky_post(rkey, text, when) for rkey, text, when in items]


def evidence_of(incident) -> list[str]:
    return list(
        PostEvidence.objects.filter(incident=incident)
        .order_by("post__published_at")
        .values_list("post__text", flat=True)
    )


def suspend(account, days_ago: int) -> None:
    OfficialAccount.objects.filter(pk=account.pk).update(
        status=AccountStatus.SUSPENDED, suspended_on=timezone.localdate() - timedelta(days=days_ago)
    )


def test_a_post_while_suspended_opens_the_reading_and_a_hijack_incident_with_the_post_attached(
    bsky, account, head_b, security_officer
):
    suspend(account, days_ago=30)
    feed(
        bsky,
        (
            posts(
                ("p3", "【当選】プレゼントはこちら https://example.invalid/win", ago(hours=2)),
                ("p2", "本アカウントの運用を停止しました。", ago(days=30)),  # its last word, the day it stopped
                ("p1", "お知らせ", ago(days=40)),
            ),
            None,
            None,
        ),
    )
    outcome = capture_account(account.pk)
    assert outcome.new == 3 and not outcome.failed

    check = StatusCheck.objects.get(account=account)
    assert (check.outcome, check.anomalies) == (StatusCheck.Outcome.ANOMALY, ["posts_while_suspended"])
    incident = Incident.objects.get(account=account)
    assert (incident.kind, incident.status, incident.anomaly) == ("hijack", "open", "posts_while_suspended")
    assert incident.source_check == check and incident.opened_by is None
    assert "投稿の保存" in incident.description and "後に公開された投稿が1件" in incident.description
    evidence = PostEvidence.objects.get(incident=incident)
    assert evidence.post.post_id == uri("p3") and evidence.added_by is None and evidence.version.number == 1
    # G-4-3-カ: the 管理者, the 所属長 and the security officer hear of it, as of a status check's anomaly.
    told = set(
        Notice.objects.filter(path=reverse("monitoring:incident", args=[incident.pk])).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"head_b", "security_officer"}
    trail = AuditEvent.objects.for_object(incident).order_by("at", "id")
    assert [(row.action, row.actor_job) for row in trail] == [
        ("created", "archive_capture"),
        ("posts_attached", "archive_capture"),
    ]
    assert "1件" in trail[1].summary


def test_a_burst_opens_the_reading_and_the_incident(bsky, account, burst_of_three):
    feed(
        bsky,
        (
            posts(
                ("p5", "限定キャンペーン③", ago(hours=3)),
                ("p4", "限定キャンペーン②", ago(hours=3, minutes=20)),
                ("p3", "限定キャンペーン①", ago(hours=3, minutes=50)),
                ("p2", "ごみの収集日のお知らせ", ago(hours=9)),
                ("p1", "防災訓練のお知らせ", ago(days=3)),
            ),
            None,
            None,
        ),
    )
    capture_account(account.pk)
    check = StatusCheck.objects.get(account=account)
    assert check.anomalies == ["post_burst"] and check.outcome == StatusCheck.Outcome.ANOMALY
    incident = Incident.objects.get(account=account, anomaly="post_burst")
    assert incident.kind == "hijack" and "3件の投稿がありました（目安：60分間に3件以上）" in incident.description
    assert evidence_of(incident) == ["限定キャンペーン①", "限定キャンペーン②", "限定キャンペーン③"]


def test_the_first_capture_of_an_old_history_does_not_alarm(bsky, account, burst_of_three):
    """Ten posts in ten minutes a month ago (a disaster day, say) were a burst then, not a signal now."""
    old = [(f"p{n}", f"台風の情報{n}", ago(days=30, minutes=10 - n)) for n in range(10, 0, -1)]
    feed(bsky, (posts(("p11", "今日のお知らせ", ago(hours=1)), *old), None, None))
    outcome = capture_account(account.pk)
    assert outcome.new == 11
    assert not StatusCheck.objects.exists() and not Incident.objects.exists()


def test_posts_of_an_active_account_and_before_the_suspension_do_not_alarm(bsky, account):
    feed(bsky, (posts(("p2", "お知らせ", ago(hours=1)), ("p1", "お知らせ", ago(days=10))), None, None))
    capture_account(account.pk)  # 運用中: posting is its work
    suspend(account, days_ago=0)  # stopped today: a post of today is still its own
    feed(bsky, (posts(("p3", "運用を停止しました", ago(minutes=5)), ("p2", "お知らせ", ago(hours=1))), None, None))
    assert capture_account(account.pk).new == 1
    assert not Incident.objects.exists() and not StatusCheck.objects.exists()


def test_a_second_burst_joins_the_open_incident(bsky, account, burst_of_three):
    first = [
        ("p3", "一回目③", ago(hours=6)),
        ("p2", "一回目②", ago(hours=6, minutes=10)),
        ("p1", "一回目①", ago(hours=6, minutes=20)),
    ]
    feed(bsky, (posts(*first), None, None))
    capture_account(account.pk)
    incident = Incident.objects.get()
    told = Notice.objects.count()
    second = [("p6", "二回目③", ago(minutes=5)), ("p5", "二回目②", ago(minutes=15)), ("p4", "二回目①", ago(minutes=25))]
    feed(bsky, (posts(*second, *first), None, None))
    assert capture_account(account.pk).new == 3

    assert Incident.objects.get() == incident  # one open incident per account and anomaly
    assert evidence_of(incident) == ["一回目①", "一回目②", "一回目③", "二回目①", "二回目②", "二回目③"]
    readings = StatusCheck.objects.filter(account=account, outcome=StatusCheck.Outcome.ANOMALY)
    assert readings.count() == 2 and all(r.anomalies == ["post_burst"] for r in readings)
    assert Notice.objects.count() == told  # told once, when it opened; the page shows the rest
    attached = AuditEvent.objects.for_object(incident).filter(action="posts_attached")
    assert [row.summary for row in attached.order_by("at", "id")] == ["保存した投稿を証拠に追加（3件）"] * 2


def test_a_burst_read_by_two_runs_counts_whole(bsky, account, burst_of_three):
    earlier = [("p2", "二", ago(minutes=40)), ("p1", "一", ago(minutes=50))]
    feed(bsky, (posts(*earlier), None, None))
    capture_account(account.pk)
    assert not Incident.objects.exists()  # two in the hour: not yet
    feed(bsky, (posts(("p3", "三", ago(minutes=5)), *earlier), None, None))
    capture_account(account.pk)
    assert evidence_of(Incident.objects.get()) == ["一", "二", "三"]


def test_a_run_judged_twice_is_recorded_once(bsky, account, burst_of_three):
    """A task delivered twice (acks_late): one reading, the posts attached once."""
    feed(bsky, (posts(*[(f"p{n}", f"投稿{n}", ago(minutes=n)) for n in range(1, 4)]), None, None))
    new_ids = capture_account(account.pk).new_post_ids
    signal_new_posts(account.pk, new_ids, job=Job.ARCHIVE_CAPTURE)
    assert StatusCheck.objects.count() == 1 and PostEvidence.objects.count() == 3


def test_the_reading_says_the_archive_found_it(client, bsky, account, head_b):
    suspend(account, days_ago=5)
    feed(bsky, (posts(("p1", "不審な投稿", ago(hours=1))), None, None))
    capture_account(account.pk)
    client.force_login(head_b)
    page = client.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    assert "停止中の投稿" in page and "方法：投稿の保存で検知" in page
    assert Post.objects.get().evidence.exists()
