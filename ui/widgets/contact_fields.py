"""The fields of one contact (everything but its persons): channel, time, headcount, subject, matter
type, problem village, skip-level target, leader reception, flags and content.

``top`` (channel, time, headcount) and ``body`` (the rest) are laid out by the page around the
person field.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QObject, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateTimeEdit, QGridLayout, QHBoxLayout, QLabel, QPlainTextEdit, QSpinBox, QWidget,
)

from app.domain.enums import Channel, MatterType, SkipLevel
from app.services.contacts import MAX_HEADCOUNT, MAX_REPRESENTATIVES
from app.services.desk import DeskLists, SubjectItem
from ui.widgets.choice_field import Choice, ChoiceField
from ui.widgets.new_person import village_choices

CHANNEL_LABELS = {Channel.VISIT: "走访", Channel.LETTER: "来信", Channel.PHONE: "来电", Channel.ONLINE: "网上",
                  Channel.FAX: "传真"}
MATTER_TYPE_LABELS = {MatterType.CLAIM: "申诉求决类", MatterType.SUGGESTION: "建议意见类",
                      MatterType.ACCUSATION: "检举控告类"}
SKIP_LEVEL_LABELS = {SkipLevel.COUNTY: "赴县", SkipLevel.CITY: "赴市", SkipLevel.PROVINCE: "赴省",
                     SkipLevel.BEIJING: "进京"}
# Saved phrases for the content, one shortcut each (Ctrl+1 …): what returning petitioners most often say.
PHRASES: tuple[tuple[str, str], ...] = (
    ("再次反映", "再次反映原事项，问题至今未解决，要求尽快处理。"),
    ("询问进度", "询问事项办理进度，要求尽快答复。"),
    ("不满意答复", "对答复意见不满意，要求重新处理。"),
    ("补充材料", "补充提供新的证据材料。"),
)


def subject_choices(subjects: tuple[SubjectItem, ...]) -> list[Choice]:
    return [Choice(s.code, s.path, f"{s.code} {s.initials}", heading=s.parent_code is None) for s in subjects]


def _combo(items: dict[Any, str], first: str | None = None) -> QComboBox:
    box = QComboBox()
    if first is not None:
        box.addItem(first, None)
    for value, label in items.items():
        box.addItem(label, value.value)  # Qt hands a StrEnum back as plain str: store the value
    return box


def buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label


class ContactFields(QObject):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.channel = _combo(CHANNEL_LABELS)
        self.contact_at = QDateTimeEdit()
        self.contact_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.contact_at.setCalendarPopup(True)
        self.headcount = QSpinBox()
        self.headcount.setRange(1, MAX_HEADCOUNT)
        self.headcount.setSuffix(" 人")
        self.collective = QCheckBox("集体访")
        self.collective.setToolTip(f"5 人以上同来：登记来访人数，推选不超过 {MAX_REPRESENTATIVES} 名代表")
        self.subject = ChoiceField(placeholder="名称、代码或拼音首字母（如 zdcq）；↓ 列出全部")
        self.matter_type = _combo(MATTER_TYPE_LABELS)
        self.village = ChoiceField(placeholder="问题发生地的村（社区）")
        self.skip_level = _combo(SKIP_LEVEL_LABELS, "否")
        self.leader_reception = QCheckBox("领导接访")
        self.leader_name = QComboBox()
        self.leader_name.setEditable(True)
        self.leader_name.lineEdit().setPlaceholderText("接访领导姓名")
        self.anonymous = QCheckBox("匿名")
        self.threat = QCheckBox("扬言（极端言行）")
        self.confidential = QCheckBox("保密")
        self.threat_warning = QLabel("扬言：请立即报告领导，并做好稳控。")
        self.threat_warning.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.content = QPlainTextEdit()
        self.content.setTabChangesFocus(True)
        self.content.setPlaceholderText("如实记录诉求、事实和理由")
        self.content.setMinimumHeight(70)
        self.phrase_hint = QLabel("常用语：" + "　".join(f"Ctrl+{i + 1} {name}" for i, (name, _t) in enumerate(PHRASES)))
        self.phrase_hint.setProperty("role", "hint")
        self.top = self._top()
        self.body = self._body()
        self.channel.currentIndexChanged.connect(self._channel_changed)
        self.leader_reception.toggled.connect(self.leader_name.setEnabled)
        self.threat.toggled.connect(self.threat_warning.setVisible)
        self.collective.toggled.connect(self._collective_changed)

    def _top(self) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(buddy("信访形式(&C)", self.channel))
        row.addWidget(self.channel)
        row.addSpacing(12)
        row.addWidget(buddy("信访时间(&T)", self.contact_at))
        row.addWidget(self.contact_at)
        row.addSpacing(12)
        row.addWidget(buddy("人数", self.headcount))
        row.addWidget(self.headcount)
        row.addWidget(self.collective)
        row.addStretch(1)
        return box

    def _body(self) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)
        grid.addWidget(buddy("问题分类(&K)", self.subject), 0, 0)
        grid.addWidget(self.subject, 0, 1)
        grid.addWidget(buddy("事项类别", self.matter_type), 0, 2)
        grid.addWidget(self.matter_type, 0, 3)
        grid.addWidget(buddy("问题属地(&V)", self.village), 1, 0)
        grid.addWidget(self.village, 1, 1)
        grid.addWidget(buddy("越级访", self.skip_level), 1, 2)
        grid.addWidget(self.skip_level, 1, 3)
        grid.addWidget(self.leader_reception, 2, 0)
        grid.addWidget(self.leader_name, 2, 1)
        flags = QHBoxLayout()
        for box_ in (self.anonymous, self.threat, self.confidential):
            flags.addWidget(box_)
        flags.addStretch(1)
        grid.addLayout(flags, 2, 2, 1, 2)
        grid.addWidget(self.threat_warning, 3, 1, 1, 3)
        grid.addWidget(buddy("反映内容(&E)", self.content), 4, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.content, 4, 1, 1, 3)
        grid.addWidget(self.phrase_hint, 5, 1, 1, 3)
        grid.setRowStretch(4, 1)
        return box

    def tab_chain(self) -> tuple[list[QWidget], list[QWidget]]:
        """Tab order of the top row and of the body, for the page to join around the person field."""
        return ([self.channel, self.contact_at, self.headcount, self.collective],
                [self.subject, self.matter_type, self.village, self.skip_level, self.leader_reception,
                 self.leader_name, self.anonymous, self.threat, self.confidential, self.content])

    # -- lists and reset --------------------------------------------------------------------------
    def set_lists(self, lists: DeskLists) -> None:
        self.subject.set_choices(subject_choices(lists.subjects))
        self.village.set_choices(village_choices(lists.villages))
        typed = self.leader_name.currentText()
        self.leader_name.clear()
        self.leader_name.addItems(list(lists.leaders))
        self.leader_name.setCurrentText(typed)

    def preselect_leader(self, name: str) -> None:
        """Today's published receiving leader goes into the name box; ticking 领导接访 uses it."""
        if name and not self.leader_reception.isChecked():
            self.leader_name.setCurrentText(name)

    def reset(self, now: datetime) -> None:
        self.channel.setCurrentIndex(0)
        self.set_time(now)
        self.collective.setChecked(False)
        self.headcount.setValue(1)
        self.subject.choose(None)
        self.matter_type.setCurrentIndex(0)
        self.village.choose(None)
        self.skip_level.setCurrentIndex(0)
        self.leader_reception.setChecked(False)
        self.leader_name.setCurrentText("")
        self.leader_name.setEnabled(False)
        for flag in (self.anonymous, self.threat, self.confidential):
            flag.setChecked(False)
        self.threat_warning.hide()
        self.content.clear()
        self.lock_matter_fields(None, None)

    def set_time(self, now: datetime) -> None:
        self.contact_at.setDateTime(QDateTime(QDate(now.year, now.month, now.day), QTime(now.hour, now.minute)))

    def lock_matter_fields(self, subject_code: str | None, matter_type: MatterType | None) -> None:
        """Linked to an earlier matter: its subject and type hold; unlinked: the clerk chooses."""
        locked = subject_code is not None
        if locked:
            self.subject.choose(subject_code)
            self.matter_type.setCurrentIndex(self.matter_type.findData(matter_type.value if matter_type else None))
        for widget in (self.subject, self.matter_type):
            widget.setEnabled(not locked)
            widget.setToolTip("随所关联的事项" if locked else "")

    def insert_phrase(self, number: int) -> None:
        if 0 <= number < len(PHRASES):
            self.content.insertPlainText(PHRASES[number][1])
            self.content.setFocus()

    def set_min_headcount(self, persons: int) -> None:
        self.headcount.setMinimum(max(1, persons))

    def _collective_changed(self, on: bool) -> None:
        if on and self.headcount.value() < 5:
            self.headcount.setValue(5)
        if not on:
            self.headcount.setValue(self.headcount.minimum())

    def _channel_changed(self) -> None:
        visit = self.channel.currentData() == Channel.VISIT.value
        self.skip_level.setEnabled(visit)
        if not visit:
            self.skip_level.setCurrentIndex(0)

    # -- values -----------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """NewContact's fields that these widgets hold."""
        village = self.village.key()
        return dict(
            channel=Channel(self.channel.currentData()),
            contact_at=self.contact_at.dateTime().toPython().replace(second=0, microsecond=0),
            headcount=self.headcount.value(), subject_code=self.subject.key(),
            matter_type=MatterType(self.matter_type.currentData()),
            skip_level=SkipLevel(skip) if (skip := self.skip_level.currentData()) else None,
            leader_reception=self.leader_reception.isChecked(),
            leader_name=self.leader_name.currentText() if self.leader_reception.isChecked() else "",
            problem_village_id=village if isinstance(village, uuid.UUID) else None,
            anonymous=self.anonymous.isChecked(), threat=self.threat.isChecked(),
            confidential=self.confidential.isChecked(), content=self.content.toPlainText(),
        )

    def widget_for(self, field: str | None) -> QWidget | None:
        """The widget to put the cursor in when the service names ``field``."""
        return {
            "contact_at": self.contact_at, "headcount": self.headcount, "subject_code": self.subject,
            "matter_type": self.matter_type, "leader_name": self.leader_name, "problem_village_id": self.village,
            "content": self.content, "skip_level": self.skip_level, "title": self.content,
        }.get(field or "")
