"""A labelled set of search results, written by hand (issue 23): lookalikes of 狛江市's official
accounts, each with the official account it imitates (None: the city's or a 課's own name, no single
account), and look-nothing-alikes that must never be candidates — accounts that merely mention the city,
neighbouring cities, other bodies, common words. Tests-only data (tests/discovery/test_scoring.py) that
bench/discovery.py also prints recall and false positives for. Handles, names and pictures are invented.
"""

import io
from datetime import UTC, date, datetime, timedelta

from PIL import Image, ImageDraw

from discovery.scoring import Found, Official, avatar_hash

TODAY = date(2026, 12, 3)
CITY_NAMES = ("狛江市", "狛江", "狛江市役所", "こまえ", "komae city", "komae")
DEPARTMENT_NAMES = ("防災危機管理課", "子育て支援課", "秘書広報室", "環境政策課", "市民協働推進課")


def logo(size: int = 400, *, shift: int = 0, background: str = "white") -> Image.Image:
    """The city's invented avatar: a green disc, a white band and a blue square."""
    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    s = size / 100
    draw.ellipse((10 * s + shift, 10 * s, 90 * s + shift, 90 * s), fill=(20, 140, 60))
    draw.rectangle((20 * s, 45 * s, 80 * s, 58 * s), fill="white")
    draw.rectangle((40 * s, 18 * s, 60 * s, 38 * s), fill=(30, 60, 200))
    return image


def encoded(image: Image.Image, kind: str = "PNG", **options) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def another_picture(size: int = 400) -> Image.Image:
    """Someone else's avatar: a bowl of ramen, roughly."""
    image = Image.new("RGB", (size, size), (250, 230, 180))
    draw = ImageDraw.Draw(image)
    s = size / 100
    draw.pieslice((5 * s, 20 * s, 95 * s, 110 * s), 180, 360, fill=(180, 60, 30))
    for x in range(20, 80, 12):
        draw.line((x * s, 10 * s, (x + 5) * s, 60 * s), fill=(240, 220, 120), width=int(3 * s))
    return image


CITY_AVATAR = avatar_hash(encoded(logo()))
# The same picture as an impersonator saves it: smaller, as a lossy JPEG.
REUSED_AVATAR = avatar_hash(encoded(logo(200), "JPEG", quality=60))
OTHER_AVATAR = avatar_hash(encoded(another_picture(), "JPEG", quality=80))

OFFICIALS = (
    Official(1, "x", "komae_city", "狛江市", CITY_AVATAR, "1000001", "X"),
    Official(2, "x", "komae_bousai", "狛江市防災危機管理課", None, "1000002", "X"),
    Official(3, "bluesky", "komae-city.bsky.social", "狛江市", CITY_AVATAR, "did:plc:komaecity", "Bluesky"),
    Official(4, "youtube", "@komaecity", "狛江市公式チャンネル", CITY_AVATAR, "UCkomae", "YouTube"),
    Official(5, "x", "komae_kosodate", "こまえ子育て", None, "1000005", "X"),
    Official(6, "instagram", "komae_kouhou", "狛江市広報", CITY_AVATAR, "", "Instagram"),
)

LONG_AGO = datetime(2015, 4, 1, tzinfo=UTC)
RECENT = datetime.combine(TODAY - timedelta(days=6), datetime.min.time(), tzinfo=UTC)


def found(platform, handle, name, description="", *, avatar=None, created=LONG_AGO, account_id="") -> Found:
    return Found(platform, handle, name, description, account_id, avatar, created)


