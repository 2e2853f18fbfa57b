"""The filter bar of the matter list: full-text search, state, type, subject, due, backlog, village,
responsible unit, leader and sort. Emits ``changed`` with a MatterFilter (typing waits 300 ms)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.domain.enums import MatterState, MatterType
from app.domain.workflow import STATE_LABELS
from app.services.matter_list import DueFilter, MatterFilter, MatterFilterOptions, MatterSort
from ui.widgets.dossier_labels import MATTER_TYPE

OPEN = "open"
DUE_LABELS = {DueFilter.OVERDUE: "已超期", DueFilter.SOON: "3 日内到期", DueFilter.WEEK: "7 日内到期"}
SORT_LABELS = {MatterSort.NEWEST: "登记日期：新→旧", MatterSort.OLDEST: "登记日期：旧→新",
               MatterSort.DEADLINE: "最近期限优先"}
TYPING_DELAY_MS = 300


def _combo(name: str, everything: str, items: list[tuple[Any, str]] = ()) -> QComboBox:  # type: ignore[assignment]
    box = QComboBox()
    box.setObjectName(name)
    box.addItem(everything, None)
    for key, label in items:
        box.addItem(label, key)
    return box


def find_data(box: QComboBox, key: Any) -> int:
    """Index of the entry whose data equals ``key`` (Python equality: UUIDs from another query match)."""
    return next((i for i in range(box.count()) if box.itemData(i) == key), -1)


class MatterFilterBar(QWidget):
    changed = Signal(object)  # MatterFilter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QLineEdit()
        self.text.setObjectName("searchText")
        self.text.setPlaceholderText("全文检索：事项摘要与来信来访内容（空格分隔多个词）")
        self.text.setClearButtonEnabled(True)
        self.state = _combo("stateFilter", "全部状态", [(OPEN, "在办（未办结）")] + list(STATE_LABELS.items()))
        self.type = _combo("typeFilter", "全部类别", list(MATTER_TYPE.items()))
        self.subject = _combo("subjectFilter", "全部问题分类")
        self.due = _combo("dueFilter", "全部期限", list(DUE_LABELS.items()))
        self.backlog = QCheckBox("只看积案")
        self.backlog.setObjectName("backlogFilter")
        self.to_review = QCheckBox("只看待核实")
        self.to_review.setObjectName("toReviewFilter")
        self.to_review.setToolTip("从旧台账导入、台账未记办结日期的事项")
        self.village = _combo("villageFilter", "全部问题属地")
        self.unit = _combo("unitFilter", "全部责任单位")
        self.leader = _combo("leaderFilter", "全部包案领导")
        self.sort = QComboBox()
        self.sort.setObjectName("sortOrder")
        for key, label in SORT_LABELS.items():
            self.sort.addItem(label, key)
        self.reset = QPushButton("清除筛选")
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        first, second = QHBoxLayout(), QHBoxLayout()
        first.addWidget(self.text, 1)
        for widget in (self.state, self.type, self.subject, self.due, self.backlog, self.to_review):
            first.addWidget(widget)
        for widget in (self.village, self.unit, self.leader):
            second.addWidget(widget)
        second.addStretch(1)
        second.addWidget(QLabel("排序"))
        second.addWidget(self.sort)
        second.addWidget(self.reset)
        rows.addLayout(first)
        rows.addLayout(second)
        self._timer = QTimer(self, singleShot=True, interval=TYPING_DELAY_MS, timeout=self._emit)
        self.text.textChanged.connect(lambda _t: self._timer.start())
        self.text.returnPressed.connect(self._emit)
        for box in (self.state, self.type, self.subject, self.due, self.village, self.unit, self.leader, self.sort):
            box.currentIndexChanged.connect(self._emit)
        self.backlog.toggled.connect(self._emit)
        self.to_review.toggled.connect(self._emit)
        self.reset.clicked.connect(self.clear)
        self._quiet = False

    def set_options(self, options: MatterFilterOptions) -> None:
        """Fill the subject, village, unit and leader boxes, keeping what was chosen."""
        self._quiet = True
        subjects = [(code, name if top else f"　{name}") for code, name, top in options.subjects]
        for box, items in ((self.subject, subjects), (self.village, list(options.villages)),
                           (self.unit, list(options.units)), (self.leader, [(n, n) for n in options.leaders])):
            chosen = box.currentData()
            while box.count() > 1:
                box.removeItem(1)
            for key, label in items:
                box.addItem(label, key)
            index = find_data(box, chosen) if chosen is not None else 0
            box.setCurrentIndex(max(index, 0))
        self._quiet = False

    def value(self) -> MatterFilter:
        state = self.state.currentData()
        type_ = self.type.currentData()
        return MatterFilter(
            text=self.text.text().strip(), state=MatterState(state) if state not in (None, OPEN) else None,
            open_only=state == OPEN, matter_type=MatterType(type_) if type_ else None,
            subject_code=self.subject.currentData(), village_id=self.village.currentData(),
            responsible_unit_id=self.unit.currentData(), case_leader=self.leader.currentData(),
            due=DueFilter(self.due.currentData()) if self.due.currentData() else None,
            backlog=self.backlog.isChecked(), to_review=self.to_review.isChecked(), sort=MatterSort(self.sort.currentData()))

    def select(self, box: QComboBox, key: Any) -> None:
        """Choose the entry whose data is ``key`` (tests, and links from other pages)."""
        box.setCurrentIndex(max(find_data(box, key), 0))

    def clear(self) -> None:
        self._quiet = True
        self.text.clear()
        for box in (self.state, self.type, self.subject, self.due, self.village, self.unit, self.leader, self.sort):
            box.setCurrentIndex(0)
        self.backlog.setChecked(False)
        self.to_review.setChecked(False)
        self._quiet = False
        self._emit()

    def _emit(self) -> None:
        self._timer.stop()
        if not self._quiet:
            self.changed.emit(self.value())
