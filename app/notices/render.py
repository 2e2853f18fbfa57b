"""Drawing a laid-out notice into a PDF with reportlab: glyphs, rules and page numbers.

Every character is drawn in the font its role's fallback chain picks for it, and only subsets of
TrueType fonts are embedded, so the PDF prints the same on a PC without any Chinese font. The
output is reproducible (reportlab's invariant mode): the same notice renders to the same bytes.
"""

from __future__ import annotations

import io
import threading

from app.notices import blocks as b
from app.notices.flow import lay_out
from app.notices.fonts import FontSet, LoadedFont, Role, default_fonts, visible
from app.notices.items import GlyphLine, Rule
from app.notices.linebreak import break_lines

RULE_WIDTH = 0.75
CREATOR = "xinfang-desk"
# reportlab keeps per-document subset state inside each shared font object: one render at a time.
_RENDER_LOCK = threading.Lock()


def page_number_text(number: int) -> str:
    """GB/T 9704: half-width Arabic numerals between two em dashes, "— 1 —"."""
    return f"\u2014 {number} \u2014"


def _draw_line(canvas: object, fonts: FontSet, item: GlyphLine) -> None:
    text = canvas.beginText()  # type: ignore[attr-defined]
    pitch = item.size * item.hscale
    current: LoadedFont | None = None
    for unit, offset in zip(item.line.units, item.line.offsets):
        if unit.space:
            continue
        x = item.x + offset
        run: list[str] = []
        run_x, run_font = x, None
        for ch in unit.text:
            if not visible(ch):
                continue
            code = ord(ch)
            font = fonts.font_for(item.role, code)
            if font is not run_font:
                current = _flush(text, run, run_font, current, item, run_x)
                run, run_x, run_font = [], x, font
            run.append(ch)
            x += font.advance(code) * pitch
        current = _flush(text, run, run_font, current, item, run_x)
    canvas.drawText(text)  # type: ignore[attr-defined]


def _flush(text: object, run: list[str], font: LoadedFont | None, current: LoadedFont | None,
           item: GlyphLine, x: float) -> LoadedFont | None:
    if not run or font is None:
        return current
    if font is not current:
        text.setFont(font.name, item.size)  # type: ignore[attr-defined]
    text.setTextTransform(item.hscale, 0, 0, 1, x, item.baseline)  # type: ignore[attr-defined]
    text.textOut("".join(run))  # type: ignore[attr-defined]
    return font


def _page_number(canvas: object, fonts: FontSet, number: int) -> None:
    size = b.PAGE_NUMBER_SIZE
    line = break_lines(page_number_text(number), b.TEXT_WIDTH, lambda ch: fonts.font_for(
        Role.BODY, ord(ch)).advance(ord(ch)) * size, justify=False)[0]
    # Odd pages at the right, even pages at the left, one character in from the text area's edge.
    x = b.TEXT_RIGHT - size - line.width if number % 2 else b.TEXT_LEFT + size
    baseline = b.TEXT_BOTTOM - b.PAGE_NUMBER_GAP - b.ASCENT * size
    _draw_line(canvas, fonts, GlyphLine(line, x, baseline, Role.BODY, size))


def render_pdf(document: b.NoticeDocument, fonts: FontSet | None = None) -> bytes:
    """The notice as PDF bytes (A4, fonts embedded as subsets)."""
    fonts = fonts or default_fonts()
    with _RENDER_LOCK:
        return _render(document, fonts)


def _render(document: b.NoticeDocument, fonts: FontSet) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    layout = lay_out(document, fonts)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(b.PAGE_WIDTH, b.PAGE_HEIGHT), invariant=1, pageCompression=1,
                    initialFontName=fonts.primary(Role.BODY).name, initialFontSize=b.BODY_SIZE)
    canvas.setTitle(document.title)
    canvas.setAuthor(document.author)
    canvas.setSubject(document.subject)
    canvas.setCreator(CREATOR)
    canvas.setKeywords(list(document.keywords))
    for number, page in enumerate(layout.pages, start=1):
        canvas.setLineWidth(RULE_WIDTH)
        for item in page:
            if isinstance(item, GlyphLine):
                _draw_line(canvas, fonts, item)
            elif isinstance(item, Rule):
                canvas.rect(item.x, item.y, item.width, item.height, stroke=1, fill=0)
        if document.page_numbers:
            _page_number(canvas, fonts, number)
        canvas.showPage()
    canvas.save()
    return out.getvalue()
