"""What stands behind a number of the 统计报表 page: the contacts (or matters) it counts, in the
ledger's own columns, with 导出台账 for the full list (progress and 取消)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QLabel, QProgressBar, QPushButton, QTableView, QVBoxLayout, QWidget,
)

from app.errors import DomainError
from app.excel.common import Cancelled
from app.excel.ledgers import LEDGER_TITLES, LedgerPreview, preview_ledger
from app.statistics.screen import Behind
from ui.context import GuiContext
from ui.dialogs.job_dialog import JobDialog
from ui.errors import show_domain_error
from ui.widgets.record_table import Record, RecordTableModel
from ui.widgets.report_exports import export_ledger_job

LIMIT = 500


def _text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M" if hasattr(value, "hour") else "%Y-%m-%d")  # type: ignore[union-attr]
    return str(value)


class BehindDialog(JobDialog):
    def __init__(self, ctx: GuiContext, behind: Behind, choose_path: Callable[[QWidget, str, str], Path | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.behind = behind
        self.choose_path = choose_path
        self.preview: LedgerPreview | None = None
        self.exported: Path | None = None
        self._token = None
        self.setWindowTitle(f"{behind.title}：{LEDGER_TITLES[behind.kind]}")
        layout = QVBoxLayout(self)
        self.note = QLabel("正在载入…")
        self.note.setProperty("role", "hint")
        layout.addWidget(self.note)
        self.model = RecordTableModel((), self)
        table = QTableView()
        table.setModel(self.model)
        table.verticalHeader().hide()
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setWordWrap(False)
        layout.addWidget(table, 1)
        bottom = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(200)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.clicked.connect(self.cancel)
        self.export_button = QPushButton("导出台账(&E)…")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        bottom.addStretch(1)
        for widget in (self.progress, self.cancel_button, self.export_button, close):
            bottom.addWidget(widget)
        layout.addLayout(bottom)
        self._busy(False)
        self.resize(1100, 560)
        ctx.runner.read(lambda uow: preview_ledger(uow, behind.kind, contacts=behind.contacts,
                                                   matters=behind.matters, limit=LIMIT), self._loaded)

    def _loaded(self, preview: LedgerPreview) -> None:
        self.preview = preview
        self.model.columns = list(preview.headers)
        self.model.set_records([Record(tuple(_text(v) for v in row)) for row in preview.rows])
        shown = f"，显示前 {len(preview.rows)} 条" if preview.total > len(preview.rows) else ""
        self.note.setText(f"{self.behind.title}：共 {preview.total} 条{shown}")
        self.export_button.setEnabled(preview.total > 0)

    def export(self) -> None:
        path = self.choose_path(self, f"导出{LEDGER_TITLES[self.behind.kind]}", f"{self.behind.title}.xlsx")
        if path is None:
            return
        self._busy(True)
        behind = self.behind
        self._token = export_ledger_job(self.ctx.runner, behind.kind, path,
                                        lambda _uow: (behind.contacts, behind.matters), self._exported,
                                        self._failed, self._progressed)

    def _exported(self, path: Path) -> None:
        self._token = None
        self._busy(False)
        self.exported = path
        self.note.setText(f"已导出：{path}")

    def _failed(self, error: DomainError) -> None:
        self._token = None
        self._busy(False)
        if isinstance(error, Cancelled):
            self.note.setText("已取消导出，没有写入文件。")
        else:
            show_domain_error(self, error)

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.export_button.setEnabled(not busy and self.preview is not None and self.preview.total > 0)
