"""Notices for preview and printing: their stored PDFs read back as pages, and the audit record of
every print run and every saved copy.

Printing never re-renders: the pages come from the PDF stored when the notice was issued (a notice
issued by a step before its file was stored gets it now, as ``notices.ensure_pdf`` does), so what
the clerk prints is the document on file. Each printed or saved notice leaves one audit event.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from app.domain.permissions import Permission
from app.errors import StorageError, ValidationError
from app.excel.common import CancelCheck, Progress, check_cancel
from app.notices.fonts import FontFile, default_fonts
from app.notices.replay import PageDrawing, font_files, read_pages
from app.services import audit, documents, notices
from app.services.context import UnitOfWork
from app.services.documents import DocumentInfo
from app.services.workspace import Workspace


class Output(StrEnum):
    PRINTER = "printer"  # sent to a printer (or the printer's "print to PDF")
    PDF_COPY = "pdf_copy"  # the stored PDF saved as a file somewhere


@dataclass(frozen=True)
class PrintableNotice:
    document: DocumentInfo
    pages: tuple[PageDrawing, ...]
    pdf: bytes

    @property
    def title(self) -> str:
        return f"{self.document.label} {self.document.number or ''}".strip()


def load_printable(uow: UnitOfWork, workspace: Workspace, document_ids: Sequence[uuid.UUID], *,
                   progress: Progress | None = None, cancelled: CancelCheck | None = None) -> list[PrintableNotice]:
    """The notices' stored PDFs as pages, in the order given (storing a missing file needs a write unit of work)."""
    uow.actor.require(Permission.READ)
    if not document_ids:
        raise ValidationError("batch_empty", "打印：没有选择文书", field="document_ids")
    loaded = []
    for done, document_id in enumerate(document_ids, start=1):
        check_cancel(cancelled)
        doc = documents.get_document(uow, document_id)
        if doc.file_id is None:
            notices.ensure_pdf(uow, workspace, document_id)
        data = notices.notice_pdf(uow, workspace, document_id)
        loaded.append(PrintableNotice(documents.info(doc), tuple(read_pages(data)), data))
        if progress is not None:
            progress(done, len(document_ids))
    return loaded


def glyph_fonts() -> dict[str, FontFile]:
    """The TrueType files to draw the pages with, by the PostScript names the PDFs use."""
    return font_files(default_fonts())


def record_output(uow: UnitOfWork, printed: Sequence[PrintableNotice], output: Output, target: str) -> None:
    """One audit event per notice printed or saved: what, how many pages, where to."""
    uow.actor.require(Permission.READ)
    for notice in printed:
        doc = notice.document
        audit.record(uow, "print" if output is Output.PRINTER else "export", "document", doc.id, after={
            "kind": doc.kind.value, "number": doc.number, "matter_id": doc.matter_id, "output": output.value,
            "target": target[:300], "pages": len(notice.pages)})


def save_copy(uow: UnitOfWork, notice: PrintableNotice, path: Path) -> Path:
    """Write the stored PDF, byte for byte, to ``path`` and record it."""
    try:
        path.write_bytes(notice.pdf)
    except OSError as exc:
        raise StorageError("file_write", f"无法写入文件 {path}（{exc.strerror or exc}）", field="path") from exc
    record_output(uow, [notice], Output.PDF_COPY, str(path))
    return path
