"""Forms inside the text area: ruled rows of cells whose text wraps with the same line breaker.

A row taller than the room left on a page moves to the next page; a row taller than a whole page
(a long 诉求 on the registration sheet) is split between its lines. Header rows repeat on every
page the table continues on.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from app.notices import blocks as b
from app.notices.fonts import Role
from app.notices.items import GlyphLine, Rule
from app.notices.linebreak import Line, break_lines

if TYPE_CHECKING:
    from app.notices.flow import Flow

PAD_X = 1.5 * b.MM
PAD_Y = 1.5 * b.MM
LEADING = 1.45  # line height in sizes
EPS = 0.01
MIN_SPLIT_LINES = 2  # fewer lines than this left on a page: move the row instead of splitting it

CellLines = list[list[Line]]


def _leading(cell: b.Cell) -> float:
    return cell.size * LEADING


def _lines(flow: Flow, cell: b.Cell) -> list[Line]:
    measure = flow.measure(cell.role, cell.size)
    width = cell.width_mm * b.MM - 2 * PAD_X
    lines: list[Line] = []
    for part in cell.text.split("\n"):
        broken = break_lines(part, width, measure, justify=cell.align is b.Align.JUSTIFY)
        lines += broken or [Line((), (), 0.0)]
    return lines


def _height(row: b.Row, lines: CellLines, minimum: bool = True) -> float:
    text = max((len(ls) * _leading(c) for c, ls in zip(row.cells, lines)), default=0.0)
    return max(row.min_height_mm * b.MM if minimum else 0.0, text + 2 * PAD_Y)


def _draw(flow: Flow, row: b.Row, lines: CellLines, height: float, centred: bool) -> None:
    top = b.TEXT_TOP - flow.y
    x = b.TEXT_LEFT
    for cell, cell_lines in zip(row.cells, lines):
        width = cell.width_mm * b.MM
        flow.page.append(Rule(x, top - height, width, height))
        leading = _leading(cell)
        spare = height - 2 * PAD_Y - len(cell_lines) * leading
        # Labels stay centred; long content reads from the top of its cell.
        y = top - PAD_Y - (spare / 2 if centred or cell.role is Role.HEADING else 0.0)
        inner = width - 2 * PAD_X
        for k, line in enumerate(cell_lines):
            baseline = y - k * leading - (leading - cell.size) / 2 - b.ASCENT * cell.size
            offset = (inner - line.width) / 2 if cell.align is b.Align.CENTER else (
                inner - line.width if cell.align is b.Align.RIGHT else 0.0)
            if line.units:
                flow.page.append(GlyphLine(line, x + PAD_X + offset, baseline, cell.role, cell.size))
        x += width
    flow.y += height


def place_table(flow: Flow, table: b.Table) -> None:
    header = [(row, [_lines(flow, c) for c in row.cells]) for row in table.rows[:table.header_rows]]
    header_height = sum(_height(r, ls) for r, ls in header)

    def next_page() -> None:
        flow.new_page()
        for row, lines in header:
            _draw(flow, row, lines, _height(row, lines), True)

    if flow.y > EPS:
        flow.y = math.ceil(flow.y / b.LINE - EPS) * b.LINE  # start on a grid line
    for index, row in enumerate(table.rows):
        lines = header[index][1] if index < len(header) else [_lines(flow, c) for c in row.cells]
        height = _height(row, lines)
        centred = not row.top
        while True:
            if height <= flow.room() + EPS:
                _draw(flow, row, lines, height, centred)
                break
            fits_fresh = height <= b.TEXT_HEIGHT - header_height + EPS
            leading = max(_leading(c) for c in row.cells)
            fit = int((flow.room() - 2 * PAD_Y) // leading)
            fresh = flow.y <= header_height + EPS  # nothing but the header on this page yet
            if not fresh and (fits_fresh or fit < MIN_SPLIT_LINES):
                next_page()
                continue
            fit = max(fit, 1)
            _draw(flow, row, [ls[:fit] for ls in lines], flow.room(), False)
            lines = [ls[fit:] for ls in lines]
            height, centred = _height(row, lines, minimum=False), False
            next_page()
