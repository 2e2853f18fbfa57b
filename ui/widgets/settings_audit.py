"""系统设置 › 审计日志 (administrator only): the audit trail with filters, and its export to Excel.

Ids come first from one query on a worker thread; rows are fetched a page at a time when shown
(``LazyTableModel``). The export runs on a worker thread too and is itself audited.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QDateEdit, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QProgressBar,
    QPushButton, QTableView, QVBoxLayout, QWidget,
)

from app.errors import DomainError
from app.services import audit_log as al
from ui.context import GuiContext
from ui.models.lazy_table import Column, LazyTableModel, Row
from ui.operations import CancelToken
from ui.widgets.matter_filters import _combo

COLUMNS = (Column("序号", 56), Column("时间", 140), Column("用户", 76), Column("操作", 116),
           Column("对象类别", 84), Column("对象", 150), Column("内容", 420))
DEFAULT_DAYS = 30


def _date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _day(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


class AuditTab(QWidget):
    def __init__(self, ctx: GuiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.loaded = False
        self.last_export: al.AuditExport | None = None
        today = ctx.workspace.clock().date()
        self.limit_dates = QCheckBox("时间")
        self.limit_dates.setChecked(True)
        self.start = _date_edit(today - timedelta(days=DEFAULT_DAYS))
        self.end = _date_edit(today)
        self.user = _combo("auditUser", "全部用户")
        self.action = _combo("auditAction", "全部操作")
        self.entity = _combo("auditEntity", "全部对象")
        self.text = QLineEdit()
        self.text.setPlaceholderText("登录名、编号或内容中的文字")
        self.text.returnPressed.connect(self.run_query)
        self.search = QPushButton("查询")
        self.search.setProperty("primary", True)
        self.search.clicked.connect(self.run_query)
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.clicked.connect(self.ask_export)
        self.cancel_button = QPushButton("取消导出")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel_export)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(200)
        self.progress.hide()
        self._token: CancelToken | None = None
        bar = QHBoxLayout()
        for widget in (self.limit_dates, self.start, QLabel("至"), self.end, self.user, self.action, self.entity):
            bar.addWidget(widget)
        bar.addWidget(self.text, 1)
        bar.addWidget(self.search)
        bar.addWidget(self.export_button)
        bar.addWidget(self.cancel_button)
        self.model = LazyTableModel(COLUMNS, self._fetch_rows, self)
        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        for i, column in enumerate(COLUMNS):
            self.table.setColumnWidth(i, column.width)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.status, 1)
        footer.addWidget(self.progress)
        layout.addLayout(footer)

    def load(self) -> None:
        self.ctx.runner.read(al.filter_options, self._set_options)

    def _set_options(self, options: al.AuditOptions) -> None:
        for box, items in ((self.user, options.users), (self.action, options.actions),
                           (self.entity, options.entity_types)):
            box.blockSignals(True)
            while box.count() > 1:
                box.removeItem(1)
            for key, label in items:
                box.addItem(label, key)
            box.blockSignals(False)
        self.run_query()

    def value(self) -> al.AuditFilter:
        dated = self.limit_dates.isChecked()
        return al.AuditFilter(
            start=_day(self.start) if dated else None, end=_day(self.end) if dated else None,
            user_id=self.user.currentData(), action=self.action.currentData(),
            entity_type=self.entity.currentData(), text=self.text.text().strip())

    def run_query(self) -> None:
        spec = self.value()
        self.search.setEnabled(False)
        self.ctx.runner.read(lambda uow: al.audit_ids(uow, spec), self._show_ids,
                             on_error=self._refused)

    def _show_ids(self, packed: bytes) -> None:
        self.search.setEnabled(True)
        self.model.set_ids(packed)
        self.status.setText(f"共 {self.model.rowCount()} 条记录（最新的在前）")
        self.loaded = True

    def _fetch_rows(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, Row]:
        # One page of at most 100 rows by primary key: quick enough for the UI thread.
        with self.ctx.workspace.read(self.ctx.actor) as uow:
            return {i: Row(r.cells(), tooltip=r.details) for i, r in al.audit_rows(uow, ids).items()}

    def ask_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "导出审计日志", str(Path.home() / "审计日志.xlsx"),
                                              "Excel 工作簿 (*.xlsx)")
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> None:
        """Export on a worker thread with progress; 取消导出 stops it and leaves no file behind."""
        spec = self.value()
        token = self._token = CancelToken()
        signals: dict[str, Any] = {}

        def report(done: int, total: int) -> None:
            if "progress" in signals:  # the job can report before ``run`` has returned its signals
                signals["progress"].emit(done, total)

        def work() -> al.AuditExport:
            with self.ctx.workspace.read(self.ctx.actor) as uow:
                return al.export_audit(uow, spec, path, progress=report, cancelled=lambda: token.cancelled)

        self._exporting(True)
        self.status.setText("正在导出…")
        job = self.ctx.runner.run(work, self._exported, on_error=self._refused, on_progress=self._show_progress)
        signals["progress"] = job.progress

    def cancel_export(self) -> None:
        if self._token is not None:
            self._token.cancel()

    def _exporting(self, busy: bool) -> None:
        self.export_button.setVisible(not busy)
        self.cancel_button.setVisible(busy)
        self.progress.setVisible(busy)
        self.progress.setRange(0, 0)

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _exported(self, result: al.AuditExport) -> None:
        self._exporting(False)
        self.last_export = result
        self.status.setText(f"已导出 {result.rows} 条到 {result.path}")

    def _refused(self, exc: DomainError) -> None:
        self._exporting(False)
        self.search.setEnabled(True)
        self.status.setText(exc.message)

