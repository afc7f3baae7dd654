"""The city profile (issue 15): what differs from municipality to municipality, in a TOML file named by
CITY_PROFILE (default: the bundled Komae profile, komae_sns/profiles/komae.toml).

Read once by settings.py at start-up. A broken profile stops start-up with a Japanese message that
names the file, the key and the problem. Settings of the same meaning given in the environment
(CITY_NAME, CITY_EMAIL_DOMAIN, REVIEW_OPENS_MONTH, SUSPENSION_IMPACT_LEVELS, …) still work and
override the profile. Imports nothing that needs Django's apps.

The clause IDs in the code (G-4-5-ア, P-7, …) stay references for developers; what users read comes
from here.
"""

import os
import re
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from core.municipal import municipality_code_problem, peer_url_problem

BUNDLED = Path(__file__).resolve().parent / "profiles" / "komae.toml"
# Every file a profile names (the profile, its policy template, its demo file) is a regular file of
# at most this size, nested at most this deep (arrays and tables): the bundled ones are under 8 KiB
# and 5 deep. A hostile or mistaken file is refused by name, never read until memory or the stack runs out.
MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 16

# What the system calls an account's policy document where the profile does not name it ([policy] name).
POLICY_NAME = "運用ポリシー"
# 分野 (accounts.models.Field: what a new-account request is compared with first, G-4-2-ア): the values
# stored, and Komae's words for them. A profile's [accounts.fields] chooses, orders and names them.
FIELDS = {
    "general": "市政全般・広報",
    "safety": "防災・防犯・安全",
    "children": "子育て・教育",
    "welfare": "福祉・健康",
    "environment": "環境・ごみ",
    "tourism": "観光・産業・文化",
    "town": "まちづくり・交通",
    "other": "その他",
}
# The 投稿前チェック's advice by finding (screening.rules), Komae's words; a profile's [screening] says
# its own. {文字数} and {上限} are what `length` fills in.
SCREENING = {
    "fuseji": "伏せ字は要らぬ詮索を招きます。伏せずに書くか、書かないでください。",
    "mynumber": "個人番号（マイナンバー）と思われる番号です。",
    "phone": "電話番号です。個人の番号でないか確かめてください。",
    "email": "メールアドレスです。個人のものでないか確かめてください。",
    "postal": "郵便番号です。個人の住所でないか確かめてください。",
    "address": "番地までの住所です。個人の住所でないか確かめてください。",
    "shortener": "短縮URLは行き先が分からず、誤解を招きます。元のURLを書いてください。",
    "length": "長すぎます：{文字数}。上限は{上限}文字です。",
    "consent": "個人が特定できる場合は、本人・所属団体の了解を得ていますか。",
    "repeat": "以前の投稿とほぼ同じ内容です。繰り返しの投稿は避けてください。",
}
SCREENING_CODES = tuple(SCREENING)
SCREENING_PLACEHOLDERS = ("文字数", "上限")


@dataclass(frozen=True)
class ImpactLevel:
    """G-4-5-イ: accounts with fewer followers than `below` (None: any number) have this impact,
    and their suspension is announced this many days ahead."""

    below: int | None
    label: str
    notice_days: int


@dataclass(frozen=True)
class PolicyText:
    """The 運用ポリシー template of the profile: articles with {placeholders}, and the item lines of the
    article on what is posted (P-5, by content category) and on restrictions (P-6, by restriction)."""

    path: Path
    name: str
    title: str
    service_description: str
    articles: tuple  # (number, heading, body)
    content_items: dict  # ContentCategory value → item line
    restriction_items: dict  # restriction flag of the account → item line


