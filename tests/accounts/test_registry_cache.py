"""The public registry under a rush (issue 12): kept in the cache until it changes, 304 on revalidation,
never a signed-in person's page shared (accounts/registry_cache.py)."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import MessageEncoder
from django.db import transaction
from django.test import Client
from django.utils import timezone

from accounts import registry_cache, services
from accounts.models import AccountStatus, OfficialAccount, Platform
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

LIST, JSON, CSV = "/registry/", "/registry/accounts.json", "/registry/accounts.csv"
VERIFY = "/registry/verify?q=@komae_kodomo"
PUBLIC_URLS = [LIST, VERIFY, JSON, CSV]


def _get(client, url, **headers):
    return client.get(url, headers=headers)


def _body(response) -> str:
    return response.content.decode("utf-8-sig")


# Every answer the public gets: the four URLs, and the lookup's JSON beside its HTML.
ANSWERS = [(url, {}) for url in PUBLIC_URLS] + [(VERIFY, {"accept": "application/json"})]


def _everything(client) -> list[tuple[str, str]]:
    """(ETag, body) of every answer."""
    return [(r["ETag"], _body(r)) for r in (_get(client, url, **headers) for url, headers in ANSWERS)]


@pytest.fixture
def suspended_b(dept_b, head_b, pr_account):
    """A stopped account that sends its followers to the PR account (its successor)."""
    return AccountFactory(
        department=dept_b,
        manager=head_b,
        handle="komae_gomi",
        display_name="狛江市ごみ分別",
        status=AccountStatus.SUSPENDED,
        suspension_reason="市公式アカウントに集約したため",
        successor=pr_account,
    )


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_each_public_url_answers_304_to_if_none_match_and_if_modified_since(client, account_a, url):
    first = _get(client, url)
    assert first.status_code == 200
    etag, last_modified = first["ETag"], first["Last-Modified"]
    cache_control = {v.strip() for v in first["Cache-Control"].split(",")}
    assert {"public", "max-age=0", "must-revalidate"} <= cache_control
    again = _get(client, url, if_none_match=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert _get(client, url, if_modified_since=last_modified).status_code == 304
    # Another validator, or an older date, gets the whole answer again.
    assert _get(client, url, if_none_match='"something-else"').status_code == 200
    assert _get(client, url, if_modified_since="Mon, 01 Jan 2024 00:00:00 GMT").status_code == 200
    assert _get(client, url, if_none_match='"something-else"', if_modified_since=last_modified).status_code == 200


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_kept_answer_is_served_without_sql(client, account_a, url, django_assert_num_queries):
    first = _get(client, url)
    with django_assert_num_queries(0):
        second = _get(client, url)
    assert (second.status_code, second.content, second["ETag"]) == (200, first.content, first["ETag"])


def _edit_display_name(account_a, head_a, **_):
    services.account_update(account_id=account_a.pk, actor=head_a, fields={"display_name": "こまえ子ども応援団"})
    return "こまえ子ども応援団"


def _approve_a_clerks_change(account_a, head_a, staff_a, **_):
    change = services.account_update(
        account_id=account_a.pk, actor=staff_a, fields={"display_name": "こまえキッズ"}
    ).proposal
    services.public_change_decide(change_id=change.pk, actor=head_a, approve=True)
    return "こまえキッズ"


def _announce_and_suspend(account_a, head_a, admin, pr_account, **_):
    today = timezone.localdate()
    services.account_announce_suspension(
        account_id=account_a.pk,
        actor=head_a,
        reason="情報を市公式アカウントに集約するため",
        notice_starts_on=today,
        notice_ends_on=today + timedelta(days=1),
        successor_id=pr_account.pk,
        short_notice_reason="乗っ取りの恐れがあるため",
    )
    services.account_suspend(account_id=account_a.pk, actor=admin, comment="なりすまし対応のため緊急停止")
    return "情報を市公式アカウントに集約するため"


def _queryset_update(account_a, **_):
    OfficialAccount.objects.filter(pk=account_a.pk).update(display_name="一括で直した名前")
    return "一括で直した名前"


@pytest.mark.parametrize(
    "change", [_edit_display_name, _approve_a_clerks_change, _announce_and_suspend, _queryset_update]
)
def test_a_public_change_renews_every_answer(
    client, account_a, head_a, staff_a, admin, pr_account, change, django_capture_on_commit_callbacks
):
    before = _everything(client)
    with django_capture_on_commit_callbacks(execute=True):
        shown = change(account_a=account_a, head_a=head_a, staff_a=staff_a, admin=admin, pr_account=pr_account)
    after = _everything(client)
    for (url, headers), (old_etag, old_body), (etag, body) in zip(ANSWERS, before, after, strict=True):
        assert etag != old_etag, url
        assert shown in body and shown not in old_body, url
        # A browser revalidating what it had gets the new answer, not 304.
        assert _get(client, url, if_none_match=old_etag, **headers).status_code == 200


def test_a_change_waiting_for_the_section_head_keeps_the_public_answer(
    client, account_a, staff_a, django_capture_on_commit_callbacks
):
    before = _everything(client)
    with django_capture_on_commit_callbacks(execute=True):
        services.account_update(account_id=account_a.pk, actor=staff_a, fields={"display_name": "申請中の名前"})
    after = _everything(client)
    assert after == before
    assert _get(client, LIST, if_none_match=before[0][0]).status_code == 304


def test_a_rolled_back_change_renews_nothing(client, account_a, head_a, django_capture_on_commit_callbacks):
    before = registry_cache.generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.account_update(account_id=account_a.pk, actor=head_a, fields={"display_name": "取り消される名前"})
            raise RuntimeError("the request failed after the save")
    assert callbacks == [] and registry_cache.generation() == before
    assert "取り消される名前" not in _body(_get(client, LIST))


def test_a_change_of_a_related_row_renews_the_pages(
    client, dept_b, head_b, pr_account, suspended_b, django_capture_on_commit_callbacks
):
    """What a row shows from other rows: the department's name, the platform's, the successor's label."""
    before = {url: _body(_get(client, url)) for url in (LIST, JSON, CSV)}
    with django_capture_on_commit_callbacks(execute=True):
        dept_b.name = "広報広聴課"
        dept_b.save()
        x = Platform.objects.get(code="x")
        x.name = "エックス"
        x.save()
        services.account_update(account_id=pr_account.pk, actor=head_b, fields={"display_name": "狛江市広報"})
    for url in (LIST, JSON, CSV):
        body = _body(_get(client, url))
        assert "市民生活部広報広聴課" in body and "市民生活部広報広聴課" not in before[url], url
        assert "エックス" in body, url
        assert "狛江市広報（エックス @komae_city）" in body, url  # the stopped account's successor


