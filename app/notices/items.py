"""What the layout places on a page, in absolute PDF coordinates (points, origin lower left)."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.notices.fonts import Role
from app.notices.linebreak import Line


@dataclass(frozen=True)
class GlyphLine:
    """One line of text: its units at absolute x positions on a baseline."""

    line: Line
    x: float
    baseline: float
    role: Role
    size: float
    hscale: float = 1.0  # horizontal squeeze that fits 28 characters of 16 pt into 156 mm
    body: bool = False  # part of the running text (may move with a signature block)


@dataclass(frozen=True)
class Rule:
    """A stroked rectangle (a table cell's border)."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class SealArea:
    """Where the seal goes: a circle centred over the office name and date (not printed)."""

    cx: float
    cy: float
    diameter: float


Item = GlyphLine | Rule | SealArea


@dataclass
class Layout:
    pages: list[list[Item]] = field(default_factory=lambda: [[]])
