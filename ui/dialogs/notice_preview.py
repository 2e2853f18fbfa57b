"""文书预览: a matter's notices as they are on file, page by page, with 打印 and 另存为 PDF.

The pages are the stored PDF read back (app.notices.replay) and drawn with QPainter into images;
printing paints the same pages onto the chosen printer. 另存为 PDF writes the stored file itself.
Both leave an audit event (app.services.notice_printing).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QScrollArea, QVBoxLayout,
    QWidget,
)

from app.errors import DomainError
from app.excel.common import Cancelled
from app.services.notice_printing import PrintableNotice, glyph_fonts, load_printable, save_copy
from app.services.notices import NoticeRow, list_notices
from app.services.workspace import Workspace
from ui.context import GuiContext
from ui.dialogs.job_dialog import JobDialog
from ui.dialogs.notice_output import PrinterSetup, ask_printer, new_printer, start_print
from ui.errors import show_domain_error
from ui.widgets.notice_paint import GlyphSource, page_image

DOTS_PER_POINT = 1.25  # a 595-point A4 page is 744 pixels wide on screen


def choose_pdf_path(parent: QWidget, suggested: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, "另存为 PDF", suggested, "PDF 文件 (*.pdf)")
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")


def _load(workspace: Workspace, document_id: uuid.UUID) -> Callable[..., tuple[PrintableNotice, GlyphSource]]:
    def work(uow):  # type: ignore[no-untyped-def]
        notice = load_printable(uow, workspace, [document_id])[0]
        return notice, GlyphSource(glyph_fonts())
    return work


class NoticePreviewDialog(JobDialog):
    def __init__(self, ctx: GuiContext, matter_id: uuid.UUID, parent: QWidget | None = None,
                 document_id: uuid.UUID | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("文书预览")
        self.notice: PrintableNotice | None = None
        self.source: GlyphSource | None = None
        self.rows: list[NoticeRow] = []
        self.printed_pages: int | None = None
        self.saved: Path | None = None
        self.configure_printer: PrinterSetup = ask_printer  # tests replace it
        self.choose_path: Callable[[QWidget, str], Path | None] = choose_pdf_path  # tests replace it
        self._token = None
        self._wanted = document_id
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.choice = QComboBox()
        self.choice.setMinimumContentsLength(28)
        self.choice.currentIndexChanged.connect(self._chosen)
        self.print_button = QPushButton("打印(&P)…")
        self.print_button.setProperty("primary", True)
        self.print_button.clicked.connect(self.print_notice)
        self.save_button = QPushButton("另存为 PDF(&S)…")
        self.save_button.clicked.connect(self.save_pdf)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(140)
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.clicked.connect(self.cancel)
        top.addWidget(QLabel("文书"))
        top.addWidget(self.choice, 1)
        for widget in (self.progress, self.cancel_button, self.print_button, self.save_button, close):
            top.addWidget(widget)
        layout.addLayout(top)
        self.status = QLabel("正在载入…")
        self.status.setProperty("role", "hint")
        layout.addWidget(self.status)
        self.pages = QWidget()
        self.pages.setObjectName("previewPages")
        self.pages.setStyleSheet("#previewPages { background: #8a94a3; }")
        self.page_box = QVBoxLayout(self.pages)
        self.page_box.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.page_box.setSpacing(14)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.pages)
        self.scroll.setWidgetResizable(True)
        layout.addWidget(self.scroll, 1)
        self._busy(False)
        self._set_enabled(False)
        self.resize(860, 720)
        matter = matter_id
        ctx.runner.read(lambda uow: list_notices(uow, matter), self._listed, on_error=self._failed)

    # --- loading --------------------------------------------------------------------------

    def _listed(self, rows: list[NoticeRow]) -> None:
        self.rows = rows
        self.choice.blockSignals(True)
        for row in rows:
            self.choice.addItem(f"{row.label}　{row.document.number or ''}　{row.document.issued_on:%Y-%m-%d}"
                                + (f"（{row.accompanies}）" if row.accompanies else ""), row.document.id)
        wanted = self.choice.findData(self._wanted) if self._wanted else -1
        self.choice.setCurrentIndex(wanted if wanted >= 0 else len(rows) - 1)
        self.choice.blockSignals(False)
        if not rows:
            self.status.setText("该事项尚未出具文书")
            return
        self._chosen()

    def _chosen(self) -> None:
        document_id = self.choice.currentData()
        if document_id is None:
            return
        self._set_enabled(False)
        self.status.setText("正在载入…")
        self.ctx.runner.write(_load(self.ctx.workspace, document_id), lambda r: self._loaded(document_id, *r),
                              changes=frozenset({"document"}), on_error=self._failed)

    def _loaded(self, document_id: uuid.UUID, notice: PrintableNotice, source: GlyphSource) -> None:
        if document_id != self.choice.currentData():
            return  # another notice was chosen meanwhile
        self.notice, self.source = notice, source
        while self.page_box.count():
            widget = self.page_box.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        for page in notice.pages:
            ratio = self.devicePixelRatioF()
            pixmap = QPixmap.fromImage(page_image(page, source, DOTS_PER_POINT * ratio))
            pixmap.setDevicePixelRatio(ratio)
            label = QLabel()
            label.setPixmap(pixmap)
            self.page_box.addWidget(label)
        self.scroll.verticalScrollBar().setValue(0)
        self.status.setText(f"{notice.title}　共 {len(notice.pages)} 页　A4　出具日期 {notice.document.issued_on:%Y-%m-%d}")
        self._set_enabled(True)

    # --- output ---------------------------------------------------------------------------

    def print_notice(self) -> None:
        if self.notice is None or self.source is None:
            return
        printer = new_printer()
        printer.setDocName(self.notice.title)
        if not self.configure_printer(printer, self):
            return
        self._busy(True)
        self._set_enabled(False)
        self._token = start_print(self.ctx, printer, self.source, notices=[self.notice], on_done=self._printed,
                                  on_error=self._failed, on_progress=self._progressed)

    def save_pdf(self) -> None:
        notice = self.notice
        if notice is None:
            return
        path = self.choose_path(self, f"{notice.title}.pdf".replace("/", "-"))
        if path is None:
            return
        self.ctx.runner.write(lambda uow: save_copy(uow, notice, path), self._saved, changes=frozenset({"document"}),
                              on_error=self._failed)

    def _printed(self, pages: int) -> None:
        self._token = None
        self._busy(False)
        self._set_enabled(True)
        self.printed_pages = pages
        self.status.setText(f"已打印 {pages} 页")

    def _saved(self, path: Path) -> None:
        self.saved = path
        self.status.setText(f"已另存为：{path}")

    def _failed(self, error: DomainError) -> None:
        self._token = None
        self._busy(False)
        self._set_enabled(self.notice is not None)
        if isinstance(error, Cancelled):
            self.status.setText("已取消打印")
        else:
            self.status.setText(error.message)
            show_domain_error(self, error)

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)

    def _set_enabled(self, enabled: bool) -> None:
        self.print_button.setEnabled(enabled)
        self.save_button.setEnabled(enabled)