def test_signed_in_pages_are_never_shared(client, staff_a, head_a, account_a):
    """base.html shows a signed-in person's name and a logout form with a CSRF token."""
    for user, (last, first) in ((staff_a, ("多摩", "花子")), (head_a, ("和泉", "一郎"))):
        user.last_name, user.first_name = last, first
        user.save()
    staff, head = Client(), Client()
    staff.force_login(staff_a)
    head.force_login(head_a)
    for url in (LIST, VERIFY):
        mine = _get(staff, url)
        assert staff_a.display_name in _body(mine) and "csrfmiddlewaretoken" in _body(mine)
        assert "no-store" in mine["Cache-Control"] and "private" in mine["Cache-Control"]
        assert not mine.has_header("ETag")
        anonymous = _get(client, url)
        assert staff_a.display_name not in _body(anonymous) and "csrfmiddlewaretoken" not in _body(anonymous)
        assert "csrftoken" not in anonymous.cookies
        theirs = _get(head, url, if_none_match=anonymous["ETag"])  # the browser had the anonymous page
        assert theirs.status_code == 200
        assert head_a.display_name in _body(theirs) and staff_a.display_name not in _body(theirs)
        assert staff_a.display_name not in _body(_get(client, url))
        for response in (mine, anonymous, theirs):
            assert "Cookie" in [v.strip() for v in response["Vary"].split(",")], url


def test_a_waiting_message_is_shown_to_its_visitor_only(client, account_a):
    session = client.session
    session["_messages"] = MessageEncoder().encode([Message(messages.INFO, "ログアウトしました。")])
    session.save()
    mine = _get(client, LIST)
    assert "ログアウトしました。" in _body(mine) and "no-store" in mine["Cache-Control"]
    assert "ログアウトしました。" not in _body(_get(Client(), LIST))
    assert "ログアウトしました。" not in _body(_get(client, LIST))  # shown once


def test_the_lookup_keeps_html_and_json_apart(client, account_a):
    html = _get(client, VERIFY)
    data = _get(client, VERIFY, accept="application/json")
    html_again = _get(client, VERIFY, accept="text/html,application/xhtml+xml")
    assert html["Content-Type"].startswith("text/html") and html_again["Content-Type"].startswith("text/html")
    assert data["Content-Type"] == "application/json" and json.loads(data.content)["result"] == "official"
    assert html["ETag"] != data["ETag"] and html_again.content == html.content
    # The HTML page's validator does not stand for the JSON answer.
    crossed = _get(client, VERIFY, accept="application/json", if_none_match=html["ETag"])
    assert crossed.status_code == 200 and crossed["Content-Type"] == "application/json"
    for response in (html, data):
        assert "Accept" in [v.strip() for v in response["Vary"].split(",")]


def test_each_query_has_its_own_answer_and_a_long_one_is_not_kept(client, account_a, pr_account):
    kodomo = _body(client.get(LIST, {"q": "子ども"}))
    kankyo = _body(client.get(LIST, {"q": "環境"}))
    assert "こまえ子ども" in kodomo and "市民生活部環境政策課" not in kodomo
    assert "市民生活部環境政策課" in kankyo and "こまえ子ども" not in kankyo
    long = _get(client, "/registry/verify?q=" + "a" * 501)
    assert long.status_code == 200 and not long.has_header("ETag") and "no-store" in long["Cache-Control"]


def test_a_new_day_is_a_new_answer(client, account_a):
    with time_machine.travel("2026-11-24 23:59:50 +0900", tick=False):
        registry_cache._bump()
        yesterday = _get(client, JSON)
    with time_machine.travel("2026-11-25 00:00:10 +0900", tick=False):
        today = _get(client, JSON)
        revalidated = _get(client, JSON, if_modified_since=yesterday["Last-Modified"])
    assert json.loads(yesterday.content)["generated_at"].startswith("2026-11-24T14:59:50")  # UTC
    assert json.loads(today.content)["generated_at"].startswith("2026-11-24T15:00:10")
    assert revalidated.status_code == 200
    assert today["Last-Modified"] == "Tue, 24 Nov 2026 15:00:00 GMT"  # 2026-11-25 00:00 in 狛江


def test_the_registry_answers_when_the_cache_is_down(client, account_a, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    for url in PUBLIC_URLS:
        response = _get(client, url)
        assert response.status_code == 200 and "こまえ子ども" in _body(response), url
        assert "no-store" in response["Cache-Control"] and not response.has_header("ETag"), url