@dataclass(frozen=True)
class CityProfile:
    path: Path
    name: str  # 狛江市
    kind: str  # 市, 町, 村 or 区: what the screens call the municipality (市公式ホームページ, 町民 …)
    reading: str  # こまえし
    homepage_url: str  # the city's own site (P-3: a profile links to it; issue 24: accounts.json's "site")
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
    clause_labels: dict  # clause ID in the code (G-4-5-エ) → what users read (ガイドライン４(5)エ)
    policy: PolicyText  # the 運用ポリシー template new installations start from (P-1〜P-10)
    platforms: tuple  # SNS the city adds to the bundled ones: dicts of accounts.Platform's fields
    demo: dict | None  # the demo organisation seed_demo loads (validated there), or None
    role_titles: dict  # role → what the city calls it, where it differs (security_officer: 最高情報セキュリティ責任者)
    policy_name: str = POLICY_NAME  # what the city calls an account's policy document (運用ポリシー, 運用方針)
    fields: dict = None  # 分野 offered, in order: accounts.models.Field value → what users read
    screening: dict = None  # 投稿前チェック's advice by finding code (screening.rules), with {文字数} {上限}
    # Issue 22: how long a new account's posts are kept in the archive (archive.models.Retention value:
    # "1", "3", "5", "10", "30" years or "permanent", 常用), where the account does not say otherwise.
    archive_retention: str = "5"
    # Issue 24: the city's 全国地方公共団体コード (6 digits with its check digit), published in its
    # accounts.json, and the accounts.json URLs of the peers whose registries it reads.
    code: str = ""
    registry_peers: tuple = ()

    def __post_init__(self):
        # Left out (tests build profiles by hand): Komae's words.
        if self.fields is None:
            object.__setattr__(self, "fields", dict(FIELDS))
        if self.screening is None:
            object.__setattr__(self, "screening", dict(SCREENING))

    def field_label(self, code: str) -> str:
        """A 分野 as users read it; one the city no longer offers keeps the system's name for it."""
        return self.fields.get(code) or FIELDS.get(code, code)

    def advice(self, code: str, **values) -> str:
        """The 投稿前チェック's advice for a finding, in the city's words ({文字数}, {上限} filled in)."""
        text = self.screening[code]
        return _PLACEHOLDER.sub(lambda m: str(values.get(m[1], m[0])), text)

    def clause(self, ref: str) -> str:
        """What users read for a clause the code cites ("G-4-5-エ", or several: "G-4-5-エ・G-4-3-カ");
        for one the profile does not label, the guideline's name (運用ポリシー for the P-… ones)."""
        if ref not in self.clause_labels and ("・G-" in ref or "・P-" in ref):
            return "・".join(dict.fromkeys(self.clause(part) for part in ref.split("・")))
        fallback = self.policy_name if ref.startswith("P-") else self.guideline_name
        return self.clause_labels.get(ref) or fallback

    def cited(self, text: str) -> str:
        """`text` with every clause ID in it as the city's users read it (labels, help, messages)."""
        return CLAUSE_ID.sub(lambda m: self.clause(m[0].replace("/", "・")), str(text))

    def local(self, text: str) -> str:
        """The system's own text in the municipality's kind: 市公式ホームページ, 市民, 市政 … read
        町公式ホームページ, 町民, 町政 in a 町. Never for what people typed: it could name another city."""
        return str(text) if self.kind == "市" else MUNICIPAL_WORD.sub(self.kind, str(text))

    def named(self, text: str) -> str:
        """The system's own text with the policy document in the city's name for it (運用方針)."""
        text = str(text)
        return text if self.policy_name == POLICY_NAME else text.replace(POLICY_NAME, self.policy_name)

    def words(self, text: str) -> str:
        """All three: the system's text as this city's users read it."""
        return self.named(self.local(self.cited(text)))


class ProfileError(ImproperlyConfigured):
    pass


# The keys a profile has: section → {key: (type, required)}. Anything else is a typo and refused.
SCHEMA = {
    "city": {
        "name": (str, True),
        "reading": (str, True),
        "homepage_url": (str, True),
        "email_domain": (str, True),
        "kind": (str, False),
        "code": (str, False),
    },
    "guideline": {"name": (str, True)},
    "committee": {"name": (str, True), "chair_title": (str, True), "member_title": (str, True)},
    "request_form": {"number": (str, True), "name": (str, True), "basis": (str, False)},
    "review": {"opens_month": (int, True)},
    "suspension": {"impact_levels": (list, True)},
    "policy": {"template": (str, True), "name": (str, False)},
    # 分野 ([accounts.fields]) and the 投稿前チェック's advice ([screening]): Komae's words where left out.
    "accounts": {"fields": (dict, False)},
    "screening": {code: (str, False) for code in SCREENING_CODES},
    # What the city calls a role, where it differs from the guideline's words (org.roles.Role values;
    # the committee's roles are named by [committee]).
    "roles": {
        "staff": (str, False),
        "section_head": (str, False),
        "contractor": (str, False),
        "security_officer": (str, False),
        "pr_office": (str, False),
        "sysadmin": (str, False),
    },
    "demo": {"file": (str, False)},
    "archive": {"retention": (str, False)},
    "registry": {"peers": (list, False)},
    "platforms": {},  # an array of tables, checked by _platforms
}
LEVEL_KEYS = {"below": int, "label": str, "notice_days": int}
OPTIONAL_SECTIONS = {"demo", "platforms", "roles", "accounts", "screening", "archive", "registry"}
RETENTIONS = ("1", "3", "5", "10", "30", "permanent")  # archive.models.Retention

