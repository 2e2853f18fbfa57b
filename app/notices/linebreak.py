"""Breaking Chinese text into lines: ideographs one by one, Latin words and numbers whole.

Rules (GB/T 15834 and common typesetting practice, as documents.md asks):
- 避头: closing punctuation (，。、；：？！）》」 …) never starts a line; the character before it
  moves down with it, and the line left behind is justified to the full width;
- 避尾: opening brackets and quotes never end a line;
- a Latin word, a number (an ID number, a phone, a date's digits) or a run of ——/…… is not split
  unless it alone is longer than the line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

NO_START = frozenset("，。、；：？！）》」』”’〕】〗〉｝］…‥·・％‰℃,.;:?!)]}%")
NO_END = frozenset("（《「『“‘〔【〖〈｛［([{")
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_WORD_JOINERS = frozenset(".-/:@_+#%")
_RUNS = frozenset("—…")
EPSILON = 0.01
MAX_PULL_BACK = 3  # characters moved down at most to keep punctuation off a line start

Measure = Callable[[str], float]


@dataclass(frozen=True)
class Unit:
    """The smallest piece a line may break around."""

    text: str
    width: float
    space: bool = False

    @property
    def first(self) -> str:
        return self.text[0]

    @property
    def last(self) -> str:
        return self.text[-1]


@dataclass(frozen=True)
class Line:
    units: tuple[Unit, ...]
    offsets: tuple[float, ...]  # x of each unit from the line's start
    width: float  # used width, justification included

    @property
    def text(self) -> str:
        return "".join(u.text for u in self.units)


def units_of(text: str, measure: Measure) -> list[Unit]:
    units: list[Unit] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        j = i + 1
        if ch in _WORD_CHARS:
            while j < n and (text[j] in _WORD_CHARS or (text[j] in _WORD_JOINERS and j + 1 < n
                                                          and text[j + 1] in _WORD_CHARS)):
                j += 1
        elif ch in _RUNS:
            while j < n and text[j] == ch:
                j += 1
        elif ch == " ":
            while j < n and text[j] == " ":
                j += 1
        piece = text[i:j]
        units.append(Unit(piece, sum(measure(c) for c in piece), space=ch == " "))
        i = j
    return units


def _split_long(unit: Unit, measure: Measure) -> list[Unit]:
    return [Unit(c, measure(c)) for c in unit.text]


def _break_point(units: list[Unit], start: int, end: int) -> int:
    """Where to break before ``end`` so no line starts with closing or ends with opening punctuation."""
    k = end
    pulled = 0
    while k > start + 1 and units[k].first in NO_START and pulled < MAX_PULL_BACK:
        k -= 1
        pulled += 1
    while k > start + 1 and units[k - 1].last in NO_END:
        k -= 1
    if units[k].first in NO_START:  # could not pull back far enough: keep the line as it was
        return end
    return k


def break_lines(text: str, width: float, measure: Measure, *, first_indent: float = 0.0,
                justify: bool = True) -> list[Line]:
    """Lines of ``text`` no wider than ``width``; the first starts ``first_indent`` further right."""
    units = units_of(text, measure)
    lines: list[Line] = []
    i = 0
    while i < len(units):
        while i < len(units) and units[i].space and lines:
            i += 1  # a space at a line start is dropped
        if i >= len(units):
            break
        avail = width - (first_indent if not lines else 0.0)
        j, used = i, 0.0
        while j < len(units) and used + units[j].width <= avail + EPSILON:
            used += units[j].width
            j += 1
        if j == i:  # one unit wider than the line: split it into characters
            units[i:i + 1] = _split_long(units[i], measure)
            continue
        last = j >= len(units)
        k = len(units) if last else _break_point(units, i, j)
        lines.append(_place(units[i:k], avail, justify and not last))
        i = k
    return lines


def _place(units: list[Unit], avail: float, justify: bool) -> Line:
    while len(units) > 1 and units[-1].space:
        units = units[:-1]
    natural = sum(u.width for u in units)
    gap = (avail - natural) / (len(units) - 1) if justify and len(units) > 1 and natural < avail else 0.0
    offsets, x = [], 0.0
    for unit in units:
        offsets.append(x)
        x += unit.width + gap
    return Line(tuple(units), tuple(offsets), x - gap if units else 0.0)


def balanced_lines(text: str, width: float, measure: Measure) -> list[Line]:
    """A title: as few lines as needed, the upper ones longer (an inverted trapezoid), centred later."""
    total = sum(u.width for u in units_of(text, measure))
    count = max(1, -(-int(total * 1000) // int(width * 1000)))
    if count == 1:
        return break_lines(text, width, measure, justify=False)
    for target in _targets(total, width, count):
        lines = break_lines(text, target, measure, justify=False)
        if len(lines) == count:
            return lines
    return break_lines(text, width, measure, justify=False)


def _targets(total: float, width: float, count: int) -> list[float]:
    base = total / count
    steps = 12
    return [min(width, base + (width - base) * s / steps) for s in range(1, steps + 1)]
