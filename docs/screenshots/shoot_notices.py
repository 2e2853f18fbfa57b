"""Screenshot of 文书预览 over a matter's dossier on demo data at 1366×768.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/shoot_notices.py [DATA_DIR]

Uses the demo workspace of shoot_reports.py (built in a throwaway folder unless one is given), opens
the dossier of the matter with the newest 答复意见书, its preview on top, and writes notice-preview.png.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QApplication
from shoot_reports import CONTACTS  # same folder; puts the repository on sys.path
from _shots import OUT, PASSWORD, on_demo_workspace, themed_app, wait_for  # same folder
from sqlalchemy import select

from app.services.users import authenticate
from app.services.workspace import Workspace
from db.models import Document
from ui.app import open_main_window


def shoot(ws: Workspace) -> None:
    themed_app()
    with ws.database.read() as session:
        doc = session.scalars(select(Document).where(Document.kind == "reply")
                              .order_by(Document.issued_on.desc())).first()
        assert doc is not None and doc.matter_id is not None
        matter_id, document_id = doc.matter_id, doc.id
    window = open_main_window(ws, authenticate(ws, "admin", PASSWORD))
    window.resize(1366, 768)
    window.show()
    window.open_matter(matter_id)
    dossier = window.page("matters").dossier
    wait_for(lambda: dossier.dossier is not None and dossier.notices_button.isEnabled())
    dialog = dossier.preview_notices(document_id)
    dialog.resize(820, 700)
    wait_for(lambda: dialog.notice is not None)
    QApplication.processEvents()
    dialog.scroll.verticalScrollBar().setValue(0)
    QApplication.processEvents()
    shot = window.grab()
    painter = QPainter(shot)
    frame = dialog.grab()
    corner = QPoint((shot.width() - frame.width()) // 2, (shot.height() - frame.height()) // 2)
    painter.drawPixmap(corner, frame)
    painter.setPen(QColor("#5f6b7a"))
    painter.drawRect(corner.x() - 1, corner.y() - 1, frame.width() + 1, frame.height() + 1)
    painter.end()
    shot.save(str(OUT / "notice-preview.png"))
    dialog.close()
    window.ctx.runner.wait()
    window.close()


def main() -> int:
    return on_demo_workspace(shoot, CONTACTS)


if __name__ == "__main__":
    sys.exit(main())
