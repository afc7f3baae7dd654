"""The incident's one extension point for evidence kept by the apps above (issue 22).

`monitoring` sits below the apps that keep other records an incident may rest on — the archive of
the posts — and may not name them (the layers contract). Such an app adds an *evidence source* here,
from its `AppConfig.ready()`: a section of the incident's page (what is attached, and the way to attach
more for those who may work on it) and a section of the incident's evidence PDF, each drawn by the
app's own template with the context its function gives.

The page and the PDF draw the sources in the order given (`order`, then registration).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from core.dates import to_zenkaku_digits


@dataclass(frozen=True)
class EvidenceSource:
    """Evidence of another app: a section on the incident's page and one in its evidence PDF."""

    key: str
    template: str  # the page's section: gets `incident`, `can_work` (open and the user may work on it)
    pdf_template: str  # the PDF's section: gets `incident` and `number`, its heading's
    # (incident, *, printing: bool) -> dict; printing: for the PDF (images embedded as data: URLs)
    context: Callable[..., dict]
    order: int = 100


_sources: dict[str, EvidenceSource] = {}


def add_evidence_source(source: EvidenceSource) -> None:
    """Show and print another app's evidence with every incident (keyed: a second `ready()` replaces)."""
    _sources[source.key] = source


def _ordered() -> list[EvidenceSource]:
    return sorted(_sources.values(), key=lambda source: source.order)


def page_sections(request, incident, *, can_work: bool) -> SafeString:
    """The other apps' evidence sections of the incident's page, drawn in order."""
    parts = (
        (
            render_to_string(
                s.template,
                {"incident": incident, "can_work": can_work, **s.context(incident, printing=False)},
                request=request,
            ),
        )
        for s in _ordered()
    )
    return format_html_join("", "{}", parts)  # each part is already safe: drawn by an autoescaping template


def pdf_sections(incident, *, first_number: int) -> SafeString:
    """The other apps' evidence sections of the incident's evidence PDF, drawn in order; each gets the
    number of its heading (`number`, 全角 as the document's own headings) from `first_number` on."""
    parts = (
        (
            render_to_string(
                s.pdf_template,
                {
                    "incident": incident,
                    "number": to_zenkaku_digits(first_number + index),
                    **s.context(incident, printing=True),
                },
            ),
        )
        for index, s in enumerate(_ordered())
    )
    return format_html_join("", "{}", parts)
