"""What keyboard and screen-reader users meet on every form (issue 12; JIS X 8341-3 AA, WCAG 2.x).

A refused form comes back with what was typed, a summary of its problems at the top (each a link to
its field, focused when the page opens), the title starting with 「エラー：」, each field marked invalid
and described by its error (3.3.1, 3.3.3, 4.1.2); the 「*」 is explained (3.3.2); titles name the
account by SNS and handle and a request by its number (2.4.2).
"""

import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountStatus, FollowerSnapshot
from approvals import services as approvals
from approvals.models import AccountRequest, RequestComment, RequestStatus, Vote
from core.dates import to_wareki
from core.forms import FORMAT_HELP
from policies import services as policies
from reviews import services as reviews
from reviews.models import YearEndReview
from tests.factories import AccountFactory, complete_request_fields
from tests.reviews.test_reviews import signed_review

pytestmark = pytest.mark.django_db


class _Page(HTMLParser):
    """The parts of a page a screen reader gives: the title, every element's attributes by id, the
    error summary's links (text and target) and the text of elements by id."""

    def __init__(self, html: str):
        super().__init__()
        self.title, self.by_id, self.inputs, self.summary_links = "", {}, [], []
        self._in_title, self._summary_depth, self._link, self._open = False, 0, None, []
        self.text_by_id: dict[str, str] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if "id" in attrs:
            self.by_id[attrs["id"]] = {"tag": tag, **attrs}
        if tag in ("input", "textarea", "select"):
            self.inputs.append({"tag": tag, **attrs})
        if tag == "title":
            self._in_title = True
        if tag == "div" and "data-error-summary" in attrs:
            self._summary_depth = 1
        elif tag == "div" and self._summary_depth:
            self._summary_depth += 1
        if tag == "a" and self._summary_depth:
            self._link = [attrs.get("href", ""), ""]
        if tag not in ("input", "br", "meta", "link", "img"):
            self._open.append(attrs.get("id"))
            if attrs.get("id"):
                self.text_by_id[attrs["id"]] = ""

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag == "div" and self._summary_depth:
            self._summary_depth -= 1
        if tag == "a" and self._link is not None:
            self.summary_links.append((self._link[1].strip(), self._link[0]))
            self._link = None
        if tag not in ("input", "br", "meta", "link", "img") and self._open:
            self._open.pop()

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._link is not None:
            self._link[1] += data
        for element_id in self._open:
            if element_id:
                self.text_by_id[element_id] += data

    @property
    def summary(self) -> dict:
        return self.by_id.get("error-summary", {})

    def summary_heading(self) -> str:
        return self.text_by_id.get("error-summary-title", "").strip()

    def fields(self, name: str) -> list[dict]:
        return [i for i in self.inputs if i.get("name") == name]

    def described_by(self, element: dict) -> list[str]:
        return [self.text_by_id.get(i, "").strip() for i in element.get("aria-describedby", "").split()]


def _page(response) -> _Page:
    return _Page(response.content.decode())


def _textarea(response, name: str) -> str:
    match = re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', response.content.decode(), re.S)
    return match.group(1) if match else ""


def _assert_refused_page(page: _Page, count: int | None = None) -> None:
    """The summary is there, focusable and announced; the title says エラー."""
    assert page.title.startswith("エラー："), page.title
    assert page.summary["tabindex"] == "-1" and page.summary["role"] == "alert"
    assert "data-error-summary" in page.summary
    heading = page.summary_heading()
    assert re.fullmatch(r".+（\d+件）", heading), heading
    if count is not None:
        assert heading.endswith(f"（{count}件）"), heading


@pytest.fixture
def draft(staff_a):
    return approvals.request_create(actor=staff_a, fields={"title": "子育てLINE"})


@pytest.fixture
def submitted(staff_a, head_a):
    obj = approvals.request_create(actor=staff_a, fields=complete_request_fields(head_a))
    return approvals.request_submit(request_id=obj.pk, actor=head_a)


# --- 1. the error summary ------------------------------------------------------------------------


