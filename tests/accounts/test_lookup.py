"""Reading pasted profile URLs and @handles (P-7). Pure Python: runs without Django."""

import dataclasses
import random
import re

import pytest

from accounts.lookup import (
    DEFAULT_HOSTS,
    MAX_INPUT_LENGTH,
    ProfileRef,
    canonical_host,
    normalize_handle,
    parse_reference,
)

pytestmark = pytest.mark.rules  # `make mutate` runs these against accounts/lookup.py

HANDLE_RE = re.compile(r"[a-z0-9._-]+")
CHANNEL_ID = "UCabcdefghijklmnopqrstuv"  # "UC" and 22 characters, as YouTube writes them
FB_ID = "100064123456789"
DID = "did:plc:abcdefghijklmnopqrstuvwx"


def ref(platform: str | None, handle: str | None = None, account_id: str | None = None) -> ProfileRef:
    return ProfileRef(platform=platform, handle=handle, account_id=account_id)


X = ref("x", "komae_city")

# Pasted text -> what it points at. Every row is a way a citizen really pastes a profile.
FOUND = [
    # X / Twitter: schemes, hosts, case, spaces, full-width, trailing parts
    ("https://x.com/komae_city", X),
    ("http://x.com/komae_city", X),
    ("x.com/komae_city", X),
    ("//x.com/komae_city", X),
    ("Https://X.com/komae_city", X),
    ("HTTPS://X.COM/KOMAE_CITY", X),
    ("https://x.com/Komae_City", X),
    ("https://www.x.com/komae_city", X),
    ("https://twitter.com/komae_city", X),
    ("twitter.com/komae_city", X),
    ("https://www.twitter.com/komae_city", X),
    ("https://mobile.twitter.com/komae_city", X),
    ("https://m.twitter.com/komae_city", X),
    ("https://x.com/komae_city/", X),
    ("https://x.com/komae_city///", X),
    ("https://x.com//komae_city", X),
    ("https://x.com/komae_city?s=20&t=abc", X),
    ("https://x.com/komae_city?", X),
    ("https://x.com/komae_city#top", X),
    ("https://x.com/komae_city?s=20#frag", X),
    ("https://x.com/komae_city/status/1234567890123456789", X),
    ("https://twitter.com/komae_city/status/1234567890123456789?s=20&t=abcDEF", X),
    ("https://x.com/komae_city/with_replies", X),
    ("https://x.com/komae_city/photo", X),
    ("https://x.com/@komae_city", X),
    ("https://x.com:443/komae_city", X),
    ("https://x.com./komae_city", X),
    ("https://x.com/%6Bomae_city", X),
    ("https://twitter.com/#!/komae_city", X),
    ("https://twitter.com/#!/komae_city/status/123", X),
    ("  https://x.com/komae_city  ", X),
    ("\thttps://x.com/komae_city\r\n", X),
    ("\u3000https://x.com/komae_city\u3000", X),
    ("\u200bhttps://x.com/komae_city\u200b", X),
    ("\ufeffx.com/komae_city", X),
    ("ｈｔｔｐｓ：／／ｘ．ｃｏｍ／ｋｏｍａｅ＿ｃｉｔｙ", X),
    ("https://x.com/ｋｏｍａｅ＿ｃｉｔｙ", X),
    ("<https://x.com/komae_city>", X),
    ('"https://x.com/komae_city"', X),
    ("「https://x.com/komae_city」", X),
    ("『x.com/komae_city』", X),
    ("https://x.com/komae_city。", X),
    ("https://x.com/komae_city、", X),
    # Facebook: vanity names, numeric ids, old page links
    ("https://www.facebook.com/komaecity", ref("facebook", "komaecity")),
    ("https://facebook.com/KomaeCity/", ref("facebook", "komaecity")),
    ("facebook.com/komaecity", ref("facebook", "komaecity")),
    ("https://m.facebook.com/komaecity?ref=bookmarks", ref("facebook", "komaecity")),
    ("https://web.facebook.com/komaecity/?_rdc=1&_rdr", ref("facebook", "komaecity")),
    ("https://fb.com/komaecity", ref("facebook", "komaecity")),
    ("https://www.facebook.com/komae.city.official", ref("facebook", "komae.city.official")),
    ("https://www.facebook.com/komaecity/posts/pfbid0abc123", ref("facebook", "komaecity")),
    ("https://www.facebook.com/komaecity/photos/a.123/456/", ref("facebook", "komaecity")),
    ("https://www.facebook.com/pg/komaecity/posts/", ref("facebook", "komaecity")),
    ("https://www.facebook.com/profile.php?id=100064", ref("facebook", None, "100064")),
    (f"https://www.facebook.com/profile.php?id={FB_ID}&sk=about", ref("facebook", None, FB_ID)),
    ("https://m.facebook.com/profile.php?sk=photos&id=100064", ref("facebook", None, "100064")),
    ("facebook.com/profile.php?id=100064#posts", ref("facebook", None, "100064")),
    ("https://www.facebook.com/pages/Komae-City/12345", ref("facebook", None, "12345")),
    ("https://www.facebook.com/pages/狛江市/12345/", ref("facebook", None, "12345")),
    (f"https://www.facebook.com/people/Komae-City/{FB_ID}/", ref("facebook", None, FB_ID)),
    (f"https://www.facebook.com/{FB_ID}", ref("facebook", None, FB_ID)),
    # Instagram
    ("https://www.instagram.com/komae_city/", ref("instagram", "komae_city")),
    ("instagram.com/komae_city", ref("instagram", "komae_city")),
    ("https://instagram.com/Komae_City?igshid=abc123", ref("instagram", "komae_city")),
    ("https://www.instagram.com/komae_city/?hl=ja", ref("instagram", "komae_city")),
    ("https://www.instagram.com/komae_city/reels/", ref("instagram", "komae_city")),
    ("https://www.instagram.com/komae_city/tagged/", ref("instagram", "komae_city")),
    ("https://www.instagram.com/komae.city.official/", ref("instagram", "komae.city.official")),
    ("https://www.instagram.com/stories/komae_city/3123456789012345678/", ref("instagram", "komae_city")),
    ("https://www.instagram.com/stories/komae_city/", ref("instagram", "komae_city")),
    # LINE official accounts
    ("https://page.line.me/abc1234d", ref("line", "abc1234d")),
    ("page.line.me/abc1234d?openQrModal=true", ref("line", "abc1234d")),
    ("https://page.line.me/@abc1234d", ref("line", "abc1234d")),
    ("https://line.me/R/ti/p/@abc1234d", ref("line", "abc1234d")),
    ("https://line.me/R/ti/p/%40abc1234d", ref("line", "abc1234d")),
    ("https://line.me/R/ti/p/@ABC1234D?from=page", ref("line", "abc1234d")),
    ("https://line.me/ti/p/@abc1234d", ref("line", "abc1234d")),
    ("https://line.me/r/ti/p/@abc1234d", ref("line", "abc1234d")),
    ("line.me/R/ti/p/@komae-city", ref("line", "komae-city")),
    # YouTube
    ("https://www.youtube.com/@komae_city", ref("youtube", "komae_city")),
    ("https://youtube.com/@Komae_City/videos", ref("youtube", "komae_city")),
    ("https://m.youtube.com/@komae_city/featured?app=desktop", ref("youtube", "komae_city")),
    ("youtube.com/@komae.city-official", ref("youtube", "komae.city-official")),
    ("https://www.youtube.com/%40komae_city", ref("youtube", "komae_city")),
    (f"https://www.youtube.com/channel/{CHANNEL_ID}", ref("youtube", None, CHANNEL_ID)),
    (f"https://youtube.com/channel/{CHANNEL_ID}/videos?view=0", ref("youtube", None, CHANNEL_ID)),
    (f"https://m.youtube.com/channel/{CHANNEL_ID}/", ref("youtube", None, CHANNEL_ID)),
    ("https://www.youtube.com/c/KomaeCity", ref("youtube", "komaecity")),
    ("https://www.youtube.com/c/KomaeCity/featured", ref("youtube", "komaecity")),
    ("https://www.youtube.com/user/komaecity", ref("youtube", "komaecity")),
    ("https://www.youtube.com/komaecity", ref("youtube", "komaecity")),
    # TikTok
    ("https://www.tiktok.com/@komae_city", ref("tiktok", "komae_city")),
    ("tiktok.com/@Komae_City?lang=ja-JP", ref("tiktok", "komae_city")),
    ("https://www.tiktok.com/@komae_city/video/7234567890?is_from_webapp=1", ref("tiktok", "komae_city")),
    ("https://m.tiktok.com/@komae.city", ref("tiktok", "komae.city")),
    # Threads (both domains)
    ("https://www.threads.net/@komae_city", ref("threads", "komae_city")),
    ("threads.net/@Komae_City?hl=ja", ref("threads", "komae_city")),
    ("https://www.threads.com/@komae_city", ref("threads", "komae_city")),
    ("https://www.threads.com/@komae_city/post/C1abcDEF", ref("threads", "komae_city")),
    # Bluesky: handles are domain names, dots kept; a DID is the permanent id
    ("https://bsky.app/profile/komae.bsky.social", ref("bluesky", "komae.bsky.social")),
    ("bsky.app/profile/Komae.BSKY.Social/", ref("bluesky", "komae.bsky.social")),
    ("https://bsky.app/profile/komae.bsky.social/post/3kabcdef", ref("bluesky", "komae.bsky.social")),
    ("https://bsky.app/profile/city.komae.lg.jp", ref("bluesky", "city.komae.lg.jp")),
    ("https://bsky.app/profile/@komae.bsky.social", ref("bluesky", "komae.bsky.social")),
    (f"https://bsky.app/profile/{DID}", ref("bluesky", None, DID)),
    ("https://bsky.app/profile/DID:PLC:ABCDEF234567", ref("bluesky", None, "did:plc:abcdef234567")),
    # note
    ("https://note.com/komae_city", ref("note", "komae_city")),
    ("note.com/Komae_City/", ref("note", "komae_city")),
    ("https://note.com/komae_city/n/n123abc456def", ref("note", "komae_city")),
    ("https://note.com/komae_city/n/n123abc456def?magazine_key=m1", ref("note", "komae_city")),
    ("https://note.com/komae_city/m/m12345abc", ref("note", "komae_city")),
    # A handle on its own: no platform
    ("@komae_city", ref(None, "komae_city")),
    ("＠komae_city", ref(None, "komae_city")),
    ("＠ｋｏｍａｅ＿ｃｉｔｙ", ref(None, "komae_city")),
    ("komae_city", ref(None, "komae_city")),
    ("Komae_City", ref(None, "komae_city")),
    ("  @Komae_City  ", ref(None, "komae_city")),
    ("\u3000＠komae_city\u3000", ref(None, "komae_city")),
    ("@@komae_city", ref(None, "komae_city")),
    ("「@komae_city」", ref(None, "komae_city")),
    ("@komae-city", ref(None, "komae-city")),
    ("@abc1234d", ref(None, "abc1234d")),
    ("@komae.bsky.social", ref(None, "komae.bsky.social")),
    ("komae.bsky.social", ref(None, "komae.bsky.social")),
    ("city.komae.lg.jp", ref(None, "city.komae.lg.jp")),
    ("12345", ref(None, "12345")),
]