# The clauses the screens, messages and documents cite, by their ID in the code: G-… the guideline,
# P-… the 運用ポリシー's 見本. A profile labels them in the words of its own rules
# ([guideline.clauses]); one it leaves out reads as the guideline's name (or 運用ポリシー).
CLAUSES = (
    "G-4-2",
    "G-4-2-ア",
    "G-4-2-イ",
    "G-4-2-イ・ウ",
    "G-4-3-ア",
    "G-4-3-エ",
    "G-4-3-オ・カ",
    "G-4-3-カ",
    "G-4-4-ア",
    "G-4-4-イ",
    "G-4-4-ウ",
    "G-4-5-ア",
    "G-4-5-ア〜ウ",
    "G-4-5-イ",
    "G-4-5-ウ",
    "G-4-5-エ",
    "P-3",
    "P-4",
    "P-5",
    "P-5-2",
    "P-6",
    "P-7",
    "P-7-1",
    "P-7-2",
    "P-7-3",
    "P-8",
)
# The municipality's generic 市 in the system's own words (市公式ホームページ, 市の既存のアカウント,
# 市民, 市政, 市内 …), which a 町, 村 or 区 reads in its own kind (CityProfile.local).
MUNICIPAL_WORD = re.compile(r"(?<![都市区町村])市(?=公式|ホームページ|広報|民|政|内|の|が|は|へ|を|に)")
KINDS = ("市", "町", "村", "区")
# A clause ID as written in text: "G-4-5-ウ", "G-4-2-イ・ウ", "G-4-3-オ/カ", "G-4-5-ア〜ウ", "P-7-3".
CLAUSE_ID = re.compile(r"(?<![A-Za-z0-9_-])[GP]-\d+(?:-\d+)?(?:-[ア-ン](?:[・/〜][ア-ン](?![-\d]))*)?(?![A-Za-z0-9_-])")

# What a policy template may fill in (policies.services.policy_values makes each of them).
POLICY_PLACEHOLDERS = (
    "市名",
    "名称",
    "課名",
    "部課名",
    "管理者",
    "サービス名",
    "運営会社",
    "サービスの説明",
    "ユーザー名",
    "登録メールアドレス",
    "発信する内容",
    "制限事項",
)
CONTENT_CATEGORIES = ("general", "disaster", "other")  # accounts.models.ContentCategory
RESTRICTIONS = ("restrict_follow", "restrict_reply", "restrict_contact")  # OfficialAccount's flags
POLICY_KEYS = {"name": str, "title": str, "service_description": str, "articles": list}
POLICY_TABLES = {"content_items": CONTENT_CATEGORIES, "restriction_items": RESTRICTIONS}
ARTICLE_KEYS = {"number": int, "heading": str, "body": str}

# accounts.Platform's fields a profile may give: name → (type, required).
PLATFORM_KEYS = {
    "code": (str, True),
    "name": (str, True),
    "hosts": (str, True),
    "profile_url_template": (str, True),
    "former_name": (str, False),
    "operator": (str, False),
    "service_definition": (str, False),
    "follower_word": (str, False),
    "post_word": (str, False),
    "verification_available": (bool, False),
    "max_post_length": (int, False),
    "sort_order": (int, False),
}
_PLACEHOLDER = re.compile(r"\{([^{}\s]{1,20})\}")


