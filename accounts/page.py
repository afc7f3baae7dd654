"""The account page's one extension point (issue 21).

`accounts/` sits low in the layers contract, so its templates may not name the apps above it. Those apps —
policies, monitoring, and the next ones (the posts archive, lookalike discovery) — contribute to an account's page
here instead, from their `AppConfig.ready()`:

- an *action*: a button in the page's header (a label, the URL of the page it opens, who may see it);
- a *section*: a part of the page below the account's own, drawn from the app's own template.

The page draws actions and sections in the order given (`order`, then registration), so the page reads the same
whichever app is loaded first.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString


def _everyone(user, account) -> bool:
    return True


@dataclass(frozen=True)
class Action:
    """A button in the account page's header, to a page of another app."""

    key: str
    label: Callable[[], str] | str  # a callable when the words come from the city's profile
    url_name: str  # reversed with the account's pk
    style: str = "outline-primary"
    order: int = 100
    visible: Callable[..., bool] = _everyone  # (user, account) -> bool

    def text(self) -> str:
        return self.label() if callable(self.label) else self.label


@dataclass(frozen=True)
class Section:
    """A part of the account page drawn by another app's template, with the context its function returns."""

    key: str
    template: str
    context: Callable[..., dict] = field(default=lambda request, account: {})  # (request, account) -> dict
    order: int = 100


_actions: dict[str, Action] = {}
_sections: dict[str, Section] = {}


def add_action(action: Action) -> None:
    """Offer a button on every account's page (keyed, so a second `ready()` replaces rather than repeats)."""
    _actions[action.key] = action


def add_section(section: Section) -> None:
    """Draw a section on every account's page (keyed like actions)."""
    _sections[section.key] = section


def _ordered(items):
    return sorted(items, key=lambda item: item.order)  # stable: registration order breaks ties


def actions_for(user, account) -> list[dict]:
    """The header's buttons this person may see on this account's page."""
    return [
        {"label": a.text(), "url": reverse(a.url_name, args=[account.pk]), "style": a.style}
        for a in _ordered(_actions.values())
        if a.visible(user, account)
    ]


def sections_for(request, account) -> SafeString:
    """The other apps' sections of this account's page, drawn in order."""
    parts = (
        (render_to_string(s.template, {"account": account, **s.context(request, account)}, request=request),)
        for s in _ordered(_sections.values())
    )
    return format_html_join("", "{}", parts)  # each part is already safe: drawn by an autoescaping template
