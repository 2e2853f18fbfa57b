"""既往事项: the chosen persons' earlier matters, how much this contact looks like a repeat of each,
and the link to one of them (one key: Alt+1 … Alt+5, or Enter on a row; Alt+0 unlinks).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QTableView, QVBoxLayout,
    QWidget,
)

from app.services.repeat_check import LIKELY, POSSIBLE, EarlierMatter

Index = QModelIndex | QPersistentModelIndex
LINK_KEYS = 5  # Alt+1 … Alt+5
LIKELY_BRUSH = QBrush(QColor("#fff1d6"))
LINKED_BRUSH = QBrush(QColor("#dcebff"))


def judgement(m: EarlierMatter) -> str:
    reasons = []
    if m.same_subject:
        reasons.append("同一问题分类")
    if m.similarity >= 0.2:
        reasons.append(f"诉求相近 {round(m.similarity * 100)}%")
    head = {LIKELY: "很像重复访", POSSIBLE: "可能相关"}.get(m.verdict, "不像重复访")
    return head + ("：" + "、".join(reasons) if reasons else "")


class EarlierMattersModel(QAbstractTableModel):
    HEADERS = ("关联键", "事项编号", "登记日期", "状态", "研判", "事项摘要")
    SUMMARY_COLUMN = 5
    VERDICT_LABELS = {LIKELY: "很像重复", POSSIBLE: "可能相关"}

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[EarlierMatter] = []
        self.linked_id: uuid.UUID | None = None

    def set_rows(self, rows: Sequence[EarlierMatter]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def set_linked(self, matter_id: uuid.UUID | None) -> None:
        self.linked_id = matter_id
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.HEADERS) - 1))

    def matter(self, row: int) -> EarlierMatter:
        return self._rows[row]

    def rows(self) -> list[EarlierMatter]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        m = self._rows[index.row()]
        linked = m.id == self.linked_id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(index.row(), m, index.column(), linked)
        if role == Qt.ItemDataRole.BackgroundRole:
            return LINKED_BRUSH if linked else LIKELY_BRUSH if m.verdict == LIKELY else None
        if role == Qt.ItemDataRole.FontRole and linked:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{m.number}　{m.title}\n{m.subject}　{m.state_label}\n{judgement(m)}"
        return None

    def _cell(self, row: int, m: EarlierMatter, column: int, linked: bool) -> str:
        if column == 0:
            return f"Alt+{row + 1}" if row < LINK_KEYS else ""
        if column == 4:
            return "✔ 已关联" if linked else self.VERDICT_LABELS.get(m.verdict, "—")
        return (m.number, m.registered_on.isoformat(), m.state_label, "", m.title)[column - 1]


def details(m: EarlierMatter) -> str:
    """The highlighted matter in full, under the table."""
    last = f"，末次 {m.last_contact_on.isoformat()}" if m.last_contact_on else ""
    return (f"<b>{m.number}</b>　{m.subject}　{m.state_label}　来访 {m.contacts} 次{last}<br>"
            f"{m.title}<br>研判：{judgement(m)}")


class _Table(QTableView):
    enter_pressed = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.enter_pressed.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class EarlierMattersPanel(QGroupBox):
    link_changed = Signal(object)  # EarlierMatter or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("既往事项与重复信访研判", parent)
        self.model = EarlierMattersModel(self)
        self.table = _Table()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(EarlierMattersModel.SUMMARY_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.enter_pressed.connect(self.toggle_row)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setProperty("role", "hint")
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_details())
        self.table.doubleClicked.connect(lambda index: self.toggle_row(index.row()))
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.new_matter = QCheckBox("另立新事项")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("另立新事项的理由（必填），如：反映的是另一处房屋的补偿")
        self.new_matter.toggled.connect(self._update_notice)
        self.new_matter.toggled.connect(self.reason.setEnabled)
        override = QHBoxLayout()
        override.addWidget(self.new_matter)
        override.addWidget(self.reason, 1)
        self.override = QWidget()
        self.override.setLayout(override)
        override.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.notice)
        layout.addWidget(self.override)
        self._linked: EarlierMatter | None = None
        self._persons_chosen = False
        self.clear()

    # -- state ------------------------------------------------------------------------------------
    def clear(self) -> None:
        self._persons_chosen = False
        self.model.set_rows([])
        self.new_matter.setChecked(False)
        self.reason.clear()
        self._set_linked(None)

    def set_rows(self, rows: Sequence[EarlierMatter], *, persons_chosen: bool = True) -> None:
        self._persons_chosen = persons_chosen
        linked = self._linked.id if self._linked else None
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        still = next((m for m in rows if m.id == linked), None)
        self._set_linked(still)
        self._show_details()

    def linked(self) -> EarlierMatter | None:
        return self._linked

    def auto_join(self) -> EarlierMatter | None:
        return next((m for m in self.model.rows() if m.auto_join), None)

    def opens_new_matter_against_rule(self) -> bool:
        return self._linked is None and self.auto_join() is not None and self.new_matter.isChecked()

    # -- linking ----------------------------------------------------------------------------------
    def link_row(self, row: int) -> bool:
        if not 0 <= row < self.model.rowCount():
            return False
        self._set_linked(self.model.matter(row))
        self.table.selectRow(row)
        return True

    def toggle_row(self, row: int) -> None:
        if self._linked is not None and self.model.matter(row).id == self._linked.id:
            self.unlink()
        else:
            self.link_row(row)

    def _show_details(self) -> None:
        """Details of the highlighted row, else of the linked or most likely matter."""
        rows = self.model.rows()
        current = self.table.currentIndex()
        shown = (rows[current.row()] if current.isValid() and current.row() < len(rows)
                 else self._linked or (rows[0] if rows else None))
        self.detail.setText(details(shown) if shown else "")
        self.detail.setVisible(shown is not None)

    def unlink(self) -> None:
        self._set_linked(None)

    def _set_linked(self, matter: EarlierMatter | None) -> None:
        changed = (matter.id if matter else None) != (self._linked.id if self._linked else None)
        self._linked = matter
        self.model.set_linked(matter.id if matter else None)
        self._update_notice()
        if changed:
            self.link_changed.emit(matter)

    def _update_notice(self) -> None:
        auto = self.auto_join()
        self.override.setVisible(self._linked is None and auto is not None)
        self.reason.setEnabled(self.new_matter.isChecked())
        rows = self.model.rowCount()
        if self._linked is not None:
            text = (f"本次登记将作为<b>重复信访</b>并入 <b>{self._linked.number}</b>"
                    f"（{self._linked.state_label}）。Alt+0 取消关联。")
        elif auto is not None and not self.new_matter.isChecked():
            text = (f"已有同一问题分类的事项 <b>{auto.number}</b>：按规定保存时自动作为重复信访并入。"
                    "确属新问题的，勾选“另立新事项”并写明理由。")
        elif auto is not None:
            text = f"将另立新事项；系统建议的 {auto.number} 与理由一并记录。"
        elif rows:
            keys = f"Alt+1–Alt+{min(rows, LINK_KEYS)}" if rows > 1 else "Alt+1"
            text = f"保存时登记为新事项（初信初访）。如是其中某件的重复信访，按 {keys} 关联（或选中后按 Enter）。"
        elif self._persons_chosen:
            text = "没有既往事项：保存时登记为新事项（初信初访）。"
        else:
            text = "选定信访人后，这里列出其既往事项，并提示本次是否重复信访。"
        self.notice.setText(text)
