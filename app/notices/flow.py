"""Flowing a notice's blocks onto pages: where every line, table cell and seal area goes.

The result is a list of pages of placed items in absolute page coordinates (points, origin at the
lower left as in PDF); ``render`` only draws them. Body text sits on the 22-line grid of GB/T 9704;
tables run continuously and the grid resumes on the next free line after them. A signature block
never starts a page alone: the last lines of the text before it move down with it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from app.notices import blocks as b
from app.notices.fonts import FontSet, Role, visible
from app.notices.items import GlyphLine, Item, Layout, SealArea
from app.notices.linebreak import balanced_lines, break_lines
from app.notices.tables import place_table

EPS = 0.01
KEEP_WITH_SIGNATURE = 2  # body lines that move to the next page with a signature block
SEAL_LINES_ABOVE = 2  # free grid lines between the text and the office name, under the seal's top


class Flow:
    """Places blocks one after another; ``y`` is the distance from the top of the text area."""

    def __init__(self, fonts: FontSet) -> None:
        self.fonts = fonts
        self.layout = Layout()
        self.y = 0.0
        self._measures: dict[tuple[Role, float], Callable[[str], float]] = {}

    # --- measuring -------------------------------------------------------------------------

    def measure(self, role: Role, pitch: float) -> Callable[[str], float]:
        """Width of a character in points when a full-width character takes ``pitch``."""
        key = (role, pitch)
        if key not in self._measures:
            font_for = self.fonts.font_for

            def width(ch: str) -> float:
                if not visible(ch):
                    return 0.0
                code = ord(ch)
                return font_for(role, code).advance(code) * pitch

            self._measures[key] = width
        return self._measures[key]

    # --- pages and grid lines --------------------------------------------------------------

    @property
    def page(self) -> list[Item]:
        return self.layout.pages[-1]

    def new_page(self) -> None:
        self.layout.pages.append([])
        self.y = 0.0

    def room(self) -> float:
        return b.TEXT_HEIGHT - self.y

    def grid_slot(self, size: float) -> float:
        """The baseline of the next free grid line (a new page when this one is full)."""
        index = math.ceil(self.y / b.LINE - EPS)
        if index >= b.LINES_PER_PAGE:
            self.new_page()
            index = 0
        self.y = (index + 1) * b.LINE
        top = b.TEXT_TOP - index * b.LINE
        return top - (b.LINE - size) / 2 - b.ASCENT * size

    def free_grid_lines(self) -> int:
        return b.LINES_PER_PAGE - math.ceil(self.y / b.LINE - EPS)

    # --- blocks ----------------------------------------------------------------------------

    def add(self, block: b.Block) -> None:
        if isinstance(block, b.Title):
            self._title(block)
        elif isinstance(block, b.TextLine):
            self._text_line(block)
        elif isinstance(block, b.Paragraph):
            self._paragraph(block)
        elif isinstance(block, b.Blank):
            for _ in range(block.lines):
                if self.y > EPS:  # a blank line at a page top is dropped
                    self.grid_slot(b.BODY_SIZE)
        elif isinstance(block, b.PageBreak):
            if self.page:
                self.new_page()
        elif isinstance(block, b.Signature):
            self._signature(block)
        elif isinstance(block, b.Table):
            place_table(self, block)
        else:  # pragma: no cover - the Block union is closed
            raise TypeError(block)

    def _title(self, block: b.Title) -> None:
        measure = self.measure(Role.TITLE, b.TITLE_SIZE)
        for part in block.text.split("\n"):
            for line in balanced_lines(part.strip(), b.TEXT_WIDTH, measure):
                baseline = self.grid_slot(b.TITLE_SIZE)
                x = b.TEXT_LEFT + (b.TEXT_WIDTH - line.width) / 2
                self.page.append(GlyphLine(line, x, baseline, Role.TITLE, b.TITLE_SIZE))

    def _text_line(self, block: b.TextLine) -> None:
        pitch = b.CELL if block.size == b.BODY_SIZE else block.size
        measure = self.measure(block.role, pitch)
        width = b.TEXT_WIDTH - block.right_indent * pitch
        for line in break_lines(block.text, width, measure, justify=False):
            baseline = self.grid_slot(block.size)
            x = b.TEXT_LEFT + _aligned(block.align, width, line.width)
            self.page.append(GlyphLine(line, x, baseline, block.role, block.size, pitch / block.size))

    def _paragraph(self, block: b.Paragraph) -> None:
        measure = self.measure(block.role, b.CELL)
        justify = block.align is b.Align.JUSTIFY
        lines = break_lines(block.text, b.TEXT_WIDTH, measure, first_indent=block.indent * b.CELL,
                            justify=justify)
        for i, line in enumerate(lines):
            baseline = self.grid_slot(b.BODY_SIZE)
            indent = block.indent * b.CELL if i == 0 else 0.0
            x = b.TEXT_LEFT + indent + _aligned(block.align, b.TEXT_WIDTH - indent, line.width)
            self.page.append(GlyphLine(line, x, baseline, block.role, b.BODY_SIZE,
                                       b.CELL / b.BODY_SIZE, body=True))

    def _signature(self, block: b.Signature) -> None:
        needed = SEAL_LINES_ABOVE + 2
        if self.free_grid_lines() < needed:
            self._carry_body_lines_to_new_page()
        for _ in range(SEAL_LINES_ABOVE):
            self.grid_slot(b.BODY_SIZE)
        measure = self.measure(Role.BODY, b.CELL)
        office = break_lines(block.office, b.TEXT_WIDTH, measure, justify=False)[0]
        date = break_lines(block.date, b.TEXT_WIDTH, measure, justify=False)[0]
        # GB/T 9704 7.3.5.1: the date 4 characters from the right (2 when the name is longer) and
        # the name centred over the date.
        inset = (4 if office.width <= date.width else 2) * b.CELL
        date_x = b.TEXT_RIGHT - inset - date.width
        centre = date_x + date.width / 2
        office_x = min(max(centre - office.width / 2, b.TEXT_LEFT), b.TEXT_RIGHT - office.width)
        scale = b.CELL / b.BODY_SIZE
        office_base = self.grid_slot(b.BODY_SIZE)
        self.page.append(GlyphLine(office, office_x, office_base, Role.BODY, b.BODY_SIZE, scale))
        date_base = self.grid_slot(b.BODY_SIZE)
        self.page.append(GlyphLine(date, date_x, date_base, Role.BODY, b.BODY_SIZE, scale))
        if block.seal:
            # The name and date sit a little below the seal's centre.
            self.page.append(SealArea(centre, (office_base + date_base) / 2 + b.LINE * 0.6,
                                      b.SEAL_DIAMETER))

    def _carry_body_lines_to_new_page(self) -> None:
        body = [i for i, item in enumerate(self.page) if isinstance(item, GlyphLine) and item.body]
        moved = [self.page[i] for i in body[-KEEP_WITH_SIGNATURE:]] if len(body) > KEEP_WITH_SIGNATURE else []
        for item in moved:
            self.page.remove(item)
        self.new_page()
        for item in moved:
            baseline = self.grid_slot(item.size)
            self.page.append(GlyphLine(item.line, item.x, baseline, item.role, item.size, item.hscale, True))


def _aligned(align: b.Align, width: float, used: float) -> float:
    if align is b.Align.CENTER:
        return (width - used) / 2
    if align is b.Align.RIGHT:
        return width - used
    return 0.0


def lay_out(document: b.NoticeDocument, fonts: FontSet) -> Layout:
    flow = Flow(fonts)
    for block in document.blocks:
        flow.add(block)
    return flow.layout
