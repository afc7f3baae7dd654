"""What every document template must give the tagged PDF/A that core.pdf makes of it (issue 20).

Each kind of document has its own test of the PDF itself (the 運用ポリシー, the 第４号様式, the year-end
report); this one holds every document template, present and to come, to the same source rules.
"""

import re

from django.conf import settings


def _document_templates():
    base = settings.BASE_DIR
    return sorted({*base.glob("templates/**/pdf/*.html"), *base.glob("*/templates/**/pdf/*.html")})


def test_every_document_template_gives_its_pdf_a_language_a_title_and_structure():
    templates = _document_templates()
    assert len(templates) >= 3, templates  # the policy, the 第４号様式, the year-end report
    for path in templates:
        source = path.read_text()
        name = path.relative_to(settings.BASE_DIR)
        assert re.search(r'<html lang="ja">', source), f"{name}: the document's language (/Lang)"
        assert re.search(r"<title>[^<]*\S[^<]*</title>", source), f"{name}: the document's title"
        assert re.search(r"<h1[ >]", source), f"{name}: the document's title as its first-level heading"
        # A header cell says what it heads, or a screen reader reads a form's values without their labels.
        assert not re.search(r"<th(?![^>]*\bscope=\"(row|col)\")[ >]", source), f"{name}: <th> without scope"
        assert "aria-hidden" not in source, f"{name}: the PDF ignores aria-hidden; draw decoration in CSS"