# Links to a known platform that name no account: the platform is known, the account is not.
NO_ACCOUNT = [
    ("https://x.com", "x"),
    ("x.com", "x"),
    ("www.twitter.com/", "x"),
    ("https://x.com/home", "x"),
    ("https://x.com/Home", "x"),
    ("https://x.com/search?q=komae", "x"),
    ("https://x.com/search?q=%40komae_city&src=typed_query", "x"),
    ("https://x.com/explore", "x"),
    ("https://x.com/hashtag/狛江市", "x"),
    ("https://x.com/i/lists/1234567890", "x"),
    ("https://x.com/i/web/status/1234567890", "x"),
    ("https://x.com/intent/follow?screen_name=komae_city", "x"),
    ("https://twitter.com/intent/tweet?text=hello", "x"),
    ("https://x.com/notifications", "x"),
    ("https://x.com/コマエ", "x"),
    ("https://x.com/komae%20city", "x"),
    ("https://x.com/komae%2Fcity", "x"),
    ("https://x.com/...", "x"),
    ("https://www.facebook.com/", "facebook"),
    ("https://www.facebook.com/sharer/sharer.php?u=https://x.com/komae_city", "facebook"),
    ("https://www.facebook.com/sharer.php?u=https%3A%2F%2Fwww.city.komae.tokyo.jp", "facebook"),
    ("https://www.facebook.com/profile.php", "facebook"),
    ("https://www.facebook.com/profile.php?id=abc", "facebook"),
    ("https://www.facebook.com/pages/Komae-City", "facebook"),
    ("https://www.facebook.com/groups/komae", "facebook"),
    ("https://www.facebook.com/watch/?v=1234567890", "facebook"),
    ("https://www.facebook.com/events/1234567890/", "facebook"),
    ("https://www.facebook.com/login.php?next=komaecity", "facebook"),
    ("https://www.instagram.com/", "instagram"),
    ("https://www.instagram.com/p/CxYz123abc/", "instagram"),
    ("https://www.instagram.com/reel/CxYz123abc/?igsh=abc", "instagram"),
    ("https://www.instagram.com/explore/tags/komae/", "instagram"),
    ("https://www.instagram.com/explore/", "instagram"),
    ("https://www.instagram.com/stories/highlights/17890123456789012/", "instagram"),
    ("https://www.instagram.com/accounts/login/?next=/komae_city/", "instagram"),
    ("https://lin.ee/AbCdEfG", "line"),
    ("lin.ee/AbCdEfG", "line"),
    ("https://line.me/ja/", "line"),
    ("https://line.me/R/ti/p/~personal_id", "line"),
    ("https://line.me/R/ti/p/", "line"),
    ("https://page.line.me/", "line"),
    ("https://youtu.be/dQw4w9WgXcQ", "youtube"),
    ("https://youtu.be/dQw4w9WgXcQ?si=abc&t=42", "youtube"),
    ("https://www.youtube.com/", "youtube"),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube"),
    ("https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=share", "youtube"),
    ("https://www.youtube.com/shorts/abcDEF12345", "youtube"),
    ("https://www.youtube.com/playlist?list=PL1234567890", "youtube"),
    ("https://www.youtube.com/results?search_query=komae", "youtube"),
    ("https://www.youtube.com/channel/UC123", "youtube"),
    ("https://www.youtube.com/channel/", "youtube"),
    ("https://www.youtube.com/c/", "youtube"),
    ("https://www.youtube.com/@狛江市", "youtube"),
    ("https://www.tiktok.com/", "tiktok"),
    ("https://www.tiktok.com/video/7234567890123456789", "tiktok"),
    ("https://www.tiktok.com/foryou", "tiktok"),
    ("https://www.tiktok.com/komae_city", "tiktok"),
    ("https://www.threads.net/", "threads"),
    ("https://www.threads.net/komae_city", "threads"),
    ("https://bsky.app/", "bluesky"),
    ("https://bsky.app/search?q=komae", "bluesky"),
    ("https://bsky.app/profile/", "bluesky"),
    ("https://bsky.app/profile/did:plc:", "bluesky"),
    ("https://note.com/", "note"),
    ("https://note.com/n/n123abc456def", "note"),
    ("https://note.com/hashtag/狛江市", "note"),
    ("https://note.com/search?q=komae", "note"),
]

