"""新建信访人, inline: name, ID number, phone, village, address.

"加入" runs the same checks as creating the archive (on the worker thread) without writing; the
archive itself is created with the contact, in one transaction. An ID number that already has an
archive is refused here, with that person shown and one button (Enter) to take them instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from app.errors import DomainError
from app.services.desk import NewPersonCheck, VillageItem, check_new_person
from app.services.person_search import PersonHit
from app.services.persons import PersonInput
from ui.operations import OpRunner
from ui.widgets.choice_field import Choice, ChoiceField
from ui.widgets.person_picker import person_line

FIELD_LABELS = {"name": "姓名", "id_number": "身份证号", "phone": "联系电话", "village_id": "所在村（社区）",
                "address": "住址"}


def village_choices(villages: Sequence[VillageItem]) -> list[Choice]:
    return [Choice(v.id, v.name, v.initials) for v in villages]


def split_typed(text: str) -> dict[str, str]:
    """Put what was typed in the search field where it belongs: ID number, phone or name."""
    text = text.strip()
    compact = text.replace(" ", "").replace("-", "")
    if len(compact) in (15, 18) and compact[:-1].isdigit():
        return {"id_number": compact}
    if compact.isdigit() and len(compact) >= 7:
        return {"phone": compact}
    if text and not text.isascii():
        return {"name": text}
    return {}


class NewPersonPanel(QGroupBox):
    added = Signal(object)  # PersonInput that passed the checks
    existing_chosen = Signal(object)  # PersonHit of the archive that already has the ID number
    cancelled = Signal()

    def __init__(self, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__("新建信访人", parent)
        self.runner = runner
        self.name = QLineEdit()
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText("18 位；性别、出生日期由号码得出")
        self.id_number.setMaxLength(22)
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("手机或座机")
        self.village = ChoiceField(placeholder="输入村名或拼音首字母")
        self.address = QLineEdit()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("姓名", self.name)
        form.addRow("身份证号", self.id_number)
        row = QHBoxLayout()
        row.addWidget(self.phone, 1)
        row.addWidget(QLabel("所在村（社区）"))
        row.addWidget(self.village, 1)
        form.addRow("联系电话", row)
        form.addRow("住址", self.address)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setProperty("role", "error")
        self.message.hide()
        self.use_existing = QPushButton("选用已有档案（Enter）")
        self.use_existing.hide()
        self.use_existing.clicked.connect(self._take_existing)
        self.add_button = QPushButton("加入（Enter）")
        self.add_button.setProperty("primary", True)
        self.add_button.clicked.connect(self.submit)
        cancel = QPushButton("取消（Esc）")
        cancel.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.use_existing)
        buttons.addWidget(self.add_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self._existing: PersonHit | None = None
        # Enter in any field adds (the village list takes Enter first while it is open).
        for edit in (self.name, self.id_number, self.phone, self.address, self.village):
            edit.returnPressed.connect(self._enter)
        for edit in (self.name, self.id_number, self.phone, self.address):
            edit.textEdited.connect(self._edited)
        for button in (self.use_existing, self.add_button, cancel):
            button.setAutoDefault(True)
        self.village.chosen.connect(lambda _key: self._edited())

    def set_villages(self, villages: Sequence[VillageItem]) -> None:
        self.village.set_choices(village_choices(villages))

    def start(self, typed: str = "") -> None:
        """Show an empty form, with what the clerk had typed in its place."""
        for edit in (self.name, self.id_number, self.phone, self.address):
            edit.clear()
        self.village.choose(None)
        self._edited()
        values = split_typed(typed)
        for key, value in values.items():
            getattr(self, key).setText(value)
        self.show()
        (self.id_number if "name" in values else self.name).setFocus()

    def person_input(self) -> PersonInput:
        return PersonInput(
            name=self.name.text(), id_number=self.id_number.text(),
            phones=(self.phone.text(),) if self.phone.text().strip() else (),
            address=self.address.text(), village_id=self.village.key(),  # type: ignore[arg-type]
        )

    # -- actions ----------------------------------------------------------------------------------
    def submit(self) -> None:
        data = self.person_input()
        self.add_button.setEnabled(False)
        self.runner.read(lambda uow: check_new_person(uow, data), self._checked, on_error=self._refused)

    def cancel(self) -> None:
        self.hide()
        self.cancelled.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            return
        super().keyPressEvent(event)

    def _enter(self) -> None:
        if self._existing is not None:
            self._take_existing()
        elif self.add_button.isEnabled():
            self.submit()

    def _checked(self, result: NewPersonCheck) -> None:
        self.add_button.setEnabled(True)
        if result.existing is not None:
            self._existing = result.existing
            self.message.setText(
                f"身份证号 {result.existing.person.id_number} 已有档案：{person_line(result.existing)}。"
                "同一人不能重复建档，请选用已有档案。")
            self.message.show()
            self.use_existing.show()
            self.use_existing.setFocus()
            return
        self.hide()
        self.added.emit(result.data)

    def _refused(self, error: DomainError) -> None:
        self.add_button.setEnabled(True)
        self.message.setText(error.message)
        self.message.show()
        key = {"phone": "phone", "phones": "phone"}.get(error.field or "", error.field or "")
        target = getattr(self, key, None) if key in FIELD_LABELS else None
        if isinstance(target, QWidget):
            target.setFocus()

    def _take_existing(self) -> None:
        if self._existing is None:
            return
        hit, self._existing = self._existing, None
        self.hide()
        self.existing_chosen.emit(hit)

    def _edited(self, *_args: object) -> None:
        self._existing = None
        self.message.hide()
        self.use_existing.hide()
        self.add_button.setEnabled(True)
