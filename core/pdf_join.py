"""Join tagged PDF/A documents laid out apart into one (issue 22: a year's posts, laid out in parallel).

`core.pdf.render_pdf_parts` lays a long document out in several processes, each writing the pages of
its share as a PDF of its own; this module makes them one document with one structure tree, as if
WeasyPrint had written it whole:
- the first PDF is the base: its catalogue (language, title, PDF/A metadata, output intent, viewer
  preferences) is the document's;
- the pages of the others follow in order, each with its marked-content keys (/StructParents, an
  annotation's /StructParent) moved past the keys already used, and their entries in the parent tree
  moved with them, so that every marked-content id still reaches its structure element;
- the top structure elements of each follow the base's under its /Document, in order (reading order);
- their bookmarks follow the base's.
Each PDF keeps its own subset of the font (PDF/A: every font embedded; a subset per share).
"""

import io
import logging

# pikepdf says at INFO that it has joined qpdf's log to Python's: not news for the export's reader.
logging.getLogger("pikepdf._core").setLevel(logging.WARNING)

import pikepdf  # noqa: E402 - after its logger is quieted


def _pairs(nums: pikepdf.Array):
    return ((int(nums[i]), nums[i + 1]) for i in range(0, len(nums) - 1, 2))


def _next_key(nums: pikepdf.Array) -> int:
    return max((key for key, _ in _pairs(nums)), default=-1) + 1


def _copied(out: pikepdf.Pdf, value):
    """`value` (a parent tree entry: an element's reference or a page's array of them) in `out`."""
    if isinstance(value, pikepdf.Array) and not value.is_indirect:
        return pikepdf.Array([_copied(out, item) for item in value])
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return out.copy_foreign(value)
    return value


def _copy_bookmarks(out: pikepdf.Pdf, source: pikepdf.Pdf, into: list) -> None:
    def copy(item: pikepdf.OutlineItem) -> pikepdf.OutlineItem:
        destination = item.destination
        if isinstance(destination, pikepdf.Array):
            destination = pikepdf.Array([_copied(out, part) for part in destination])
        copied = pikepdf.OutlineItem(item.title, destination)
        copied.children.extend(copy(child) for child in item.children)
        return copied

    with source.open_outline() as outline:
        into.extend(copy(item) for item in outline.root)


def join_pdfs(documents: list[bytes]) -> bytes:
    """One tagged PDF of `documents` (tagged PDFs of one document's pages, in order)."""
    if len(documents) == 1:
        return documents[0]
    out = pikepdf.open(io.BytesIO(documents[0]))
    tree = out.Root.StructTreeRoot
    top = tree.K[0]  # the /Document element, as WeasyPrint writes it
    nums = tree.ParentTree.Nums
    next_key = _next_key(nums)
    bookmarks: list[pikepdf.OutlineItem] = []
    for data in documents[1:]:
        source = pikepdf.open(io.BytesIO(data))
        source_tree = source.Root.StructTreeRoot
        first = len(out.pages)
        # The pages first: the structure elements' /Pg references then reach the copies (one copier per
        # source: what was copied once is not copied again).
        out.pages.extend(source.pages)
        for page in out.pages[first:]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + next_key
            for annotation in page.obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + next_key
        for element in source_tree.K[0].K:
            copied = out.copy_foreign(element)
            copied.P = top
            top.K.append(copied)
        source_nums = source_tree.ParentTree.Nums
        for key, value in _pairs(source_nums):
            nums.append(key + next_key)
            nums.append(_copied(out, value))
        next_key += _next_key(source_nums)
        _copy_bookmarks(out, source, bookmarks)
    tree.ParentTreeNextKey = next_key
    if bookmarks:
        with out.open_outline() as outline:
            outline.root.extend(bookmarks)
    result = io.BytesIO()
    out.save(result, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return result.getvalue()
