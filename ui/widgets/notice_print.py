""""打印告知书": the newest notice of a matter as a PDF, opened in the PC's PDF viewer to print.

The PDF is rendered and stored once (app.services.notices.ensure_pdf, on the worker thread); a
copy named after the notice goes to a temporary folder, because the stored file is named by its
hash and must not be changed by a viewer. The notices module (and reportlab) load on first use.
"""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QPushButton

from app.domain.enums import DocumentKind
from app.errors import DomainError
from app.services.context import UnitOfWork
from app.services.documents import DocumentInfo
from app.services.workspace import Workspace
from ui.context import GuiContext
from ui.errors import show_domain_error

PRINT_SOON = "文书打印功能即将推出"
PRINTABLE = frozenset({DocumentKind.ACCEPTANCE, DocumentKind.DECLINE, DocumentKind.NO_LONGER_ACCEPTED,
                       DocumentKind.LEGAL_CHANNEL, DocumentKind.REFERRAL, DocumentKind.EXTENSION,
                       DocumentKind.REPLY})


def notices_available() -> bool:
    return importlib.util.find_spec("app.services.notices") is not None


def open_with_viewer(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def print_copy(uow: UnitOfWork, workspace: Workspace, document: DocumentInfo) -> Path:
    """Render (once) and copy the notice's PDF to a file named after it, for the viewer."""
    from app.services import notices

    issued = notices.ensure_pdf(uow, workspace, document.id)
    folder = Path(tempfile.gettempdir()) / "xinfang-print"
    folder.mkdir(exist_ok=True)
    name = f"{document.label}{document.number or ''}".replace("/", "-").replace("\\", "-")
    target = folder / f"{name}.pdf"
    shutil.copyfile(issued.path, target)
    return target


class NoticePrinter(QObject):
    def __init__(self, ctx: GuiContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.button = QPushButton("打印告知书(&P)")
        self.button.setAutoDefault(True)
        self.button.clicked.connect(self.print_latest)
        self.opener: Callable[[Path], None] = open_with_viewer  # tests replace it
        self.available = notices_available()
        self._document: DocumentInfo | None = None
        self.set_documents(())

    def set_documents(self, documents: Sequence[DocumentInfo]) -> None:
        printable = [d for d in documents if d.kind in PRINTABLE]
        self._document = printable[-1] if printable else None
        self.button.setEnabled(self.available and self._document is not None)
        if not self.available:
            self.button.setToolTip(PRINT_SOON)
        elif self._document is None:
            self.button.setToolTip("作出受理决定后，可在此打印相应的告知书")
        else:
            self.button.setToolTip(f"打开 {self._document.label} {self._document.number or ''} 的 PDF，在阅读器中打印")

    def print_latest(self) -> None:
        document = self._document
        if document is None:
            return
        self.button.setEnabled(False)
        workspace = self.ctx.workspace

        def done(path: Path) -> None:
            self.button.setEnabled(True)
            self.opener(path)

        def failed(error: DomainError) -> None:
            self.button.setEnabled(True)
            show_domain_error(self.button.window(), error)

        self.ctx.runner.write(lambda uow: print_copy(uow, workspace, document), done,
                              changes=frozenset({"document"}), on_error=failed)
