"""今すぐ確認 shows its result on the account's page (issue 15), and a check names its method in plain
words, the interface's technical name for the sysadmin alone (issue 20).

The X account of these tests has no bearer token: its check ends at once as 確認できず, sending
nothing, so the real task runs here without a platform server.
"""

import re
import uuid

import pytest
from django.urls import reverse

from monitoring import status
from monitoring.models import StatusCheck
from platforms import checks

pytestmark = pytest.mark.django_db

RUN = re.compile(r"\?check=([0-9a-f-]{36})#check-now-status$")
NO_JS_WAIT = "状態確認を依頼しました。しばらくしてからこのページを再読み込みしてください。"


def _press_check_now(client, account, capture, *, run_the_task: bool) -> str:
    """POST 今すぐ確認; the task runs after the commit when asked to. Returns where the page went."""
    with capture(execute=run_the_task):
        response = client.post(reverse("monitoring:check_now", args=[account.pk]))
    assert response.status_code == 302
    return response["Location"]


def test_the_page_says_the_result_is_coming_and_the_endpoint_answers_pending_until_it_is_recorded(
    client, staff_a, account_a, django_capture_on_commit_callbacks
):
    client.force_login(staff_a)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("monitoring:check_now", args=[account_a.pk]))
    location = response["Location"]
    assert location.startswith(reverse("accounts:detail", args=[account_a.pk]))
    run = RUN.search(location).group(1)
    result_url = reverse("monitoring:check_result", args=[account_a.pk, run])

    page = client.get(location).content.decode()
    assert NO_JS_WAIT in page  # without JavaScript: as before, reload
    assert f'data-check-poll="{result_url}"' in page  # with it: static/js/check-now.js asks here
    assert "js/check-now.js" in page
    pending = client.get(result_url)
    assert pending.json() == {"state": "pending"}
    assert pending["Cache-Control"] == "no-store"

    for callback in queued:  # the worker runs the check
        callback()
    check = StatusCheck.objects.get(run_key=f"manual:{run}")
    done = client.get(result_url).json()
    assert done["state"] == "done" and done["outcome"] == "error"
    assert done["message"].startswith("状態確認が終わりました：確認できず（APIの設定がありません")
    assert done["row"].startswith("<tr>") and "APIの設定がありません" in done["row"]
    assert "方法：Xの公開情報（API）で確認" in done["row"]
    assert check.error in done["row"]

    reloaded = client.get(location).content.decode()  # the no-JavaScript path: the reload shows it
    assert done["message"] in reloaded
    assert NO_JS_WAIT not in reloaded and "data-check-poll" not in reloaded


def test_a_check_already_recorded_is_shown_at_once(client, head_a, account_a, django_capture_on_commit_callbacks):
    client.force_login(head_a)
    location = _press_check_now(client, account_a, django_capture_on_commit_callbacks, run_the_task=True)
    page = client.get(location).content.decode()
    assert "状態確認が終わりました：確認できず（APIの設定がありません" in page
    assert 'role="status"' in page and "data-check-poll" not in page


def test_the_result_is_for_those_who_see_the_account(
    client, staff_a, staff_b, contractor, account_a, django_capture_on_commit_callbacks
):
    client.force_login(staff_a)
    location = _press_check_now(client, account_a, django_capture_on_commit_callbacks, run_the_task=True)
    result_url = reverse("monitoring:check_result", args=[account_a.pk, RUN.search(location).group(1)])
    client.force_login(staff_b)  # another 課: the account does not exist for them
    assert client.get(result_url).status_code == 404
    assert client.get(location).status_code == 404
    client.logout()
    assert client.get(result_url).status_code == 302  # to the login page
    client.force_login(staff_a)
    assert client.post(result_url).status_code == 405  # a reading only


def test_a_run_of_another_account_or_an_unknown_one_is_never_shown(
    client, staff_a, head_a, account_a, django_capture_on_commit_callbacks
):
    from tests.factories import AccountFactory

    other = AccountFactory(department=account_a.department, manager=head_a)
    client.force_login(staff_a)
    location = _press_check_now(client, other, django_capture_on_commit_callbacks, run_the_task=True)
    run = RUN.search(location).group(1)
    # The other account's run, asked about this account: nothing is recorded for it here.
    assert client.get(reverse("monitoring:check_result", args=[account_a.pk, run])).json() == {"state": "pending"}
    page = client.get(reverse("accounts:detail", args=[account_a.pk]) + f"?check={run}").content.decode()
    assert "状態確認が終わりました" not in page
    unknown = client.get(reverse("monitoring:check_result", args=[account_a.pk, uuid.uuid4()]))
    assert unknown.json() == {"state": "pending"}
    page = client.get(reverse("accounts:detail", args=[account_a.pk]) + "?check=nonsense").content.decode()
    assert 'id="check-now-status"' not in page  # not a run: the page is as usual


def test_the_section_head_reads_the_method_in_plain_words_and_the_sysadmin_its_interface(
    client, head_a, admin, account_a
):
    status.check_now([account_a])
    interface = checks.adapter_for("x").label
    assert StatusCheck.objects.get(account=account_a).adapter == interface
    url = reverse("accounts:detail", args=[account_a.pk])

    client.force_login(head_a)
    page = client.get(url).content.decode()
    assert "方法：Xの公開情報（API）で確認" in page
    assert "X API v2" not in page and "users/by/username" not in page

    client.force_login(admin)
    page = client.get(url).content.decode()
    assert "方法：Xの公開情報（API）で確認" in page
    assert f"技術情報：{interface}" in page


def test_every_adapter_has_plain_words_without_its_interface():
    """The adapter registry is where each interface's plain words live; a reading by an adapter since
    renamed still gets words, and none of them is the technical name."""
    for code, adapter in checks.ADAPTERS.items():
        words = checks.plain_words_of(adapter.label)
        assert words == adapter.plain and words.endswith("で確認"), code
        assert adapter.interface not in words and "：" not in words, code
    assert checks.plain_words_of(checks.GenericAdapter().label) == "公開プロフィールページで確認"
    assert checks.plain_words_of("gopher：Gopher API v0") == "公開されている情報で確認"
    assert checks.plain_words_of("") == ""
