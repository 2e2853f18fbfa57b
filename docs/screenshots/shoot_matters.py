"""Screenshots of 信访事项 and 到期提醒 on demo data at 1366×768: the matter list, one dossier, the board.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/shoot_matters.py

Builds a throwaway workspace (demo data, 600 contacts, clock 2026-11-23 10:00). The dossier shown
is the open matter with the longest history among those with an office deadline due soon; through
the services it is given a case-owning leader, a supervision note and a scanned attachment (the
demo data records none of these). Writes matters.png, dossier.png and deadlines.png next to this file.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.services import matter_oversight as ov  # noqa: E402
from app.services.attachments import store_bytes  # noqa: E402
from app.services.listing import unpack_ids  # noqa: E402
from app.services.matter_dossier import load_dossier  # noqa: E402
from app.services.matter_list import MatterFilter, matter_list_ids  # noqa: E402
from app.services.users import authenticate  # noqa: E402
from app.services.workspace import Workspace  # noqa: E402
from ui.app import open_main_window  # noqa: E402
from _shots import OUT, PASSWORD, demo_workspace, themed_app, wait_for  # noqa: E402  (this folder: the scripts run as scripts)


def showcase_matter(ws: Workspace, actor) -> object:  # type: ignore[no-untyped-def]
    """The open matter with the longest history among those with an office clock running (due soon first)."""
    with ws.read(actor) as uow:
        best = None
        for matter_id in unpack_ids(matter_list_ids(uow, MatterFilter(open_only=True))):
            d = load_dossier(uow, matter_id, ws.attachments_dir)
            if any(c.live and c.office_duty for c in d.clocks) and not d.masked:
                urgent = any(c.urgency in ("overdue", "soon", "week") for c in d.clocks)
                key = (urgent, len(d.events) + len(d.contacts), d.number)
                best = max(best or (key, matter_id), (key, matter_id))
    assert best is not None
    return best[1]


def main() -> None:
    themed_app()
    with tempfile.TemporaryDirectory() as tmp:
        ws = demo_workspace(Path(tmp) / "data", 600)
        admin = authenticate(ws, "admin", PASSWORD)
        matter_id = showcase_matter(ws, admin)
        with ws.write(admin) as uow:
            ov.set_case_leader(uow, matter_id, "李建国（镇长）")
            ov.add_supervision(uow, matter_id, ov.NewSupervision(
                "upper", "某某县信访局", "该事项群众反映强烈，请加快办理，按期答复并报送结果。", date(2026, 11, 16),
                date(2026, 11, 30)))
            store_bytes(uow, ws.attachments_dir, b"%PDF-1.4\n" + b"0" * 120_000, "现场核查记录扫描件.pdf",
                        "matter", matter_id)
        window = open_main_window(ws, admin)  # opens on 到期提醒: the demo has clocks due
        window.resize(1366, 768)
        window.show()
        board = window.page("deadlines")
        wait_for(lambda: board.board is not None)
        QApplication.processEvents()
        window.grab().save(str(OUT / "deadlines.png"))
        window.show_page("matters")
        page = window.page("matters")
        wait_for(lambda: page.model.rowCount() > 0 and page.busy.isHidden())
        QApplication.processEvents()
        window.grab().save(str(OUT / "matters.png"))
        page.open_item(matter_id)  # type: ignore[arg-type]
        wait_for(lambda: page.dossier.dossier is not None)
        QApplication.processEvents()
        window.grab().save(str(OUT / "dossier.png"))
        window.ctx.runner.wait()
        window.close()
        ws.close()
    print(f"wrote {OUT / 'matters.png'}, {OUT / 'dossier.png'} and {OUT / 'deadlines.png'}")


if __name__ == "__main__":
    main()
