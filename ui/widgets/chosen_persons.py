"""The persons of one contact: the petitioner, or a collective visit's representatives (at most 5).

Each entry is an existing archive (PersonHit) or a new one (PersonInput, created on save). Delete
removes the highlighted entry. Adding beyond the limit is refused with a message that says why.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

from app.services.contacts import MAX_REPRESENTATIVES
from app.services.person_search import PersonHit
from app.services.persons import PersonInput
from ui.widgets.person_picker import person_line


@dataclass(frozen=True)
class ChosenPerson:
    hit: PersonHit | None = None
    new: PersonInput | None = None

    @property
    def person_id(self) -> uuid.UUID | None:
        return self.hit.person.id if self.hit else None

    @property
    def ref(self) -> uuid.UUID | PersonInput:
        """What register_contact takes: the archive's id, or the new person's data."""
        return self.hit.person.id if self.hit else self.new  # type: ignore[return-value]

    def line(self) -> str:
        if self.hit:
            return person_line(self.hit)
        assert self.new is not None
        parts = [self.new.name.strip(), self.new.id_number.strip(), *self.new.phones]
        return "　".join(p for p in parts if p) + "　（新建档案，保存时建立）"


def limit_message(collective: bool) -> str:
    if collective:
        return (f"代表人数：集体访最多推选 {MAX_REPRESENTATIVES} 名代表（《信访工作条例》第二十条），"
                f"已选满 {MAX_REPRESENTATIVES} 名。如需更换，请先选中一名代表按 Delete 移除。")
    return (f"信访人：一次登记最多列 {MAX_REPRESENTATIVES} 人，已满。多人同来请勾选“集体访”，"
            "登记来访人数并推选代表。")


class ChosenPersons(QListWidget):
    changed = Signal()
    MAX = MAX_REPRESENTATIVES

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setObjectName("chosenPersons")
        self._people: list[ChosenPerson] = []
        self.collective = False
        self.setToolTip("Delete：移除选中的人")

    def people(self) -> list[ChosenPerson]:
        return list(self._people)

    def person_ids(self) -> list[uuid.UUID]:
        return [p.person_id for p in self._people if p.person_id is not None]

    def set_collective(self, collective: bool) -> None:
        self.collective = collective
        self._refresh()

    def add(self, person: ChosenPerson) -> str | None:
        """Add a person; returns the refusal message instead when that is not allowed."""
        if person.hit is not None and person.hit.person.id in self.person_ids():
            return f"信访人：{person.hit.person.name}已在名单中"
        new_number = person.new.id_number.strip().upper() if person.new else ""
        if new_number and any(p.new and p.new.id_number.strip().upper() == new_number for p in self._people):
            return "身份证号：名单中已有此号码的新建信访人"
        if len(self._people) >= self.MAX:
            return limit_message(self.collective)
        self._people.append(person)
        self._refresh()
        return None

    def remove_at(self, row: int) -> None:
        if 0 <= row < len(self._people):
            del self._people[row]
            self._refresh()

    def clear_people(self) -> None:
        self._people.clear()
        self._refresh()

    def _refresh(self) -> None:
        self.clear()
        for i, person in enumerate(self._people):
            prefix = "代表" if self.collective else "信访人"
            number = f" {i + 1}" if len(self._people) > 1 or self.collective else ""
            item = QListWidgetItem(f"{prefix}{number}：{person.line()}")
            item.setToolTip(person.hit.person.address if person.hit else "新建档案")
            self.addItem(item)
        self.setVisible(bool(self._people))
        # As tall as its entries: one line for an individual, five for a full delegation.
        rows = max(1, len(self._people))
        self.setFixedHeight(rows * max(self.sizeHintForRow(0), 20) + 2 * self.frameWidth() + 4)
        self.changed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.currentRow() >= 0:
            self.remove_at(self.currentRow())
            return
        super().keyPressEvent(event)
