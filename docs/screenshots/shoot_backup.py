"""Screenshot of 系统设置 › 备份与恢复 (1366×768) after two months of backups.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/shoot_backup.py

Sets up a small office with 300 demo contacts in a throwaway data folder, makes the backups the
program would have made at the end of each working day of the last two months (rotated as it goes)
and one taken before a schema upgrade, then shows the tab with a mirror folder chosen. Writes
settings-backup.png next to this file.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.machine_settings import MachineSettings  # noqa: E402
from app.services.backup import Reason, create_backup  # noqa: E402
from app.services.users import authenticate  # noqa: E402
from _shots import NOW, OUT, PASSWORD, demo_workspace, settings_window, themed_app, wait_for  # noqa: E402  (this folder: the scripts run as scripts)


def main() -> int:
    themed_app()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        ws = demo_workspace(folder, 300, villages=("东风村", "红旗村", "幸福社区", "团结村"))
        try:
            day = NOW - timedelta(days=62)
            while day.date() < NOW.date():
                if day.weekday() < 5:
                    create_backup(folder, Reason.EXIT, day.replace(hour=17, minute=32))
                day += timedelta(days=1)
            create_backup(folder, Reason.MIGRATION, NOW.replace(hour=8, minute=41))
            create_backup(folder, Reason.DAILY, NOW.replace(hour=8, minute=42))
            MachineSettings(backup_mirror_dir="E:\\信访备份").save(folder)
            window, page = settings_window(ws, authenticate(ws, "admin", PASSWORD))
            wait_for(lambda: page.loaded)
            page.show_tab(page.backup)
            page.backup.table.selectRow(1)
            QApplication.processEvents()
            window.update_status()
            window.grab().save(str(OUT / "settings-backup.png"))
            window.ctx.runner.wait()
            window.close()
        finally:
            ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
