"""Edges of reading a pasted reference (accounts/lookup.py, P-7) beside test_lookup.py's tables: each
case a reading that a slip in the parser would get wrong. `make mutate` runs these with test_lookup.py."""

import pytest

from accounts.lookup import DEFAULT_HOSTS, MAX_INPUT_LENGTH, ProfileRef, normalize_handle, parse_reference

pytestmark = pytest.mark.rules


def ref(platform, handle=None, account_id=None):
    return ProfileRef(platform=platform, handle=handle, account_id=account_id)


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        # Old Facebook page links: /pg/<name>, with or without the tab after it.
        ("https://www.facebook.com/pg/komaecity", ref("facebook", "komaecity")),
        # Old Twitter links put the account after "#!", and a query after that.
        ("https://twitter.com/#!/komae_city?lang=ja", ref("x", "komae_city")),
        # A path names the account: a "#!" after it is the page's own business.
        ("https://twitter.com/komae_city#!/someone_else", ref("x", "komae_city")),
        # A full-width dot in the host is a dot (the browser's IDNA mapping), also after "//" alone.
        ("https://X．COM/komae_city", ref("x", "komae_city")),
        ("//x．com/komae_city", ref("x", "komae_city")),
        # A handle that starts with X keeps it: only "@" is taken off.
        ("@Xmas_komae", ref(None, "xmas_komae")),
        ("https://x.com/@Xmas_komae", ref("x", "xmas_komae")),
    ],
)
def test_it_reads(pasted, expected):
    assert parse_reference(pasted) == expected


@pytest.mark.parametrize(
    "pasted",
    [
        # A full-width dot right after the path's first "/" is no dot segment to a browser.
        "https://x.com/．/komae_city",
        # …nor a "‥" before a second URL in the query.
        "https://x.com/evil_city/‥/komae_city?from=https://x.com/",
        # "x.com" before "://" is a scheme, not the host.
        "x.com://komae_city",
        # A port that is not a number is no page of the platform.
        "https://x.com:X443/komae_city",
    ],
)
def test_it_refuses(pasted):
    assert parse_reference(pasted) is None


@pytest.mark.parametrize("pasted", [None, 123, b"https://x.com/komae_city", ["https://x.com/komae_city"]])
def test_what_is_not_text_is_no_reference(pasted):
    assert parse_reference(pasted) is None


def test_text_that_grows_past_the_limit_when_normalised_is_refused():
    pasted = "https://x.com/komae_city?q=" + "㌀" * 500  # each ㌀ reads as アパート
    assert len(pasted) <= MAX_INPUT_LENGTH
    assert parse_reference(pasted) is None
    assert parse_reference("https://x.com/komae_city?q=" + "㌀" * 100) == ref("x", "komae_city")


def test_a_host_that_reads_as_nothing_matches_no_url():
    hosts = {**DEFAULT_HOSTS, "www..": "x"}  # an administrator's slip: canonically no host at all
    assert parse_reference("https:///komae_city", hosts) is None
    assert parse_reference("https://x.com/komae_city", hosts) == ref("x", "komae_city")


def test_a_handle_loses_its_at_signs_and_nothing_else():
    assert normalize_handle("＠Xmas_Komae") == "xmas_komae"
