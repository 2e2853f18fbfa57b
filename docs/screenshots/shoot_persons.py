"""Screenshots of 一人一档 on demo data at 1366×768: the person list and one archive.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/shoot_persons.py

Builds a throwaway workspace (demo data, 600 contacts, clock 2026-11-23 10:00), attaches a photo
and a PDF scan to the archive shown, and writes persons.png and archive.png next to this file.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QRect, Qt  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app.services.attachments import store_bytes  # noqa: E402
from app.services.person_archive import PersonFilter, PersonSort, person_list_ids, person_rows  # noqa: E402
from app.services.listing import unpack_ids  # noqa: E402
from app.services.workspace import Workspace, actor_for  # noqa: E402
from db.models import UserAccount  # noqa: E402
from ui.app import open_main_window  # noqa: E402
from _shots import OUT, demo_workspace, themed_app, wait_for  # noqa: E402  (this folder: the scripts run as scripts)


def photo_png() -> bytes:
    """A stand-in for a phone photo of a letter: a page on a desk."""
    image = QImage(800, 600, QImage.Format.Format_RGB32)
    image.fill(QColor("#8d6e63"))
    painter = QPainter(image)
    painter.fillRect(QRect(170, 40, 460, 520), QColor("#fbfaf5"))
    painter.setPen(QColor("#555555"))
    for y in range(110, 520, 28):
        painter.drawLine(210, y, 590, y)
    painter.end()
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def busiest_person(ws: Workspace, actor) -> object:  # type: ignore[no-untyped-def]
    """A person with open matters and the most contacts among the most recent visitors."""
    with ws.read(actor) as uow:
        ids = unpack_ids(person_list_ids(uow, PersonFilter(sort=PersonSort.RECENT_CONTACT)), 0, 100)
        rows = person_rows(uow, ids)
    return max(rows.values(), key=lambda r: (r.open_matters > 0, r.contacts)).id


def main() -> None:
    themed_app()
    with tempfile.TemporaryDirectory() as tmp:
        ws = demo_workspace(Path(tmp) / "data", 600)
        with ws.database.read() as session:
            admin = actor_for(session.scalars(select(UserAccount).where(UserAccount.login == "admin")).one())
        person_id = busiest_person(ws, admin)
        with ws.write(admin) as uow:
            store_bytes(uow, ws.attachments_dir, photo_png(), "来信原件照片.png", "person", person_id)
            store_bytes(uow, ws.attachments_dir, b"%PDF-1.4\n" + b"0" * 180_000, "信访事项材料扫描件.pdf",
                        "person", person_id)
        window = open_main_window(ws, admin)
        window.resize(1366, 768)
        window.show()
        window.show_page("persons")
        page = window.page("persons")
        wait_for(lambda: page.list.model.rowCount() > 0 and not page.list.loading)
        QApplication.processEvents()
        window.grab().save(str(OUT / "persons.png"))
        page.open_item(person_id)
        wait_for(lambda: page.archive.archive is not None and page.archive.attachments.thumbnail_count() > 0)
        QApplication.processEvents()
        window.grab().save(str(OUT / "archive.png"))
        window.ctx.runner.wait()
        window.close()
        ws.close()
    print(f"wrote {OUT / 'persons.png'} and {OUT / 'archive.png'}")


if __name__ == "__main__":
    main()
