"""The archive's tables: a timeline of every contact, matter, document and attachment, and open matters."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.domain.deadlines import CLOCK_LABELS, PETITIONER_WINDOWS
from app.domain.enums import DocumentKind, MatterState
from app.domain.workflow import STATE_LABELS
from app.services.documents import DOCUMENT_LABELS
from app.services.person_archive import OpenMatter
from app.services.person_timeline import TimelineEntry
from ui.widgets.person_labels import (
    CHANNEL_LABELS, CONTACT_FLAG_LABELS, SKIP_LEVEL_LABELS, date_text, days_text, time_text, urgency_of,
)
from ui.widgets.record_table import PayloadRole, Record, RecordTableModel

KIND_LABELS = {"contact": "来访", "matter": "事项", "document": "文书", "attachment": "附件"}
# Windows the petitioner may use (to ask for a review), not duties of the office: never "overdue".
PETITIONER_CLOCKS = frozenset(CLOCK_LABELS[c] for c in PETITIONER_WINDOWS)


def _file_kind(mime: str) -> str:
    if mime.startswith("image/"):
        return "照片/图片"
    return "PDF 文件" if mime == "application/pdf" else "文件"


def _contact_label(entry: TimelineEntry) -> str:
    parts = [CHANNEL_LABELS.get(entry.code, entry.code)]
    for flag in entry.flags:
        if flag.startswith("skip:"):
            parts.append("越级" + SKIP_LEVEL_LABELS.get(flag[5:], ""))
        elif flag in CONTACT_FLAG_LABELS:
            parts.append(CONTACT_FLAG_LABELS[flag])
    return " · ".join(parts)


def _state_label(code: str) -> str:
    try:
        return STATE_LABELS[MatterState(code)]
    except ValueError:
        return code


def _document_label(code: str) -> str:
    try:
        return DOCUMENT_LABELS[DocumentKind(code)]
    except ValueError:
        return code


def timeline_record(entry: TimelineEntry) -> Record:
    when = time_text(entry.at) if entry.has_time else date_text(entry.at)
    urgency = None
    if entry.kind == "contact":
        what, text = _contact_label(entry), entry.text
    elif entry.kind == "matter":
        what, text = "事项登记", f"{entry.text}（{_state_label(entry.code)}）"
    elif entry.kind == "document":
        what = _document_label(entry.code)
        text = "已送达" if "delivered" in entry.flags else ""
    else:
        what, text = _file_kind(entry.code), entry.text
        if "missing" in entry.flags:
            text, urgency = f"{entry.text}（文件缺失）", "overdue"
    return Record((when, KIND_LABELS[entry.kind], what, entry.number, text), entry, urgency, entry.text)


def open_matter_record(matter: OpenMatter) -> Record:
    due = f"{matter.next_clock} {date_text(matter.next_due_on)}" if matter.next_due_on else "—"
    left, urgency = days_text(matter.days_left), urgency_of(matter.days_left)
    if matter.next_clock in PETITIONER_CLOCKS:
        left, urgency = ("已届满" if (matter.days_left or 0) < 0 else f"信访人尚有 {matter.days_left} 天"), None
    return Record((matter.number, matter.title, matter.state_label, due, left), matter, urgency, matter.title)


class RecordTable(QTableView):
    """A read-only table of records; Enter or a double-click emits the record's payload."""

    activated_payload = Signal(object)

    def __init__(self, columns: Sequence[tuple[str, int]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_ = RecordTableModel([title for title, _w in columns], self)
        self.setModel(self.model_)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        for column, (_title, width) in enumerate(columns):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.doubleClicked.connect(lambda index: self.activated_payload.emit(index.data(PayloadRole)))

    def set_records(self, records: Sequence[Record]) -> None:
        self.model_.set_records(records)

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        # Enter opens the record like a double-click (keyboard-only use).
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_payload.emit(self.currentIndex().data(PayloadRole))
            return
        super().keyPressEvent(event)


class TimelineTable(RecordTable):
    COLUMNS = (("时间", 128), ("类别", 44), ("事由", 118), ("编号", 178), ("内容", 300))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.COLUMNS, parent)

    def set_entries(self, entries: Sequence[TimelineEntry]) -> None:
        self.set_records([timeline_record(e) for e in entries])


class OpenMattersTable(RecordTable):
    COLUMNS = (("事项编号", 110), ("标题", 250), ("状态", 70), ("下一期限", 190), ("剩余", 90))
    MAX_ROWS = 4

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.COLUMNS, parent)
        self.horizontalHeader().setStretchLastSection(False)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

    def set_matters(self, matters: Sequence[OpenMatter]) -> None:
        self.set_records([open_matter_record(m) for m in matters])
        # As tall as its rows (up to four, then it scrolls): the timeline below gets the rest.
        rows = max(1, min(len(matters), self.MAX_ROWS))
        height = self.horizontalHeader().sizeHint().height() + rows * self.verticalHeader().defaultSectionSize()
        self.setFixedHeight(height + 2 * self.frameWidth() + 6)
