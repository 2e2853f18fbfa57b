"""A field that picks one of a known list by typing any part of it: name, code or pinyin initials.

Used for the subject tree (问题分类: typing "zdcq" or "拆迁" finds 城乡建设/征地拆迁) and villages.
Down on an empty field lists everything; Enter takes the highlighted entry; leaving the field with
exactly one match takes that match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFocusEvent, QFont
from PySide6.QtWidgets import QLineEdit, QWidget

from ui.widgets.search_popup import SearchPopup

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Choice:
    key: object
    label: str  # shown in the field once chosen
    search: str = ""  # more text that finds it (codes, pinyin initials), besides the label
    heading: bool = False  # a first-level entry, shown bold


class ChoiceModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Choice] = []

    def set_rows(self, rows: Sequence[Choice]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def choice(self, row: int) -> Choice:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        choice = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return choice.label
        if role == Qt.ItemDataRole.FontRole and choice.heading:
            font = QFont()
            font.setBold(True)
            return font
        return None


def matches(choices: Sequence[Choice], text: str) -> list[Choice]:
    """Entries containing every word typed; those starting with it come first."""
    words = text.lower().split()
    if not words:
        return list(choices)
    hay = [(c, f"{c.label} {c.search}".lower()) for c in choices]
    found = [(c, h) for c, h in hay if all(w in h for w in words)]
    first = words[0]
    return [c for c, h in sorted(found, key=lambda ch: not any(
        part.startswith(first) for part in ch[1].replace("/", " ").split()))]


class ChoiceField(QLineEdit):
    chosen = Signal(object)  # the key, or None when the clerk typed something not yet chosen

    def __init__(self, choices: Sequence[Choice] = (), parent: QWidget | None = None, *,
                 placeholder: str = "", max_rows: int = 10) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self._choices: list[Choice] = list(choices)
        self._key: object | None = None
        self.model = ChoiceModel(self)
        self.popup = SearchPopup(self, self.model, max_rows=max_rows, header=False, min_width=260)
        self.popup.activated.connect(lambda row: self.choose(self.model.choice(row).key))
        self.popup.prepare_open = self._list_all
        self.textEdited.connect(self._filter)

    def set_choices(self, choices: Sequence[Choice]) -> None:
        self._choices = list(choices)
        if self._key is not None and not any(c.key == self._key for c in self._choices):
            self.choose(None)

    def key(self) -> object | None:
        return self._key

    def choose(self, key: object | None) -> None:
        """Select the entry with ``key`` (None clears the field)."""
        choice = next((c for c in self._choices if c.key == key), None) if key is not None else None
        self.popup.close()
        self._key = choice.key if choice else None
        self.setText(choice.label if choice else "")
        self._mark(valid=True)
        self.chosen.emit(self._key)

    def _filter(self, text: str) -> None:
        if self._key is not None:
            self._key = None
            self.chosen.emit(None)
        self.model.set_rows(matches(self._choices, text))
        self._mark(valid=not text.strip() or self.model.rowCount() > 0)
        if text.strip():
            self.popup.open()
        else:
            self.popup.close()

    def _mark(self, *, valid: bool) -> None:
        self.setProperty("invalid", not valid)
        self.style().unpolish(self)
        self.style().polish(self)

    def _list_all(self) -> int:
        """Down on a closed list: everything (or what the text matches), the chosen entry lit."""
        rows = matches(self._choices, "" if self._key is not None else self.text())
        self.model.set_rows(rows)
        return next((i for i, c in enumerate(rows) if c.key == self._key), 0)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        if self._key is None and self.text().strip():
            found = matches(self._choices, self.text())
            if len(found) == 1:
                self.choose(found[0].key)
            else:
                self._mark(valid=False)
        super().focusOutEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusInEvent(event)
        if self._key is not None:
            self.selectAll()
