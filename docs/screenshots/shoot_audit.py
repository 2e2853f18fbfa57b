"""Screenshot of 系统设置 › 审计日志 (1366×768) after a morning's work on a small demo database.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/shoot_audit.py

Sets up an office with a leader and a handler, loads 150 demo contacts, then the people work: a
failed and a good login, dossiers and an archive opened, a ledger exported, a notice printed, a
grant given. Writes audit.png next to this file.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app.domain.enums import MatterType, Role  # noqa: E402
from app.errors import DomainError  # noqa: E402
from app.excel.ledgers import LedgerKind, export_ledger  # noqa: E402
from app.services import notices  # noqa: E402
from app.services.demo import load_demo  # noqa: E402
from app.services.matter_dossier import load_dossier  # noqa: E402
from app.services.person_archive import load_archive  # noqa: E402
from app.services.users import authenticate, create_user, set_accusation_access  # noqa: E402
from app.services.workspace import Workspace  # noqa: E402
from db.models import Document, Matter, MatterPetitioner  # noqa: E402
from _shots import OUT, PASSWORD, settings_window, themed_app, township, wait_for  # noqa: E402  (this folder: the scripts run as scripts)


def a_mornings_work(ws: Workspace, folder: Path) -> None:
    admin = authenticate(ws, "admin", PASSWORD)
    load_demo(ws, admin, contacts=150)
    with ws.write(admin) as uow:
        create_user(uow, "lingdao", "李书记", Role.LEADER, PASSWORD)
        handler = create_user(uow, "jingban", "张经办", Role.HANDLER, PASSWORD)
    try:
        authenticate(ws, "jingban", "wrong-pass1")
    except DomainError:
        pass
    clerk = authenticate(ws, "jingban", PASSWORD)
    leader = authenticate(ws, "lingdao", PASSWORD)
    with ws.database.read() as session:
        claims = list(session.scalars(select(Matter.id).where(Matter.matter_type == MatterType.CLAIM.value).limit(3)))
        accusation = session.scalars(select(Matter.id).where(
            Matter.matter_type == MatterType.ACCUSATION.value)).first()
        person = session.scalars(select(MatterPetitioner.person_id).where(
            MatterPetitioner.matter_id == claims[0])).first()
        document = session.scalars(select(Document.id).where(Document.file_id.is_not(None))).first()
    with ws.read(leader) as uow:
        for matter_id in [*claims[:2], accusation]:
            if matter_id is not None:
                load_dossier(uow, matter_id, ws.attachments_dir)
    with ws.read(clerk) as uow:
        if accusation is not None:
            load_dossier(uow, accusation, ws.attachments_dir)
        if person is not None:
            load_archive(uow, person, ws.attachments_dir)
        export_ledger(uow, LedgerKind.MATTERS, folder / "信访事项台账.xlsx")
    if document is not None:
        with ws.read(admin) as uow:
            notices.notice_pdf(uow, ws, document)
    with ws.write(admin) as uow:
        set_accusation_access(uow, handler.id, True)


def main() -> int:
    themed_app()
    with tempfile.TemporaryDirectory() as tmp:
        ws = township(Path(tmp) / "data", villages=("东风村", "红旗村"))
        try:
            a_mornings_work(ws, Path(tmp))
            window, page = settings_window(ws, authenticate(ws, "admin", PASSWORD))
            wait_for(lambda: page.loaded and page.audit is not None and page.audit.loaded)
            page.show_tab(page.audit)
            page.audit.limit_dates.setChecked(False)
            page.audit.entity.setCurrentIndex(0)
            page.audit.run_query()
            wait_for(lambda: page.audit.search.isEnabled())
            QApplication.processEvents()
            window.grab().save(str(OUT / "audit.png"))
            window.ctx.runner.wait()
            window.close()
        finally:
            ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
