"""The 年度末 review shows how the account's posts stood against their 決裁 (issue 25; G-4-3-ア: the
管理者's 「定期的に発言内容を確認」 as a figure)."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from archive import matching
from reviews import services
from screening import drafts
from tests.archive.kept import when
from tests.archive.test_matching import _post

pytestmark = pytest.mark.django_db


def test_the_review_counts_posts_with_approval_confirmed_afterwards_and_never_confirmed(
    client, account_a, staff_a, head_a
):
    now = timezone.now()
    _post(account_a, "early", "決裁を始める前の投稿", when(2026, 5, 1))
    _post(account_a, "last-year", "前年度の投稿", when(2026, 3, 1))
    draft = drafts.draft_submit(account_id=account_a.pk, actor=staff_a, text="市民まつり", planned_at=now)
    drafts.draft_decide(draft_id=draft.pk, actor=head_a, approve=True)
    _post(account_a, "1", "市民まつり", now + timedelta(minutes=1))
    after = _post(account_a, "2", "緊急：断水のお知らせ", now + timedelta(minutes=2))
    _post(account_a, "3", "心当たりのない投稿", now + timedelta(minutes=3))
    matching.match_account(account_a.pk)
    matching.post_confirm(post_id=after.pk, actor=head_a, reason="災害対応のため決裁前に投稿")
    review = services.review_start(account_id=account_a.pk, actor=staff_a, fiscal_year=2026)
    client.force_login(head_a)
    page = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    figures = page.split("data-approval-figures", 1)[1].split("</section>", 1)[0]
    assert 'data-figure="approved">1件' in figures
    assert 'data-figure="after">1件' in figures
    assert 'data-figure="unconfirmed">1件' in figures
    assert 'data-figure="before">1件' in figures  # the post of 2025年度 is not this year's
    dashboard = client.get(reverse("reviews:dashboard"), {"fy": 2026}).content.decode()
    row = dashboard.split(f'data-approval-row="{account_a.pk}">', 1)[1].split("</td>", 1)[0]
    assert row == "決裁・確認済み 1件<br>事後確認 1件<br>未確認 1件"
    # The committee's report of the 年度 prints the same figures.
    report = client.get(reverse("reviews:report_pdf"), {"fy": 2026})
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(report.content)).pages)
    assert "投稿の決裁と事後の確認" in text
    line = " ".join(text.split(account_a.display_name, 2)[-1].split()[:8])
    assert "1件 1件 1件 1件" in line, line