def test_a_submission_lacking_items_lists_each_one_as_a_link_to_its_field(client, draft, head_a):
    missing = approvals.request_missing(draft)
    client.force_login(head_a)
    response = client.post(reverse("approvals:edit", args=[draft.pk]), {"title": "子育てLINE", "submit": "1"})
    assert response.status_code == 200
    page = _page(response)
    _assert_refused_page(page, count=len(missing))
    assert page.title.startswith("エラー：申請の編集：")
    hrefs = [href for _, href in page.summary_links]
    assert len(hrefs) == len(missing)
    # A text box by its id; a radio or checkbox group by its first input.
    assert "#id_title" not in hrefs and "#id_desired_handle" in hrefs
    assert "#id_reuse_fits_0" in hrefs and "#id_content_categories_0" in hrefs
    for href in hrefs:
        assert href.lstrip("#") in page.by_id, f"{href} leads nowhere"
    text = dict((href, label) for label, href in page.summary_links)
    assert text["#id_desired_handle"] == "提出するには「希望するユーザー名」が必要です。"
    # Each radio of a group is invalid and described by the group's error.
    for radio in page.fields("reuse_fits"):
        assert radio["aria-invalid"] == "true"
        assert "提出するには「(ア) 既存の公式アカウントでの情報集約になじむか」が必要です。" in page.described_by(radio)
    assert "js/error-summary.js" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == RequestStatus.DRAFT


def test_a_clerk_asked_to_complete_the_draft_sees_what_is_missing_on_the_fields(client, draft, staff_a):
    missing = approvals.request_missing(draft)
    client.force_login(staff_a)
    response = client.post(reverse("approvals:ask_submission", args=[draft.pk]))
    assert response.url == reverse("approvals:edit", args=[draft.pk]) + "?check=1"
    response = client.get(response.url)
    page = _page(response)
    _assert_refused_page(page, count=len(missing))
    assert page.by_id["id_purpose"]["aria-invalid"] == "true"
    assert page.by_id["id_title"].get("aria-invalid") is None  # it is filled in
    assert _textarea(response, "purpose") == ""
    assert f"提出を依頼する前に、次の{len(missing)}項目を入力してください。" in response.content.decode()


def test_the_confirmation_links_each_missing_item_to_the_edit_form(client, draft, head_a):
    client.force_login(head_a)
    page = _page(client.get(reverse("approvals:submit", args=[draft.pk])))
    edit = reverse("approvals:edit", args=[draft.pk]) + "?check=1"
    assert page.summary_heading().startswith("提出するには、次の項目を直してください")
    assert (f"{edit}#id_reuse_fits_0") in [href for _, href in page.summary_links]
    assert all(href.startswith(f"{edit}#id_") for _, href in page.summary_links)


def test_a_handle_taken_meanwhile_is_listed_on_the_confirmation(client, staff_a, head_a, dept_b, head_b):
    obj = approvals.request_create(actor=staff_a, fields=complete_request_fields(head_a))
    AccountFactory(department=dept_b, manager=head_b, handle="komae_kids_line", platform=obj.platform)
    client.force_login(head_a)
    response = client.post(reverse("approvals:submit", args=[obj.pk]))
    page = _page(response)
    _assert_refused_page(page, count=1)
    edit = reverse("approvals:edit", args=[obj.pk]) + "?check=1"
    [(text, href)] = page.summary_links
    assert href == f"{edit}#id_desired_handle" and "既に公式アカウントとして登録されています" in text
    assert "提出する</button>" not in response.content.decode()
    obj.refresh_from_db()
    assert obj.status == RequestStatus.DRAFT


def test_the_year_end_review_lists_what_the_sign_off_lacks(client, account_a, staff_a, head_a):
    review = reviews.review_start(account_id=account_a.pk, actor=staff_a, fiscal_year=2025)
    client.force_login(head_a)
    data = {"followers_start": "1000", "followers_end": "1200", "posts": "150", "sign": "1"}
    response = client.post(reverse("reviews:detail", args=[review.pk]), data)
    page = _page(response)
    missing = reviews.review_missing(YearEndReview.objects.get(pk=review.pk))
    _assert_refused_page(page, count=len(missing))
    assert "#id_effect_0" in [href for _, href in page.summary_links]
    body = response.content.decode()
    assert "赤字" not in body
    assert f"確認するには、次の{len(missing)}項目を入力してください。" in body
    assert page.by_id["id_posts"]["value"] == "150"


def _policy_draft(account, actor):
    policies.policy_draft_start(account_id=account.pk, actor=actor)
    return account


