"""What a notice is made of, as plain data, and the page geometry of GB/T 9704-2012.

A notice is a sequence of blocks (title, number line, paragraphs, tables, signature ...) that
``render.render_pdf`` flows onto A4 pages. Lengths are in points (1/72 inch) unless named ``_mm``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from app.notices.fonts import Role

MM = 72 / 25.4
PAGE_WIDTH, PAGE_HEIGHT = 210 * MM, 297 * MM
MARGIN_LEFT, MARGIN_TOP = 28 * MM, 37 * MM
TEXT_WIDTH, TEXT_HEIGHT = 156 * MM, 225 * MM
TEXT_LEFT, TEXT_RIGHT = MARGIN_LEFT, MARGIN_LEFT + TEXT_WIDTH
TEXT_TOP, TEXT_BOTTOM = PAGE_HEIGHT - MARGIN_TOP, PAGE_HEIGHT - MARGIN_TOP - TEXT_HEIGHT

BODY_SIZE = 16.0  # 3号
TITLE_SIZE = 22.0  # 2号
TABLE_SIZE = 14.0  # 4号, for forms
PAGE_NUMBER_SIZE = 14.0  # 4号
CHARS_PER_LINE = 28
LINES_PER_PAGE = 22
CELL = TEXT_WIDTH / CHARS_PER_LINE  # one character of the body grid (15.79 pt)
LINE = TEXT_HEIGHT / LINES_PER_PAGE  # one line of the body grid (28.95 pt)
PAGE_NUMBER_GAP = 7 * MM  # from the bottom of the text area to the page number line
# Where the ideographic em box's top sits above the baseline, as a fraction of the size: used to
# centre a line's characters in its grid line.
ASCENT = 0.86
SEAL_DIAMETER = 42 * MM  # an official seal is 40-45 mm across


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"
    JUSTIFY = "justify"


@dataclass(frozen=True)
class Title:
    """The title, 22 pt heavy song, centred; ``\\n`` starts a new line, long lines wrap balanced."""

    text: str


@dataclass(frozen=True)
class TextLine:
    """One line of text (the number line, the addressee, a form's sub-heading)."""

    text: str
    align: Align = Align.LEFT
    role: Role = Role.BODY
    size: float = BODY_SIZE
    right_indent: int = 0  # characters kept free at the right (aligned right)


@dataclass(frozen=True)
class Paragraph:
    """Body text on the 22 × 28 grid, justified, first line indented ``indent`` characters."""

    text: str
    indent: int = 2
    role: Role = Role.BODY
    align: Align = Align.JUSTIFY


@dataclass(frozen=True)
class Blank:
    lines: int = 1


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Signature:
    """Office name centred over the date at the lower right, with room for the seal above and over them."""

    office: str
    date: str
    seal: bool = True


@dataclass(frozen=True)
class Cell:
    text: str
    width_mm: float
    align: Align = Align.LEFT
    role: Role = Role.BODY
    size: float = TABLE_SIZE


@dataclass(frozen=True)
class Row:
    """A table row; every row lists its own cells, so a row may span what another row divides."""

    cells: tuple[Cell, ...]
    min_height_mm: float = 12.0
    top: bool = False  # text from the top of the cells (long content) instead of centred


@dataclass(frozen=True)
class Table:
    rows: tuple[Row, ...]
    header_rows: int = 0  # repeated at the top of each page the table continues on


Block = Title | TextLine | Paragraph | Blank | PageBreak | Signature | Table


@dataclass(frozen=True)
class NoticeDocument:
    """A whole notice: its blocks and what goes into the PDF's metadata."""

    blocks: tuple[Block, ...]
    title: str
    author: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = field(default=())
    page_numbers: bool = True
