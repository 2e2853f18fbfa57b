"""A result list that drops below a line edit while the line edit keeps the keyboard.

Up/Down move the highlight, Enter picks, Esc closes, a click picks. The list is a child of the
line edit's window (not a popup window), so focus never leaves the field the clerk is typing in.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QEvent, QItemSelectionModel, QModelIndex, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QFrame, QHeaderView, QLineEdit, QTableView, QWidget

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class SearchPopup(QObject):
    activated = Signal(int)  # the row picked

    def __init__(self, edit: QLineEdit, model: QAbstractItemModel, *, max_rows: int = 8,
                 min_width: int = 0, header: bool = True) -> None:
        super().__init__(edit)
        self.edit = edit
        self.max_rows = max_rows
        self.min_width = min_width
        view = QTableView()
        view.setObjectName("searchPopup")
        view.setModel(model)
        view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setFrameShape(QFrame.Shape.Box)
        view.verticalHeader().hide()
        view.horizontalHeader().setVisible(header)
        view.horizontalHeader().setStretchLastSection(True)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.setWordWrap(False)
        view.setShowGrid(False)
        view.clicked.connect(lambda index: self._activate(index.row()))
        view.hide()
        self.view = view
        self.model = model
        # Called when Down opens the list: may refill the model, returns the row to highlight.
        self.prepare_open: Callable[[], int] | None = None
        edit.installEventFilter(self)

    # -- showing ----------------------------------------------------------------------------------
    def is_open(self) -> bool:
        return self.view.isVisible()

    def open(self, row: int = 0) -> None:
        rows = self.model.rowCount()
        if rows == 0 or not self.edit.isVisible():
            self.close()
            return
        window = self.edit.window()
        if self.view.parent() is not window:
            self.view.setParent(window)
        self.view.resizeColumnsToContents()
        self._place(window, rows)
        self.view.show()
        self.view.raise_()
        self.set_current(row)

    def close(self) -> None:
        self.view.hide()

    def _place(self, window: QWidget, rows: int) -> None:
        view = self.view
        view.resizeRowsToContents()
        rows_height = sum(view.rowHeight(r) for r in range(min(rows, self.max_rows)))
        header = view.horizontalHeader().sizeHint().height() if not view.horizontalHeader().isHidden() else 0
        height = rows_height + header + 2 * view.frameWidth()
        content = sum(view.columnWidth(c) for c in range(view.horizontalHeader().count())) + 24
        below = self.edit.mapTo(window, QPoint(0, self.edit.height()))
        width = min(max(self.edit.width(), self.min_width, content), window.width() - below.x() - 8)
        y = below.y()
        if y + height > window.height() and below.y() - self.edit.height() - height > 0:
            y = below.y() - self.edit.height() - height  # no room below: open upwards
        view.setGeometry(below.x(), y, max(width, 120), height)

    # -- the highlight ----------------------------------------------------------------------------
    def current_row(self) -> int:
        index = self.view.currentIndex()
        return index.row() if index.isValid() and self.is_open() else -1

    def set_current(self, row: int) -> None:
        rows = self.model.rowCount()
        if rows == 0:
            return
        row = max(0, min(row, rows - 1))
        index = self.model.index(row, 0, QModelIndex())
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.view.scrollTo(index)

    def _activate(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.close()
            self.activated.emit(row)

    # -- keys of the line edit --------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is not self.edit:
            return False
        if event.type() == QEvent.Type.KeyPress:
            return self._key(event)  # type: ignore[arg-type]
        if event.type() in (QEvent.Type.FocusOut, QEvent.Type.Hide):
            self.close()
        return False

    def _key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return False
        step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: self.max_rows,
                Qt.Key.Key_PageUp: -self.max_rows}.get(Qt.Key(key))
        if step is not None:
            if not self.is_open():
                if step < 0:
                    return False
                row = self.prepare_open() if self.prepare_open else 0
                if not self.model.rowCount():
                    return False
                self.open(row)
                return True
            self.set_current(self.current_row() + step)
            return True
        if key in ENTER_KEYS and self.is_open() and self.current_row() >= 0:
            self._activate(self.current_row())
            return True
        if key == Qt.Key.Key_Escape and self.is_open():
            self.close()
            return True
        return False
