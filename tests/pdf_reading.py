"""Read a PDF the way an archive and a screen reader do: its PDF/A identification and its tags.

`read_pdf(data)` gives the document's catalogue facts (marked, language, title, PDF/A part and
conformance from the XMP packet, output intent, embedded fonts) and its structure tree, with the text
each structure element holds (through the marked-content ids of the page streams). Text drawn as an
artifact (the 「案」 watermark) is kept apart: a screen reader skips it.
"""

import io
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
DC = "{http://purl.org/dc/elements/1.1/}"


@dataclass
class Node:
    tag: str  # the structure type without the slash: Document, H1, P, Table, TH, …
    attrs: dict
    id: str | None
    children: list["Node"] = field(default_factory=list)
    own_text: str = ""

    @property
    def text(self) -> str:
        return self.own_text + "".join(child.text for child in self.children)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, tag: str) -> list["Node"]:
        return [node for node in self.walk() if node.tag == tag]


@dataclass
class ReadPdf:
    marked: bool
    lang: str | None
    info_title: str | None
    xmp_title: str | None
    pdfa_part: str | None
    pdfa_conformance: str | None
    output_intent: str | None
    has_identifier: bool
    fonts: dict  # BaseFont → embedded (a font file is present)
    root: Node | None  # the structure tree's /Document
    artifacts: list[str]  # text drawn as artifacts, one entry per page
    untagged: list[str]  # text in marked content that no structure element reaches (page numbers)
    pages: int

    @property
    def reading(self) -> str:
        """The text of the structure tree in its order: what a screen reader reads."""
        return self.root.text if self.root else ""


def _page_texts(page) -> tuple[dict[int, str], str]:
    """The text of each marked-content id of a page, and the page's artifact text."""
    stack: list[tuple[str, int | None]] = []
    by_mcid: dict[int, list[str]] = {}
    artifact: list[str] = []

    def before(operator, operands, cm, tm):
        if operator == b"BDC":
            props = operands[1] if len(operands) > 1 else None
            mcid = props.get("/MCID") if isinstance(props, DictionaryObject) else None
            stack.append((str(operands[0]), None if mcid is None else int(mcid)))
        elif operator == b"BMC":
            stack.append((str(operands[0]), None))
        elif operator == b"EMC" and stack:
            stack.pop()

    def text(value, cm, tm, font_dict, font_size):
        if not value or not stack:
            return
        tag, mcid = stack[-1]
        if mcid is not None:
            by_mcid.setdefault(mcid, []).append(value)
        elif tag == "/Artifact":
            artifact.append(value)

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return {mcid: "".join(parts).strip() for mcid, parts in by_mcid.items()}, "".join(artifact).strip()


def read_pdf(data: bytes) -> ReadPdf:
    reader = PdfReader(io.BytesIO(data))
    catalog = reader.trailer["/Root"]
    page_numbers = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
    texts, artifacts = zip(*(_page_texts(page) for page in reader.pages), strict=True)
    texts = [dict(t) for t in texts]

    def build(elem) -> Node:
        elem = elem.get_object()
        page = elem.get("/Pg")
        page_index = page_numbers.get(page.idnum) if page is not None else None
        node = Node(
            tag=str(elem.get("/S", "")).lstrip("/"),
            attrs=dict(elem.get("/A", {}) or {}),
            id=str(elem["/ID"]) if "/ID" in elem else None,
        )
        kids = elem.get("/K", [])
        kids = kids if isinstance(kids, ArrayObject) else [kids]
        for kid in kids:
            if isinstance(kid, int):  # a marked-content id on the element's page
                node.children.append(Node("MCID", {}, None, own_text=texts[page_index].pop(kid, "")))
                continue
            kid = kid.get_object()
            if kid.get("/Type") == "/MCR":
                index = page_numbers[kid["/Pg"].idnum] if "/Pg" in kid else page_index
                node.children.append(Node("MCID", {}, None, own_text=texts[index].pop(int(kid["/MCID"]), "")))
            elif kid.get("/Type") == "/OBJR":
                continue
            else:
                node.children.append(build(kid))
        return node

    root = None
    if "/StructTreeRoot" in catalog:
        top = catalog["/StructTreeRoot"].get_object()["/K"]
        top = top if isinstance(top, ArrayObject) else [top]
        root = build(top[0])

    xmp = ET.fromstring(catalog["/Metadata"].get_object().get_data()) if "/Metadata" in catalog else None
    part = conformance = xmp_title = None
    if xmp is not None:
        for description in xmp.iter(f"{RDF}Description"):
            part = description.get(f"{PDFAID}part") or part
            conformance = description.get(f"{PDFAID}conformance") or conformance
            for child in description:  # the same properties written as elements
                if child.tag == f"{PDFAID}part":
                    part = child.text
                elif child.tag == f"{PDFAID}conformance":
                    conformance = child.text
        title = xmp.find(f".//{DC}title//{RDF}li")
        xmp_title = title.text if title is not None else None

    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"])] = embedded

    intents = catalog.get("/OutputIntents") or []
    info = reader.metadata or {}
    return ReadPdf(
        marked=bool(catalog.get("/MarkInfo", {}).get("/Marked")),
        lang=str(catalog["/Lang"]) if "/Lang" in catalog else None,
        info_title=info.get("/Title"),
        xmp_title=xmp_title,
        pdfa_part=part,
        pdfa_conformance=conformance,
        output_intent=str(intents[0].get_object()["/S"]) if intents else None,
        has_identifier="/ID" in reader.trailer,
        fonts=fonts,
        root=root,
        artifacts=list(artifacts),
        untagged=[" ".join(t.values()) for t in texts],
        pages=len(reader.pages),
    )


def assert_archival_and_tagged(doc: ReadPdf, *, title: str) -> None:
    """What every document the city issues claims: tagged PDF/A-2a in Japanese, titled, fonts embedded."""
    assert (doc.pdfa_part, doc.pdfa_conformance) == ("2", "A")
    assert doc.output_intent == "/GTS_PDFA1" and doc.has_identifier
    assert doc.marked and doc.root is not None and doc.root.tag == "Document"
    assert doc.lang == "ja"
    assert doc.info_title == doc.xmp_title == title
    assert doc.fonts and all(doc.fonts.values()), doc.fonts  # PDF/A: every font embedded
    assert all(name.endswith("+IPAexMincho") for name in doc.fonts), doc.fonts  # 明朝, no tofu
