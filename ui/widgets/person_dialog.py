"""Edit a petitioner's identity (e.g. complete a missing ID number) through ``update_person``.

Errors from the service appear inside the dialog, next to the field they name, so the clerk can
correct them without losing what was typed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QPlainTextEdit, QVBoxLayout, QWidget,
)

from app.domain.enums import PERSON_TAGS
from app.domain.identity import Gender, parse_id_number
from app.errors import DomainError
from app.services.persons import MAX_PHONES, PersonInput, update_person
from ui.context import GuiContext
from ui.widgets.person_labels import GENDER_LABELS


class PersonEditDialog(QDialog):
    saved = Signal(object)  # the person's id

    def __init__(self, ctx: GuiContext, person_id: uuid.UUID, initial: PersonInput,
                 villages: Sequence[tuple[uuid.UUID, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.person_id = ctx, person_id
        self.setWindowTitle(f"编辑档案 — {initial.name}")
        self.name = QLineEdit(initial.name)
        self.id_number = QLineEdit(initial.id_number)
        self.id_number.setPlaceholderText("18 位；老的 15 位号码会自动升位")
        self.id_hint = QLabel()
        self.id_hint.setProperty("role", "hint")
        self.gender = QComboBox()
        # Item data are plain strings: Qt hands enums back as str and finds UUIDs only by identity.
        self.gender.addItem("未填", None)
        for gender, label in GENDER_LABELS.items():
            self.gender.addItem(label, gender.value)
        self.gender.setCurrentIndex(max(0, self.gender.findData(initial.gender.value if initial.gender else None)))
        self.phones = [QLineEdit(initial.phones[i] if i < len(initial.phones) else "") for i in range(MAX_PHONES)]
        self.village = QComboBox()
        self.village.addItem("（未填）", None)
        for village_id, name in villages:
            self.village.addItem(name, str(village_id))
        if initial.village_id is not None and self.village.findData(str(initial.village_id)) < 0:
            self.village.addItem("（原所在村，已停用）", str(initial.village_id))
        current = str(initial.village_id) if initial.village_id else None
        self.village.setCurrentIndex(max(0, self.village.findData(current)))
        self.address = QLineEdit(initial.address)
        self.ethnicity = QLineEdit(initial.ethnicity)
        self.tag_boxes = {tag: QCheckBox(tag) for tag in PERSON_TAGS}
        for tag, box in self.tag_boxes.items():
            box.setChecked(tag in initial.tags)
        self.other_tags = QLineEdit("，".join(t for t in initial.tags if t not in PERSON_TAGS))
        self.other_tags.setPlaceholderText("其他标签，用逗号分隔")
        self.officer = QLineEdit(initial.follow_up_officer)
        self.notes = QPlainTextEdit(initial.notes)
        self.notes.setFixedHeight(64)
        self.error = QLabel()
        self.error.setProperty("urgency", "overdue")
        self.error.setWordWrap(True)
        self.error.hide()
        self._build()
        self.id_number.textChanged.connect(self._check_id)
        self._check_id(self.id_number.text())

    def _build(self) -> None:
        form = QFormLayout()
        form.addRow("姓名", self.name)
        form.addRow("身份证号", self.id_number)
        form.addRow("", self.id_hint)
        form.addRow("性别", self.gender)
        phones = QHBoxLayout()
        for edit in self.phones:
            phones.addWidget(edit)
        form.addRow("联系电话", phones)
        form.addRow("所在村（社区）", self.village)
        form.addRow("住址", self.address)
        form.addRow("民族", self.ethnicity)
        tags = QHBoxLayout()
        for box in self.tag_boxes.values():
            tags.addWidget(box)
        form.addRow("标签", tags)
        form.addRow("", self.other_tags)
        form.addRow("稳控责任人", self.officer)
        form.addRow("备注", self.notes)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setProperty("primary", True)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(620, 0)

    def _check_id(self, text: str) -> None:
        """Say at once what the number encodes (or what is wrong), and take the gender from it."""
        if not text.strip():
            self.id_hint.setText("可暂不填写，日后补录")
            self.gender.setEnabled(True)
            return
        try:
            info = parse_id_number(text, today=self.ctx.workspace.clock().date())
        except DomainError as exc:
            self.id_hint.setText(exc.message)
            self.gender.setEnabled(True)
            return
        self.id_hint.setText(f"出生日期 {info.birth_date:%Y-%m-%d}，{GENDER_LABELS[info.gender]}"
                             + ("（15 位号码已升为 18 位）" if info.upgraded else ""))
        self.gender.setCurrentIndex(self.gender.findData(info.gender.value))
        self.gender.setEnabled(False)

    def person_input(self) -> PersonInput:
        tags = [t for t, box in self.tag_boxes.items() if box.isChecked()]
        tags += [t.strip() for t in self.other_tags.text().replace(",", "，").split("，") if t.strip()]
        gender, village = self.gender.currentData(), self.village.currentData()
        return PersonInput(
            name=self.name.text(), id_number=self.id_number.text(), gender=Gender(gender) if gender else None,
            phones=tuple(e.text() for e in self.phones if e.text().strip()), address=self.address.text(),
            village_id=uuid.UUID(village) if village else None, ethnicity=self.ethnicity.text(), tags=tuple(tags),
            follow_up_officer=self.officer.text(), notes=self.notes.toPlainText(),
        )

    def save(self) -> None:
        data, person_id = self.person_input(), self.person_id
        self.save_button.setEnabled(False)
        self.ctx.runner.write(lambda uow: update_person(uow, person_id, data), self._saved,
                              changes=frozenset({"person"}), on_error=self._failed)

    def _saved(self, _result: object) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit(self.person_id)
        self.accept()

    def _failed(self, error: DomainError) -> None:
        self.save_button.setEnabled(True)
        self.error.setText(error.message)
        self.error.show()
        fields = {"name": self.name, "id_number": self.id_number, "gender": self.gender, "phone": self.phones[0],
                  "address": self.address, "village_id": self.village, "ethnicity": self.ethnicity,
                  "tags": self.other_tags, "follow_up_officer": self.officer, "notes": self.notes}
        widget = fields.get(error.field or "")
        if widget is not None:
            widget.setFocus()