@pytest.mark.parametrize(
    ("person", "url", "data", "first_link"),
    [
        ("staff_a", lambda w: reverse("accounts:create"), {}, "#id_platform"),
        ("head_a", lambda w: reverse("accounts:edit", args=[w["account"].pk]), {"handle": "@"}, "#id_platform"),
        ("head_a", lambda w: reverse("monitoring:incident_new", args=[w["account"].pk]), {}, "#id_kind"),
        ("head_a", lambda w: reverse("policies:issue", args=[w["policy"].pk]), {}, "#id_issued_on"),
        (
            "head_a",
            lambda w: reverse("policies:draft", args=[w["policy"].pk]),
            {"title": "", "articles-TOTAL_FORMS": "1", "articles-INITIAL_FORMS": "0"},
            "#id_title",
        ),
        (
            "head_a",
            lambda w: reverse("accounts:transition", args=[w["account"].pk, "announce_suspension"]),
            {},
            "#id_reason",
        ),
        ("head_a", lambda w: reverse("reviews:plan_create", args=[w["review"].pk]), {}, "#id_reason"),
        ("staff_a", lambda w: reverse("screening:screen"), {"check": "1"}, "#id_account"),
        ("staff_a", lambda w: reverse("password_change"), {}, "#id_old_password"),
        ("chair", lambda w: reverse("approvals:decide", args=[w["request"].pk]), {}, "#id_decision_0"),
        ("staff_a", lambda w: reverse("approvals:create"), None, "#id_field"),
        ("admin", lambda w: reverse("platforms:credential_register"), {}, "#id_platform"),
    ],
    ids=[
        "account-create",
        "account-edit",
        "incident",
        "policy-issue",
        "policy-draft",
        "transition",
        "plan",
        "screening",
        "password",
        "decide",
        "request-start",
        "api-token",
    ],
)
def test_every_form_page_answers_a_refusal_with_the_summary(
    request, client, account_a, head_a, staff_a, pr_account, submitted, person, url, data, first_link
):
    world = {
        "account": account_a,
        "policy": _policy_draft(account_a, head_a),
        "review": signed_review(account_a, staff_a, head_a, pr_account),
        "request": submitted,
    }
    client.force_login(request.getfixturevalue(person))
    if data is None:  # the request's first step is a GET form
        response = client.get(url(world), {"field": "x"})
    else:  # a browser always sends the CSRF token: the form is bound even when every box is empty
        response = client.post(url(world), {"csrfmiddlewaretoken": "-", **data})
    assert response.status_code == 200
    page = _page(response)
    _assert_refused_page(page)
    assert page.summary_links[0][1] == first_link
    for _, href in page.summary_links:
        assert href.lstrip("#") in page.by_id, f"{href} leads nowhere"


def test_a_formset_names_the_article_of_each_problem(client, account_a, head_a):
    _policy_draft(account_a, head_a)
    client.force_login(head_a)
    data = {
        "title": "運用ポリシー",
        "articles-TOTAL_FORMS": "2",
        "articles-INITIAL_FORMS": "0",
        "articles-0-heading": "目的",
        "articles-1-heading": "x" * 300,
    }
    page = _page(client.post(reverse("policies:draft", args=[account_a.pk]), data))
    _assert_refused_page(page, count=1)
    [(text, href)] = page.summary_links
    assert href == "#id_articles-1-heading" and text.startswith("第2条の見出し：")


def test_a_problem_of_the_whole_form_is_said_once_in_the_summary(client, account_a, head_a):
    """A state refusal (TransitionError) is listed in the summary, not again inside the form."""
    other = account_a.__class__.objects.get(pk=account_a.pk)
    other.status = AccountStatus.NOTICE
    other.notice_starts_on, other.notice_ends_on = date(2026, 4, 1), date(2099, 1, 1)
    other.save()
    client.force_login(head_a)
    response = client.post(reverse("accounts:transition", args=[account_a.pk, "suspend"]), {"comment": ""})
    page = _page(response)
    _assert_refused_page(page, count=1)
    body = response.content.decode()
    message = re.search(r'id="error-summary-title">[^<]*</h2>\s*<ul class="mb-0"><li>([^<]+)</li>', body).group(1)
    assert body.count(message) == 1


