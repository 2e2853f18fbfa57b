"""The top of a person's archive: identity card, record counts and the merges that can be undone."""

from __future__ import annotations

import html
import uuid
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.person_archive import MergeRecord, PersonArchive
from ui.widgets.person_labels import date_text, gender_text, time_text

# (key, label) in reading order, three pairs to a row.
FIELDS = (
    ("id_number", "身份证号"), ("birth_date", "出生日期"), ("phones", "联系电话"),
    ("village", "村（社区）"), ("address", "住址"), ("ethnicity", "民族"),
    ("tags", "标签"), ("officer", "稳控责任人"), ("created", "建档日期"),
)
MISSING_ID = "未登记（可点“编辑档案”补录）"


def heading_text(archive: PersonArchive) -> str:
    """姓名 with gender and age, e.g. "张三　男 · 76 岁"."""
    p = archive.person
    facts = [x for x in (gender_text(p.gender), f"{archive.age} 岁" if archive.age is not None else "") if x]
    return f"{p.name}　{' · '.join(facts)}" if facts else p.name


def counts_text(archive: PersonArchive) -> str:
    c = archive.counts
    return (f"来访 {c.contacts} 次 · 事项 {c.matters} 件（在办 {len(archive.open_matters)} 件）· "
            f"文书 {c.documents} 份 · 附件 {c.attachments} 个")


def field_values(archive: PersonArchive) -> dict[str, str]:
    p = archive.person
    return {
        "id_number": p.id_number or MISSING_ID, "birth_date": date_text(p.birth_date) or "—",
        "phones": "、".join(p.phones) or "—", "village": p.village or "—", "address": p.address or "—",
        "ethnicity": archive.ethnicity or "—", "tags": "、".join(p.tags) or "—",
        "officer": officer_text(archive), "created": date_text(archive.created_at.astimezone()),
    }


def officer_text(archive: PersonArchive) -> str:
    """稳控责任人, and for a key person (重点人员) why and when the next follow-up is due."""
    key = archive.key_person
    if key is None:
        return archive.follow_up_officer or "—"
    return f"{key.officer}（重点人员：{key.reason}；{key.next_due_on.isoformat()} 前回访）"


class IdentityCard(QFrame):
    """Identity fields as label/value pairs; values are selectable so a number can be copied."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 8, 12, 8)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        self.values: dict[str, QLabel] = {}
        for i, (key, label) in enumerate(FIELDS):
            row, pair = divmod(i, 3)
            name = QLabel(label)
            name.setProperty("role", "hint")
            value = QLabel()
            value.setObjectName(f"field_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(name, row, pair * 2)
            grid.addWidget(value, row, pair * 2 + 1)
            self.values[key] = value
        self.notes_label = QLabel("备注")
        self.notes_label.setProperty("role", "hint")
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid.addWidget(self.notes_label, 3, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.notes, 3, 1, 1, 5)
        for column in (1, 3, 5):
            grid.setColumnStretch(column, 1)

    def show_archive(self, archive: PersonArchive) -> None:
        for key, text in field_values(archive).items():
            self.values[key].setText(text)
        missing = archive.person.id_number is None
        self.values["id_number"].setProperty("role", "hint" if missing else "")
        self.values["id_number"].style().polish(self.values["id_number"])
        self.notes.setText(archive.notes)
        self.notes_label.setVisible(bool(archive.notes))
        self.notes.setVisible(bool(archive.notes))

    def value(self, key: str) -> str:
        return self.values[key].text()


def merge_text(record: MergeRecord) -> str:
    number = record.merged_id_number or "无身份证号"
    return (f"已并入：<b>{html.escape(record.merged_name)}</b>（{html.escape(number)}）　"
            f"{time_text(record.merged_at.astimezone())}　理由：{html.escape(record.reason)}")


class MergeRecords(QFrame):
    """Archives merged into this one, each with an undo button (for users who may merge)."""

    undo_requested = Signal(object)  # the PersonMerge id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(12, 6, 12, 6)
        self._layout.setSpacing(2)
        self.buttons: dict[uuid.UUID, QPushButton] = {}
        self.hide()

    def set_records(self, records: Sequence[MergeRecord], may_undo: bool) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.buttons = {}
        for record in records:
            line = QWidget()
            row = QHBoxLayout(line)
            row.setContentsMargins(0, 0, 0, 0)
            label = QLabel(merge_text(record))
            label.setTextFormat(Qt.TextFormat.RichText)
            row.addWidget(label, 1)
            if may_undo:
                button = QPushButton("撤销合并")
                button.setObjectName(f"undo_{record.id}")
                button.clicked.connect(lambda _c=False, mid=record.id: self.undo_requested.emit(mid))
                row.addWidget(button)
                self.buttons[record.id] = button
            self._layout.addWidget(line)
        self.setVisible(bool(records))
