"""Printing notices from the program: choose a printer, print pages in the background, record it.

Shared by the preview and the batch dialog. The printer is set up on the UI thread (QPrintDialog);
the pages are painted on a worker thread inside one write unit of work that also records the audit
events, so a cancelled or failed run records nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from app.errors import DomainError
from app.excel.common import Cancelled
from app.services.context import UnitOfWork
from app.services.notice_printing import Output, PrintableNotice, load_printable, record_output
from ui.context import GuiContext
from ui.operations import CancelToken
from ui.widgets.notice_paint import GlyphSource, prepare_printer, print_pages

PrinterSetup = Callable[[QPrinter, QWidget], bool]


def ask_printer(printer: QPrinter, parent: QWidget) -> bool:
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("打印文书")
    return dialog.exec() == QDialog.DialogCode.Accepted


def new_printer() -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    prepare_printer(printer)
    printer.setDocName("信访文书")
    return printer


def printer_target(printer: QPrinter) -> str:
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        return f"PDF：{printer.outputFileName()}"
    return printer.printerName() or "默认打印机"


def start_print(ctx: GuiContext, printer: QPrinter, source: GlyphSource, *,
                notices: Sequence[PrintableNotice] = (), document_ids: Sequence[uuid.UUID] = (),
                on_done: Callable[[int], None], on_error: Callable[[DomainError], None],
                on_progress: Callable[[int, int], None]) -> CancelToken:
    """Print loaded notices, or load ``document_ids`` first; ``on_done`` gets the pages printed."""
    workspace = ctx.workspace
    target = printer_target(printer)

    def work(uow: UnitOfWork, progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> int:
        chosen = list(notices) or load_printable(uow, workspace, document_ids, progress=progress, cancelled=cancelled)
        pages = [page for notice in chosen for page in notice.pages]
        printed = print_pages(printer, pages, source, progress=progress, cancelled=cancelled)
        if printed < len(pages):
            raise Cancelled("cancelled", "已取消打印")
        record_output(uow, chosen, Output.PRINTER, target)
        return printed

    source.register_all()  # fonts are registered on the UI thread; painting may then run on the worker
    return ctx.runner.write_long(work, on_done, on_progress=on_progress, on_error=on_error,
                                 changes=frozenset({"document"}))