def test_a_notice_shorter_than_its_guide_is_refused_beside_the_reason_field(client, account_a, head_a, pr_account):
    """Issue 20 #12: the short-notice refusal was only in the summary, as text; the start date the page
    had filled in (today) came back as 2026-12-03 although the clerk works in 和暦."""
    client.force_login(head_a)
    url = reverse("accounts:transition", args=[account_a.pk, "announce_suspension"])
    today = timezone.localdate()
    form = _page(client.get(url))
    assert form.by_id["id_notice_starts_on"]["value"] == to_wareki(today)
    ends = today + timedelta(days=3)
    typed_end = f"R{ends.year - 2018}.{ends.month}.{ends.day}"
    data = {
        "reason": "集約のため",
        "notice_starts_on": form.by_id["id_notice_starts_on"]["value"],
        "notice_ends_on": typed_end,
        "successor": str(pr_account.pk),
    }
    page = _page(client.post(url, data))
    _assert_refused_page(page, count=1)
    [(text, href)] = page.summary_links
    assert href == "#id_short_notice_reason"
    assert text.startswith("目安より短い周知期間にする理由：事前周知の期間（3日）が影響度の目安（30日）より短い")
    reason = page.by_id["id_short_notice_reason"]
    assert reason["aria-invalid"] == "true"
    assert any("短くする理由を入力してください" in d for d in page.described_by(reason))
    # The dates as sent: the start in 和暦 as the page wrote it, the end as typed; each read beside it.
    assert page.by_id["id_notice_starts_on"]["value"] == to_wareki(today)
    assert page.by_id["id_notice_ends_on"]["value"] == typed_end
    assert page.text_by_id["id_notice_ends_on_preview"].startswith(to_wareki(ends))
    account_a.refresh_from_db()
    assert account_a.status == AccountStatus.ACTIVE


def test_a_page_without_errors_has_no_summary_and_a_plain_title(client, account_a, head_a):
    client.force_login(head_a)
    for url in (reverse("accounts:create"), reverse("accounts:detail", args=[account_a.pk]), reverse("login")):
        page = _page(client.get(url))
        assert not page.summary and not page.title.startswith("エラー：")


# --- 2. refused forms come back with what was typed ------------------------------------------------


def test_a_vote_without_a_choice_keeps_the_opinion_and_marks_the_choice(client, submitted, member):
    client.force_login(member)
    response = client.post(reverse("approvals:vote", args=[submitted.pk]), {"comment": "根拠の補足を求めます。"})
    assert response.status_code == 200
    page = _page(response)
    _assert_refused_page(page, count=1)
    assert page.summary_links == [("賛否：賛成・反対・保留のいずれかを選んでください。", "#id_choice_0")]
    assert _textarea(response, "comment") == "根拠の補足を求めます。"
    radios = page.fields("choice")
    assert len(radios) == 3
    for radio in radios:
        assert radio["aria-invalid"] == "true"
        assert page.described_by(radio) == ["賛成・反対・保留のいずれかを選んでください。"]
    assert not Vote.objects.exists()


def test_an_empty_comment_comes_back_to_its_field(client, submitted, member):
    client.force_login(member)
    response = client.post(reverse("approvals:comment", args=[submitted.pk]), {"body": "  "})
    page = _page(response)
    _assert_refused_page(page, count=1)
    assert page.summary_links[0][1] == "#id_body"
    assert page.by_id["id_body"]["aria-invalid"] == "true"
    assert not RequestComment.objects.exists()


def test_a_vote_is_still_recorded_and_redirected(client, submitted, member):
    client.force_login(member)
    response = client.post(reverse("approvals:vote", args=[submitted.pk]), {"choice": "for", "comment": "妥当"})
    assert response.status_code == 302
    assert Vote.objects.get().comment == "妥当"


def test_an_unreadable_date_keeps_the_follower_count(client, account_a, head_a):
    client.force_login(head_a)
    url = reverse("accounts:followers", args=[account_a.pk])
    response = client.post(url, {"recorded_on": "4月1日ごろ", "count": "1234"})
    assert response.status_code == 200
    page = _page(response)
    _assert_refused_page(page, count=1)
    assert page.title == "エラー：こまえ子ども（X @komae_kodomo） | 狛江市 公式SNSアカウント管理"
    [(text, href)] = page.summary_links
    assert href == "#id_recorded_on" and text.startswith("記録日：日付として読み取れません。")
    assert page.by_id["id_count"]["value"] == "1234"
    date_box = page.by_id["id_recorded_on"]
    assert date_box["value"] == "4月1日ごろ"
    assert date_box["aria-invalid"] == "true" and "is-invalid" in date_box["class"]
    assert "id_recorded_on_error" in date_box["aria-describedby"].split()
    assert not FollowerSnapshot.objects.exists()