def load_profile(path: str | Path | None = None) -> CityProfile:
    path = Path(path) if path else BUNDLED
    where = f"CITY_PROFILE（{path}）"
    data = _read(path, where)
    values = _checked(data, where)
    demo = None
    if "demo.file" in values:
        demo_path = _beside(path, values["demo.file"])
        demo = _read(demo_path, f"{where}：[demo] file（{demo_path}）")
    kind = values.get("city.kind") or (values["city.name"][-1] if values["city.name"][-1] in KINDS else "市")
    if kind not in KINDS:
        raise ProfileError(f"{where}：[city] kind は {'・'.join(KINDS)} のどれかです（{kind}）。")
    return CityProfile(
        path=path,
        name=values["city.name"],
        kind=kind,
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
        archive_retention=values.get("archive.retention", "5"),
        impact_levels=_levels(values["suspension.impact_levels"], where),
        clause_labels=_clauses(data["guideline"].get("clauses", {}), where),
        policy=_policy(_beside(path, values["policy.template"]), where),
        platforms=_platforms(data.get("platforms", []), where),
        demo=demo,
        role_titles={key.removeprefix("roles."): value for key, value in values.items() if key.startswith("roles.")},
        policy_name=values.get("policy.name", POLICY_NAME),
        fields=_fields(values.get("accounts.fields"), where),
        screening={**SCREENING, **_screening(values, where)},
        code=values.get("city.code", ""),
        registry_peers=_peers(values.get("registry.peers", []), where),
    )


def _peers(items: list, where: str) -> tuple:
    peers = []
    for number, item in enumerate(items, start=1):
        problem = peer_url_problem(item) if isinstance(item, str) else "文字列ではありません"
        if problem:
            raise ProfileError(f"{where}：[registry] peers の{number}番目：{problem}。")
        if item.strip() not in peers:
            peers.append(item.strip())
    return tuple(peers)


def _fields(table, where: str) -> dict:
    """[accounts.fields]: the 分野 the city offers, in its order and words (keys: FIELDS)."""
    if table is None:
        return dict(FIELDS)
    if not table:
        raise ProfileError(f"{where}：[accounts.fields] には分野を一つ以上指定してください。")
    for code, label in table.items():
        if code not in FIELDS:
            raise ProfileError(
                f"{where}：[accounts.fields] {code} という分野はありません（使える分野：{', '.join(FIELDS)}）。"
            )
        if not isinstance(label, str) or not label.strip():
            raise ProfileError(f"{where}：[accounts.fields] {code} は空でない文字列で指定してください。")
    return {code: label.strip() for code, label in table.items()}


def _screening(values: dict, where: str) -> dict:
    """[screening]: the advice the city words itself; only {文字数} and {上限} may be filled in."""
    advice = {key.removeprefix("screening."): v for key, v in values.items() if key.startswith("screening.")}
    for code, text in advice.items():
        unknown = sorted(set(_PLACEHOLDER.findall(text)) - set(SCREENING_PLACEHOLDERS))
        if unknown:
            names = "・".join("{" + n + "}" for n in unknown)
            raise ProfileError(
                f"{where}：[screening] {code} の差込項目 {names} はありません（使える差込項目：{{文字数}}・{{上限}}）。"
            )
    return advice


def _read(path: Path, where: str) -> dict:
    text = _text(path, where)
    _check_nesting(text, where)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{where}：TOMLとして読めません（{exc}）。") from None
    except RecursionError:  # _check_nesting prevents it; should a way past it exist, still said by name
        raise ProfileError(f"{where}：入れ子が深すぎます（{MAX_DEPTH}段まで）。") from None
    _check_depth(data, where)
    return data


def _text(path: Path, where: str) -> str:
    """The file's text: a regular file (not /dev/zero, not a FIFO that would wait for a writer) of at
    most MAX_FILE_BYTES, read no further than one byte past that."""
    try:
        # O_NONBLOCK: opening a FIFO does not wait for a writer; fstat then refuses it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise ProfileError(f"{where}：ファイルがありません。") from None
    except OSError as exc:
        raise ProfileError(f"{where}：読み込めません（{exc}）。") from None
    with open(fd, "rb") as reader:
        if not stat.S_ISREG(os.fstat(reader.fileno()).st_mode):
            raise ProfileError(f"{where}：通常のファイルではありません。TOMLのファイルを指定してください。")
        try:
            data = reader.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise ProfileError(f"{where}：読み込めません（{exc}）。") from None
    if len(data) > MAX_FILE_BYTES:
        raise ProfileError(f"{where}：大きすぎます（{MAX_FILE_BYTES // 1024} KiB まで）。")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProfileError(f"{where}：読み込めません（{exc}）。") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")  # as a file opened as text reads


# What moves a TOML value's nesting; strings and comments hold brackets that do not nest.
_TOKEN = re.compile(r"\"\"\"|'''|[\"'#\[\]{}=\n]")
_STRING_END = {
    '"': re.compile(r'(?:[^"\\\n]|\\.)*"?'),
    "'": re.compile(r"[^'\n]*'?"),
    '"""': re.compile(r'(?:[^"\\]|\\.|"{1,2}(?!"))*"{3,5}', re.DOTALL),
    "'''": re.compile(r"(?:[^']|'{1,2}(?!'))*'{3,5}"),
}


