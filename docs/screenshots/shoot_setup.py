"""Screenshots of the first-run wizard, the login dialog and 系统设置 (1366×768).

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/shoot_setup.py

Fills the wizard on a throwaway data folder (its four pages side by side in wizard.png, the last one
while demo data loads), then shows the login dialog and the settings page on that small demo
database. Writes wizard.png, login.png, settings.png, settings-users.png, settings-wording.png and
idle-lock.png next to this file.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QPoint  # noqa: E402
from PySide6.QtGui import QColor, QPainter, QPixmap  # noqa: E402
from PySide6.QtWidgets import QApplication, QWizard  # noqa: E402

from app.domain.enums import DocumentKind  # noqa: E402
from app.services.users import authenticate  # noqa: E402
from app.services.workspace import Workspace  # noqa: E402
from ui.app import open_main_window  # noqa: E402
from ui.idle_lock import IdleLock  # noqa: E402
from ui.login import LoginDialog  # noqa: E402
from ui.wizard import SetupWizard  # noqa: E402
from _shots import NOW, OUT, PASSWORD, themed_app, wait_for  # noqa: E402  (this folder: the scripts run as scripts)


def side_by_side(shots: list[QPixmap], columns: int = 2, gap: int = 16) -> QPixmap:
    width = max(s.width() for s in shots)
    height = max(s.height() for s in shots)
    rows = (len(shots) + columns - 1) // columns
    sheet = QPixmap(columns * width + (columns + 1) * gap, rows * height + (rows + 1) * gap)
    sheet.fill(QColor("#c9ced6"))
    painter = QPainter(sheet)
    for n, shot in enumerate(shots):
        painter.drawPixmap(QPoint(gap + (n % columns) * (width + gap), gap + (n // columns) * (height + gap)), shot)
    painter.end()
    return sheet


def shoot_wizard(ws: Workspace) -> None:
    wizard = SetupWizard(ws, demo_sizes=(300, 1500, 5000))
    wizard.show()
    shots = []
    office = wizard.office_page
    office.office_name.setText("某某县某某镇人民政府")
    office.short_name.setText("某某镇")
    office.division_code.setText("330106101000")
    office.parent_name.setText("某某县信访局")
    QApplication.processEvents()
    shots.append(wizard.grab())
    wizard.next()
    wizard.villages_page.villages.setPlainText("东风村\n红旗村\n幸福社区\n团结村")
    QApplication.processEvents()
    shots.append(wizard.grab())
    wizard.next()
    admin = wizard.admin_page
    admin.display_name.setText("王管理")
    admin.password.setText(PASSWORD)
    admin.password_again.setText("abc1234")
    wizard.next()  # refused: the two passwords differ
    QApplication.processEvents()
    shots.append(wizard.grab())
    admin.password_again.setText(PASSWORD)
    wizard.next()
    demo = wizard.demo_page
    demo.load.setChecked(True)
    demo.size.setCurrentIndex(demo.size.findData(300))
    wizard.button(QWizard.WizardButton.FinishButton).click()
    wait_for(lambda: demo.progress.maximum() > 0)
    shots.append(wizard.grab())
    side_by_side(shots).save(str(OUT / "wizard.png"))
    wait_for(lambda: wizard.result() == SetupWizard.DialogCode.Accepted, timeout=600)


def shoot_login(ws: Workspace) -> None:
    login = LoginDialog(ws, "某某县某某镇人民政府", "admin")
    login.show()
    login.password.setText("wrong123")
    login.try_login()
    login.password.setText(PASSWORD)
    QApplication.processEvents()
    login.grab().save(str(OUT / "login.png"))
    login.close()


def shoot_settings(ws: Workspace) -> None:
    window = open_main_window(ws, authenticate(ws, "admin", PASSWORD))
    window.resize(1366, 768)
    window.show()
    window.show_page("settings")
    page = window.page("settings")
    wait_for(lambda: page.loaded)
    page.show_tab(page.rules)
    QApplication.processEvents()
    window.grab().save(str(OUT / "settings.png"))
    page.show_tab(page.users)
    page.users.select("admin")
    QApplication.processEvents()
    window.grab().save(str(OUT / "settings-users.png"))
    page.show_tab(page.wording)
    page.wording.kind.setCurrentIndex(page.wording.kind.findData(DocumentKind.ACCEPTANCE))
    wait_for(lambda: page.wording.template is not None and page.wording.template.kind is DocumentKind.ACCEPTANCE)
    QApplication.processEvents()
    window.grab().save(str(OUT / "settings-wording.png"))
    page.show_tab(page.rules)
    lock = IdleLock(window, ws, window.ctx.actor, timeout_ms=60_000)
    lock.lock()
    lock.dialog.password.setText("wrong123")
    lock.dialog.try_unlock()
    QApplication.processEvents()
    locked = window.grab()
    painter = QPainter(locked)
    dialog = lock.dialog.grab()
    painter.drawPixmap(QPoint((locked.width() - dialog.width()) // 2, (locked.height() - dialog.height()) // 3), dialog)
    painter.end()
    locked.save(str(OUT / "idle-lock.png"))
    lock.unlock()
    lock.uninstall()
    window.ctx.runner.wait()
    window.close()


def main() -> int:
    themed_app()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.open(Path(tmp) / "data", clock=lambda: NOW)
        try:
            shoot_wizard(ws)
            shoot_login(ws)
            shoot_settings(ws)
        finally:
            ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