def test_a_follower_count_is_still_recorded_and_redirected(client, account_a, head_a):
    client.force_login(head_a)
    url = reverse("accounts:followers", args=[account_a.pk])
    response = client.post(url, {"recorded_on": "R8.4.1", "count": "1234"})
    assert response.status_code == 302
    assert FollowerSnapshot.objects.get().count == 1234


@pytest.mark.parametrize(
    ("review_first", "decision", "message"),
    [(True, "reject", "否認の理由を入力してください。"), (False, "approve", "委員長特認の理由を入力してください。")],
)
def test_a_decision_without_its_reason_is_marked_on_the_reason(
    client, submitted, member, chair, review_first, decision, message
):
    if review_first:
        approvals.request_vote(request_id=submitted.pk, actor=member, choice="for")
    status = AccountRequest.objects.get().status
    client.force_login(chair)
    response = client.post(reverse("approvals:decide", args=[submitted.pk]), {"decision": decision, "reason": " "})
    assert response.status_code == 200
    page = _page(response)
    _assert_refused_page(page, count=1)
    assert page.summary_links == [(f"理由・コメント：{message}", "#id_reason")]
    reason = page.by_id["id_reason"]
    assert reason["aria-invalid"] == "true"
    assert message in page.described_by(reason)
    assert "checked" in next(r for r in page.fields("decision") if r["value"] == decision)
    assert AccountRequest.objects.get().status == status


# --- 3. signing in --------------------------------------------------------------------------------


def test_a_failed_sign_in_is_announced_and_focused(client, head_a):
    response = client.post(reverse("login"), {"username": "head_a", "password": "wrong"})
    page = _page(response)
    assert page.title == "エラー：ログイン | 狛江市 公式SNSアカウント管理"
    assert page.summary["role"] == "alert" and page.summary["tabindex"] == "-1"
    assert page.summary_heading() == "ログインできませんでした（1件）"
    assert "ユーザー名またはパスワードが正しくありません。" in page.text_by_id["error-summary"]
    assert page.by_id["id_username"]["value"] == "head_a"


def test_an_empty_sign_in_links_to_the_boxes(client):
    page = _page(client.post(reverse("login"), {"username": "", "password": ""}))
    assert [href for _, href in page.summary_links] == ["#id_username", "#id_password"]


# --- 4. date fields ---------------------------------------------------------------------------------


def test_every_date_box_says_the_formats_it_takes(client, account_a, head_a, staff_a, pr_account):
    _policy_draft(account_a, head_a)
    review = signed_review(account_a, staff_a, head_a, pr_account)
    client.force_login(head_a)
    pages = {
        reverse("accounts:detail", args=[account_a.pk]): ["recorded_on"],
        reverse("accounts:create"): ["password_changed_on"],
        reverse("accounts:transition", args=[account_a.pk, "announce_suspension"]): [
            "notice_starts_on",
            "notice_ends_on",
        ],
        reverse("policies:issue", args=[account_a.pk]): ["issued_on"],
        reverse("reviews:plan_create", args=[review.pk]): ["notice_starts_on", "notice_ends_on"],
    }
    for url, names in pages.items():
        page = _page(client.get(url))
        for name in names:
            box = page.by_id[f"id_{name}"]
            described = page.described_by(box)
            assert any(FORMAT_HELP in text for text in described), (url, name, described)
            preview = page.by_id[f"id_{name}_preview"]
            assert preview["aria-live"] == "polite"
            assert f"id_{name}_preview" in box["aria-describedby"].split()
            assert box["data-date-min"] == "2000-01-01" and box["data-date-max"] == "2100-12-31"


def test_a_date_field_keeps_its_own_help_and_the_formats(client, head_a):
    client.force_login(head_a)
    page = _page(client.get(reverse("accounts:create")))
    [help_text] = [t for t in page.described_by(page.by_id["id_password_changed_on"]) if FORMAT_HELP in t]
    assert help_text.startswith("パスワードそのものは入力・保存しません（運用ポリシー第４条）。")
    assert page.by_id["id_password_changed_on"]["data-date-past-only"] == "true"


def test_a_date_box_shows_its_date_in_wareki_and_seireki(client, account_a, head_a):
    client.force_login(head_a)
    page = _page(client.get(reverse("accounts:detail", args=[account_a.pk])))
    today = timezone.localdate()
    expected = f"{to_wareki(today)}（{today.year}年{today.month}月{today.day}日）"
    assert page.text_by_id["id_recorded_on_preview"].strip() == expected
    assert "js/date-preview.js" in client.get(reverse("accounts:create")).content.decode()


