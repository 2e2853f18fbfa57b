"""Read a stored notice PDF back as drawing instructions, so the program can preview and print it.

The stored PDF is the notice (re-printing must reproduce it exactly), but PySide6-Essentials has no
PDF renderer (QtPdf is an add-on) and a clerk's Windows PC has no pdftoppm. The notices are written
by app/notices/render.py with a handful of operators only (text placed by ``Tm`` and ``Tj`` in
subset TrueType fonts with a ToUnicode map, stroked rectangles), so this module reads exactly those
back: each glyph run with its position, size, horizontal scale, per-character advance (from the
PDF's own widths) and its text, plus the rules. The GUI draws them with the same TrueType files
the notice was made with, so preview, paper and the stored PDF agree glyph for glyph, and a PDF
printed from the program still carries searchable text. A PDF from elsewhere (using operators this
module does not know) is refused instead of being drawn wrongly.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.errors import DataFileError
from app.notices.fonts import FontFile, FontSet

# Operators that change nothing this module draws (graphics state of our own PDFs, leading).
_IGNORED = {b"BT", b"ET", b"TL", b"q", b"Q", b"n", b"S", b"s", b"w", b"G", b"g", b"RG", b"rg", b"J", b"j",
            b"M", b"d", b"ri", b"i", b"gs"}


@dataclass(frozen=True)
class GlyphRun:
    font: str  # PostScript name of the font (subset prefix removed), e.g. FandolFang-Regular
    size: float  # points
    hscale: float  # horizontal scale of the glyphs (1.0 = none)
    x: float  # PDF coordinates (points, origin bottom left) of the first glyph's origin on the baseline
    y: float
    text: str  # one entry per glyph
    advances: tuple[float, ...]  # points each glyph moves the pen, scale included


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    line_width: float


@dataclass(frozen=True)
class PageDrawing:
    width: float  # points
    height: float
    runs: tuple[GlyphRun, ...]
    boxes: tuple[Box, ...]

    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass
class _Font:
    name: str
    first: int
    widths: list[float]
    unicode: dict[int, str] = field(default_factory=dict)

    def width(self, code: int) -> float:
        i = code - self.first
        return self.widths[i] if 0 <= i < len(self.widths) else 0.0


_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")
_BFRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def _utf16(hex_text: bytes) -> str:
    try:
        return bytes.fromhex(hex_text.decode()).decode("utf-16-be")
    except (ValueError, UnicodeDecodeError):
        return "\ufffd"


def parse_to_unicode(cmap: bytes) -> dict[int, str]:
    """Code → text of a ToUnicode CMap (bfchar and bfrange sections, UTF-16 with surrogate pairs)."""
    mapping: dict[int, str] = {}
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, target in _BFCHAR.findall(section):
            mapping[int(code, 16)] = _utf16(target)
    for section in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, start in _BFRANGE.findall(section):
            base = _utf16(start)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = base[:-1] + chr(ord(base[-1]) + offset) if base else ""
    return mapping


def _font(obj: Any) -> _Font:
    obj = obj.get_object()
    if obj.get("/Subtype") != "/TrueType":
        raise _unknown(f"字体类型 {obj.get('/Subtype')}")
    name = str(obj["/BaseFont"]).lstrip("/")
    name = name.split("+", 1)[1] if "+" in name else name
    font = _Font(name, int(obj.get("/FirstChar", 0)), [float(w) for w in obj.get("/Widths", [])])
    if "/ToUnicode" in obj:
        font.unicode = parse_to_unicode(obj["/ToUnicode"].get_object().get_data())
    return font


def _unknown(what: str) -> DataFileError:
    return DataFileError("notice_pdf", f"文书：PDF 文件含有程序不认识的内容（{what}），请用 PDF 阅读器打开打印",
                         field="document")


def _raw(operand: Any) -> bytes:
    original = getattr(operand, "original_bytes", None)
    return bytes(original) if original is not None else bytes(operand)


class _Page:
    def __init__(self, fonts: dict[str, _Font]) -> None:
        self.fonts = fonts
        self.ctm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        self.tm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        self.font: _Font | None = None
        self.size = 0.0
        self.line_width = 1.0
        self.runs: list[GlyphRun] = []
        self.boxes: list[Box] = []

    def point(self, x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = self.ctm
        return a * x + c * y + e, b * x + d * y + f

    def show(self, pieces: Sequence[Any]) -> None:
        if self.font is None:
            raise _unknown("未选字体就写字")
        a, _b, _c, d, e, f = self.tm
        scale = self.ctm[0]
        hscale = a / d if d else 1.0
        pitch = self.size * a / 1000.0
        x0, y0 = e, f
        text: list[str] = []
        advances: list[float] = []
        for piece in pieces:
            if isinstance(piece, (int, float)):
                e -= float(piece) * pitch  # TJ adjustment, thousandths of the size
                if advances:
                    advances[-1] -= float(piece) * pitch * scale
                continue
            for code in _raw(piece):
                step = self.font.width(code) * pitch
                text.append(self.font.unicode.get(code, "\ufffd"))
                advances.append(step * scale)
                e += step
        self.tm = (a, _b, _c, d, e, f)
        x, y = self.point(x0, y0)
        self.runs.append(GlyphRun(self.font.name, self.size * d * scale, hscale, x, y, "".join(text), tuple(advances)))

    def run(self, operands: list[Any], op: bytes) -> None:
        if op == b"cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            if b or c:
                raise _unknown("旋转")
            ca, _, _, cd, ce, cf = self.ctm
            self.ctm = (a * ca, 0.0, 0.0, d * cd, e * ca + ce, f * cd + cf)
        elif op == b"Tm":
            self.tm = tuple(float(v) for v in operands)  # type: ignore[assignment]
        elif op == b"Td":
            a, b, c, d, e, f = self.tm
            self.tm = (a, b, c, d, e + float(operands[0]) * a, f + float(operands[1]) * d)
        elif op == b"Tf":
            key = str(operands[0])
            if key not in self.fonts:
                raise _unknown(f"字体 {key}")
            self.font, self.size = self.fonts[key], float(operands[1])
        elif op == b"Tj":
            self.show([operands[0]])
        elif op == b"TJ":
            self.show(list(operands[0]))
        elif op == b"w":
            self.line_width = float(operands[0])
        elif op == b"re":
            x, y, w, h = (float(v) for v in operands)
            (x1, y1), (x2, y2) = self.point(x, y), self.point(x + w, y + h)
            self.boxes.append(Box(min(x1, x2), min(y1, y2), abs(x2 - x1), abs(y2 - y1), self.line_width * self.ctm[0]))
        elif op not in _IGNORED:
            raise _unknown(f"操作 {op.decode(errors='replace')}")


def read_pages(data: bytes) -> list[PageDrawing]:
    """Every page of a notice PDF made by this program, as glyph runs and rules."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    from pypdf.generic import ContentStream

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = []
        for page in reader.pages:
            resources = page.get("/Resources") or {}
            fonts = {str(k): _font(v) for k, v in (resources.get("/Font") or {}).items()}
            drawing = _Page(fonts)
            contents = page.get_contents()
            if contents is not None:
                for operands, op in ContentStream(contents, reader).operations:
                    drawing.run(operands, op)
            box = page.mediabox
            pages.append(PageDrawing(float(box.width), float(box.height), tuple(drawing.runs), tuple(drawing.boxes)))
        return pages
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise DataFileError("notice_pdf", f"文书：PDF 文件无法读取（{exc}）", field="document") from exc


def font_files(fonts: FontSet) -> dict[str, FontFile]:
    """PostScript name → TrueType file of every font the notices can use (to draw a run in its own font)."""
    found: dict[str, FontFile] = {}
    for chain in fonts.chains.values():
        for file in chain:
            loaded = fonts.load(file)
            if loaded is not None:
                name = loaded.ttfont.face.name
                found.setdefault(name.decode() if isinstance(name, bytes) else str(name), file)
    return found