# (what it tries, the result, the key of the official account it imitates or None)
LOOKALIKES = (
    ("市 → 巿 (U+5DFF)", found("x", "komae_citv", "狛江巿"), 1),
    ("Cyrillic о in the handle", found("x", "kоmae_city", "狛江市"), 1),
    ("Cyrillic о, е, С in a Latin name", found("bluesky", "komae-info.bsky.social", "Kоmaе Сity"), None),
    ("0 for O", found("x", "k0mae_city", "狛江市"), 1),
    ("rn for m in the handle", found("x", "kornae_city", "狛江市 お知らせ"), 1),
    ("rn for m in the name", found("bluesky", "kornae.bsky.social", "Kornae City"), None),
    ("swapped letters", found("x", "komae_ctiy", "狛江市 お知らせ"), 1),
    ("one letter off, l for i", found("x", "komae_clty", "狛江市のお知らせ"), 1),
    ("separators dropped", found("bluesky", "komaecity.bsky.social", "狛江市"), 3),
    ("【公式】 added", found("x", "komae_city_koushiki", "【公式】狛江市"), 1),
    ("（公式） added to a 課", found("x", "komae_bousai_jp", "狛江市防災危機管理課（公式）"), 2),
    ("official and ✅ added", found("youtube", "@komae_city_official", "狛江市 公式チャンネル ✅"), 4),
    ("half-width kana", found("x", "komae_kosodate_info", "ｺﾏｴ子育て"), 5),
    ("katakana for hiragana", found("bluesky", "kosodate-komae.bsky.social", "コマエ子育て"), 5),
    ("full-width letters", found("x", "komae_tokyo", "ＫＯＭＡＥ ＣＩＴＹ"), None),
    ("the official avatar reused", found("x", "komae_news24", "こまえニュース", avatar=REUSED_AVATAR), 1),
    ("the city's name and a 課's, new", found("x", "komae_bousai_info", "狛江市防災", created=RECENT), 2),
    ("a 課's own name, new", found("bluesky", "bousai-kiki.bsky.social", "防災危機管理課", created=RECENT), None),
    ("zero-width characters", found("x", "komae_city_", "狛\u200b江\u200d市"), 1),
    ("a right-to-left override", found("x", "komae__city", "\u202e市江狛\u202c"), 1),
    ("emoji added", found("x", "komaecity_", "狛江市🌸✨"), 1),
    ("the same handle on a platform where the city has none", found("threads", "komae_city", "狛江市"), 1),
    ("the same name on Instagram", found("instagram", "komae.kouhou", "狛江市広報"), 6),
    ("an official's handle taken", found("x", "komae_bousai", "防災情報", account_id="9999999"), 2),
)

# (what it is, the result): never a candidate
UNRELATED = (
    (
        "a ramen shop in 狛江",
        found(
            "x",
            "menya_komae",
            "麺屋こまえ【公式】",
            "狛江市和泉本町のラーメン屋です。公式アカウント。",
            avatar=OTHER_AVATAR,
            created=RECENT,
        ),
    ),
    (
        "a resident's blog",
        found("bluesky", "taro-komae.bsky.social", "狛江在住タロウ", "狛江市在住。多摩川を散歩するブログ"),
    ),
    ("a resident", found("x", "komae_shimin", "狛江市民", "狛江市に住んでいます", created=RECENT)),
    ("a neighbouring city", found("x", "chofu_city", "調布市", "調布市の公式アカウントです")),
    ("a neighbouring city's 課", found("x", "chofu_bousai", "調布市防災危機管理課【公式】", "調布市の防災情報")),
    ("a high school", found("x", "komae_hs", "狛江高校", "東京都立狛江高等学校の非公式ファンアカウント")),
    ("another body", found("x", "komae_kankou", "狛江市観光協会【公式】", "狛江市の観光情報をお届けします")),
    ("a member of the city council", found("x", "hanako_yamada", "狛江市議会議員 山田花子", "狛江市議会議員")),
    ("a fan of the city", found("instagram", "komae_lover", "狛江大好き", "狛江の風景を撮っています")),
    ("common words: 公式", found("x", "official", "公式")),
    ("common words: 防災", found("x", "bousai_news", "防災ニュース", "防災の情報をまとめています")),
    ("common words: 子育て", found("x", "kosodate_mama", "子育てママ", "二児の母です")),
    ("common words: city", found("bluesky", "city-info.bsky.social", "City Info")),
    ("another city's official avatar", found("x", "inagi_city", "稲城市", avatar=OTHER_AVATAR)),
    ("a shop with an emoji name", found("x", "cafe_tamagawa", "☕カフェ多摩川🌸", "狛江駅から徒歩5分")),
)
