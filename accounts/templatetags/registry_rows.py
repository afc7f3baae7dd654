"""The rows of the public registry's table (templates/registry/_table.html), written in Python.

The registry renders every public account again after each change of the registry, and the list
grows with it (P-7; `bench/pages.py`): at a template variable per cell the rows cost several times
the floor. As Django admin's change list does (`admin_list.items_for_result`), the rows are built
here with every value escaped; the table around them, its caption and headers stay in the template.
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from core.templatetags.wareki import seireki_wareki, wareki

register = template.Library()

EXTERNAL = '<span class="visually-hidden">（外部サイト）</span><span class="external-mark" aria-hidden="true">↗</span>'


def _sns_link(url: str, text: str, hidden: str = "") -> str:
    """A link to an account on its SNS that names the account and says it leaves the site (2.4.4)."""
    return f'<a href="{escape(url)}" rel="noopener noreferrer">{escape(text)}{hidden}{EXTERNAL}</a>'


def _row(entry: dict, suspended: bool) -> str:
    handle = escape(entry["handle"])
    platform = escape(entry["platform"])
    # Several accounts carry the city's bare name: the link says which one (SNS and handle).
    link = _sns_link(
        entry["profile_url"],
        entry["display_name"],
        f'<span class="visually-hidden">（{platform} @{handle}）</span>',
    )
    successor = _sns_link(entry["successor_url"], entry["successor_label"]) if entry["successor_url"] else ""
    status = f'<span class="badge text-nowrap status-{escape(entry["status"])}">{escape(entry["status_label"])}</span>'
    if entry["status"] == "notice":  # P-8: the date, the reason and where to go next
        status += (
            f'<br><span class="small">{escape(wareki(entry["notice_ends_on"]))}で停止予定。'
            f"{escape(entry['suspension_reason'])}{f'（今後は{successor}）' if successor else ''}</span>"
        )
    cells = [
        f'<th scope="row" role="rowheader" class="fw-normal">{link} <br><span class="small">@{handle}</span></th>',
        f'<td role="cell" class="registry-platform">{platform}</td>',
        f'<td role="cell" class="registry-department">{escape(entry["department"])}</td>',
        f'<td role="cell">{status}</td>',
    ]
    if suspended:  # G-4-5-エ: a stopped account stays listed, with when, why and its successor
        cells.append(
            f'<td role="cell">{escape(seireki_wareki(entry["suspended_on"]))}<br>'
            f'<span class="small">{escape(entry["suspension_reason"])}</span></td>'
        )
        cells.append(f'<td role="cell">{successor or "—"}</td>')
    else:
        badge = entry["platform_verification"]  # P-7-3: what the platform itself showed, beside the city's record
        cells.append(
            f'<td role="cell" class="text-nowrap">{escape(entry["verification_label"])}'
            + (f'<br><span class="small registry-platform-badge">{escape(badge)}</span>' if badge else "")
            + "</td>"
        )
    return '<tr role="row">\n' + "\n".join(cells) + "\n</tr>"


@register.simple_tag
def registry_rows(entries: list[dict], suspended: bool = False) -> str:
    """The table rows of `selectors.registry_entries()`: a row header naming the account, then its cells."""
    return mark_safe("\n".join(_row(entry, suspended) for entry in entries))  # noqa: S308 - every value escaped above