# Nothing that can be looked up: unknown hosts, other schemes, junk.
UNREADABLE = [
    "",
    "   ",
    "\u3000",
    "\u200b",
    "@",
    "＠",
    "@@",
    "...",
    "@.-_",
    "https://example.com/komae_city",
    "example.com/komae_city",
    "http://komae_city",
    "https://x.com.example.com/komae_city",
    "https://notx.com/komae_city",
    "https://evil.example/x.com/komae_city",
    "https://x.com@evil.example/komae_city",
    "https://komae@x.com/komae_city",
    "x.com@evil.example/komae_city",
    "https://t.co/AbCdEf123",
    "https://vm.tiktok.com/ZMabc123/",
    "https://music.youtube.com/channel/" + CHANNEL_ID,
    "https://x.com:abc/komae_city",
    "https:x.com/komae_city",
    "https:/x.com/komae_city",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "javascript://x.com/%0aalert(1)",
    "javascript:x.com/komae_city",
    "data:text/html,<script>alert(1)</script>",
    "ftp://x.com/komae_city",
    "file:///etc/passwd",
    "mailto:komae@x.com",
    "komae city",
    "@komae city",
    "x.com/komae city",
    "https://x.com/\nkomae_city",
    "komae\x00city",
    "https://x.com/komae_city\x00",
    "https://x.com/komae_city\x7f",
    "komae\u200bcity",
    "@狛江市",
    "狛江市公式",
    "@komae_city@mastodon.social",
    "@komae_city/",
    "komae_city?",
    "<script>alert(1)</script>",
    "a" * (MAX_INPUT_LENGTH + 1),
    "https://x.com/" + "a" * MAX_INPUT_LENGTH,
    " " * (MAX_INPUT_LENGTH + 1),
]


