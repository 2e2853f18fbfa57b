"""Choose a reporting period: a month, a quarter, a year or a custom range of days."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QSpinBox, QWidget

from app.statistics import periods
from app.statistics.periods import Period, PeriodKind

KINDS = ((PeriodKind.MONTH, "月度"), (PeriodKind.QUARTER, "季度"), (PeriodKind.YEAR, "年度"),
         (PeriodKind.RANGE, "自定义"))


def last_complete_month(today: date) -> Period:
    """What an office reports by default: the month before the current one."""
    return periods.month(today.year - (today.month == 1), (today.month - 2) % 12 + 1)


class PeriodPicker(QWidget):
    changed = Signal()

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.kind = QComboBox()
        for kind, label in KINDS:
            self.kind.addItem(label, kind)
        self.year = QSpinBox()
        self.year.setRange(1990, 2200)
        self.year.setSuffix(" 年")
        self.part = QComboBox()  # the month or quarter within the year
        self.part.setMinimumContentsLength(5)
        self.start = QDateEdit(calendarPopup=True)
        self.end = QDateEdit(calendarPopup=True)
        for edit in (self.start, self.end):
            edit.setDisplayFormat("yyyy-MM-dd")
        self.until = QLabel("至")
        for widget in (QLabel("统计期间"), self.kind, self.year, self.part, self.start, self.until, self.end):
            layout.addWidget(widget)
        self.set_period(last_complete_month(today))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        for signal in (self.year.valueChanged, self.part.currentIndexChanged, self.start.dateChanged,
                       self.end.dateChanged):
            signal.connect(self.changed)

    def set_period(self, period: Period) -> None:
        self.blockSignals(True)
        self.kind.setCurrentIndex(self.kind.findData(period.kind))
        self.year.setValue(period.start.year)
        self._fill_parts(period.kind)
        if period.kind is PeriodKind.MONTH:
            self.part.setCurrentIndex(period.start.month - 1)
        elif period.kind is PeriodKind.QUARTER:
            self.part.setCurrentIndex((period.start.month - 1) // 3)
        self.start.setDate(QDate(period.start.year, period.start.month, period.start.day))
        self.end.setDate(QDate(period.end.year, period.end.month, period.end.day))
        self._show_fields(period.kind)
        self.blockSignals(False)
        self.changed.emit()

    def period(self) -> Period:
        """The chosen period (a reversed custom range raises the period's own ValidationError)."""
        kind = PeriodKind(self.kind.currentData())
        y = self.year.value()
        if kind is PeriodKind.MONTH:
            return periods.month(y, self.part.currentIndex() + 1)
        if kind is PeriodKind.QUARTER:
            return periods.quarter(y, self.part.currentIndex() + 1)
        if kind is PeriodKind.YEAR:
            return periods.year(y)
        return periods.date_range(self.start.date().toPython(), self.end.date().toPython())  # type: ignore[arg-type]

    def _kind_changed(self) -> None:
        kind = PeriodKind(self.kind.currentData())
        self._fill_parts(kind)
        self._show_fields(kind)
        self.changed.emit()

    def _fill_parts(self, kind: PeriodKind) -> None:
        self.part.blockSignals(True)
        self.part.clear()
        if kind is PeriodKind.MONTH:
            self.part.addItems([f"{m}月" for m in range(1, 13)])
        elif kind is PeriodKind.QUARTER:
            self.part.addItems([f"第{q}季度" for q in "一二三四"])
        self.part.blockSignals(False)

    def _show_fields(self, kind: PeriodKind) -> None:
        ranged = kind is PeriodKind.RANGE
        self.year.setVisible(not ranged)
        self.part.setVisible(kind in (PeriodKind.MONTH, PeriodKind.QUARTER))
        for widget in (self.start, self.until, self.end):
            widget.setVisible(ranged)
