"""verify()'s first question (accounts/probe.py): which lists name a reference. Its SQL is compiled once
per shape of reference and run with each reference's values — on PostgreSQL and on SQLite, where a
case-blind comparison is a LIKE whose value must be escaped: a permanent ID with "_" or "%" in it."""

import pytest

from accounts import probe
from accounts.lookup import ProfileRef
from accounts.models import PeerAccount, PeerRegistry
from accounts.registry import verify

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


@pytest.fixture
def lists(account_a):
    account_a.platform_account_id = "UC_Ab%1"
    account_a.save(update_fields=["platform_account_id"])
    peer = PeerRegistry.objects.create(
        url="https://www.city.chofu.example/registry/accounts.json",
        source="page",
        body_name="調布市",
        body_code="132080",
    )
    PeerAccount.objects.create(
        peer=peer,
        platform_code=account_a.platform.code,
        platform_name=account_a.platform.name,
        handle="chofu_city",
        handle_key="chofu_city",
        account_id_key="uc_peer_1",
        profile_url="https://example.jp/chofu_city",
    )
    return account_a


def test_each_shape_of_reference_finds_the_lists_that_name_it(lists):
    code = lists.platform.code
    assert probe.lists_naming(ProfileRef(None, "komae_kodomo", None)) == {probe.OWN}
    assert probe.lists_naming(ProfileRef(code, "komae_kodomo", None)) == {probe.OWN}
    assert probe.lists_naming(ProfileRef(code, None, "uc_ab%1")) == {probe.OWN}  # case-blind, "%" as itself
    assert probe.lists_naming(ProfileRef(code, "chofu_city", None)) == {probe.PEER}
    assert probe.lists_naming(ProfileRef(None, "chofu_city", "UC_PEER_1")) == {probe.PEER}
    assert probe.lists_naming(ProfileRef(code, "someone_else", None)) == set()
    # The same shapes again, now compiled: other values, other answers.
    assert probe.lists_naming(ProfileRef(code, None, "uc_peer_1")) == {probe.PEER}
    assert probe.lists_naming(ProfileRef(None, "nobody", None)) == set()


def test_a_wildcard_in_a_pasted_id_matches_only_itself(lists):
    code = lists.platform.code
    # "_" and "%" are LIKE's wildcards: UCxAb%1 and UC_Abz1 must not be read as the city's UC_Ab%1.
    for other in ("UCxAb%1", "UC_Abz1", "UC%"):
        assert probe.OWN not in probe.lists_naming(ProfileRef(code, None, other))
    assert probe.lists_naming(ProfileRef("another_platform", None, "UC_Ab%1")) == set()


def test_verify_answers_through_the_probe(lists):
    assert verify("@komae_kodomo").kind == "official"
    assert verify("@chofu_city").kind == "other_body"
    assert verify("@nobody_at_all").kind == "not_found"
