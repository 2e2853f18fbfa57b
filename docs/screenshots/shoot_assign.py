"""Screenshots of 交办 with its 报告期限: the dialog (the office rule, 30 days, as its starting value), the
dossier after 20 days were given, and page 1 of the 交办单 printed from it.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/shoot_assign.py

Builds a throwaway workspace (clock 2026-11-23 10:00) with one registered matter. Writes assign-dialog.png,
assign-dossier.png and, when poppler's pdftoppm is installed, referral-notice.png.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.domain.enums import Channel, DocumentKind, MatterType  # noqa: E402
from app.domain.workflow import Action  # noqa: E402
from app.services import notices  # noqa: E402
from app.services.contacts import NewContact, register_contact  # noqa: E402
from app.services.office_settings import set_setting  # noqa: E402
from app.services.persons import PersonInput  # noqa: E402
from app.services.users import authenticate  # noqa: E402
from ui.app import open_main_window  # noqa: E402
from _shots import OUT, PASSWORD, themed_app, township, wait_for  # noqa: E402  (this folder)


def main() -> None:
    app = themed_app()
    with tempfile.TemporaryDirectory() as tmp:
        ws = township(Path(tmp) / "data")
        admin = authenticate(ws, "admin", PASSWORD)
        with ws.write(admin) as uow:
            set_setting(uow, "assignment_report_days", 30)
            matter_id = register_contact(uow, NewContact(
                channel=Channel.VISIT, contact_at=datetime(2026, 11, 20, 9, 0),
                content="反映村口排水沟堵塞，雨天积水进院", persons=(PersonInput(name="张建国"),),
                subject_code="0101", matter_type=MatterType.CLAIM)).matter_id
        window = open_main_window(ws, admin)
        window.resize(1366, 768)
        window.show()
        window.open_matter(matter_id)
        view = window.page("matters").dossier
        wait_for(lambda: view.dossier is not None)
        dialog = view.start_step(Action.ASSIGN)
        assert dialog is not None
        dialog.to.setCurrentText("某某镇城建办")
        QApplication.processEvents()
        dialog.grab().save(str(OUT / "assign-dialog.png"))
        dialog.report_days.setValue(20)
        dialog.ok.click()
        wait_for(lambda: view.dossier is not None and view.dossier.state_label == "已交办")
        QApplication.processEvents()
        window.grab().save(str(OUT / "assign-dossier.png"))
        window.ctx.runner.wait()
        window.close()
        with ws.write(admin) as uow:
            pdf = notices.issue_notice(uow, ws, DocumentKind.REFERRAL, matter_id).path.read_bytes()
        if shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", "-", str(OUT / "referral-notice")],
                           input=pdf, check=True)
        ws.close()
    app.processEvents()
    print(f"wrote {OUT / 'assign-dialog.png'}, {OUT / 'assign-dossier.png'} and {OUT / 'referral-notice.png'}")


if __name__ == "__main__":
    main()
