"""Year-end reviews (G-4-5-ア) and the suspension plan (G-4-5-イ/ウ)."""

import csv
import io
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts import services as accounts
from accounts.models import AccountStatus, OfficialAccount
from core.errors import TransitionError
from monitoring import status
from platforms import checks
from reviews import services
from reviews.models import YearEndReview
from reviews.selectors import follower_trends, reviews_open, year_end_dashboard
from tests.factories import AccountFactory, platform
from tests.pdf_reading import assert_archival_and_tagged, read_pdf

pytestmark = pytest.mark.django_db


def complete_review(consolidate_into=None, decision="continue"):
    return {
        "followers_start": 1000,
        "followers_end": 1200,
        "posts": 150,
        "engagement": "",
        "reuse_fits": "no",
        "reuse_fits_reason": "子育て世帯向けの独自の内容のため",
        "reuse_too_light": "no",
        "reuse_too_light_reason": "毎週の案内があるため",
        "reuse_crowds": "yes",
        "reuse_crowds_reason": "投稿数が多いため",
        "effect": "assured" if decision == "continue" else "not_assured",
        "effect_reason": "フォロワーが増えている",
        "uniqueness": "assured" if decision == "continue" else "not_assured",
        "uniqueness_reason": "他に同じ情報はない",
        "decision": decision,
        "consolidate_into": consolidate_into,
    }


def signed_review(account, staff, head, pr_account, decision="consider_suspension", fy=2025):
    review = services.review_start(account_id=account.pk, actor=staff, fiscal_year=fy)
    services.review_update(review_id=review.pk, actor=staff, fields=complete_review(pr_account, decision))
    return services.review_sign_off(review_id=review.pk, actor=head)


@pytest.mark.parametrize(
    ("today", "is_open"),
    [(date(2027, 1, 31), False), (date(2027, 2, 1), True), (date(2027, 3, 31), True), (date(2027, 4, 1), False)],
)
def test_reviews_open_in_february_until_the_end_of_the_fiscal_year(today, is_open):
    assert reviews_open(today) is is_open


def test_the_review_starts_with_the_recorded_follower_figures(account_a, staff_a, head_a):
    accounts.account_record_followers(account_id=account_a.pk, actor=head_a, recorded_on=date(2025, 3, 31), count=800)
    accounts.account_record_followers(account_id=account_a.pk, actor=head_a, recorded_on=date(2026, 3, 31), count=950)
    review = services.review_start(account_id=account_a.pk, actor=staff_a, fiscal_year=2025)
    assert (review.followers_start, review.followers_end) == (800, 950)


