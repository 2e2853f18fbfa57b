"""A small read-only table model over an in-memory list of records (timelines, open matters).

For short lists already loaded on a worker thread; big lists use ``ui.models.lazy_table``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ui.models.lazy_table import URGENCY_COLOURS

Index = QModelIndex | QPersistentModelIndex
PayloadRole = Qt.ItemDataRole.UserRole + 1
MUTED = "#8a94a3"


@dataclass(frozen=True)
class Record:
    cells: tuple[str, ...]
    payload: Any = None
    urgency: str | None = None  # overdue / soon / week colour the row; "muted" greys it
    tooltip: str = ""


class RecordTableModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[str], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._records: list[Record] = []

    def set_records(self, records: Sequence[Record]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    def record(self, row: int) -> Record:
        return self._records[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        record = self._records[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return record.cells[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return record.tooltip or None
        if role == PayloadRole:
            return record.payload
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = MUTED if record.urgency == "muted" else URGENCY_COLOURS.get(record.urgency or "")
            return QBrush(QColor(colour)) if colour else None
        return None
