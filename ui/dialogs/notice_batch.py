"""批量打印文书: the notices issued on a day (of one kind, e.g. every 受理告知书 of today), ticked and
printed in one run in the background, with progress and 取消."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox, QDateEdit, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QProgressBar, QPushButton,
    QVBoxLayout, QWidget,
)

from app.domain.enums import DocumentKind
from app.errors import DomainError
from app.excel.common import Cancelled
from app.notices.fonts import FontFile
from app.services.documents import DOCUMENT_LABELS
from app.services.notice_printing import glyph_fonts
from app.services.notices import NoticeRow, notices_issued_on
from ui.context import GuiContext
from ui.dialogs.job_dialog import JobDialog
from ui.dialogs.notice_output import PrinterSetup, ask_printer, new_printer, start_print
from ui.errors import show_domain_error
from ui.widgets.notice_paint import GlyphSource


class BatchPrintDialog(JobDialog):
    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("批量打印文书")
        self.rows: list[NoticeRow] = []
        self.fonts: dict[str, FontFile] = {}
        self.printed_pages: int | None = None
        self.configure_printer: PrinterSetup = ask_printer  # tests replace it
        self._token = None
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        today = ctx.workspace.clock().date()
        self.day = QDateEdit(QDate(today.year, today.month, today.day), calendarPopup=True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.kind = QComboBox()
        self.kind.addItem("全部文书", None)
        for kind in DocumentKind:
            self.kind.addItem(DOCUMENT_LABELS[kind], kind.value)
        self.kind.setCurrentIndex(self.kind.findData(DocumentKind.ACCEPTANCE.value))
        for widget in (QLabel("出具日期"), self.day, QLabel("文书种类"), self.kind):
            filters.addWidget(widget)
        filters.addStretch(1)
        layout.addLayout(filters)
        self.list = QListWidget()
        self.list.setObjectName("batchList")
        self.list.itemChanged.connect(self._count)
        layout.addWidget(self.list, 1)
        bottom = QHBoxLayout()
        self.status = QLabel()
        self.status.setProperty("role", "hint")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(200)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.clicked.connect(self.cancel)
        self.all_button = QPushButton("全选")
        self.all_button.clicked.connect(lambda: self._tick_all(True))
        self.print_button = QPushButton("打印所选(&P)…")
        self.print_button.setProperty("primary", True)
        self.print_button.clicked.connect(self.print_selected)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        bottom.addWidget(self.status, 1)
        for widget in (self.progress, self.cancel_button, self.all_button, self.print_button, close):
            bottom.addWidget(widget)
        layout.addLayout(bottom)
        self._busy(False)
        self.day.dateChanged.connect(self.reload)
        self.kind.currentIndexChanged.connect(self.reload)
        self.resize(640, 480)
        self.reload()

    def reload(self) -> None:
        day: date = self.day.date().toPython()  # type: ignore[assignment]
        kind = self.kind.currentData()
        chosen = DocumentKind(kind) if kind else None
        # The fonts load (once per process) on the worker too, not when the clerk clicks 打印.
        self.ctx.runner.read(lambda uow: (notices_issued_on(uow, day, chosen), glyph_fonts()),
                             lambda result: self._listed(*result))

    def _listed(self, rows: list[NoticeRow], fonts: dict[str, FontFile]) -> None:
        self.rows = rows
        self.fonts = fonts
        self.list.blockSignals(True)
        self.list.clear()
        for row in rows:
            item = QListWidgetItem(f"{row.label}　{row.document.number or ''}　事项 {row.matter_number}"
                                   + (f"（{row.accompanies}）" if row.accompanies else ""))
            item.setData(Qt.ItemDataRole.UserRole, row.document.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._count()

    def _tick_all(self, on: bool) -> None:
        for i in range(self.list.count()):
            self.list.item(i).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def selected(self) -> list[uuid.UUID]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def _count(self) -> None:
        chosen = len(self.selected())
        self.status.setText(f"共 {len(self.rows)} 份，已选 {chosen} 份" if self.rows else "该日没有出具此类文书")
        self.print_button.setEnabled(chosen > 0 and self._token is None)

    def print_selected(self) -> None:
        ids = self.selected()
        if not ids:
            return
        printer = new_printer()
        printer.setDocName(f"批量打印 {len(ids)} 份文书")
        if not self.configure_printer(printer, self):
            return
        self._busy(True)
        self.status.setText(f"正在打印 {len(ids)} 份文书…")
        self._token = start_print(self.ctx, printer, GlyphSource(self.fonts), document_ids=ids,
                                  on_done=self._printed, on_error=self._failed, on_progress=self._progressed)
        self.print_button.setEnabled(False)

    def _printed(self, pages: int) -> None:
        self._token = None
        self._busy(False)
        self.printed_pages = pages
        self._count()
        self.status.setText(f"已打印 {len(self.selected())} 份文书，共 {pages} 页")

    def _failed(self, error: DomainError) -> None:
        self._token = None
        self._busy(False)
        self._count()
        if isinstance(error, Cancelled):
            self.status.setText("已取消打印，打印机没有收到任何页")
        else:
            show_domain_error(self, error)

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.all_button.setEnabled(not busy)