def test_no_review_for_a_year_before_the_account_was_registered(client, dept_a, head_a, staff_a, admin):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    new = AccountFactory(
        department=dept_a,
        manager=head_a,
        handle="komae_new",
        registered_at=datetime(2026, 5, 1, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo")),
    )
    with pytest.raises(TransitionError, match="令和8年5月1日に登録されたため、令和7年度の効果測定は作成できません"):
        services.review_start(account_id=new.pk, actor=staff_a, fiscal_year=2025)
    assert not YearEndReview.objects.filter(account=new).exists()
    # The report of that 年度 and its list agree: the account is in neither.
    data = year_end_dashboard(user=admin, fiscal_year=2025)
    assert data.totals.total == 0
    assert services.review_start(account_id=new.pk, actor=staff_a, fiscal_year=2026).fiscal_year == 2026


def test_staff_drafts_the_section_head_signs_and_then_it_is_fixed(account_a, staff_a, head_a, pr_account):
    """G-4-5-ア: every 年度末 each account's effect and uniqueness are reviewed and signed off."""
    review = services.review_start(account_id=account_a.pk, actor=staff_a, fiscal_year=2025)
    services.review_update(review_id=review.pk, actor=staff_a, fields=complete_review())
    with pytest.raises(PermissionDenied, match="所管課の課長です"):
        services.review_sign_off(review_id=review.pk, actor=staff_a)
    services.review_sign_off(review_id=review.pk, actor=head_a)
    with pytest.raises(TransitionError, match="課長が確認した効果測定は変更できません"):
        services.review_update(review_id=review.pk, actor=head_a, fields={"posts": 1})
    review.refresh_from_db()
    assert review.status == YearEndReview.Status.SIGNED and review.posts == 150


def test_consider_suspension_needs_the_pr_account_to_consolidate_into(account_a, staff_a, head_a):
    review = services.review_start(account_id=account_a.pk, actor=staff_a, fiscal_year=2025)
    services.review_update(review_id=review.pk, actor=staff_a, fields=complete_review(None, "consider_suspension"))
    with pytest.raises(services.ReviewIncomplete) as info:
        services.review_sign_off(review_id=review.pk, actor=head_a)
    assert "集約先の市広報アカウント" in info.value.missing["consolidate_into"]


def test_section_b_cannot_review_section_a(account_a, staff_b):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.review_start(account_id=account_a.pk, actor=staff_b, fiscal_year=2025)


@pytest.mark.parametrize(("followers", "impact"), [(999, "小"), (1000, "中"), (9999, "中"), (10000, "大")])
def test_impact_levels_follow_the_follower_count(followers, impact):
    """G-4-5-イ: the impact of stopping follows the number of followers."""
    assert services.impact_of(followers)[0] == impact


@time_machine.travel("2026-04-10 10:00 +0900", tick=False)
def test_a_consider_review_becomes_a_plan_then_notice_then_suspension(account_a, staff_a, head_a, pr_account):
    review = signed_review(account_a, staff_a, head_a, pr_account)
    plan = services.suspension_plan_create(
        review_id=review.pk, actor=head_a, reason="市公式アカウントに集約するため", notice_starts_on=date(2026, 4, 10)
    )
    assert (plan.impact, plan.notice_ends_on) == ("中", date(2026, 6, 9))  # 1,200 followers: 60 days
    assert "「狛江市（X @komae_city）」" in plan.notice_text and "令和8年6月9日をもって運用を停止" in plan.notice_text
    services.suspension_plan_publish(plan_id=plan.pk, actor=head_a)
    account_a.refresh_from_db()
    assert (account_a.status, account_a.successor) == (AccountStatus.NOTICE, pr_account)
    with pytest.raises(TransitionError, match="事前周知の期間"):
        accounts.account_suspend(account_id=account_a.pk, actor=head_a)
    with time_machine.travel("2026-06-10 09:00 +0900", tick=False):
        accounts.account_suspend(account_id=account_a.pk, actor=head_a)
    account_a.refresh_from_db()
    assert account_a.status == AccountStatus.SUSPENDED


@time_machine.travel("2026-04-10 10:00 +0900", tick=False)
def test_the_plan_page_offers_its_notice_only_to_who_may_start_it(
    client, account_a, staff_a, head_a, member, contractor, pr_account
):
    """G-4-5-ウ: the 課長 starts the notice; the clerk, the committee and the contractor read the plan
    without a button that the service would refuse."""
    account_a.contractors.add(contractor)
    review = signed_review(account_a, staff_a, head_a, pr_account)
    plan = services.suspension_plan_create(
        review_id=review.pk, actor=head_a, reason="集約のため", notice_starts_on=date(2026, 4, 10)
    )
    url = reverse("reviews:plan", args=[plan.pk])
    for person in (staff_a, member, contractor):
        client.force_login(person)
        page = client.get(url)
        assert page.status_code == 200 and "集約のため" in page.content.decode()
        assert "周知を開始する" not in page.content.decode(), person.username
        assert client.post(url).status_code == 403
    client.force_login(head_a)
    assert "周知を開始する" in client.get(url).content.decode()
    account_a.refresh_from_db()
    assert account_a.status == AccountStatus.ACTIVE


def test_a_continue_review_gives_no_plan(account_a, staff_a, head_a, pr_account):
    review = signed_review(account_a, staff_a, head_a, pr_account, decision="continue")
    with pytest.raises(TransitionError, match="停止検討"):
        services.suspension_plan_create(
            review_id=review.pk, actor=head_a, reason="x", notice_starts_on=date(2026, 4, 1)
        )


@time_machine.travel("2027-05-01 10:00 +0900", tick=False)
def test_the_dashboard_counts_done_pending_overdue_and_consider(client, account_a, staff_a, head_a, pr_account, admin):
    signed_review(account_a, staff_a, head_a, pr_account, fy=2026)
    data = year_end_dashboard(user=admin, fiscal_year=2026)
    assert data.overdue  # 年度 2026 ended on 2027-03-31
    assert (data.totals.total, data.totals.done, data.totals.pending, data.totals.consider) == (2, 1, 1, 1)
    assert data.totals.overdue == 1
    client.force_login(admin)
    body = client.get(reverse("reviews:dashboard"), {"fy": 2026}).content.decode()
    assert "令和8年度" in body and "停止検討 1件" in body
    response = client.get(reverse("reviews:dashboard"), {"fy": 2026, "format": "csv"})
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "年度" and any(r[6] == "停止検討" for r in rows[1:])


def test_follower_trends_take_each_fiscal_year_end(account_a, head_a):
    for on, count in ((date(2024, 3, 31), 100), (date(2024, 10, 1), 150), (date(2025, 3, 31), 200)):
        accounts.account_record_followers(account_id=account_a.pk, actor=head_a, recorded_on=on, count=count)
    trend = follower_trends([account_a], last_year=2025, years=3)[account_a.pk]
    assert trend.years == [2023, 2024, 2025]
    assert trend.counts == [100, 200, None]
    assert trend.points.count(",") == 2


def test_the_staff_journey_in_the_screens(client, account_a, staff_a, head_a, pr_account):
    with time_machine.travel("2027-02-10 10:00 +0900", tick=False):
        client.force_login(staff_a)
        page = client.get(reverse("reviews:list")).content.decode()
        assert "令和8年度の効果測定" in page and "作成する" in page
        response = client.post(reverse("reviews:start", args=[account_a.pk, 2026]))
    review = YearEndReview.objects.get()
    assert response.url == reverse("reviews:detail", args=[review.pk])
    data = {k: v for k, v in complete_review(pr_account.pk, "consider_suspension").items() if v is not None}
    client.post(reverse("reviews:detail", args=[review.pk]), data)
    client.force_login(head_a)
    response = client.post(reverse("reviews:detail", args=[review.pk]), {**data, "sign": "1"}, follow=True)
    assert "課長が確認しました" in response.content.decode()
    assert "運用停止の計画を作成する" in response.content.decode()
    # The 集約先 is named with its SNS and handle: the city has several accounts called 狛江市.
    assert "集約先：狛江市（X @komae_city）" in response.content.decode()


def test_from_february_the_dashboard_lists_the_reviews_due(client, account_a, staff_a):
    with time_machine.travel("2027-01-31 10:00 +0900", tick=False):
        client.force_login(staff_a)
        assert "年度末の効果測定がまだのアカウント" not in client.get(reverse("dashboard")).content.decode()
    with time_machine.travel("2027-02-01 10:00 +0900", tick=False):
        client.force_login(staff_a)
        body = client.get(reverse("dashboard")).content.decode()
        assert "年度末の効果測定がまだのアカウント（令和8年度" in body
        assert account_a.display_name in body


@time_machine.travel("2027-05-01 10:00 +0900", tick=False)
def test_the_year_end_report_prints_through_the_pdf_service(client, account_a, staff_a, head_a, pr_account, admin):
    from pypdf import PdfReader

    signed_review(account_a, staff_a, head_a, pr_account, fy=2026)
    client.force_login(admin)
    response = client.get(reverse("reviews:report_pdf"), {"fy": 2026})
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "令和8年度" in text and "効果測定報告" in text
    assert "停止を検討するアカウント" in text and account_a.display_name in text
    assert "令和９年５月１日" in text


@time_machine.travel("2027-05-01 10:00 +0900", tick=False)
def test_the_year_end_report_is_a_tagged_pdfa_whose_cells_are_read_with_their_columns(
    client, account_a, staff_a, head_a, pr_account, admin
):
    """The report the committee keeps: PDF/A-2a; its tables have header rows a screen reader announces."""
    signed_review(account_a, staff_a, head_a, pr_account, fy=2026)
    client.force_login(admin)
    doc = read_pdf(client.get(reverse("reviews:report_pdf"), {"fy": 2026}).content)
    assert_archival_and_tagged(doc, title="令和8年度 公式SNSアカウント効果測定報告")
    assert [h.text for h in doc.root.find("H1")] == ["令和8年度　公式ソーシャルメディアアカウントの効果測定報告"]
    headings = [h.text for h in doc.root.find("H2")]
    assert headings[:2] == ["１　確認の状況", "２　SNSごとの状況"]
    assert headings[2].startswith("３　停止を検討するアカウント")
    tables = []
    for table in doc.root.find("Table"):
        (head,) = table.find("THead")
        columns = head.find("TH")
        rows = []
        for row in table.find("TBody")[0].find("TR"):
            cells = row.find("TD")
            assert [list(cell.attrs["/Headers"]) for cell in cells] == [[column.id] for column in columns]
            rows.append({column.text: cell.text for column, cell in zip(columns, cells, strict=True)})
        tables.append(rows)
    by_department, by_platform, considered, approvals = tables
    # Issue 25: the posts of the 年度 against their 決裁, one row per account reviewed.
    assert {row["アカウント"] for row in approvals} >= {f"{account_a.display_name}（X）"}
    assert list(approvals[0]) == ["アカウント", "所管課", "決裁・確認済み", "事後確認", "未確認", "対象外"]
    assert {"課": "子ども政策課", "対象": "1", "確認済": "1", "未了": "0", "停止検討": "1"} in by_department
    assert {"SNS": "X", "対象": "2", "確認済": "1", "未了": "1", "停止検討": "1"} in by_platform
    (row,) = considered
    assert row["アカウント"] == f"{account_a.display_name}（X）" and row["所管課"] == "子ども政策課"
    assert row["年度末のフォロワー数"] == "1,200"
    assert doc.untagged == [f"－ {n} －" for n in range(1, doc.pages + 1)]


@pytest.mark.parametrize(
    ("utc", "label"),
    [("2027-03-31T14:59:59Z", "令和8年度"), ("2027-03-31T15:00:00Z", "令和9年度")],  # 4/1 00:00 JST
)
def test_the_review_year_turns_at_midnight_in_tokyo_not_utc(client, staff_a, utc, label):
    with time_machine.travel(utc, tick=False):
        client.force_login(staff_a)
        body = client.get(reverse("reviews:list")).content.decode()
    assert f"{label}の効果測定（年度末）" in body


@pytest.mark.parametrize("fy", ["abc", "99999", "0", "-3", "1800"])
def test_any_fiscal_year_in_the_address_gives_a_page(client, admin, fy):
    client.force_login(admin)
    for name in ("reviews:list", "reviews:dashboard", "reviews:report_pdf"):
        assert client.get(reverse(name), {"fy": fy}).status_code == 200


def test_a_review_for_a_future_year_is_refused(client, account_a, staff_a):
    client.force_login(staff_a)
    response = client.post(reverse("reviews:start", args=[account_a.pk, 2099]), follow=True)
    assert "今年度までの年度について作成できます" in response.content.decode()
    assert not YearEndReview.objects.exists()


@pytest.mark.parametrize(
    ("opens", "today", "is_open"),
    [
        (10, date(2026, 9, 30), False),
        (10, date(2026, 10, 1), True),
        (10, date(2027, 1, 15), True),  # the window wraps the calendar year
        (10, date(2027, 3, 31), True),
        (10, date(2027, 4, 1), False),
        (4, date(2026, 4, 1), True),  # all year
        (4, date(2027, 3, 31), True),
        (1, date(2026, 12, 31), False),
        (1, date(2027, 1, 1), True),
        (12, date(2026, 11, 30), False),
        (12, date(2026, 12, 1), True),
    ],
)
def test_the_review_window_runs_from_the_configured_month_to_the_end_of_the_year(settings, opens, today, is_open):
    """G-4-5-ア: REVIEW_OPENS_MONTH works for every month, not only January–March."""
    settings.REVIEW_OPENS_MONTH = opens
    assert reviews_open(today) is is_open


def test_the_list_says_when_reviews_open_and_is_reachable_from_the_dashboard(client, staff_a, settings, account_a):
    settings.REVIEW_OPENS_MONTH = 3
    client.force_login(staff_a)
    with time_machine.travel("2026-11-25 10:00 +0900", tick=False):
        dashboard = client.get(reverse("reviews:dashboard")).content.decode()
        assert reverse("reviews:list") in dashboard
        body = client.get(reverse("reviews:list")).content.decode()
        assert "今年度の効果測定は3月から作成できます。" in body and "作成する" not in body
        past = client.get(reverse("reviews:list"), {"fy": 2025}).content.decode()
        assert "過去の年度の一覧です（閲覧のみ）" in past and "作成する" not in past
    with time_machine.travel("2027-03-02 10:00 +0900", tick=False):
        client.force_login(staff_a)  # months later: a new session
        body = client.get(reverse("reviews:list")).content.decode()
        assert "から作成できます" not in body and "作成する" in body


@time_machine.travel("2026-04-01 09:00 +0900", tick=False)
def test_a_plan_with_a_notice_shorter_than_the_impact_suggests_records_why(
    client, account_a, staff_a, head_a, pr_account
):
    """G-4-5-ウ: 1,200 followers suggest 60 days; a 3-day plan needs its reason, shown on the plan."""
    review = signed_review(account_a, staff_a, head_a, pr_account)
    short = {"notice_starts_on": date(2026, 4, 10), "notice_ends_on": date(2026, 4, 13)}
    with pytest.raises(TransitionError, match="目安（60日）より短い"):
        services.suspension_plan_create(review_id=review.pk, actor=head_a, reason="集約のため", **short)
    plan = services.suspension_plan_create(
        review_id=review.pk, actor=head_a, reason="集約のため", short_notice_reason="年度内に集約を終えるため", **short
    )
    client.force_login(head_a)
    page = client.get(reverse("reviews:plan", args=[plan.pk])).content.decode()
    assert "事前周知の期間が影響度の目安より短い計画です" in page and "年度内に集約を終えるため" in page
    assert "狛江市（X @komae_city）（https://x.com/komae_city）" in page  # the 誘導先, with SNS and handle
    services.suspension_plan_publish(plan_id=plan.pk, actor=head_a)
    account_a.refresh_from_db()
    assert account_a.notice_short_reason == "年度内に集約を終えるため"


def test_the_review_speaks_of_the_platforms_followers_with_thousands_separators(client, dept_a, head_a, staff_a):
    """LINE counts 友だち: the form and the signed review say so, and 2,600 reads as 2,600."""
    line = AccountFactory(department=dept_a, manager=head_a, handle="komae_line", platform=platform("line"))
    review = services.review_start(account_id=line.pk, actor=staff_a, fiscal_year=2025)
    client.force_login(staff_a)
    form = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert "年度初めの友だち数" in form and "年度末の友だち数" in form
    assert "フォロワー数" not in form
    services.review_update(
        review_id=review.pk,
        actor=staff_a,
        fields={**complete_review(), "followers_start": 2600, "followers_end": 12700, "posts": 1500},
    )
    services.review_sign_off(review_id=review.pk, actor=head_a)
    page = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert "友だち数（年度初め→年度末）" in page
    assert "2,600 → 12,700" in page and "1,500" in page


def test_the_year_end_dashboard_shows_each_stopped_accounts_last_check(client, admin, account_a, pr_account):
    """G-4-5-エ: stopped accounts are kept and checked; the dashboard says when and what was found."""
    OfficialAccount.objects.filter(pk=account_a.pk).update(
        status=AccountStatus.SUSPENDED, suspended_on=date(2026, 3, 31)
    )
    status.status_check_record(
        account_id=account_a.pk,
        state=checks.ProfileState(reachable=False, error="確認できず：APIの設定がありません", adapter="x：API v2"),
    )
    client.force_login(admin)
    page = client.get(reverse("reviews:dashboard")).content.decode()
    section = page[page.index("運用停止アカウントの状態確認") :]
    assert "こまえ子ども（X @komae_kodomo）" in section and "令和8年3月31日" in section
    assert "確認できず：確認できず：APIの設定がありません" not in section
    assert "確認できず：APIの設定がありません" in section
    assert "狛江市（X @komae_city）" not in section  # 運用中: not listed here