# A URL opens what a browser makes of it: the answer must be about that page (trust-boundaries §7).
AS_A_BROWSER_OPENS_IT = [
    ("https://x.com/komae_city/../someone_else", ref("x", "someone_else")),
    ("https://x.com/komae_city/%2e%2e/someone_else", ref("x", "someone_else")),
    ("https://x.com/komae_city/.%2E/someone_else", ref("x", "someone_else")),
    ("https://x.com/./komae_city", X),
    ("https://x.com/someone_else/../komae_city", X),
    ("https://x.com/%6Bomae_city", X),
    ("https://x%2Ecom/komae_city", X),
    ("https://x.com\\komae_city", X),
    ("https://x.com\\komae_city\\..\\someone_else", ref("x", "someone_else")),
    ("https://x.com:0443/komae_city", X),
    ("http://x.com:80/komae_city", X),
    ("https://x.com../komae_city", None),
    ("https://x.com:8443/komae_city", None),
    ("https://x.com:80/komae_city", None),
    ("http://x.com:443/komae_city", None),
    ("x.com:8080/komae_city", None),
    # NFKC would make these dot segments or separators; a browser percent-encodes them instead.
    ("https://x.com/evil_city/‥/komae_city", None),
    ("https://x.com/evil_city/．．/komae_city", None),
    ("https://note.com/evil_city/．．/komae_city", None),
    ("https://x.com/evil_city／．．／komae_city", None),
    ("https://x.com/komae_city？s=20", None),
]


