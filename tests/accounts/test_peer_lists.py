"""What a peer's list must be before a word of it is believed (issue 24, bad input): each malformed
shape is refused whole, with the reason the sysadmin's page and the command show; and the URLs a
sysadmin may not add are refused with theirs."""

import json
import re

import pytest

from accounts import peers
from accounts.models import PeerRegistry
from core.errors import TransitionError
from core.municipal import peer_url_problem
from tests.peer_server import peer_account, peer_payload

CHOFU = "132080"


def _list(**changes) -> dict:
    payload = peer_payload("調布市", CHOFU, [peer_account("chofu_city")])
    payload.update(changes)
    return payload


def _account(**changes) -> dict:
    return {**peer_account("chofu_city"), **changes}


def _fake(**changes) -> dict:
    fake = {**peer_account("ch0fu_city"), "confirmed_on": "2026-10-01", "imitates": {"handle": "@chofu_city"}}
    return {**fake, **changes}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"\xff\xfe{}", "UTF-8 の文字として読み取れません"),
        (b"[1, 2]", "JSON のオブジェクトではありません"),
        (_list(format=3), "対応していない形式です（format=3）"),
        (_list(format=True), "対応していない形式です"),
        (_list(publisher=""), "publisher（団体名）がない"),
        (_list(publisher_code="132081"), "publisher_code："),
        (_list(site=["https://x"]), "site が文字列でない"),
        (_list(site="ftp://www.city.chofu.example/"), "一覧の site が http(s) のURLではありません"),
        (_list(accounts={"a": 1}), "accounts（アカウントの配列）がありません"),
        (_list(accounts=["@chofu_city"]), "1番目のアカウントが JSON のオブジェクトではありません"),
        (_list(accounts=[_account(handle="")]), "1番目のアカウントに handle がありません"),
        (_list(accounts=[_account(display_name=7)]), "1番目のアカウントの display_name が文字列ではありません"),
        (_list(accounts=[_account(display_name="長" * 201)]), "display_name が長すぎます（200文字まで）"),
        (_list(accounts=[_account(profile_url="javascript:alert(1)")]), "profile_url が http(s) のURLではありません"),
        (_list(impersonations={"a": 1}), "impersonations が配列ではありません"),
        (_list(impersonations=[_fake(imitates="@chofu_city")]), "なりすましの imitates がオブジェクトではありません"),
        (_list(impersonations=[_fake(confirmed_on="2026-13-01")]), "confirmed_on が日付（YYYY-MM-DD）ではありません"),
    ],
)
def test_a_malformed_list_is_refused_whole_with_its_reason(body, reason):
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    with pytest.raises(peers.PeerProblem, match=re.escape(reason)):
        peers.parse_registry(raw, max_accounts=100)


def test_a_list_with_a_null_field_and_no_impersonations_is_read():
    parsed = peers.parse_registry(
        json.dumps(_list(accounts=[_account(department=None)], impersonations=None)).encode(), max_accounts=100
    )
    assert (parsed.body_name, parsed.body_code, parsed.accounts[0]["department"], parsed.impersonations) == (
        "調布市",
        CHOFU,
        "",
        [],
    )


def test_too_many_impersonations_are_refused(monkeypatch):
    monkeypatch.setattr(peers, "MAX_IMPERSONATIONS", 2)
    body = json.dumps(_list(impersonations=[_fake(), _fake(), _fake()])).encode()
    with pytest.raises(peers.PeerProblem, match="なりすましの掲載が多すぎます"):
        peers.parse_registry(body, max_accounts=100)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("", "URLが空です"),
        ("https://example.jp/" + "a" * 500, "URLが長すぎます"),
        ("https://example.jp:99999/registry/accounts.json", "URLとして読み取れません"),
        ("ftp://example.jp/registry/accounts.json", "http(s) のURLで指定してください"),
        ("https://user@example.jp/registry/accounts.json", "利用者情報（@）を含むURLは使えません"),
        ("https://example.jp/registry/accounts.json#x", "# や空白を含むURLは使えません"),
        ("https://example.jp/registry/accounts.json", ""),
    ],
)
def test_what_a_peer_url_may_be(url, reason):
    assert peer_url_problem(url).startswith(reason) if reason else peer_url_problem(url) == ""


@pytest.mark.django_db
def test_the_page_refuses_what_is_not_a_peers_list_and_readds_a_removed_one(admin, settings):
    settings.SITE_URL = "https://sns.city.komae.example"
    with pytest.raises(TransitionError, match=r"registry/accounts\.json）のURLを入力してください"):
        peers.peer_add(url="https://www.city.chofu.example/", actor=admin)
    with pytest.raises(TransitionError, match="当市自身の一覧は登録できません"):
        peers.peer_add(url="https://sns.city.komae.example/registry/accounts.json", actor=admin)
    url = "http://127.0.0.1:9/registry/accounts.json"  # nothing listens: the read at once fails
    peer = peers.peer_add(url=url, actor=admin)
    with pytest.raises(TransitionError, match="すでに登録されています"):
        peers.peer_add(url=url, actor=admin)
    peers.peer_remove(peer_id=peer.pk, actor=admin)
    again = peers.peer_add(url=url, actor=admin)
    assert again.pk == peer.pk and again.active and PeerRegistry.objects.filter(url=url).count() == 1
