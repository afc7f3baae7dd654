"""Every error page is the app's own, in Japanese, under DEBUG too (issue 20 #10, #23).

Django answers a missing page with its English technical page when DEBUG=True, and a refused form (CSRF)
with its English 「403 Forbidden」 page in production as well.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AccountStatus
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [True, False])
def test_another_sections_record_is_our_404_page(settings, client, staff_b, account_a, debug):
    settings.DEBUG = debug
    client.force_login(staff_b)
    response = client.get(reverse("accounts:detail", args=[account_a.pk]))
    body = response.content.decode()
    assert response.status_code == 404
    assert "ページが見つかりません" in body and "Page not found" not in body
    assert "メインメニュー" in body  # the app's own page, with its menu


@pytest.mark.parametrize("debug", [True, False])
def test_an_address_that_does_not_exist_is_our_404_page(settings, client, staff_a, debug):
    settings.DEBUG = debug
    client.force_login(staff_a)
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "ページが見つかりません" in body and "Page not found" not in body and "URLconf" not in body
    # The slash redirect still comes first, and the page keeps the security headers.
    assert client.get("/accounts").status_code == 301
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("debug", [True, False])
def test_a_refusal_is_our_403_page(settings, client, staff_a, account_a, debug):
    settings.DEBUG = debug
    client.force_login(staff_a)
    response = client.get(reverse("accounts:transition", args=[account_a.pk, "suspend"]))
    assert response.status_code == 403
    assert "この操作を行う権限がありません" in response.content.decode()


@pytest.mark.parametrize("debug", [True, False])
def test_a_stale_form_gets_a_japanese_page_that_says_nothing_was_saved(settings, staff_a, head_a, account_a, debug):
    """#23: a page left open while the clerk signed in again elsewhere (which renews the CSRF token)."""
    settings.DEBUG = debug
    settings.ALLOWED_HOSTS = ["testserver"]
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(head_a)
    edit = reverse("accounts:edit", args=[account_a.pk])
    browser.get(edit)
    stale_token = browser.cookies["csrftoken"].value
    browser.cookies["csrftoken"] = "x" * 32  # the token the browser now holds is another one
    response = browser.post(
        edit,
        {"csrfmiddlewaretoken": stale_token, "display_name": "書き換え"},
        HTTP_REFERER=f"http://testserver{edit}",
    )
    body = response.content.decode()
    assert response.status_code == 403
    assert "送信した内容は保存されていません" in body and "Forbidden" not in body
    assert "もう一度入力して送信してください" in body
    assert f'<a href="{edit}">元の画面を開き直し</a>' in body
    account_a.refresh_from_db()
    assert account_a.display_name == "こまえ子ども"


def test_a_stale_form_after_the_session_ended_offers_to_sign_in_again(settings, account_a):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("logout"), HTTP_REFERER="https://elsewhere.example/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "ログインし直してください" in body
    assert "elsewhere.example" not in body  # only a page of ours is offered to go back to


def test_a_suspended_accounts_successor_of_another_section_is_not_a_dead_link(
    client, head_a, staff_a, dept_a, pr_account, admin
):
    """#10: the successor (the 広報 account, another 課's) is shown to 課A without a link it may not open."""
    suspended = AccountFactory(
        department=dept_a,
        manager=head_a,
        status=AccountStatus.SUSPENDED,
        suspension_reason="集約のため",
        suspended_on="2026-03-31",
        successor=pr_account,
    )
    page_of_successor = reverse("accounts:detail", args=[pr_account.pk])
    for person in (head_a, staff_a):
        client.force_login(person)
        body = client.get(reverse("accounts:detail", args=[suspended.pk])).content.decode()
        assert "誘導先" in body and page_of_successor not in body
        assert f'href="{pr_account.profile_url}"' in body and f"（{pr_account.department.name}の所管）" in body
        # Every link of ours on the page opens for the person it is shown to.
        links = set(re.findall(r'href="(/[^"#]*)', body)) - {"/"}
        links = {link for link in links if not link.startswith("/static/")}
        assert reverse("accounts:list") in links
        for link in links:
            assert client.get(link).status_code in (200, 302), (person.username, link)
    # Someone who may open it (the sysadmin) gets the link to its page, and it opens.
    client.force_login(admin)
    body = client.get(reverse("accounts:detail", args=[suspended.pk])).content.decode()
    assert f'href="{page_of_successor}"' in body
    assert client.get(page_of_successor).status_code == 200
