"""The account page's 「保存した投稿」 (issue 22): what is kept, the last capture, the retention, the way to the
archive's posts, and — where the SNS cannot be read (LINE) — the sentence saying so and the hand-recording."""

from datetime import datetime

import pytest
from django.urls import NoReverseMatch, reverse

from archive.capture import archive_of
from archive.models import AccountArchive, Post
from archive.page import search_url
from core.dates import TOKYO
from tests.archive.kept import kept_post, when
from tests.factories import AccountFactory, platform
from tests.platform_fixtures import BSKY_DID
from tests.platforms import api_support as api

pytestmark = pytest.mark.django_db


@pytest.fixture
def bluesky_a(dept_a, head_a):
    account = api.city_account(dept_a, head_a, "bluesky", "komae-city.bsky.social", BSKY_DID)
    kept_post(account, "p1", "防災訓練のお知らせ", when(2026, 11, 1))
    kept_post(account, "p2", "消えた投稿", when(2026, 11, 2))
    Post.objects.filter(post_id="p2").update(gone_at=datetime(2026, 11, 5, 9, tzinfo=TOKYO))
    AccountArchive.objects.filter(account=account).update(
        last_run_at=datetime(2026, 12, 3, 10, 20, tzinfo=TOKYO),
        last_outcome=AccountArchive.Outcome.FAILED,
        last_reason="SNSが同じ読み取り位置を繰り返し返しました（読み取りを打ち切りました）",
    )
    return account


@pytest.fixture
def line_a(dept_a, head_a):
    return AccountFactory(department=dept_a, manager=head_a, platform=platform("line"), handle="@komae_kosodate")


def _section(client, account) -> str:
    page = client.get(reverse("accounts:detail", args=[account.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="archive-section"' in html
    return html.split('id="archive-section"')[1].split("</section>")[0]


def test_the_section_shows_what_is_kept_and_how_the_last_capture_went(client, bluesky_a, staff_a):
    client.force_login(staff_a)
    section = _section(client, bluesky_a)
    assert "保存した投稿" in section
    assert "data-archive-kept>2件" in section and "data-archive-gone>1件" in section
    assert "令和8年12月3日 10:20" in section and "確認できず" in section and "同じ読み取り位置を繰り返し" in section
    assert "5年" in section  # the city profile's default
    assert f'href="{search_url(bluesky_a)}"' in section and f"?account={bluesky_a.pk}" in section
    assert "投稿を手動で記録" not in section and "自動では保存できません" not in section
    assert reverse("archive:retention_set", args=[bluesky_a.pk]) not in section  # staff: no period to change
    assert reverse("archive:retention_account", args=[bluesky_a.pk]) not in section


def test_the_link_goes_to_the_archive_search_by_its_name_or_its_path(bluesky_a):
    try:
        base = reverse("archive:search")
    except NoReverseMatch:
        base = "/archive/"
    assert search_url(bluesky_a) == f"{base}?account={bluesky_a.pk}"


def test_the_section_head_is_offered_the_period_and_the_year_end_decisions(client, bluesky_a, head_a):
    state = archive_of(bluesky_a)
    state.last_outcome, state.last_reason, state.last_counts = AccountArchive.Outcome.OK, "", {"new": 3}
    state.save()
    client.force_login(head_a)
    section = _section(client, bluesky_a)
    assert "保存済み" in section and "新規 3件" in section and "確認できず" not in section
    assert reverse("archive:retention_set", args=[bluesky_a.pk]) in section
    assert reverse("archive:retention_account", args=[bluesky_a.pk]) in section


def test_a_line_account_says_it_cannot_be_read_and_offers_the_hand_recording(client, line_a, staff_a, member):
    client.force_login(staff_a)
    section = _section(client, line_a)
    assert "このアカウントの投稿は自動では保存できません" in section
    assert "まだ保存していません" in section and "data-archive-kept>0件" in section
    assert reverse("archive:record", args=[line_a.pk]) in section
    client.force_login(member)  # sees the account, records nothing
    section = _section(client, line_a)
    assert "自動では保存できません" in section and reverse("archive:record", args=[line_a.pk]) not in section


def test_the_section_is_for_whoever_sees_the_account(client, bluesky_a, staff_b, contractor, security_officer):
    client.force_login(staff_b)
    assert client.get(reverse("accounts:detail", args=[bluesky_a.pk])).status_code == 404
    bluesky_a.contractors.add(contractor)
    for person in (contractor, security_officer):
        client.force_login(person)
        assert "data-archive-kept>2件" in _section(client, bluesky_a)


def test_a_disposed_post_is_counted_as_such(client, bluesky_a, head_a):
    Post.objects.filter(post_id="p1").update(text="", search_text="", grams="", disposed_at=when(2026, 12, 1))
    client.force_login(head_a)
    section = _section(client, bluesky_a)
    assert "data-archive-kept>1件" in section and "data-archive-disposed>1件" in section
