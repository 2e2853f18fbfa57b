"""Reading stored notice PDFs back as drawing instructions (app/notices/replay.py), for preview and print."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from app.domain.enums import DocumentKind as K
from app.errors import DataFileError
from app.notices.fonts import shipped_only
from app.notices.replay import font_files, parse_to_unicode, read_pages
from app.services import notices
from tests.notices import builders
from tests.notices.conftest import flat, pdf_text, requires_poppler


def stored(ws, admin, matter_id, kind):  # type: ignore[no-untyped-def]
    with ws.write(admin) as uow:
        issued = notices.issue_notice(uow, ws, kind, matter_id)
        return notices.notice_pdf(uow, ws, issued.document.id)


@requires_poppler
@pytest.mark.parametrize("kind", [K.REPLY, K.EXTENSION, K.DELIVERY_RECEIPT, K.REGISTRATION, K.CATALOGUE])
def test_pages_read_back_carry_the_same_text_as_the_pdf(ws, admin, kind):
    matter_id = builders.closed_matter(ws, admin, name="张𠮷国")
    pdf = stored(ws, admin, matter_id, kind)
    pages = read_pages(pdf)
    assert all((round(p.width), round(p.height)) == (595, 842) for p in pages)
    # The same characters (poppler orders a form's cells by layout, the PDF by drawing order).
    assert sorted(flat("".join(p.text() for p in pages))) == sorted(flat(pdf_text(pdf)))
    names = {run.font for p in pages for run in p.runs}
    assert names <= set(font_files(shipped_only()))  # every run can be drawn in its own font file
    if kind in (K.DELIVERY_RECEIPT, K.REGISTRATION, K.CATALOGUE):
        assert any(p.boxes for p in pages)  # the form's ruled cells


def test_glyph_positions_follow_the_pdf_widths(ws, admin):
    matter_id = builders.closed_matter(ws, admin)
    [page] = read_pages(stored(ws, admin, matter_id, K.ACCEPTANCE))
    title = page.runs[0]
    assert title.size == 22 and title.advances == (22.0,) * len(title.text)  # 2号 title, full-width glyphs
    body = [r for r in page.runs if r.size == 16]
    assert body and all(0.9 < r.hscale <= 1.0 for r in body)  # 3号 body, justified by a slight squeeze
    assert all(0 < r.x < page.width and 0 < r.y < page.height for r in page.runs)


def test_a_to_unicode_map_with_ranges_and_surrogate_pairs():
    cmap = (b"2 beginbfchar\n<01> <D842DFB7>\n<02> <5F20>\nendbfchar\n"
            b"1 beginbfrange\n<10> <12> <4E00>\nendbfrange\n")
    assert parse_to_unicode(cmap) == {1: "𠮷", 2: "张", 16: "一", 17: "丁", 18: "丂"}


def test_a_pdf_from_elsewhere_is_refused_rather_than_drawn_wrongly():
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    content = DecodedStreamObject()
    content.set_data(b"0 0 m 100 100 l S")  # lines: never written by the notice renderer
    page[NameObject("/Contents")] = writer._add_object(content)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(DataFileError, match="不认识"):
        read_pages(out.getvalue())
    with pytest.raises(DataFileError, match="无法读取"):
        read_pages(b"not a pdf")
