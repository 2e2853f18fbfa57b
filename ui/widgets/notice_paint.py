"""Draw notice pages (app.notices.replay) with QPainter: into images for the preview, onto a QPrinter.

Each glyph run is drawn in the TrueType file the notice was made with, at the advances the PDF
states, so the preview and the paper match the stored PDF. A character the run's font lacks on
this PC (a notice made with Windows fonts, shown elsewhere) falls back to the program's own fonts.
QPainter may paint on a QImage or a QPrinter from a worker thread, so batches print off the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QMarginsF, QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPageLayout, QPageSize, QPainter, QPen, QRawFont
from PySide6.QtPrintSupport import QPrinter

from app.errors import StorageError
from app.notices.fonts import FontFile
from app.notices.replay import GlyphRun, PageDrawing


class GlyphSource:
    """Fonts by PostScript name, and the fallbacks for characters a font does not have.

    Drawing goes through QFont (registered from the same files), not QRawFont glyph runs: Qt's PDF
    writer embeds a QFont's glyphs with their Unicode, but turns raw glyph runs into bare outlines.
    """

    def __init__(self, files: dict[str, FontFile]) -> None:
        self.files = files
        self._coverage: dict[str, QRawFont] = {}
        self._families: dict[str, str | None] = {}

    def _family(self, name: str) -> str | None:
        if name not in self._families:
            file = self.files.get(name)
            family = None
            if file is not None:
                font_id = QFontDatabase.addApplicationFont(str(file.path))
                families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
                family = families[min(file.index, len(families) - 1)] if families else None
                self._coverage[name] = QRawFont(str(file.path), 12.0)
            self._families[name] = family
        return self._families[name]

    def register_all(self) -> None:
        """Register every font with Qt now (call on the UI thread before painting on a worker)."""
        for name in self.files:
            self._family(name)

    def _has(self, name: str, ch: str) -> bool:
        if self._family(name) is None:
            return False
        coverage = self._coverage[name]
        return coverage.isValid() and coverage.supportsCharacter(ord(ch))

    def font_for(self, name: str, ch: str, size: float) -> QFont | None:
        """A font drawing ``ch`` at ``size`` × FONT_SCALE pixels: the run's own, else the first that has it."""
        chosen = name if self._has(name, ch) else next((n for n in self.files if self._has(n, ch)), None)
        family = self._family(chosen) if chosen is not None else None
        if family is None:
            return None
        font = QFont(family)
        font.setPixelSize(max(1, round(size * FONT_SCALE)))
        font.setStyleStrategy(QFont.StyleStrategy.NoFontMerging)
        font.setKerning(False)
        return font


# Fonts take whole pixel sizes: draw at 100 × the point size inside a painter scaled by 1/100.
FONT_SCALE = 100


def _draw_run(painter: QPainter, source: GlyphSource, run: GlyphRun, height: float) -> None:
    x = run.x
    for ch, advance in zip(run.text, run.advances):
        font = source.font_for(run.font, ch, run.size) if not ch.isspace() else None
        if font is not None:
            painter.save()
            painter.translate(x, height - run.y)
            painter.scale(run.hscale / FONT_SCALE, 1.0 / FONT_SCALE)
            painter.setFont(font)
            painter.drawText(QPointF(0, 0), ch)
            painter.restore()
        x += advance


def paint_page(painter: QPainter, page: PageDrawing, source: GlyphSource) -> None:
    """Paint in the page's own units (points, origin top left); the caller scales the painter."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("black"))
    for run in page.runs:
        _draw_run(painter, source, run, page.height)
    for box in page.boxes:
        painter.setPen(QPen(QColor("black"), box.line_width))
        painter.drawRect(QRectF(box.x, page.height - box.y - box.height, box.width, box.height))


def page_image(page: PageDrawing, source: GlyphSource, dots_per_point: float) -> QImage:
    image = QImage(round(page.width * dots_per_point), round(page.height * dots_per_point), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.scale(dots_per_point, dots_per_point)
    paint_page(painter, page, source)
    painter.end()
    return image


def prepare_printer(printer: QPrinter) -> None:
    """A4 portrait, drawn to the paper's edge: the notice carries its own GB/T 9704 margins."""
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                      QMarginsF(0, 0, 0, 0)))
    printer.setFullPage(True)


def print_pages(printer: QPrinter, pages: Sequence[PageDrawing], source: GlyphSource, *,
                progress: Callable[[int, int], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> int:
    """Paint the pages onto the printer, one sheet each; returns the number printed (stops when cancelled)."""
    prepare_printer(printer)
    painter = QPainter()
    if not painter.begin(printer):
        raise StorageError("printer", f"打印：打印机“{printer.printerName() or printer.outputFileName()}”无法开始打印，"
                           "请检查打印机是否连接、是否缺纸", field="printer")
    done = 0
    try:
        rect = printer.pageRect(QPrinter.Unit.DevicePixel)
        for page in pages:
            if cancelled is not None and cancelled():
                printer.abort()  # nothing half-printed reaches the printer
                break
            if done:
                printer.newPage()
            painter.save()
            painter.scale(rect.width() / page.width, rect.height() / page.height)
            paint_page(painter, page, source)
            painter.restore()
            done += 1
            if progress is not None:
                progress(done, len(pages))
    except BaseException:
        printer.abort()  # a failed run sends nothing to the printer
        raise
    finally:
        painter.end()
    return done

