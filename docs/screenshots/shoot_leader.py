"""Screenshots of 领导包案与接访 and 矛盾纠纷排查 on demo data at 1366×768.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/shoot_leader.py

Builds a throwaway workspace with the demo data alone (1,200 contacts, seed 2026, clock 2026-11-23 10:00):
the demo brings the leader work — published schedules, receptions, packages with progress, screening
rounds, key persons and a sensitive period running today. Writes leader.png (包案事项),
leader-receptions.png (接访记录) and screening.png next to this file.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.services.users import authenticate  # noqa: E402
from ui.app import open_main_window  # noqa: E402
from _shots import OUT, PASSWORD, demo_workspace, themed_app, wait_for  # noqa: E402  (this folder: the scripts run as scripts)


def main() -> None:
    themed_app()
    with tempfile.TemporaryDirectory() as tmp:
        ws = demo_workspace(Path(tmp) / "data", 1200)
        admin = authenticate(ws, "admin", PASSWORD)
        window = open_main_window(ws, admin)
        window.resize(1366, 768)
        window.show()
        window.show_page("leader")
        page = window.page("leader")
        wait_for(lambda: page.desk is not None and page.cases.model.rowCount() > 0)
        QApplication.processEvents()
        window.grab().save(str(OUT / "leader.png"))
        page.tabs.setCurrentWidget(page.receptions)
        QApplication.processEvents()
        window.grab().save(str(OUT / "leader-receptions.png"))
        window.show_page("screening")
        screening = window.page("screening")
        wait_for(lambda: screening.view is not None)
        QApplication.processEvents()
        window.grab().save(str(OUT / "screening.png"))
        window.ctx.runner.wait()
        window.close()
        ws.close()
    print(f"wrote {OUT / 'leader.png'}, {OUT / 'leader-receptions.png'} and {OUT / 'screening.png'}")


if __name__ == "__main__":
    main()