@pytest.mark.parametrize(("pasted", "expected"), AS_A_BROWSER_OPENS_IT, ids=[repr(t) for t, _ in AS_A_BROWSER_OPENS_IT])
def test_it_reads_a_url_as_a_browser_opens_it(pasted, expected):
    assert parse_reference(pasted) == expected


@pytest.mark.parametrize(("pasted", "expected"), FOUND, ids=[repr(t) for t, _ in FOUND])
def test_it_finds_the_account_however_it_was_pasted(pasted, expected):
    assert parse_reference(pasted) == expected


@pytest.mark.parametrize(("pasted", "platform"), NO_ACCOUNT, ids=[repr(t) for t, _ in NO_ACCOUNT])
def test_it_knows_the_platform_but_no_account_for_links_that_name_none(pasted, platform):
    assert parse_reference(pasted) == ref(platform)


@pytest.mark.parametrize("pasted", UNREADABLE, ids=[repr(t[:60]) for t in UNREADABLE])
def test_it_returns_none_for_anything_unrecognisable(pasted):
    assert parse_reference(pasted) is None


def test_it_accepts_input_of_exactly_the_maximum_length():
    handle = "a" * (MAX_INPUT_LENGTH - 1)
    assert parse_reference("@" + handle) == ref(None, handle)


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [(t, r) for t, r in FOUND if r.handle],
    ids=[repr(t) for t, r in FOUND if r.handle],
)
def test_a_found_handle_reads_back_as_the_same_bare_handle(pasted, expected):
    handle = parse_reference(pasted).handle
    assert normalize_handle(handle) == handle
    assert parse_reference("@" + handle) == ref(None, handle)


