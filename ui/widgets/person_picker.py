"""The person field: search as you type (name, ID number, phone, pinyin initials), pick with the keys.

Reusable on any page::

    picker = PersonPicker(ctx.runner)
    picker.picked.connect(lambda hit: ...)           # a PersonHit (app.services.person_search)
    picker.create_requested.connect(lambda text: ...)  # "新建信访人" with what was typed

The query runs on the worker thread 150 ms after the last key; an answer to an older query is
dropped. Enter pressed before the answer arrives picks its first match when it comes.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from app.domain.identity import Gender
from app.services.person_search import PersonHit, find_persons
from ui.operations import OpRunner
from ui.widgets.search_popup import ENTER_KEYS, SearchPopup

Index = QModelIndex | QPersistentModelIndex
GENDER_LABELS = {Gender.MALE: "男", Gender.FEMALE: "女"}
NEW_PERSON_KEYS = "Ctrl+N"


def person_line(hit: PersonHit) -> str:
    """One line about a person for lists and labels: 张三　男　45岁　3301…　东风村."""
    p = hit.person
    parts = [p.name, GENDER_LABELS.get(p.gender, "") if p.gender else "",
             f"{hit.age}岁" if hit.age is not None else "", p.id_number or "",
             p.phones[0] if p.phones else "", p.village]
    if hit.open_matters:
        parts.append(f"未结事项 {len(hit.open_matters)} 件")
    return "　".join(x for x in parts if x)


class PersonHitModel(QAbstractTableModel):
    HEADERS = ("姓名", "性别", "年龄", "身份证号", "联系电话", "村（社区）", "未结事项")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[PersonHit] = []

    def set_hits(self, hits: list[PersonHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit(self, row: int) -> PersonHit:
        return self._hits[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._hits)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(hit, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join([person_line(hit), hit.person.address, "未结事项：" + "、".join(hit.open_matters)
                              if hit.open_matters else "无未结事项"])
        return None

    @staticmethod
    def _cell(hit: PersonHit, column: int) -> str:
        p = hit.person
        return (
            p.name, GENDER_LABELS.get(p.gender, "") if p.gender else "",
            "" if hit.age is None else str(hit.age), p.id_number or "", "、".join(p.phones[:2]), p.village,
            "、".join(hit.open_matters[:2]) + ("…" if len(hit.open_matters) > 2 else ""),
        )[column]


class PersonPicker(QWidget):
    picked = Signal(object)  # PersonHit
    create_requested = Signal(str)  # the text typed so far
    DEBOUNCE_MS = 150

    def __init__(self, runner: OpRunner, parent: QWidget | None = None, *, clear_on_pick: bool = True,
                 show_new_button: bool = True) -> None:
        super().__init__(parent)
        self.runner = runner
        self.clear_on_pick = clear_on_pick
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("输入姓名、身份证号、电话或拼音首字母（如 zs）查找")
        self.edit.setClearButtonEnabled(True)
        self.new_button = QPushButton(f"新建信访人（{NEW_PERSON_KEYS}）")
        self.new_button.setVisible(show_new_button)
        self.new_button.clicked.connect(self.request_new)
        self.hint = QLabel()
        self.hint.setProperty("role", "hint")
        self.hint.hide()
        self.model = PersonHitModel(self)
        self.popup = SearchPopup(self.edit, self.model, min_width=640)
        self.popup.activated.connect(self._pick)
        self._timer = QTimer(self, singleShot=True, interval=self.DEBOUNCE_MS, timeout=self._search)
        self._seq = 0
        self._answered = 0
        self._pick_when_answered = False
        self.edit.textEdited.connect(self._edited)
        # Installed after the popup's filter, so it sees Enter first (Qt calls the newest first).
        self.edit.installEventFilter(self)
        QShortcut(QKeySequence(NEW_PERSON_KEYS), self, self.request_new,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.hint)
        self.setFocusProxy(self.edit)

    # -- public -----------------------------------------------------------------------------------
    def text(self) -> str:
        return self.edit.text()

    def clear(self) -> None:
        self._timer.stop()
        self._seq += 1  # any answer still on its way is now stale
        self._answered = self._seq
        self._pick_when_answered = False
        self.edit.clear()
        self.model.set_hits([])
        self.popup.close()
        self.hint.hide()

    def is_searching(self) -> bool:
        return self._timer.isActive() or self._answered != self._seq

    def hits(self) -> list[PersonHit]:
        return [self.model.hit(r) for r in range(self.model.rowCount())]

    def request_new(self) -> None:
        self.popup.close()
        self.create_requested.emit(self.edit.text().strip())

    # -- searching --------------------------------------------------------------------------------
    def _edited(self, _text: str) -> None:
        self._pick_when_answered = False
        self._timer.start()

    def _search(self) -> None:
        text = self.edit.text().strip()
        self._seq += 1
        seq = self._seq
        if not text:
            self._answered = seq
            self.model.set_hits([])
            self.popup.close()
            self.hint.hide()
            return
        self.runner.read(lambda uow: find_persons(uow, text), lambda hits: self._answer(seq, text, hits),
                         on_error=lambda exc: self._failed(seq, exc.message))

    def _answer(self, seq: int, text: str, hits: list[PersonHit]) -> None:
        if not isValid(self) or seq != self._seq:
            return
        self._answered = seq
        self.model.set_hits(hits)
        if hits:
            self.hint.hide()
            if self._pick_when_answered:
                self._pick_when_answered = False
                self._pick(0)
                return
            if self.edit.hasFocus():
                self.popup.open()
        else:
            self.popup.close()
            self._pick_when_answered = False
            self.hint.setText(f"没有找到“{text}”。按 {NEW_PERSON_KEYS} 新建信访人。")
            self.hint.show()

    def _failed(self, seq: int, message: str) -> None:
        if isValid(self) and seq == self._seq:
            self._answered = seq
            self.hint.setText(message)
            self.hint.show()

    def _pick(self, row: int) -> None:
        hit = self.model.hit(row)
        self.popup.close()
        if self.clear_on_pick:
            self.clear()
        else:
            self.edit.setText(hit.person.name)
        self.picked.emit(hit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in ENTER_KEYS and self.edit.text().strip():
                if self.is_searching():
                    self._pick_when_answered = True  # typed fast: take the first match when it comes
                    return True
                if not self.popup.is_open() and self.model.rowCount():
                    self._pick(0)
                    return True
        return False
