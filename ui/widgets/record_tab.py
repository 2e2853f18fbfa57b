"""A table of in-memory records with a row of action buttons above it (the leader and screening pages)."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QPushButton, QTableView, QVBoxLayout, QWidget

from ui.widgets.record_table import PayloadRole, RecordTableModel


class RecordTab(QWidget):
    """A table of records with a row of buttons above it."""

    def __init__(self, columns: tuple[str, ...], name: str) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.buttons = QHBoxLayout()
        layout.addLayout(self.buttons)
        self.model = RecordTableModel(columns, self)
        self.table = QTableView()
        self.table.setObjectName(name)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)

    def button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        self.buttons.addWidget(button)
        return button

    def finish(self) -> None:
        self.buttons.addStretch(1)

    def selected(self) -> object | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.data(rows[0], PayloadRole) if rows else None