def _check_nesting(text: str, where: str) -> None:
    """Refuse a value whose arrays and inline tables nest deeper than MAX_DEPTH, naming its key,
    before tomllib (which recurses once per level) reads it."""
    depth, table, key, line_start, pos = 0, "", "", 0, 0
    while found := _TOKEN.search(text, pos):
        token, pos = found[0], found.end()
        if token == "\n":
            line_start = pos
        elif token == "#":
            end = text.find("\n", pos)
            pos = len(text) if end < 0 else end
        elif token in _STRING_END:
            string = _STRING_END[token].match(text, pos)
            pos = string.end() if string else len(text)
        elif token == "=" and depth == 0:
            key = text[line_start : found.start()].strip()
        elif token == "[" and depth == 0 and not text[line_start : found.start()].strip():
            end = text.find("\n", pos)  # a table's header, [name] or [[name]]: it does not nest
            pos = len(text) if end < 0 else end
            table, key = text[found.start() : pos].split("#")[0].strip(), ""
        elif token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                named = f"{table} {key}" if table else key
                raise ProfileError(f"{where}：{named} の入れ子が深すぎます（{MAX_DEPTH}段まで）。")
        elif token in "]}":
            depth = max(depth - 1, 0)


def _check_depth(data: dict, where: str) -> None:
    """The parsed tables and arrays nest at most MAX_DEPTH deep (dotted keys nest without a bracket)."""
    stack = [(data, 0, ())]
    while stack:
        value, depth, keys = stack.pop()
        if depth > MAX_DEPTH:
            shown = ".".join(keys[:MAX_DEPTH])
            raise ProfileError(f"{where}：{shown}… の入れ子が深すぎます（{MAX_DEPTH}段まで）。")
        if isinstance(value, dict):
            stack.extend((v, depth + 1, (*keys, str(k))) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, depth + 1, keys) for v in value)


def _beside(profile: Path, name: str) -> Path:
    """A file the profile names, relative to the profile's own folder."""
    return (profile.parent / name).resolve()


def _clauses(table, where: str) -> dict:
    if not isinstance(table, dict):
        raise ProfileError(
            f'{where}：[guideline.clauses] は「"G-4-5-エ" = "ガイドライン４(5)エ"」の形で指定してください。'
        )
    for ref, label in table.items():
        if ref not in CLAUSES:
            known = ", ".join(CLAUSES)
            raise ProfileError(
                f"{where}：[guideline.clauses] {ref} は画面で引用する条項ではありません（使える条項：{known}）。"
            )
        if not isinstance(label, str) or not label.strip():
            raise ProfileError(f"{where}：[guideline.clauses] {ref} は空でない文字列で指定してください。")
    return {ref: label.strip() for ref, label in table.items()}


def _policy(path: Path, where: str) -> PolicyText:
    where = f"{where}：[policy] template（{path}）"
    data = _read(path, where)
    for key in data:
        if key not in POLICY_KEYS and key not in POLICY_TABLES:
            raise ProfileError(
                f"{where}：{key} という設定はありません（使える設定：{', '.join([*POLICY_KEYS, *POLICY_TABLES])}）。"
            )
    for key, kind in POLICY_KEYS.items():
        value = data.get(key)
        if not isinstance(value, kind) or not value:
            raise ProfileError(f"{where}：{key} がないか、型が違います。")
    articles = []
    for position, article in enumerate(data["articles"], start=1):
        if not isinstance(article, dict) or set(article) != set(ARTICLE_KEYS):
            raise ProfileError(f"{where}：{position}番目の [[articles]] は number・heading・body を指定してください。")
        for key, kind in ARTICLE_KEYS.items():
            if isinstance(article[key], bool) or not isinstance(article[key], kind) or not article[key]:
                raise ProfileError(f"{where}：{position}番目の [[articles]] の {key} の型が違うか、空です。")
        if article["number"] != position:
            raise ProfileError(
                f"{where}：[[articles]] は第1条から順に並べてください（{position}番目が第{article['number']}条）。"
            )
        articles.append((article["number"], article["heading"].strip(), article["body"].strip()))
    tables = {}
    for table, keys in POLICY_TABLES.items():
        items = data.get(table)
        if (
            not isinstance(items, dict)
            or set(items) != set(keys)
            or not all(isinstance(v, str) and v.strip() for v in items.values())
        ):
            raise ProfileError(f"{where}：[{table}] には {', '.join(keys)} の文を指定してください。")
        tables[table] = {key: items[key].strip() for key in keys}
    texts = [
        data["title"],
        data["service_description"],
        *(b for _, _, b in articles),
        *tables["content_items"].values(),
        *tables["restriction_items"].values(),
    ]
    unknown = sorted({name for t in texts for name in _PLACEHOLDER.findall(t)} - set(POLICY_PLACEHOLDERS))
    if unknown:
        names, known = "・".join("{" + n + "}" for n in unknown), "・".join(POLICY_PLACEHOLDERS)
        raise ProfileError(f"{where}：差込項目 {names} はありません（使える差込項目：{known}）。")
    return PolicyText(
        path=path,
        name=data["name"].strip(),
        title=data["title"].strip(),
        service_description=data["service_description"].strip(),
        articles=tuple(articles),
        content_items=tables["content_items"],
        restriction_items=tables["restriction_items"],
    )


