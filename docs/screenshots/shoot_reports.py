"""Screenshot of 统计报表 on demo data at 1366×768.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/shoot_reports.py [DATA_DIR]

Builds a throwaway workspace (demo data, 5,000 contacts over three years, clock 2026-11-23 10:00)
unless an existing demo data folder is given, shows October 2026 with its trend and the breakdown
by subject, and writes reports.png next to this file.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.services.demo import load_demo  # noqa: E402
from app.services.offices import OfficeSetup, initialise  # noqa: E402
from app.services.users import authenticate  # noqa: E402
from app.services.workspace import Workspace  # noqa: E402
from app.statistics import periods  # noqa: E402
from ui.app import open_main_window  # noqa: E402
from ui.theme import apply_theme  # noqa: E402
from _shots import wait_for  # noqa: E402  (this folder: the scripts run as scripts)

NOW = datetime(2026, 11, 23, 10, 0)
OUT = Path(__file__).resolve().parent
PASSWORD = "abc12345"


def demo_workspace(folder: Path) -> Workspace:
    fresh = not (folder / "xinfang.db").exists()
    ws = Workspace.open(folder, clock=lambda: NOW)
    if fresh:
        initialise(ws, OfficeSetup(name="某某县某某镇人民政府", short_name="某某镇", division_code="330106101000",
                                   parent_name="某某县信访局", admin_login="admin", admin_name="王管理",
                                   admin_password=PASSWORD))
        load_demo(ws, ws.system_actor(), contacts=5000)
    return ws


def shoot(ws: Workspace) -> None:
    app = QApplication.instance() or QApplication(["xinfang"])
    apply_theme(app)  # type: ignore[arg-type]
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
    if len(sys.argv) > 1:
        ws = demo_workspace(Path(sys.argv[1]))
        try:
            shoot(ws)
        finally:
            ws.close()
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        ws = demo_workspace(Path(tmp) / "data")
        try:
            shoot(ws)
        finally:
            ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
