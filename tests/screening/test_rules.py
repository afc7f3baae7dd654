"""A table of Japanese examples per rule: true positives and near misses (SPEC §6)."""

import pytest

from screening import rules

TERMS = [("検討中", "未発表・検討中", "G-4-4-ア"), ("らしい", "噂", "G-4-4-ウ")]


def codes(text, **kwargs):
    options = {"platform_code": "facebook", "max_length": None, "terms": TERMS, "earlier": []}
    options.update(kwargs)
    return [f.code for f in rules.screen(text, **options)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 伏せ字
        ("○○さんが来場しました", ["fuseji", "consent"]),
        ("詳細は××で確認中", ["fuseji"]),
        ("＊＊＊地区で工事", ["fuseji"]),
        ("●●について", ["fuseji"]),
        ("○ 申込方法：窓口", []),  # a single ○ as a bullet
        ("結果は○でした", []),
        # phone numbers
        ("お問い合わせは03-3430-1111まで", ["phone"]),
        ("携帯090-1234-5678へ", ["phone"]),
        ("０３－３４３０－１１１１（代表）", ["phone"]),
        ("フリーダイヤル0120-123-456", ["phone"]),
        ("(03)3430-1111", ["phone"]),
        ("2026-04-01に開催", []),  # a date, not a phone number
        ("2026/4/1から受付", []),
        ("令和8年4月1日", []),
        ("参加者は1234人", []),
        # e-mail, postal codes, addresses
        ("連絡先 taro.komae@example.com", ["email"]),
        ("〒201-8585 狛江市和泉本町", ["postal"]),
        ("狛江市和泉本町一丁目1番5号の方", ["address"]),
        ("201-8585", ["postal"]),
        # マイナンバー with its check digit
        ("番号は123456789018です", ["mynumber"]),
        ("番号は123456789012です", []),  # wrong check digit: not a 個人番号
        ("１２３４５６７８９０１８", ["mynumber"]),
        # URL shorteners
        ("詳しくは https://bit.ly/3abcDEF", ["shortener"]),
        ("詳しくは https://www.city.komae.tokyo.jp/index.html", []),
        # dictionary
        ("新しい施設は検討中です", ["dictionary"]),
        ("閉館するらしい", ["dictionary"]),
        ("検討会の結果", []),
        # people
        ("市長と山田さんが出演します", ["consent"]),
        ("イベントの写真です", ["consent"]),
        ("イベントのお知らせです", []),
    ],
)
def test_rules_find_what_the_guideline_warns_about_and_nothing_else(text, expected):
    """G-4-4-ア〜ウ and G-4-3-エ: 伏せ字, personal data, dictionary words, and the consent question."""
    assert sorted(set(codes(text))) == sorted(set(expected)), rules.screen(
        text, platform_code="facebook", max_length=None, terms=TERMS, earlier=[]
    )


def test_spans_point_at_the_exact_text_even_in_full_width():
    text = "電話は０３－３４３０－１１１１です"
    finding = rules.screen(text, platform_code="x", max_length=140, terms=[], earlier=[])[0]
    assert text[finding.start : finding.end] == "０３－３４３０－１１１１"


def test_x_counts_japanese_as_two_and_urls_as_23():
    assert rules.x_length("あ" * 140) == 280
    assert rules.x_length("a" * 10) == 10
    assert rules.x_length("https://www.city.komae.tokyo.jp/very/long/path/index.html") == 23
    assert codes("あ" * 140, platform_code="x", max_length=140) == []
    assert codes("あ" * 141, platform_code="x", max_length=140) == ["length"]
    assert codes("a" * 281, platform_code="x", max_length=140) == ["length"]


def test_the_same_or_nearly_the_same_text_is_a_repeat():
    earlier = ["【お知らせ】市民まつりは10月12日に開催します。ぜひお越しください。"]
    assert codes("【お知らせ】市民まつりは10月12日に開催します。ぜひお越しください！", earlier=earlier) == ["repeat"]
    assert codes("【お知らせ】図書館は年末年始に休館します。", earlier=earlier) == []


@pytest.mark.parametrize("text", ["和泉本町1-1-5にお住まいの方", "東京都狛江市岩戸南二丁目3番1号"])
def test_street_addresses_are_found(text):
    assert "address" in codes(text)
