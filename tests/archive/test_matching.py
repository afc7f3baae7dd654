"""Every post on the platform matched to its 決裁 (issue 25; G-4-3-ア, カ)."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from archive import matching
from archive.models import Post, PostEvidence, PostMatch, PostVersion
from core.errors import TransitionError
from monitoring.models import Incident
from monitoring.reminders import reminders_due
from screening import drafts
from tests.archive.kept import when

pytestmark = pytest.mark.django_db


def _post(account, post_id, text, published, *, url="", captured=None):
    post = Post.objects.create(
        first_captured_at=captured or timezone.now(),
        account=account,
        post_id=post_id,
        url=url or f"https://x.com/{account.handle}/status/{post_id}",
        published_at=published,
        text=text,
    )
    PostVersion.objects.create(post=post, number=1, text=text, sha256="0" * 64)
    return post


def _approved(account, staff, head, text, planned):
    draft = drafts.draft_submit(account_id=account.pk, actor=staff, text=text, planned_at=planned)
    return drafts.draft_decide(draft_id=draft.pk, actor=head, approve=True)


def test_text_is_compared_without_width_whitespace_or_links():
    a = matching.normalise_text("【お知らせ】 市民まつり\n１０月１２日 https://example.jp/matsuri")
    b = matching.normalise_text("【お知らせ】市民まつり 10月12日 https://t.co/AbC123")
    assert a == b
    assert matching.normalise_text("市民まつり") != matching.normalise_text("市民まつりは中止")


def test_urls_are_compared_on_the_platforms_first_host():
    hosts = ["x.com", "twitter.com"]
    assert matching.canonical_url("https://twitter.com/komae/status/1?s=20", hosts) == "x.com/komae/status/1"
    assert matching.canonical_url("https://www.x.com/komae/status/1/", hosts) == "x.com/komae/status/1"


def test_pairing_by_url_then_text_within_the_window_each_draft_once():
    t0 = when(2026, 10, 1, 9)
    decided = t0 - timedelta(days=3)
    drafts_ = [(1, "", "お知らせ", t0, decided), (2, "https://twitter.com/k/status/9", "別の本文", t0, decided)]
    posts = [
        (10, "https://x.com/k/status/8", "お知らせ", t0 - timedelta(days=2)),  # too early for draft 1
        (11, "https://x.com/k/status/9", "編集された本文", t0 + timedelta(days=10)),  # the URL pasted
        (12, "https://x.com/k/status/10", "お知らせ", t0 + timedelta(hours=1)),
        (13, "https://x.com/k/status/11", "お知らせ", t0 + timedelta(hours=2)),  # draft 1 is used
    ]
    assert matching.pair(posts, drafts_, hosts=["x.com", "twitter.com"]) == [
        (11, 2, PostMatch.How.URL),
        (12, 1, PostMatch.How.TEXT),
    ]


def test_a_post_published_before_its_draft_was_decided_stays_unconfirmed():
    t0 = when(2026, 10, 1, 9)
    drafts_ = [(1, "https://x.com/k/status/1", "お知らせ", t0, t0 + timedelta(hours=2))]
    early = [(10, "https://x.com/k/status/1", "お知らせ", t0), (11, "", "お知らせ", t0 + timedelta(hours=1))]
    assert matching.pair(early, drafts_, hosts=["x.com"]) == []
    late = [(12, "", "お知らせ", t0 + timedelta(hours=2, minutes=-1))]  # within the clocks' slack
    assert matching.pair(late, drafts_, hosts=["x.com"]) == [(12, 1, PostMatch.How.TEXT)]


def test_the_command_matches_and_prints_counts_and_each_unconfirmed_url(account_a, staff_a, head_a):
    old = _post(account_a, "1", "昔の投稿", when(2020, 1, 1))  # before the account used 決裁
    _approved(account_a, staff_a, head_a, "市民まつりを開催します。", timezone.now())
    matched = _post(account_a, "2", "市民まつりを開催します。", timezone.now() + timedelta(hours=1))
    stray = _post(account_a, "3", "フォロワー限定プレゼント！", timezone.now() + timedelta(hours=2))
    out = StringIO()
    call_command("reconcile_posts", "--account", str(account_a.pk), stdout=out)
    text = out.getvalue()
    assert "決裁済み 1件・確認済み 0件（うち事後確認 0件）・未確認 1件" in text
    assert f"未確認：{stray.url}" in text and old.url not in text
    assert PostMatch.objects.get(post=matched).how == PostMatch.How.TEXT
    out = StringIO()
    call_command("reconcile_posts", stdout=out)  # idempotent
    assert PostMatch.objects.count() == 1 and "決裁済み 1件" in out.getvalue()


def test_the_managers_queue_confirms_with_a_reason_or_reports_a_takeover(client, account_a, staff_a, head_a, staff_b):
    _approved(account_a, staff_a, head_a, "お知らせ", timezone.now())
    before = _post(account_a, "0", "古い投稿", timezone.now() - timedelta(days=30))
    first = _post(account_a, "1", "災害情報：避難所を開設しました。", timezone.now() + timedelta(minutes=5))
    second = _post(account_a, "2", "今だけ無料！こちらをクリック", timezone.now() + timedelta(minutes=6))
    client.force_login(head_a)  # head_a is account_a's 管理者 (and its 課長)
    page = client.get(reverse("archive:unconfirmed")).content.decode()
    assert "この投稿に心当たりはありますか" in page and first.text in page and before.text not in page
    assert "決裁のない投稿（心当たりの確認）：2件" in client.get(reverse("dashboard")).content.decode()
    with pytest.raises(TransitionError, match="理由"):
        matching.post_confirm(post_id=first.pk, actor=head_a, reason=" ")
    with pytest.raises(PermissionDenied):
        matching.post_confirm(post_id=first.pk, actor=staff_b, reason="x")
    client.post(reverse("archive:answer", args=[first.pk]), {"answer": "confirm", "reason": "災害対応で先に投稿"})
    response = client.post(reverse("archive:answer", args=[second.pk]), {"answer": "report", "reason": ""})
    incident = Incident.objects.get()
    assert response.url == reverse("monitoring:incident", args=[incident.pk])
    assert incident.kind == Incident.Kind.HIJACK
    assert PostEvidence.objects.get(incident=incident).post == second
    states = matching.states_of([before, first, second])
    assert states == {
        before.pk: matching.State.BEFORE,
        first.pk: matching.State.AFTER,
        second.pk: matching.State.REPORTED,
    }
    assert "確認を待っている投稿はありません" in client.get(reverse("archive:unconfirmed")).content.decode()
    assert client.get(reverse("archive:post", args=[first.pk])).content.decode().count("確認済み（事後確認）") >= 1
    client.force_login(staff_b)
    assert client.get(reverse("archive:unconfirmed")).status_code == 200  # their own 課's queue: empty


def test_an_unanswered_post_reminds_the_section_head_after_a_working_day(account_a, staff_a, head_a):
    _approved(account_a, staff_a, head_a, "お知らせ", timezone.now())
    _post(account_a, "1", "心当たりのない投稿", timezone.now(), captured=when(2026, 12, 4, 10))  # a Friday
    lines = lambda day: [line for line in reminders_due(day).get(head_a, []) if "決裁のない投稿" in line]  # noqa: E731
    assert lines(date(2026, 12, 7)) == []  # Monday: the working day after the Friday
    assert lines(date(2026, 12, 8)) and "1件" in lines(date(2026, 12, 8))[0]


def test_the_working_day_skips_the_year_end_and_the_national_holidays(account_a, staff_a, head_a):
    _approved(account_a, staff_a, head_a, "お知らせ", timezone.now())
    _post(account_a, "1", "年末の心当たりのない投稿", timezone.now(), captured=when(2026, 12, 28, 10))  # Monday
    _post(account_a, "2", "連休前の心当たりのない投稿", timezone.now(), captured=when(2027, 4, 28, 10))  # Wednesday
    lines = lambda day: [line for line in reminders_due(day).get(head_a, []) if "決裁のない投稿" in line]  # noqa: E731
    # 12/29–1/3 the offices are closed: the working day after 12/28 is 1/4, so 1/5 reminds.
    assert lines(date(2027, 1, 4)) == []
    assert lines(date(2027, 1, 5)) and "1件" in lines(date(2027, 1, 5))[0]
    # 4/29 昭和の日: the working day after 4/28 is 4/30, so the reminder comes on 5/6 (after the
    # weekend, 5/3 憲法記念日, 5/4 みどりの日 and 5/5 こどもの日), with both posts.
    assert "1件" in lines(date(2027, 4, 30))[0]
    assert "2件" in lines(date(2027, 5, 6))[0]


def test_a_post_of_an_account_that_needs_no_approval_is_never_queued(account_a, staff_a):
    type(account_a).objects.filter(pk=account_a.pk).update(approval_required=False)
    account_a.refresh_from_db()
    drafts.draft_submit(account_id=account_a.pk, actor=staff_a, text="お知らせ", planned_at=timezone.now())
    post = _post(account_a, "1", "お知らせ", timezone.now())
    stray = _post(account_a, "2", "別の投稿", timezone.now())
    matching.match_account(account_a.pk)
    assert matching.states_of([post])[post.pk] == matching.State.CONFIRMED
    assert list(matching.unconfirmed_posts()) == []
    assert matching.states_of([stray])[stray.pk] == matching.State.UNCONFIRMED


def test_a_pasted_url_links_a_post_already_kept_at_once(account_a, staff_a, head_a, django_capture_on_commit_callbacks):
    draft = _approved(account_a, staff_a, head_a, "市民まつりを開催します。", timezone.now())
    edited = _post(account_a, "77", "市民まつりを開催します（雨天中止）", timezone.now() + timedelta(minutes=1))
    matching.match_account(account_a.pk)
    assert matching.states_of([edited])[edited.pk] == matching.State.UNCONFIRMED  # its text was changed
    with django_capture_on_commit_callbacks(execute=True):
        drafts.draft_link_post(
            draft_id=draft.pk, actor=staff_a, url=f"https://twitter.com/{account_a.handle}/status/77"
        )
    match = PostMatch.objects.get(post=edited)
    assert (match.draft, match.how) == (draft, PostMatch.How.URL)
