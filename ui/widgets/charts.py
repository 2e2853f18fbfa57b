"""Small charts drawn with QPainter: a line chart for monthly trends and a horizontal bar chart.

PySide6-Essentials has no QtCharts, and the report page needs only two plain shapes. Both take
named series of numbers, label in Chinese, scale to a round axis maximum, and paint the same
offscreen (tests, screenshots) as on screen. Colours are distinct in print and for colour-blind readers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

SERIES_COLOURS = ("#2f6db5", "#e07b39", "#3a9a5b", "#8a5cb8")
GRID = QColor("#e3e7ed")
AXIS_TEXT = QColor("#5f6b7a")


@dataclass(frozen=True)
class Series:
    name: str  # 批次, 人次
    values: tuple[int, ...]


def nice_maximum(value: float) -> int:
    """A round axis maximum ≥ value: 1, 2, 5 × 10ⁿ steps (at least 1 so an empty chart has an axis)."""
    if value <= 1:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor * 5 >= value:
                return step * factor * 5
        step *= 10


class Chart(QWidget):
    """Title, legend and the data shared by both charts; subclasses paint the plot area."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.labels: tuple[str, ...] = ()
        self.series: tuple[Series, ...] = ()
        self.empty_text = "所选期间没有数据"
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(260, 180)

    def set_data(self, labels: Sequence[str], series: Sequence[Series]) -> None:
        self.labels, self.series = tuple(labels), tuple(series)
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(480, 260)

    def peak(self) -> int:
        return max((v for s in self.series for v in s.values), default=0)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        metrics = QFontMetricsF(self.font())
        line = metrics.height()
        bold = self.font()
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor("#1f2933"))
        painter.drawText(QRectF(8, 4, self.width() - 16, line + 4), Qt.AlignmentFlag.AlignLeft, self.title)
        painter.setFont(self.font())
        self._legend(painter, metrics, 4)
        plot = QRectF(8, line * 1.8 + 8, self.width() - 16, self.height() - line * 1.8 - 14)
        if not self.labels or self.peak() == 0:
            painter.setPen(AXIS_TEXT)
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, self.empty_text)
        else:
            self.paint_plot(painter, metrics, plot)
        painter.end()

    def _legend(self, painter: QPainter, metrics: QFontMetricsF, top: float) -> None:
        x = self.width() - 8.0
        for index in reversed(range(len(self.series))):
            name = self.series[index].name
            x -= metrics.horizontalAdvance(name) + 26
            painter.fillRect(QRectF(x, top + metrics.height() / 2 - 4, 14, 8), colour(index))
            painter.setPen(AXIS_TEXT)
            painter.drawText(QPointF(x + 18, top + metrics.ascent() + 1), name)

    def paint_plot(self, painter: QPainter, metrics: QFontMetricsF, plot: QRectF) -> None:
        raise NotImplementedError


def colour(index: int) -> QColor:
    return QColor(SERIES_COLOURS[index % len(SERIES_COLOURS)])


class LineChart(Chart):
    """Series over ordered labels (months), with a value axis and dots on each point."""

    def paint_plot(self, painter: QPainter, metrics: QFontMetricsF, plot: QRectF) -> None:
        top = nice_maximum(self.peak())
        axis_width = metrics.horizontalAdvance(str(top)) + 8
        area = QRectF(plot.left() + axis_width, plot.top() + 4, plot.width() - axis_width - 4,
                      plot.height() - metrics.height() - 10)
        for i in range(6):
            y = area.bottom() - area.height() * i / 5
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            painter.setPen(AXIS_TEXT)
            painter.drawText(QRectF(plot.left(), y - 8, axis_width - 6, 16),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{top * i // 5}")
        count = len(self.labels)
        step = area.width() / max(count - 1, 1)
        widest = max(metrics.horizontalAdvance(label) for label in self.labels)
        every = max(1, math.ceil(widest * 1.25 / max(step, 1.0)))  # labels never overlap
        for i, label in enumerate(self.labels):
            if (count - 1 - i) % every == 0:  # the period itself (the last month) is always labelled
                x = area.left() + i * step
                painter.drawText(QRectF(x - 30, area.bottom() + 4, 60, metrics.height()),
                                 Qt.AlignmentFlag.AlignHCenter, label)
        for index, series in enumerate(self.series):
            points = [QPointF(area.left() + i * step, area.bottom() - area.height() * v / top)
                      for i, v in enumerate(series.values)]
            painter.setPen(QPen(colour(index), 2.2))
            painter.drawPolyline(points)
            painter.setBrush(colour(index))
            for point in points:
                painter.drawEllipse(point, 2.8, 2.8)
            painter.setBrush(Qt.BrushStyle.NoBrush)


class BarChart(Chart):
    """Horizontal bars per label (one bar per series), the value written at each bar's end."""

    max_rows = 8

    def paint_plot(self, painter: QPainter, metrics: QFontMetricsF, plot: QRectF) -> None:
        labels = self.labels[: self.max_rows]
        label_width = min(max(metrics.horizontalAdvance(t) for t in labels) + 10, plot.width() * 0.4)
        value_width = metrics.horizontalAdvance(str(self.peak())) + 8
        area = QRectF(plot.left() + label_width, plot.top(), plot.width() - label_width - value_width, plot.height())
        row = area.height() / len(labels)
        bar = min(16.0, (row - 6) / max(len(self.series), 1))
        top = max(self.peak(), 1)
        for i, label in enumerate(labels):
            y = area.top() + i * row
            painter.setPen(QColor("#1f2933"))
            text = metrics.elidedText(label, Qt.TextElideMode.ElideRight, label_width - 10)
            painter.drawText(QRectF(plot.left(), y, label_width - 8, row),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
            first = y + (row - bar * len(self.series)) / 2
            for index, series in enumerate(self.series):
                value = series.values[i]
                width = area.width() * value / top
                rect = QRectF(area.left(), first + index * bar, max(width, 1.0), bar - 2)
                painter.fillRect(rect, colour(index))
                painter.setPen(AXIS_TEXT)
                painter.drawText(QRectF(rect.right() + 4, rect.top() - 2, value_width, bar + 2),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, str(value))
