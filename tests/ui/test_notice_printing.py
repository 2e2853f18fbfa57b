"""Notices from the dossier: preview of the stored PDF, printing through QPrinter (to a PDF file here,
checked with pypdf), saving a copy, batch printing with cancel, and the audit event of each."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import QDate
from PySide6.QtPrintSupport import QPrinter
from sqlalchemy import select

from app.services import matter_steps as st, notices
from db.models import AuditEvent, Document
from tests.notices import builders

A4 = (595.28, 841.89)


def accepted(ws, admin, name, sequence):  # type: ignore[no-untyped-def]
    matter_id = builders.register(ws, admin, name=name, sequence=sequence).matter_id
    builders.step(ws, admin, matter_id, st.Accept(on=builders.D("2026-08-05")))
    return matter_id


def to_pdf(path: Path):  # type: ignore[no-untyped-def]
    def setup(printer: QPrinter, _parent) -> bool:  # type: ignore[no-untyped-def]
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        return True
    return setup


def audit_events(ws, action):  # type: ignore[no-untyped-def]
    with ws.database.read() as session:
        return [(e.entity_id, e.after) for e in session.scalars(select(AuditEvent).where(AuditEvent.action == action))]


def acceptance_numbers(ws) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with ws.database.read() as session:
        return {str(d.id): d.number for d in session.scalars(select(Document).where(Document.kind == "acceptance"))}


def printed_text(page) -> str:  # type: ignore[no-untyped-def]
    """The page's text; NFKC because Qt names shared glyphs by their Kangxi radical (⽉ for 月)."""
    return unicodedata.normalize("NFKC", page.extract_text()).replace(" ", "").replace("\n", "")


def assert_a4(page) -> None:  # type: ignore[no-untyped-def]
    box = page.mediabox
    assert abs(float(box.width) - A4[0]) < 1.5 and abs(float(box.height) - A4[1]) < 1.5


def open_preview(window, qtbot, matter_id):  # type: ignore[no-untyped-def]
    window.open_matter(matter_id)
    dossier = window.page("matters").dossier
    qtbot.waitUntil(lambda: dossier.dossier is not None and dossier.notices_button.isEnabled(), timeout=10_000)
    dialog = dossier.preview_notices()
    qtbot.waitUntil(lambda: dialog.notice is not None, timeout=20_000)
    return dialog


def test_preview_shows_the_stored_notice_and_prints_it_to_an_a4_pdf(main_window, qtbot, ws, admin, tmp_path):
    matter_id = accepted(ws, admin, "张𠮷国", 11)
    dialog = open_preview(main_window, qtbot, matter_id)
    number = dialog.notice.document.number
    assert number == "某某镇信受〔2026〕1号" and "受理告知书" in dialog.status.text() and "共 1 页" in dialog.status.text()
    # The page is drawn: dark pixels in the title area of the preview image.
    image = dialog.page_box.itemAt(0).widget().pixmap().toImage()
    dark = sum(1 for x in range(0, image.width(), 3) for y in range(0, image.height() // 4, 3)
               if image.pixelColor(x, y).value() < 100)
    assert dark > 50
    out = tmp_path / "printed.pdf"
    dialog.configure_printer = to_pdf(out)
    dialog.print_button.click()
    qtbot.waitUntil(lambda: dialog.printed_pages == 1, timeout=20_000)
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    assert_a4(reader.pages[0])
    text = printed_text(reader.pages[0])
    for expected in ("信访事项受理告知书", number, "《信访工作条例》", "某某县某某镇人民政府", "2026年8月5日"):
        assert expected in text
    # Qt's PDF writer maps a glyph back to one character only: 𠮷 (beyond U+FFFF) prints but copies
    # as another code; the saved copy (另存为 PDF) is the stored file and keeps it.
    assert re.search("号张.国:", text)
    [(entity, after)] = audit_events(ws, "print")
    assert entity == str(dialog.notice.document.id)
    assert after["output"] == "printer" and str(out) in after["target"] and after["pages"] == 1
    assert after["number"] == number


def test_save_as_pdf_writes_the_stored_file_and_records_it(main_window, qtbot, ws, admin, tmp_path):
    matter_id = accepted(ws, admin, "李四", 12)
    dialog = open_preview(main_window, qtbot, matter_id)
    target = tmp_path / "copy.pdf"
    dialog.choose_path = lambda *_: target
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.saved == target, timeout=10_000)
    with ws.read(admin) as uow:
        assert target.read_bytes() == notices.notice_pdf(uow, ws, dialog.notice.document.id)
    [(entity, after)] = audit_events(ws, "export")
    assert entity == str(dialog.notice.document.id) and after["output"] == "pdf_copy"


def test_batch_prints_todays_acceptance_notices_in_one_run(main_window, qtbot, ws, admin, tmp_path):
    for n, name in enumerate(("王一", "王二", "王三")):
        accepted(ws, admin, name, 20 + n)
    main_window.show_page("matters")
    dialog = main_window.page("matters").open_batch_print()
    dialog.day.setDate(QDate(2026, 8, 5))  # the day of the acceptance decisions, when the notices were issued
    qtbot.waitUntil(lambda: len(dialog.rows) == 3, timeout=10_000)
    assert "已选 3 份" in dialog.status.text()
    dialog.list.item(1).setCheckState(dialog.list.item(1).checkState().Unchecked)
    chosen = dialog.selected()
    out = tmp_path / "batch.pdf"
    dialog.configure_printer = to_pdf(out)
    dialog.print_button.click()
    qtbot.waitUntil(lambda: dialog.printed_pages == 2, timeout=30_000)
    reader = PdfReader(out)
    assert len(reader.pages) == 2
    numbers = acceptance_numbers(ws)
    for page, document_id in zip(reader.pages, chosen):
        assert_a4(page)
        assert numbers[str(document_id)] in printed_text(page)
    assert sorted(e for e, _ in audit_events(ws, "print")) == sorted(str(i) for i in chosen)


def test_cancelling_a_batch_prints_nothing_and_records_nothing(main_window, qtbot, ws, admin, tmp_path):
    for n, name in enumerate(("赵一", "赵二")):
        accepted(ws, admin, name, 30 + n)
    main_window.show_page("matters")
    dialog = main_window.page("matters").open_batch_print()
    dialog.day.setDate(QDate(2026, 8, 5))
    qtbot.waitUntil(lambda: len(dialog.rows) == 2, timeout=10_000)
    dialog.configure_printer = to_pdf(tmp_path / "cancelled.pdf")
    dialog.print_button.click()
    assert dialog.cancel_button.isVisible()
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: "已取消" in dialog.status.text(), timeout=20_000)
    assert dialog.printed_pages is None and audit_events(ws, "print") == []
    out = tmp_path / "cancelled.pdf"
    assert not out.exists() or len(PdfReader(io.BytesIO(out.read_bytes()), strict=False).pages) == 0