def _platforms(items, where: str) -> tuple:
    if not isinstance(items, list):
        raise ProfileError(f"{where}：[[platforms]] は表の配列で指定してください。")
    platforms, codes = [], set()
    for position, item in enumerate(items, start=1):
        name = f"{position}番目の [[platforms]]"
        if not isinstance(item, dict):
            raise ProfileError(f"{where}：{name} は表で指定してください。")
        for key in item:
            if key not in PLATFORM_KEYS:
                raise ProfileError(
                    f"{where}：{name} の {key} という設定はありません（使える設定：{', '.join(PLATFORM_KEYS)}）。"
                )
        for key, (kind, required) in PLATFORM_KEYS.items():
            if key not in item:
                if required:
                    raise ProfileError(f"{where}：{name} に {key} がありません。")
                continue
            value = item[key]
            if (kind is not bool and isinstance(value, bool)) or not isinstance(value, kind):
                raise ProfileError(f"{where}：{name} の {key} の型が違います（{value!r}）。")
        if not re.fullmatch(r"[a-z0-9_-]{1,30}", item["code"]) or item["code"] in codes:
            raise ProfileError(f"{where}：{name} の code は英小文字・数字で、重ならないように指定してください。")
        if "{handle}" not in item["profile_url_template"] or not item["profile_url_template"].startswith("https://"):
            raise ProfileError(f"{where}：{name} の profile_url_template は {{handle}} を含む https のURLです。")
        codes.add(item["code"])
        platforms.append(dict(item))
    return tuple(platforms)


def _checked(data: dict, where: str) -> dict:
    values = {}
    for section in data:
        if section not in SCHEMA:
            raise ProfileError(f"{where}：[{section}] という項目はありません（使える項目：{', '.join(SCHEMA)}）。")
    for section, keys in SCHEMA.items():
        if section == "platforms" or (section in OPTIONAL_SECTIONS and section not in data):
            continue
        table = data.get(section)
        if not isinstance(table, dict):
            raise ProfileError(f"{where}：[{section}] がありません。")
        for key in table:
            if section == "guideline" and key == "clauses":
                continue
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
            if kind is dict and not isinstance(value, dict):
                raise ProfileError(f"{where}：{name} は表（[{section}.{key}]）で指定してください。")
            values[f"{section}.{key}"] = value.strip() if isinstance(value, str) else value
    url = urlsplit(values["city.homepage_url"])
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ProfileError(f"{where}：[city] homepage_url は http(s) のURLで指定してください。")
    domain = values["city.email_domain"]
    if "@" in domain or "." not in domain or " " in domain:
        raise ProfileError(f"{where}：[city] email_domain はメールアドレスのドメイン（例：city.example.lg.jp）です。")
    if not 1 <= values["review.opens_month"] <= 12:
        raise ProfileError(f"{where}：[review] opens_month は1〜12の月で指定してください。")
    if "city.code" in values and (problem := municipality_code_problem(values["city.code"])):
        raise ProfileError(f"{where}：[city] code：{problem}。")
    if values.get("archive.retention", "5") not in RETENTIONS:
        raise ProfileError(
            f"{where}：[archive] retention は {'・'.join(RETENTIONS[:-1])}（年）"
            "または permanent（常用）で指定してください。"
        )
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
