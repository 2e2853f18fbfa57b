"""系统设置 › 村（社区）与责任单位: add, rename, deactivate or reactivate the office's list entries."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QGroupBox, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)

from app.errors import DomainError
from app.services.dictionaries_admin import (
    DictionaryEntry, DictionaryKind, add_entry, list_entries, rename_entry, set_entry_active,
)
from ui.context import GuiContext
from ui.widgets.record_table import MUTED

TITLES = {DictionaryKind.VILLAGE: "村（社区）", DictionaryKind.RESPONSIBLE_UNIT: "责任单位"}
# The kinds of change other pages listen for (the registration desk reloads its choices).
CHANGE_KINDS = {DictionaryKind.VILLAGE: "village", DictionaryKind.RESPONSIBLE_UNIT: "unit"}
EntryRole = Qt.ItemDataRole.UserRole + 1


class EntryList(QGroupBox):
    """One list: entries (deactivated ones greyed), a name field and the actions on it."""

    def __init__(self, ctx: GuiContext, kind: DictionaryKind, editable: bool) -> None:
        super().__init__(TITLES[kind])
        self.ctx, self.kind, self.editable = ctx, kind, editable
        self.loaded = False
        self.list = QListWidget()
        self.list.currentItemChanged.connect(self._current_changed)
        self.name = QLineEdit()
        self.name.setPlaceholderText(f"{TITLES[kind]}名称")
        self.name.returnPressed.connect(self.add)
        self.add_button = QPushButton("添加")
        self.rename_button = QPushButton("改名")
        self.toggle_button = QPushButton("停用")
        self.add_button.clicked.connect(self.add)
        self.rename_button.clicked.connect(self.rename)
        self.toggle_button.clicked.connect(self.toggle_active)
        self.status = QLabel()
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.name, 1)
        for button in (self.add_button, self.rename_button, self.toggle_button):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        if editable:
            layout.addLayout(row)
        layout.addWidget(self.status)
        self._current_changed()

    def load(self, select: str | None = None) -> None:
        def fill(entries: list[DictionaryEntry]) -> None:
            self.list.clear()
            for entry in entries:
                item = QListWidgetItem(entry.name if entry.active else f"{entry.name}（已停用）")
                item.setData(EntryRole, entry)
                if not entry.active:
                    item.setForeground(QBrush(QColor(MUTED)))
                self.list.addItem(item)
                if entry.name == select:
                    self.list.setCurrentItem(item)
            self.loaded = True
            self._current_changed()

        self.ctx.runner.read(lambda uow: list_entries(uow, self.kind), fill)

    def entries(self) -> list[DictionaryEntry]:
        return [self.list.item(i).data(EntryRole) for i in range(self.list.count())]

    def current(self) -> DictionaryEntry | None:
        item = self.list.currentItem()
        return item.data(EntryRole) if item is not None else None

    def select(self, name: str) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(EntryRole).name == name:
                self.list.setCurrentRow(i)
                return

    def _current_changed(self, *_args: object) -> None:
        entry = self.current()
        if entry is not None:
            self.name.setText(entry.name)
        self.rename_button.setEnabled(self.editable and entry is not None)
        self.toggle_button.setEnabled(self.editable and entry is not None)
        self.toggle_button.setText("启用" if entry is not None and not entry.active else "停用")

    def add(self) -> None:
        name = self.name.text()
        self._write(lambda uow: add_entry(uow, self.kind, name), "已添加")

    def rename(self) -> None:
        entry, name = self.current(), self.name.text()
        if entry is not None:
            self._write(lambda uow: rename_entry(uow, self.kind, entry.id, name), "已改名为")

    def toggle_active(self) -> None:
        entry = self.current()
        if entry is not None:
            active = not entry.active
            self._write(lambda uow: set_entry_active(uow, self.kind, entry.id, active),
                        "已启用" if active else "已停用")

    def _write(self, work, verb: str) -> None:  # type: ignore[no-untyped-def]
        def done(entry: DictionaryEntry) -> None:
            self._say(f"{verb}“{entry.name}”。")
            self.load(select=entry.name)

        self.ctx.runner.write(work, done, changes=frozenset({CHANGE_KINDS[self.kind]}), on_error=self._refused)

    def _refused(self, exc: DomainError) -> None:
        self._say(exc.message, error=True)
        self.name.setFocus()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("urgency", "overdue" if error else "")
        self.status.style().polish(self.status)


class ListsTab(QWidget):
    def __init__(self, ctx: GuiContext, editable: bool) -> None:
        super().__init__()
        self.villages = EntryList(ctx, DictionaryKind.VILLAGE, editable)
        self.units = EntryList(ctx, DictionaryKind.RESPONSIBLE_UNIT, editable)
        note = QLabel("条目不会删除：以前的登记仍然引用它们。停用的条目不再出现在新登记的选项中，可以重新启用。"
                      + ("" if editable else "只有管理员可以修改。"))
        note.setProperty("role", "hint")
        note.setWordWrap(True)
        lists = QHBoxLayout()
        lists.addWidget(self.villages)
        lists.addWidget(self.units)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(lists, 1)

    @property
    def loaded(self) -> bool:
        return self.villages.loaded and self.units.loaded

    def load(self) -> None:
        self.villages.load()
        self.units.load()