# --- 5. the required mark -----------------------------------------------------------------------


def test_the_required_mark_is_explained_once_per_form(client, account_a, admin):
    client.force_login(admin)
    body = client.get(reverse("accounts:create")).content.decode()
    assert body.count("* は必須項目です。") == 1
    # 閉鎖 asks only an optional comment: no mark, no note.
    account_a.__class__.objects.filter(pk=account_a.pk).update(status=AccountStatus.SUSPENDED)
    body = client.get(reverse("accounts:transition", args=[account_a.pk, "close"])).content.decode()
    assert "閉鎖" in body and "* は必須項目です。" not in body


# --- 6. page titles -------------------------------------------------------------------------------


def _title(client, url) -> str:
    return _page(client.get(url)).title


def test_account_pages_name_the_sns_and_the_handle(client, account_a, pr_account, head_a, staff_a, admin):
    client.force_login(admin)
    assert _title(client, reverse("accounts:detail", args=[pr_account.pk])).startswith("狛江市（X @komae_city） |")
    policies.policy_draft_start(account_id=account_a.pk, actor=head_a)
    version = policies.policy_issue(account_id=account_a.pk, actor=head_a, issued_on=date(2026, 4, 1))
    label = account_a.label
    assert label == "こまえ子ども（X @komae_kodomo）"
    for url, start in (
        (reverse("policies:overview", args=[account_a.pk]), f"運用ポリシー：{label}"),
        (reverse("policies:draft", args=[account_a.pk]), f"運用ポリシー案の編集：{label}"),
        (reverse("policies:issue", args=[account_a.pk]), f"運用ポリシーの改正：{label}"),
        (reverse("policies:version", args=[account_a.pk, version.number]), f"{version.title} 第1版：{label}"),
        (reverse("monitoring:incident_new", args=[account_a.pk]), f"インシデントの起票：{label}"),
        (reverse("accounts:edit", args=[account_a.pk]), f"{label}の編集"),
    ):
        assert _title(client, url).startswith(f"{start} |"), url
    review = signed_review(account_a, staff_a, head_a, pr_account)
    assert label in _title(client, reverse("reviews:detail", args=[review.pk]))
    assert _title(client, reverse("reviews:plan_create", args=[review.pk])).startswith(f"運用停止の計画：{label}")
    plan = reviews.suspension_plan_create(
        review_id=review.pk, actor=head_a, reason="集約のため", notice_starts_on=timezone.localdate()
    )
    assert _title(client, reverse("reviews:plan", args=[plan.pk])).startswith(f"運用停止の計画：{label} |")


def test_each_filtered_account_list_has_a_title_of_its_own(client, admin, account_a):
    """Issue 20 #13: the dashboard's links to 運用停止, 停止予告中 … all opened pages titled 「公式アカウント」."""
    client.force_login(admin)
    url = reverse("accounts:list")
    assert _title(client, url).startswith("公式アカウント |")
    assert _title(client, url + "?status=suspended").startswith("公式アカウント：運用停止 |")
    assert _title(client, url + "?status=notice&platform=x&q=子ども").startswith(
        "公式アカウント：停止予告中・X・「子ども」を含む |"
    )
    assert '<h1 class="h3 m-0">公式アカウント<span class="fs-5">：運用停止</span></h1>' in (
        client.get(url + "?status=suspended").content.decode()
    )


def test_the_request_edit_page_names_the_request(client, submitted, member, chair, head_a):
    approvals.request_vote(request_id=submitted.pk, actor=member, choice="for")
    approvals.request_decide(request_id=submitted.pk, actor=chair, decision="return", reason="補足を")
    submitted.refresh_from_db()
    client.force_login(head_a)
    page = _page(client.get(reverse("approvals:edit", args=[submitted.pk])))
    assert page.title.startswith(f"申請の編集：{submitted.reference} 子育て情報LINEアカウントの開設 |")
    assert submitted.reference.startswith("令和")


def test_every_crispy_form_page_has_the_error_summary(settings):
    """templates/bootstrap5/errors.html leaves a form's own errors to the summary: no page may lack it."""
    templates = settings.BASE_DIR / "templates"
    for path in templates.rglob("*.html"):
        if path.is_relative_to(templates / "bootstrap5"):
            continue
        text = path.read_text(encoding="utf-8")
        if "|crispy" in text or "as_crispy_field" in text:
            assert "{% error_summary " in text, f"{path.relative_to(templates)} renders a form without the summary"
