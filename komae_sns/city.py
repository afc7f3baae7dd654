"""The city profile (issue 15): what differs from municipality to municipality, in a TOML file named by
CITY_PROFILE (default: the bundled Komae profile, komae_sns/profiles/komae.toml).

Read once by settings.py at start-up. A broken profile stops start-up with a Japanese message that
names the file, the key and the problem. Settings of the same meaning given in the environment
(CITY_NAME, CITY_EMAIL_DOMAIN, REVIEW_OPENS_MONTH, SUSPENSION_IMPACT_LEVELS, …) still work and
override the profile. Imports nothing that needs Django's apps.

The clause IDs in the code (G-4-5-ア, P-7, …) stay references for developers; what users read comes
from here.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

BUNDLED = Path(__file__).resolve().parent / "profiles" / "komae.toml"


@dataclass(frozen=True)
class ImpactLevel:
    """G-4-5-イ: accounts with fewer followers than `below` (None: any number) have this impact,
    and their suspension is announced this many days ahead."""

    below: int | None
    label: str
    notice_days: int


@dataclass(frozen=True)
class CityProfile:
    path: Path
    name: str  # 狛江市
    reading: str  # こまえし
    homepage_url: str  # the city's own site (P-3: a profile links to it)
    email_domain: str  # P-4: registered addresses are on it
    guideline_name: str  # the guideline users read about (狛江市ソーシャルメディア活用ガイドライン)
    committee_name: str  # G-4-2: the committee that approves new accounts (行政情報化推進委員会)
    committee_chair_title: str  # 委員長
    committee_member_title: str  # 委員
    form_number: str  # the request form's number in the city's rules (第４号様式)
    form_name: str  # its name (電子計算組織処理計画書)
    form_basis: str  # the article it belongs to, printed on the form (第15条の２関係); may be empty
    review_opens_month: int  # G-4-5-ア: year-end reviews open in this month, to the end of the 年度
    impact_levels: tuple[ImpactLevel, ...]


class ProfileError(ImproperlyConfigured):
    pass


# The keys a profile has: section → {key: (type, required)}. Anything else is a typo and refused.
SCHEMA = {
    "city": {
        "name": (str, True),
        "reading": (str, True),
        "homepage_url": (str, True),
        "email_domain": (str, True),
    },
    "guideline": {"name": (str, True)},
    "committee": {"name": (str, True), "chair_title": (str, True), "member_title": (str, True)},
    "request_form": {"number": (str, True), "name": (str, True), "basis": (str, False)},
    "review": {"opens_month": (int, True)},
    "suspension": {"impact_levels": (list, True)},
}
LEVEL_KEYS = {"below": int, "label": str, "notice_days": int}


def load_profile(path: str | Path | None = None) -> CityProfile:
    path = Path(path) if path else BUNDLED
    where = f"CITY_PROFILE（{path}）"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"{where}：ファイルがありません。") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{where}：読み込めません（{exc}）。") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{where}：TOMLとして読めません（{exc}）。") from None
    values = _checked(data, where)
    return CityProfile(
        path=path,
        name=values["city.name"],
        reading=values["city.reading"],
        homepage_url=values["city.homepage_url"],
        email_domain=values["city.email_domain"].lower(),
        guideline_name=values["guideline.name"],
        committee_name=values["committee.name"],
        committee_chair_title=values["committee.chair_title"],
        committee_member_title=values["committee.member_title"],
        form_number=values["request_form.number"],
        form_name=values["request_form.name"],
        form_basis=values.get("request_form.basis", ""),
        review_opens_month=values["review.opens_month"],
        impact_levels=_levels(values["suspension.impact_levels"], where),
    )


def _checked(data: dict, where: str) -> dict:
    values = {}
    for section in data:
        if section not in SCHEMA:
            raise ProfileError(f"{where}：[{section}] という項目はありません（使える項目：{', '.join(SCHEMA)}）。")
    for section, keys in SCHEMA.items():
        table = data.get(section)
        if not isinstance(table, dict):
            raise ProfileError(f"{where}：[{section}] がありません。")
        for key in table:
            if key not in keys:
                known = ", ".join(keys)
                raise ProfileError(f"{where}：[{section}] {key} という設定はありません（使える設定：{known}）。")
        for key, (kind, required) in keys.items():
            name = f"[{section}] {key}"
            if key not in table:
                if required:
                    raise ProfileError(f"{where}：{name} がありません。")
                continue
            value = table[key]
            if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
                raise ProfileError(f"{where}：{name} は整数で指定してください（{value!r}）。")
            if kind is str and (not isinstance(value, str) or not value.strip()):
                raise ProfileError(f"{where}：{name} は空でない文字列で指定してください（{value!r}）。")
            if kind is list and not isinstance(value, list):
                raise ProfileError(f"{where}：{name} は配列で指定してください。")
            values[f"{section}.{key}"] = value.strip() if isinstance(value, str) else value
    url = urlsplit(values["city.homepage_url"])
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ProfileError(f"{where}：[city] homepage_url は http(s) のURLで指定してください。")
    domain = values["city.email_domain"]
    if "@" in domain or "." not in domain or " " in domain:
        raise ProfileError(f"{where}：[city] email_domain はメールアドレスのドメイン（例：city.example.lg.jp）です。")
    if not 1 <= values["review.opens_month"] <= 12:
        raise ProfileError(f"{where}：[review] opens_month は1〜12の月で指定してください。")
    return values


def _levels(items: list, where: str) -> tuple[ImpactLevel, ...]:
    name = "[suspension] impact_levels"
    levels = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or set(item) - set(LEVEL_KEYS) or not {"label", "notice_days"} <= set(item):
            raise ProfileError(
                f"{where}：{name} の{number}番目は "
                '{ below = 1000, label = "小", notice_days = 30 } の形で指定してください（最後の段階は below なし）。'
            )
        for key, kind in LEVEL_KEYS.items():
            if key in item and (isinstance(item[key], bool) or not isinstance(item[key], kind)):
                raise ProfileError(f"{where}：{name} の{number}番目の {key} の型が違います（{item[key]!r}）。")
        levels.append(ImpactLevel(item.get("below"), item["label"].strip(), item["notice_days"]))
    if not levels or levels[-1].below is not None or any(level.below is None for level in levels[:-1]):
        raise ProfileError(f"{where}：{name} は、最後の段階だけを below なし（上限なし）にしてください。")
    bounds = [level.below for level in levels[:-1]]
    if bounds != sorted(set(bounds)):
        raise ProfileError(f"{where}：{name} の below は小さい順に、重ならないように並べてください。")
    return tuple(levels)
