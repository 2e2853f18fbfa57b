"""Screenshot of 统计报表 on demo data at 1366×768.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/shoot_reports.py [DATA_DIR]

Builds a throwaway workspace (demo data, 5,000 contacts over three years, clock 2026-11-23 10:00)
unless an existing demo data folder is given, shows October 2026 with its trend and the breakdown
by subject, and writes reports.png next to this file.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.services.users import authenticate  # noqa: E402
from app.services.workspace import Workspace  # noqa: E402
from app.statistics import periods  # noqa: E402
from ui.app import open_main_window  # noqa: E402
from _shots import OUT, PASSWORD, on_demo_workspace, themed_app, wait_for  # noqa: E402  (this folder: the scripts run as scripts)

CONTACTS = 5000  # three years of a busy township (shoot_notices.py shoots the same workspace)


def shoot(ws: Workspace) -> None:
    themed_app()
    window = open_main_window(ws, authenticate(ws, "admin", PASSWORD))
    window.resize(1366, 768)
    window.show()
    window.show_page("reports")
    page = window.page("reports")
    page.picker.set_period(periods.month(2026, 10))
    page.reload()
    wait_for(lambda: page.screen is not None and page.screen.report.period == periods.month(2026, 10))
    QApplication.processEvents()
    window.grab().save(str(OUT / "reports.png"))
    window.ctx.runner.wait()
    window.close()


def main() -> int:
    return on_demo_workspace(shoot, CONTACTS)


if __name__ == "__main__":
    sys.exit(main())
