"""Federation of registries (issue 24): other municipalities' lists, read from a local server that
plays them, and what /registry/verify, accounts.json, discovery and the command make of them."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts import peers
from accounts.impersonations import impersonation_confirm
from accounts.models import PeerAccount, PeerRegistry
from tests.factories import platform
from tests.peer_server import PeerServer, peer_account, peer_payload
from tests.platform_server import Listener

pytestmark = pytest.mark.django_db

CHOFU = "132080"  # 調布市
MITAKA = "132047"  # 三鷹市
KOMAE = "132195"


@pytest.fixture
def server():
    with PeerServer() as s:
        yield s


@pytest.fixture
def peer_settings(settings):
    settings.CITY_CODE = KOMAE
    settings.PEER_FETCH_TIMEOUT = 2.0
    settings.PEER_MAX_BYTES = 1024 * 1024
    settings.REGISTRY_PEERS = []
    return settings


def configure(settings, *urls):
    settings.REGISTRY_PEERS = list(urls)


def chofu(*accounts, **kwargs):
    return peer_payload("調布市", CHOFU, list(accounts), site="https://www.city.chofu.example.jp/", **kwargs)


def verify_json(client, query):
    return client.get(reverse("registry:verify"), {"q": query}, HTTP_ACCEPT="application/json").json()


def fetch() -> dict[str, peers.FetchResult]:
    return {r.url: r for r in peers.fetch_peers()}


def peer(url) -> PeerRegistry:
    return PeerRegistry.objects.get(url=url)


# --- the profile's code and peers ----------------------------------------------------------------------


def test_the_municipality_code_check_digit_is_checked():
    from core.municipal import municipality_code_problem

    assert municipality_code_problem("132195") == ""  # 狛江市
    assert municipality_code_problem("130001") == ""  # 東京都
    assert municipality_code_problem("011002") == ""  # 札幌市
    assert "検査数字" in municipality_code_problem("132196")
    assert "6桁" in municipality_code_problem("13219")


def test_a_profile_with_a_wrong_code_or_peer_url_does_not_start(tmp_path):
    from komae_sns.city import BUNDLED, ProfileError, load_profile

    text = BUNDLED.read_text(encoding="utf-8")
    for old, new, words in (
        ('code = "132195"', 'code = "132194"', "検査数字"),
        ("peers = []", 'peers = ["ftp://example.jp/a.json"]', r"http\(s\) のURL"),
        ("peers = []", 'peers = ["https://user@example.jp/a.json"]', "利用者情報"),
    ):
        broken = tmp_path / "city.toml"
        broken.write_text(text.replace(old, new, 1), encoding="utf-8")
        for name in ("komae-policy.toml", "komae-demo.toml"):
            (tmp_path / name).write_text((BUNDLED.parent / name).read_text(encoding="utf-8"), encoding="utf-8")
        with pytest.raises(ProfileError, match=words):
            load_profile(broken)
    assert load_profile(BUNDLED).code == "132195"


def test_accounts_json_says_its_format_code_and_site_and_keeps_every_key(client, account_a, settings):
    data = json.loads(client.get(reverse("registry:json")).content)
    assert data["format"] == 2
    assert data["publisher"] == settings.CITY_NAME
    assert data["publisher_code"] == "132195"
    assert data["site"] == settings.CITY_HOMEPAGE_URL
    assert {"generated_at", "accounts", "impersonations"} <= set(data)
    (row,) = data["accounts"]
    assert row["handle"] == "@komae_kodomo" and row["platform_code"] == "x" and "status_label" in row


def test_what_this_city_publishes_a_peer_reads(client, account_a, server, peer_settings):
    """Two instances of the system: one's accounts.json is the other's peer list, as it is."""
    body = client.get(reverse("registry:json")).content.replace(b'"132195"', b'"' + CHOFU.encode() + b'"')
    body = body.replace("狛江市".encode(), "調布市".encode())
    url = server.publish("/chofu/registry/accounts.json", body)
    account_a.handle = "chofu_kodomo"
    account_a.save()
    configure(peer_settings, url)
    assert fetch()[url].line.endswith("更新 1件")
    assert PeerAccount.objects.get().handle == "komae_kodomo"  # what it published, not what this city has


# --- fetching ------------------------------------------------------------------------------------------


def test_a_peer_is_read_then_answers_304_and_keeps_its_copy(server, peer_settings):
    url = server.publish("/registry/accounts.json", chofu(peer_account("chofu_city"), peer_account("chofu_kids")))
    configure(peer_settings, url)
    assert fetch()[url].line == f"{url}\t更新 2件"
    p = peer(url)
    assert (p.body_name, p.body_code, p.site, p.format, p.source) == (
        "調布市",
        CHOFU,
        "https://www.city.chofu.example.jp/",
        2,
        PeerRegistry.Source.PROFILE,
    )
    first_ok = p.last_ok_at
    assert fetch()[url].line == f"{url}\t変更なし(304)"
    assert server.requests[-1][1]["If-None-Match"] == p.etag
    assert server.requests[-1][1]["If-Modified-Since"]
    p.refresh_from_db()
    assert p.account_count == 2 and PeerAccount.objects.filter(peer=p).count() == 2 and p.last_ok_at > first_ok


def test_todays_shape_without_format_or_code_is_read(server, peer_settings):
    url = server.publish("/old.json", peer_payload("府中市", None, [peer_account("fuchu_city")], format=None))
    configure(peer_settings, url)
    assert "更新 1件" in fetch()[url].line
    p = peer(url)
    assert (p.body_name, p.body_code, p.format) == ("府中市", "", 1)


def test_a_changed_list_replaces_the_copy_whole(server, peer_settings):
    url = server.publish("/registry/accounts.json", chofu(peer_account("chofu_city"), peer_account("chofu_kids")))
    configure(peer_settings, url)
    fetch()
    server.publish("/registry/accounts.json", chofu(peer_account("chofu_new")))
    assert "更新 1件" in fetch()[url].line
    assert list(PeerAccount.objects.values_list("handle", flat=True)) == ["chofu_new"]


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/huge", "大きすぎます"),
        ("/huge?declared=1", "大きすぎます"),
        ("/invalid", "JSON として読み取れません"),
        ("/drip", "応答が終わりません"),
        ("/status?code=500", "HTTP 500"),
    ],
)
def test_a_bad_answer_is_refused_and_the_last_good_copy_stays_stale(server, peer_settings, path, words):
    url = server.publish("/registry/accounts.json", chofu(peer_account("chofu_city")))
    configure(peer_settings, url)
    fetch()
    good = peer(url)
    # The operator's peer now answers badly (the same row, its URL moved to the misbehaving path).
    PeerRegistry.objects.filter(pk=good.pk).update(url=server.url + path, etag="", last_modified="")
    configure(peer_settings, server.url + path)
    result = fetch()[server.url + path]
    assert result.outcome == "failed" and words in result.error
    assert "から古い内容" in result.line
    bad = PeerRegistry.objects.get(pk=good.pk)
    assert bad.stale_since is not None and words in bad.last_error and bad.body_name == "調布市"
    assert list(PeerAccount.objects.values_list("handle", flat=True)) == ["chofu_city"]


def test_invalid_rows_refuse_the_whole_list(server, peer_settings):
    url = server.publish("/registry/accounts.json", chofu(peer_account("chofu_city")))
    configure(peer_settings, url)
    fetch()
    for bad, words in (
        ({"publisher": "調布市", "accounts": [{"handle": 5}]}, "1番目のアカウントの handle が文字列ではありません"),
        ({"publisher": "調布市", "accounts": [{**peer_account("a"), "profile_url": "javascript:alert(1)"}]}, "http(s)"),
        ({"publisher": "調布市", "accounts": "x"}, "accounts"),
        ({"publisher": "調布市", "format": 3, "accounts": []}, "format=3"),
        ({"publisher": "調布市", "publisher_code": "132081", "accounts": []}, "検査数字"),
        ({"accounts": []}, "publisher"),
        ([1, 2], "オブジェクトではありません"),
    ):
        server.publish("/registry/accounts.json", bad)
        result = fetch()[url]
        assert result.outcome == "failed" and words in result.error, (bad, result.error)
    assert list(PeerAccount.objects.values_list("handle", flat=True)) == ["chofu_city"]


def test_too_many_accounts_are_refused(server, peer_settings):
    peer_settings.PEER_MAX_ACCOUNTS = 3
    url = server.publish("/a.json", chofu(*[peer_account(f"a{n}") for n in range(4)]))
    configure(peer_settings, url)
    assert "アカウントが多すぎます" in fetch()[url].error
    assert PeerAccount.objects.count() == 0


def test_a_redirect_elsewhere_inside_is_refused_before_anything_is_sent(server, peer_settings):
    with Listener() as inside:
        url = f"{server.url}/away?to=http://127.0.0.1:{inside.port}/registry/accounts.json"
        configure(peer_settings, url)
        result = fetch()[url]
        assert "設定されたURLの外へ転送されます" in result.error
        assert inside.connections == 0


def test_a_redirect_within_the_peer_is_followed(server, peer_settings):
    server.publish("/new/accounts.json", chofu(peer_account("chofu_city")))
    url = f"{server.url}/away?to=/new/accounts.json"
    configure(peer_settings, url)
    assert "更新 1件" in fetch()[url].line


def test_a_peer_claiming_this_citys_code_is_refused(server, peer_settings):
    url = server.publish("/fake.json", peer_payload("狛江市", KOMAE, [peer_account("komae_c1ty")]))
    configure(peer_settings, url)
    result = fetch()[url]
    assert "当市と同じ全国地方公共団体コード（132195）" in result.error
    assert PeerAccount.objects.count() == 0


def test_a_peer_listing_this_citys_account_is_not_believed_for_it(client, server, peer_settings, account_a):
    url = server.publish("/registry/accounts.json", chofu(peer_account("komae_kodomo"), peer_account("chofu_city")))
    configure(peer_settings, url)
    line = fetch()[url].line
    assert "更新 1件" in line and "名乗り：X @komae_kodomoは当市の公式アカウントのため無視" in line
    assert list(PeerAccount.objects.values_list("handle", flat=True)) == ["chofu_city"]
    answer = verify_json(client, "https://x.com/komae_kodomo")
    assert (answer["result"], answer["official"], answer["bodies"]) == ("official", True, [])


def test_the_command_prints_one_line_per_peer(server, peer_settings):
    good = server.publish("/registry/accounts.json", chofu(peer_account("chofu_city")))
    bad = server.url + "/invalid"
    configure(peer_settings, good, bad)
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit):
        call_command("fetch_peer_registries", stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"{good}\t更新 1件"
    assert lines[1].startswith(f"{bad}\t失敗：JSON として読み取れません")
    assert "2団体中 1団体の取得に失敗" in err.getvalue()
    out = StringIO()
    configure(peer_settings, good)
    call_command("fetch_peer_registries", stdout=out)
    assert out.getvalue() == f"{good}\t変更なし(304)\n"


def test_configured_peers_follow_the_configuration(server, peer_settings, monkeypatch):
    a = server.publish("/a.json", chofu())
    b = server.publish("/b.json", chofu())
    configure(peer_settings, a, b)
    peers.sync_configured()
    configure(peer_settings, b)
    monkeypatch.setenv("REGISTRY_PEERS", b)
    peers.sync_configured()
    assert not peer(a).active and peer(b).active and peer(b).source == PeerRegistry.Source.ENV


# --- what verify answers ----------------------------------------------------------------------------


def test_verify_names_the_peer_never_official(client, server, peer_settings):
    url = server.publish("/registry/accounts.json", chofu(peer_account("chofu_city", department="広報課")))
    configure(peer_settings, url)
    fetch()
    answer = verify_json(client, "https://x.com/chofu_city")
    assert answer["result"] == "other_body" and answer["official"] is False
    assert "調布市の公式アカウント（広報課）として、調布市の一覧に掲載されています" in answer["message"]
    (body,) = answer["bodies"]
    assert (body["name"], body["code"], body["registry_url"], body["stale_since"]) == ("調布市", CHOFU, url, None)
    assert body["read_at"]
    (row,) = answer["accounts"]
    assert row["body"] == {"name": "調布市", "code": CHOFU} and row["handle"] == "@chofu_city"
    page = client.get(reverse("registry:verify"), {"q": "https://x.com/chofu_city"}).content.decode()
    assert "確認結果：調布市の公式アカウントです" in page and "全国地方公共団体コード 132080" in page


def test_verify_of_a_stale_peer_says_since_when(client, server, peer_settings):
    url = server.publish("/registry/accounts.json", chofu(peer_account("chofu_city")))
    configure(peer_settings, url)
    fetch()
    PeerRegistry.objects.filter(url=url).update(url=server.url + "/status?code=503")
    configure(peer_settings, server.url + "/status?code=503")
    fetch()
    answer = verify_json(client, "@chofu_city")
    assert answer["result"] == "other_body" and answer["bodies"][0]["stale_since"]
    assert "から一覧を読み取れていないため、その前の内容です" in answer["message"]
    page = client.get(reverse("registry:verify"), {"q": "@chofu_city"}).content.decode()
    assert "から読み取れていません" in page


def test_two_bodies_claiming_one_account_are_disputed(client, server, peer_settings):
    a = server.publish("/chofu.json", chofu(peer_account("tama_kawa")))
    b = server.publish("/mitaka.json", peer_payload("三鷹市", MITAKA, [peer_account("tama_kawa")]))
    configure(peer_settings, a, b)
    fetch()
    answer = verify_json(client, "https://x.com/tama_kawa")
    assert answer["result"] == "disputed" and answer["official"] is False
    assert {b["name"] for b in answer["bodies"]} == {"調布市", "三鷹市"}
    assert "それぞれの団体のホームページで確かめてください" in answer["message"]
    page = client.get(reverse("registry:verify"), {"q": "https://x.com/tama_kawa"}).content.decode()
    assert "確認結果：要確認" in page


def test_a_peers_impersonator_is_warned_naming_the_body(client, server, peer_settings):
    fake = {
        **peer_account("ch0fu_city", name="調布市【公式】"),
        "imitates": {
            "platform": "X",
            "display_name": "調布市",
            "handle": "@chofu_city",
            "profile_url": "https://x.com/chofu_city",
        },
        "confirmed_on": "2025-03-01",
        "gone": False,
        "gone_at": None,
    }
    url = server.publish("/registry/accounts.json", chofu(peer_account("chofu_city"), impersonations=[fake]))
    configure(peer_settings, url)
    fetch()
    answer = verify_json(client, "https://x.com/ch0fu_city")
    assert answer["result"] == "impersonation" and answer["official"] is False
    assert "調布市が令和7年3月1日に確認し、調布市の一覧で知らせている、なりすましアカウントです" in answer["message"]
    assert answer["impersonations"][0]["body"]["name"] == "調布市"
    page = client.get(reverse("registry:verify"), {"q": "https://x.com/ch0fu_city"}).content.decode()
    assert "確認結果：調布市が確認したなりすましアカウントです" in page


def test_the_citys_own_warning_wins_over_a_peer(client, server, peer_settings, pr_account, security_officer):
    impersonation_confirm(
        platform=platform("x"),
        handle="tama_city",
        display_name="狛江市",
        profile_url="https://x.com/tama_city",
        platform_account_id="",
        imitates=pr_account,
        actor=security_officer,
    )
    url = server.publish("/registry/accounts.json", chofu(peer_account("tama_city")))
    configure(peer_settings, url)
    fetch()
    answer = verify_json(client, "https://x.com/tama_city")
    assert answer["result"] == "impersonation" and "狛江市が" in answer["message"]


def test_a_removed_peer_is_no_longer_answered(client, server, peer_settings, admin, django_capture_on_commit_callbacks):
    url = server.publish("/registry/accounts.json", chofu(peer_account("chofu_city")))
    added = peers.peer_add(url=url, actor=admin)
    peers.fetch_peers([added])
    assert verify_json(client, "@chofu_city")["result"] == "other_body"
    with django_capture_on_commit_callbacks(execute=True):
        peers.peer_remove(peer_id=added.pk, actor=admin)
    assert verify_json(client, "@chofu_city")["result"] == "not_found"
    assert PeerRegistry.objects.filter(pk=added.pk, active=False).exists()  # its history stays


def test_a_fetch_that_changes_rows_renews_the_cached_answers(
    client, server, peer_settings, django_capture_on_commit_callbacks
):
    url = server.publish("/registry/accounts.json", chofu())
    configure(peer_settings, url)
    fetch()
    assert verify_json(client, "@chofu_city")["result"] == "not_found"
    server.publish("/registry/accounts.json", chofu(peer_account("chofu_city")))
    with django_capture_on_commit_callbacks(execute=True):
        fetch()
    assert verify_json(client, "@chofu_city")["result"] == "other_body"


# --- discovery -----------------------------------------------------------------------------------------


def test_discovery_never_makes_a_peers_official_account_a_candidate(server, peer_settings, pr_account):
    from discovery import services
    from discovery.services import PassResult
    from platforms import reads

    url = server.publish("/registry/accounts.json", chofu(peer_account("komae_city_info")))
    configure(peer_settings, url)
    fetch()
    found = [
        reads.FoundAccount("komae_city_info", "狛江市 情報", "", "https://x.com/komae_city_info"),
        reads.FoundAccount("komae_c1ty", "狛江市", "", "https://x.com/komae_c1ty"),
    ]
    original = reads.search_accounts
    reads.search_accounts = lambda *a, **k: found
    try:
        from discovery.models import SearchRun

        run = SearchRun.objects.create(platform=platform("x"))
        others = services._search(platform("x"), ["狛江市"], run, PassResult(platform("x")))
    finally:
        reads.search_accounts = original
    assert [f.handle for f in others] == ["komae_c1ty"]


# --- the sysadmin's page ---------------------------------------------------------------------------------


def test_the_sysadmin_adds_a_peer_which_is_read_at_once(client, server, peer_settings, admin):
    url = server.publish("/registry/accounts.json", chofu(peer_account("chofu_city")))
    client.force_login(admin)
    response = client.post(reverse("accounts:peer_add"), {"url": url}, follow=True)
    page = response.content.decode()
    assert "「調布市」の一覧を追加しました。更新（1件のアカウント）" in page
    p = peer(url)
    assert p.source == PeerRegistry.Source.PAGE and p.added_by == admin
    from core.models import AuditEvent

    assert AuditEvent.objects.filter(object_id=p.pk, action=AuditEvent.Action.CREATED, actor=admin).exists()
    again = client.post(reverse("accounts:peer_add"), {"url": url})
    assert again.status_code == 400 and "すでに登録されています" in again.content.decode()
    bad = client.post(reverse("accounts:peer_add"), {"url": "file:///etc/passwd"})
    assert bad.status_code == 400 and "http(s) のURLで指定してください" in bad.content.decode()


def test_a_configured_peer_cannot_be_removed_on_the_page(client, server, peer_settings, admin):
    url = server.publish("/registry/accounts.json", chofu())
    configure(peer_settings, url)
    client.force_login(admin)
    page = client.get(reverse("accounts:peers")).content.decode()
    assert url in page and "外す" not in page.split(url, 1)[1].split("</tr>", 1)[0]
    response = client.post(reverse("accounts:peer_remove", args=[peer(url).pk]), follow=True)
    assert "その設定から外してください" in response.content.decode() and peer(url).active


def test_only_the_sysadmin_sees_the_page(client, staff_a, security_officer):
    for user in (staff_a, security_officer):
        client.force_login(user)
        assert client.get(reverse("accounts:peers")).status_code == 403
        assert client.post(reverse("accounts:peer_add"), {"url": "https://a.example.jp/x.json"}).status_code == 403
    assert PeerRegistry.objects.count() == 0


def test_the_peer_rows_are_cached_copies_not_records():
    now = timezone.now()
    p = PeerRegistry.objects.create(url="https://a.example.jp/registry/accounts.json", source="page", last_ok_at=now)
    PeerAccount.objects.create(peer=p, platform_name="X", handle="a", handle_key="a")
    PeerAccount.objects.filter(peer=p).delete()  # replaced whole on a good answer
    assert not PeerAccount.objects.exists()
