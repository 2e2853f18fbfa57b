"""The person list: search box, village/tag filters and sort over a lazy, ids-first table.

The ordered ids come from one SQL query on a worker thread; rows are fetched a page (≤ 100 ids)
at a time when the table shows them. At most one list query runs at a time: on a big office some
sorts take seconds, and stacked queries would hold both worker threads (saves included). A filter
changed meanwhile waits and runs next; answers for filters already replaced are dropped.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton, QTableView, QVBoxLayout,
    QWidget,
)

from app.domain.permissions import Permission, allows
from app.services.person_archive import FilterOptions, PersonFilter, PersonListRow, PersonSort, filter_options
from app.services.person_archive import person_list_ids, person_rows
from ui.context import GuiContext
from ui.models.lazy_table import Column, LazyTableModel, Row
from ui.widgets.person_labels import gender_text, time_text

COLUMNS = (
    Column("姓名", 120), Column("性别", 44), Column("年龄", 44), Column("身份证号", 170), Column("联系电话", 110),
    Column("村（社区）", 96), Column("在办事项", 70), Column("来访次数", 70), Column("最近来访", 130), Column("标签", 130),
)
SORTS = (("按姓名拼音", PersonSort.NAME), ("最近来访在前", PersonSort.RECENT_CONTACT), ("最新建档在前", PersonSort.NEWEST))
DEBOUNCE_MS = 250


def list_row(r: PersonListRow) -> Row:
    cells = (r.name, gender_text(r.gender), "" if r.age is None else str(r.age), r.id_number or "",
             r.phones[0] if r.phones else "", r.village, str(r.open_matters) if r.open_matters else "",
             str(r.contacts), time_text(r.last_contact), "、".join(r.tags))
    tooltip = "\n".join(x for x in ("、".join(r.phones), "、".join(r.tags)) if x)
    return Row(cells, None, tooltip)  # colours mean deadlines only; tags have their column


class PersonListView(QWidget):
    person_activated = Signal(object)  # uuid.UUID
    merge_requested = Signal(object, object)  # two selected archives
    loaded = Signal(int)  # number of persons listed

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._in_flight = False
        self._wanted: PersonFilter | None = None  # the filter to run when the running query answers
        self._stale = True
        self._open_when_loaded = False
        self.loading = False
        self._keep: uuid.UUID | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText("姓名 / 身份证号 / 电话 / 拼音首字母（如 zs）")
        self.search.setClearButtonEnabled(True)
        self.village = QComboBox()
        self.village.addItem("全部村（社区）", None)
        self.tag = QComboBox()
        self.tag.addItem("全部标签", None)
        self.sort = QComboBox()
        for label, sort in SORTS:
            self.sort.addItem(label, sort)
        self.merge = QPushButton("合并所选两份档案")
        self.merge.setEnabled(False)
        self.count = QLabel()
        self.count.setProperty("role", "hint")
        self.busy = QProgressBar()  # a sort over every contact of a big office takes a moment
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setFixedSize(160, 12)
        self.model = LazyTableModel(COLUMNS, self._fetch_rows, self)
        self.table = QTableView()
        self._build()
        self.merge.setVisible(allows(ctx.actor.role, Permission.MERGE_PERSONS))  # once parented by _build
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS, timeout=self.reload)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._open_current)
        self.search.installEventFilter(self)
        for box in (self.village, self.tag, self.sort):
            box.currentIndexChanged.connect(lambda _i: self.reload())
        self.table.doubleClicked.connect(lambda index: self.person_activated.emit(self.model.id_at(index.row())))
        self.table.installEventFilter(self)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selection_changed())
        self.merge.clicked.connect(self._merge_selected)

    def _build(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        bar.addWidget(self.village, 1)
        bar.addWidget(self.tag, 1)
        bar.addWidget(self.sort, 1)
        bar.addWidget(self.merge)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, spec in enumerate(COLUMNS):
            self.table.horizontalHeader().resizeSection(column, spec.width)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        status = QHBoxLayout()
        status.addWidget(self.count)
        status.addWidget(self.busy)
        status.addStretch(1)
        layout.addLayout(status)
        self.busy.hide()

    # -- loading ------------------------------------------------------------------------------------------
    def ensure_loaded(self, keep: uuid.UUID | None = None) -> None:
        """Load the filter choices and the list the first time, and again after changes elsewhere;
        ``keep`` (else the current row's person) is selected if listed."""
        if self._stale:
            self._stale = False
            self.ctx.runner.read(filter_options, self._set_options)
            self.reload(keep=keep or self.current_id())
        elif keep is not None and (row := self.model.row_of(keep)) >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def mark_stale(self, visible: bool) -> None:
        self._stale = True
        if visible:
            self.ensure_loaded()

    def current_filter(self) -> PersonFilter:
        village = self.village.currentData()
        return PersonFilter(text=self.search.text(), village_id=uuid.UUID(village) if village else None,
                            tag=self.tag.currentData(), sort=PersonSort(self.sort.currentData()))

    def reload(self, keep: uuid.UUID | None = None) -> None:
        """Ask for the ordered ids on a worker thread; ``keep`` stays selected if still listed."""
        self._timer.stop()
        self._wanted, self._keep, self.loading = self.current_filter(), keep, True
        self.count.setText("正在查找…")
        self.busy.show()
        if not self._in_flight:
            self._start()

    def _start(self) -> None:
        spec, ctx = self._wanted, self.ctx
        assert spec is not None
        self._wanted, self._in_flight = None, True

        def work() -> bytes:
            with ctx.workspace.read(ctx.actor) as uow:
                return person_list_ids(uow, spec)

        signals = ctx.runner.run(work, self._apply)
        signals.failed.connect(self._failed)  # the runner shows the error; this only frees the list

    def _failed(self, _error: object) -> None:
        self._in_flight = False
        if self._wanted is not None:
            self._start()
        else:
            self.loading = False
            self.busy.hide()
            self.count.setText("查找没有完成")

    def _apply(self, packed: bytes) -> None:
        self._in_flight = False
        if self._wanted is not None:
            self._start()  # the filter changed while this query ran: its answer is stale
            return
        self.loading = False
        self.busy.hide()
        self.model.set_ids(packed)
        total = self.model.rowCount()
        searching = bool(self.search.text().strip()) or self.village.currentData() or self.tag.currentData()
        self.count.setText(f"{'找到' if searching else '共'} {total:,} 人" + ("　双击或回车打开档案" if total else ""))
        row = self.model.row_of(self._keep) if self._keep else -1
        if total:
            self.table.selectRow(max(row, 0))
            self.table.scrollTo(self.model.index(max(row, 0), 0))
        self.loaded.emit(total)
        if self._open_when_loaded:
            self._open_when_loaded = False
            if total == 1 or (total and self.search.text().strip()):
                self.person_activated.emit(self.model.id_at(0))

    def _fetch_rows(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, Row]:
        # Runs on the UI thread while painting: one page of ids, a few indexed queries.
        with self.ctx.workspace.read(self.ctx.actor) as uow:
            return {pid: list_row(r) for pid, r in person_rows(uow, ids).items()}

    def _set_options(self, options: FilterOptions) -> None:
        for box, items in ((self.village, [(name, str(vid)) for vid, name in options.villages]),
                           (self.tag, [(t, t) for t in options.tags])):
            current = box.currentData()
            box.blockSignals(True)
            while box.count() > 1:
                box.removeItem(1)
            for label, value in items:
                box.addItem(label, value)  # village ids as strings: Qt matches UUIDs by identity only
            box.setCurrentIndex(max(0, box.findData(current)))
            box.blockSignals(False)

    # -- keyboard and selection -------------------------------------------------------------------------
    def selected_ids(self) -> list[uuid.UUID]:
        return [self.model.id_at(i.row()) for i in self.table.selectionModel().selectedRows()]

    def current_id(self) -> uuid.UUID | None:
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() and index.row() < self.model.rowCount() else None

    def ids(self) -> list[uuid.UUID]:
        """The listed ids in order (tests; small lists)."""
        return [self.model.id_at(row) for row in range(self.model.rowCount())]

    def _open_current(self) -> None:
        if self._timer.isActive() or self.loading:
            # Enter right after typing: search now and open the first match when it answers.
            self._open_when_loaded = True
            if self._timer.isActive():
                self.reload()
            return
        index = self.table.currentIndex()
        if index.isValid():
            self.person_activated.emit(self.model.id_at(index.row()))

    def _selection_changed(self) -> None:
        self.merge.setEnabled(len(self.selected_ids()) == 2)

    def _merge_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 2:
            self.merge_requested.emit(ids[0], ids[1])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.search and key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and self.model.rowCount():
                self.table.setFocus()
                return False
            if watched is self.table and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._open_current()
                return True
        return super().eventFilter(watched, event)