@pytest.mark.parametrize(
    ("hosts", "pasted", "expected"),
    [
        ({"x.com": "x"}, "https://x.com/komae_city", X),
        ({"x.com": "x"}, "https://twitter.com/komae_city", None),
        ({"WWW.Twitter.com": "x"}, "https://twitter.com/komae_city", X),
        ({"x.com:443": "x"}, "x.com/komae_city", X),
        ({"mstdn.jp": "mastodon"}, "https://mstdn.jp/@komae_city", ref("mastodon", "komae_city")),
        ({"mstdn.jp": "mastodon"}, "https://mstdn.jp/@komae_city/123456", ref("mastodon", "komae_city")),
        ({"mstdn.jp": "mastodon"}, "https://mstdn.jp/", ref("mastodon")),
        ({"mstdn.jp": "mastodon"}, "mstdn.jp", ref("mastodon")),
        ({"mstdn.jp": "mastodon"}, "x.com", ref(None, "x.com")),
        ({"mstdn.jp": "mastodon"}, "https://x.com/komae_city", None),
        ({}, "https://x.com/komae_city", None),
        ({}, "@komae_city", ref(None, "komae_city")),
    ],
)
def test_it_reads_hosts_from_the_given_map(hosts, pasted, expected):
    assert parse_reference(pasted, hosts) == expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("x.com", "x.com"),
        ("X.COM", "x.com"),
        ("www.x.com", "x.com"),
        ("m.facebook.com", "facebook.com"),
        ("mobile.twitter.com", "twitter.com"),
        ("web.facebook.com", "facebook.com"),
        ("WWW.YouTube.com:443", "youtube.com"),
        ("x.com:8080", "x.com"),
        ("x.com.", "x.com"),
        (" x.com ", "x.com"),
        ("ｘ．ｃｏｍ", "x.com"),
        ("page.line.me", "page.line.me"),
        ("bsky.app", "bsky.app"),
        ("music.youtube.com", "music.youtube.com"),
        ("www.m.example", "m.example"),
        ("[::1]:8000", "[::1]"),
        ("", ""),
    ],
)
def test_canonical_host(host, expected):
    assert canonical_host(host) == expected


def test_default_hosts_are_canonical_and_cover_every_platform():
    assert all(canonical_host(host) == host for host in DEFAULT_HOSTS)
    assert set(DEFAULT_HOSTS.values()) == {
        "x",
        "facebook",
        "instagram",
        "line",
        "youtube",
        "tiktok",
        "threads",
        "bluesky",
        "note",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("komae_city", "komae_city"),
        ("Komae_City", "komae_city"),
        ("@komae_city", "komae_city"),
        ("＠komae_city", "komae_city"),
        ("＠ｋｏｍａｅ＿ｃｉｔｙ", "komae_city"),
        ("  @Komae_City\u3000", "komae_city"),
        ("@ komae_city", "komae_city"),
        ("@@komae_city", "komae_city"),
        ("komae.bsky.social", "komae.bsky.social"),
        ("komae@city", "komae@city"),
        ("狛江市", "狛江市"),
        ("@", ""),
        ("", ""),
    ],
)
def test_normalize_handle(text, expected):
    assert normalize_handle(text) == expected


def test_profile_ref_is_immutable_and_hashable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        X.handle = "other"  # type: ignore[misc]
    assert len({X, ref("x", "komae_city")}) == 1


FUZZ_ALPHABET = (
    "abcxyzXYZ019_.-@＠:/?#&=%~!$'()*+,;[]<>\"\\ \t\n\r\x00\x01\x07\x1b\x7f\x85\xa0"
    "\u200b\u200e\u202e\u3000\ufeff\ud800\udfffｘ．ｃｏｍ／＿狛江市ｶﾞ\U0001f600\ufdfa"
)
SEEDS = [text for text, _ in FOUND + NO_ACCOUNT]


def _random_strings(rng: random.Random, count: int) -> list[str]:
    out = []
    for _ in range(count):
        out.append("".join(rng.choice(FUZZ_ALPHABET) for _ in range(rng.randint(0, 40))))
    for _ in range(count):
        chars = list(rng.choice(SEEDS))
        for _ in range(rng.randint(1, 4)):
            pos = rng.randint(0, len(chars))
            action = rng.randrange(3)
            if action == 0:
                chars.insert(pos, rng.choice(FUZZ_ALPHABET))
            elif chars and action == 1:
                del chars[min(pos, len(chars) - 1)]
            elif chars:
                chars[min(pos, len(chars) - 1)] = rng.choice(FUZZ_ALPHABET)
        out.append("".join(chars))
    return out


def test_it_never_raises_and_only_returns_clean_handles_on_random_input():
    rng = random.Random(20250401)
    platforms = set(DEFAULT_HOSTS.values())
    for text in [*_random_strings(rng, 400), "\ufdfa" * MAX_INPUT_LENGTH, "%" * MAX_INPUT_LENGTH]:
        result = parse_reference(text)
        assert result is None or isinstance(result, ProfileRef), text
        if result is None:
            continue
        assert result.platform is None or result.platform in platforms, text
        assert result.handle is None or HANDLE_RE.fullmatch(result.handle), text
        if result.platform is None:
            assert result.handle and result.account_id is None, text
