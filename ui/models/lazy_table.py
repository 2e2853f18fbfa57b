"""A table model that holds only the ordered ids and fetches rows a page at a time when shown.

Sorting and filtering happen in SQL (the page hands a new id list); rows are cached per page with
a bounded cache, so scrolling a million-row list end to end keeps memory flat.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from app.services.listing import unpack_ids

Index = QModelIndex | QPersistentModelIndex
URGENCY_COLOURS = {"overdue": "#b3261e", "soon": "#b35c00", "week": "#7a6a00"}


@dataclass(frozen=True)
class Column:
    title: str
    width: int = 100


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    urgency: str | None = None  # colours the whole row: overdue / soon / week
    tooltip: str = ""


FetchRows = Callable[[list[uuid.UUID]], dict[uuid.UUID, Row]]


class LazyTableModel(QAbstractTableModel):
    PAGE_SIZE = 100
    MAX_PAGES = 30

    def __init__(self, columns: Sequence[Column], fetch_rows: FetchRows, parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._fetch_rows = fetch_rows
        self._ids = b""
        self._pages: OrderedDict[int, list[Row | None]] = OrderedDict()

    # -- data set -------------------------------------------------------------------------------
    def set_ids(self, packed: bytes) -> None:
        self.beginResetModel()
        self._ids = packed
        self._pages.clear()
        self.endResetModel()

    def refresh_rows(self) -> None:
        """Drop cached rows (records changed) but keep the id order."""
        self._pages.clear()
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, len(self.columns) - 1))

    def id_at(self, row: int) -> uuid.UUID:
        return uuid.UUID(bytes=self._ids[16 * row:16 * row + 16])

    def row_of(self, item_id: uuid.UUID) -> int:
        needle = item_id.bytes
        pos = self._ids.find(needle)
        while pos != -1 and pos % 16:
            pos = self._ids.find(needle, pos + 1)
        return -1 if pos == -1 else pos // 16

    def _row(self, row: int) -> Row | None:
        page_no = row // self.PAGE_SIZE
        page = self._pages.get(page_no)
        if page is None:
            start = page_no * self.PAGE_SIZE
            ids = unpack_ids(self._ids, start, start + self.PAGE_SIZE)
            fetched = self._fetch_rows(ids)
            page = [fetched.get(i) for i in ids]
            self._pages[page_no] = page
            while len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page[row % self.PAGE_SIZE]

    # -- Qt model interface ---------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids) // 16

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._row(index.row())
        if row is None:
            return "（已删除）" if role == Qt.ItemDataRole.DisplayRole and index.column() == 0 else None
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tooltip or None
        colour = URGENCY_COLOURS.get(row.urgency or "")
        return QBrush(QColor(colour)) if colour else None
