"""A judged impersonator's kept profile as an incident's evidence (issue 23, G-4-3-カ): a section of the
incident's page and of its evidence PDF (monitoring/evidence_sources.py)."""

from monitoring.evidence_sources import EvidenceSource, add_evidence_source

from .models import ProfileCapture


def captured_profiles(incident, *, printing: bool) -> dict:
    captures = list(ProfileCapture.objects.filter(incident=incident).select_related("candidate", "candidate__platform"))
    return {"captures": captures}


def contribute() -> None:
    """Drawn after the archive's posts (order): an incident with nothing captured prints no section, so
    no heading number is skipped."""
    add_evidence_source(
        EvidenceSource(
            key="discovery",
            template="discovery/_incident_profile.html",
            pdf_template="discovery/_incident_profile_pdf.html",
            context=captured_profiles,
            order=200,
        )
    )
