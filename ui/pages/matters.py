"""信访事项 page: the filtered matter list (ids first, rows on demand) and each matter's dossier.

The id query for a filter runs on a worker thread (a 1–2 character full-text word scans every
contact); rows are fetched a page at a time when the table shows them. Enter or a double click
opens the dossier; Esc goes back to the list, which keeps its filter and selection.
"""

from __future__ import annotations

import time
import uuid

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QStackedWidget, QTableView,
    QVBoxLayout, QWidget,
)

from app.services import matter_list as ml
from ui.context import GuiContext
from ui.models.lazy_table import Column, LazyTableModel, Row
from ui.pages.base import Page
from ui.widgets.dossier_labels import MATTER_TYPE, countdown_text
from ui.widgets.dossier_view import DossierView
from ui.widgets.matter_filters import MatterFilterBar

FIRST_ROWS = 200  # shown while the whole list loads
COLUMNS = (
    Column("事项编号", 100), Column("登记日期", 84), Column("状态", 66), Column("最近期限", 168),
    Column("事项摘要", 236), Column("信访人", 90), Column("类别", 78), Column("问题分类", 130),
    Column("问题属地", 70), Column("责任单位", 84), Column("包案领导", 64),
)


def list_row(r: ml.MatterListRow) -> Row:
    clock = r.next_clock
    due = f"{clock.label} {countdown_text(clock.days_left)}" if clock else ""
    cells = (r.number, r.registered_on.isoformat(), r.state_label, due, r.title, "、".join(r.petitioners),
             MATTER_TYPE[r.matter_type], r.subject, r.village, r.responsible_unit, r.case_leader)
    tooltip = f"{r.title}\n{clock.label}：{clock.due_on.isoformat()} 届满" if clock else r.title
    return Row(cells, r.urgency, tooltip)


class MattersPage(Page):
    title = "信访事项"

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        self.stack = QStackedWidget()
        self.layout_.addWidget(self.stack, 1)
        self.list_panel = QWidget()
        panel = self._build_list(self.list_panel)
        self.dossier = DossierView(ctx)
        self.dossier.back.connect(self.show_list)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self.list_panel)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(lambda: (self.filters.text.setFocus(), self.filters.text.selectAll()))
        self.stack.addWidget(self.list_panel)
        self.stack.addWidget(self.dossier)
        self.list_panel.setLayout(panel)
        self._generation = 0
        self._complete = False
        self._started = False
        self.last_query_seconds: float | None = None

    def _build_list(self, parent: QWidget) -> QVBoxLayout:
        layout = QVBoxLayout()
        layout.setContentsMargins(0, 0, 0, 0)
        self.filters = MatterFilterBar(parent)
        self.filters.changed.connect(self.run_query)
        layout.addWidget(self.filters)
        status = QHBoxLayout()
        self.count = QLabel()
        self.count.setObjectName("matterCount")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(160)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.hide()
        hint = QLabel("Ctrl+F 检索　Enter 或双击打开卷宗")
        hint.setProperty("role", "hint")
        status.addWidget(self.count)
        status.addWidget(self.busy)
        status.addStretch(1)
        status.addWidget(hint)
        self.batch_button = QPushButton("批量打印文书…")
        self.batch_button.clicked.connect(self.open_batch_print)
        status.addWidget(self.batch_button)
        layout.addLayout(status)
        self.model = LazyTableModel(COLUMNS, self._fetch_rows, self)
        self.table = QTableView()
        self.table.setObjectName("matterTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        for i, column in enumerate(COLUMNS):
            self.table.setColumnWidth(i, column.width)
        self.table.activated.connect(self._activated)
        layout.addWidget(self.table, 1)
        return layout

    def open_batch_print(self) -> QDialog:
        from ui.dialogs.notice_batch import BatchPrintDialog

        dialog = BatchPrintDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # -- list -----------------------------------------------------------------------------------
    def on_shown(self) -> None:
        if not self._started:
            self._started = True
            self.load_options()
            self.run_query(self.filters.value())

    def load_options(self) -> None:
        self.ctx.runner.read(ml.filter_options, self.filters.set_options)

    def run_query(self, spec: ml.MatterFilter | None = None, keep: uuid.UUID | None = None) -> None:
        """Ask for the ids of ``spec`` (default: the bar's filter) on a worker thread.

        The first screenful is asked for first and shown at once (a 1–2 character full-text word
        included: it is found along the list's order); the whole list replaces it when it arrives
        (a second or more at 300,000 matters).
        """
        spec = spec or self.filters.value()
        self._generation += 1
        generation, started = self._generation, time.perf_counter()
        keep = keep or self.current_id()
        self._complete = False
        self.busy.show()
        self.count.setText("正在检索…" if spec.text else "正在载入…")
        self.ctx.runner.read(lambda uow: ml.matter_list_ids(uow, spec, limit=FIRST_ROWS),
                             lambda packed: self._show_first(generation, packed, keep))
        self.ctx.runner.read(lambda uow: ml.matter_list_ids(uow, spec),
                             lambda packed: self._show_ids(generation, packed, started, keep))

    def _show_first(self, generation: int, packed: bytes, keep: uuid.UUID | None) -> None:
        if generation != self._generation or self._complete:
            return
        self.model.set_ids(packed)
        self._select(keep)
        if len(packed) // 16 == FIRST_ROWS:
            self.count.setText(f"前 {FIRST_ROWS} 件，正在载入全部…")

    def _show_ids(self, generation: int, packed: bytes, started: float, keep: uuid.UUID | None) -> None:
        if generation != self._generation:
            return  # the filter changed while this query ran
        self._complete = True
        self.last_query_seconds = time.perf_counter() - started
        self.busy.hide()
        keep = self.current_id() or keep  # the clerk may have moved while the whole list loaded
        scroll = self.table.verticalScrollBar().value()
        self.model.set_ids(packed)
        self.table.verticalScrollBar().setValue(scroll)
        count = len(packed) // 16
        self.count.setText(f"共 {count:,} 件　（检索用时 {self.last_query_seconds:.2f} 秒）")
        self._select(keep)

    def _select(self, keep: uuid.UUID | None) -> None:
        row = self.model.row_of(keep) if keep else -1
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _fetch_rows(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, Row]:
        # One page of at most 100 rows in a few indexed queries: quick enough for the UI thread.
        with self.ctx.workspace.read(self.ctx.actor) as uow:
            return {i: list_row(r) for i, r in ml.matter_rows(uow, ids).items()}

    def current_id(self) -> uuid.UUID | None:
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_item(self.model.id_at(index.row()))

    def ids(self) -> list[uuid.UUID]:
        """The ids the list shows now, in order (tests)."""
        return [self.model.id_at(row) for row in range(self.model.rowCount())]

    # -- dossier --------------------------------------------------------------------------------
    def open_item(self, item_id: uuid.UUID) -> None:
        if not self._started:
            self.on_shown()
        self.stack.setCurrentWidget(self.dossier)
        self.dossier.open(item_id)
        self.dossier.back_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.list_panel)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def on_changed(self, kinds: frozenset[str]) -> None:
        if not self._started:
            return
        if kinds & {"matter", "contact", "person"}:
            self.run_query(keep=self.current_id())
            if "matter" in kinds:
                self.load_options()
        # Settings too: the step dialogs start from the office's rules (交办报告期限).
        if kinds & {"matter", "contact", "person", "settings"} and self.stack.currentWidget() is self.dossier:
            self.dossier.reload()
