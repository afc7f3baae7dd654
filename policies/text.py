"""The plain-text form in which templates and drafts keep an article's body, and its placeholders.

A clerk edits an article as text, the way it reads on paper but without the numbering:

    このポリシーは、次の各号に掲げる…とする。      ← the first paragraph
    ・ユーザー名　komae_city                          ← an item: (１), (２) … are numbered when printed
    ・登録メールアドレス　sns@city.komae.lg.jp
                                                      ← a blank line starts the next paragraph (２, ３ …)
    情報発信した内容に誤りがあった場合は、…

Placeholders such as {課名} are filled from the account; an unknown one is left visible as is.
"""

import re
from dataclasses import dataclass, field

from core.dates import to_zenkaku_digits

ITEM_MARK = "・"
_PLACEHOLDER = re.compile(r"\{([^{}\s]{1,20})\}")
_ITEM_PREFIX = re.compile(r"^[・･]\s*")


@dataclass
class Paragraph:
    text: str
    items: list[str] = field(default_factory=list)


def parse_body(body: str) -> list[Paragraph]:
    """Split an article body into paragraphs, each with its text and numbered items."""
    paragraphs: list[Paragraph] = []
    for block in re.split(r"\n\s*\n", body.replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        paragraph = Paragraph(text="")
        for line in lines:
            if _ITEM_PREFIX.match(line):
                paragraph.items.append(_ITEM_PREFIX.sub("", line))
            elif paragraph.items:
                paragraph.items[-1] += line  # a wrapped item line continues the item
            else:
                paragraph.text += line
        paragraphs.append(paragraph)
    return paragraphs


def fill(text: str, values: dict[str, str]) -> str:
    """Replace {名前} placeholders with values; list values become item lines (・…)."""

    def replace(match: re.Match) -> str:
        value = values.get(match.group(1))
        if value is None:
            return match.group(0)
        if isinstance(value, list):
            return f"\n{ITEM_MARK}".join(value)
        return value

    return _PLACEHOLDER.sub(replace, text)


def unfilled(text: str) -> list[str]:
    return _PLACEHOLDER.findall(text)


def zenkaku_number(n: int) -> str:
    return to_zenkaku_digits(str(n))
