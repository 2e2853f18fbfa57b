"""Screenshots of 系统设置 › 数据加密 (1366×768) and of the recovery code shown once.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/shoot_encryption.py

Sets up a small office in a throwaway data folder with twelve scanned attachments and a handler
created before encryption (so without a key), turns encryption on from the tab as the administrator,
shoots the recovery-code dialog, cancels the sealing after the first batch, and shoots the tab with
the files still waiting. Writes encryption-code.png and encryption.png next to this file.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.domain.enums import Role  # noqa: E402
from app.services import attachments as att, data_keys  # noqa: E402
from app.services.offices import OfficeSetup, initialise  # noqa: E402
from app.services.persons import PersonInput, create_person  # noqa: E402
from app.services.users import authenticate, create_user  # noqa: E402
from app.services.workspace import Workspace  # noqa: E402
from ui.theme import apply_theme  # noqa: E402
from _shots import settings_window, wait_for  # noqa: E402  (this folder: the scripts run as scripts)

NOW = datetime(2026, 11, 23, 10, 0)
OUT = Path(__file__).resolve().parent
PASSWORD = "abc12345"


def main() -> int:
    app = QApplication.instance() or QApplication(["xinfang"])
    apply_theme(app)  # type: ignore[arg-type]
    data_keys.BATCH_FILES = 4  # three batches, so that 取消 stops half-way
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        ws = Workspace.open(folder, clock=lambda: NOW)
        try:
            initialise(ws, OfficeSetup(
                name="某某县某某镇人民政府", short_name="某某镇", division_code="330106101000",
                parent_name="某某县信访局", admin_login="admin", admin_name="王管理", admin_password=PASSWORD,
                villages=("东风村", "红旗村", "幸福社区", "团结村")))
            admin = authenticate(ws, "admin", PASSWORD)
            with ws.write(admin) as uow:
                create_user(uow, "jingban", "李经办", Role.HANDLER, PASSWORD)
                for i, name in enumerate(("张三", "李四", "王五", "赵六")):
                    person = create_person(uow, PersonInput(name=name))
                    for kind in ("身份证", "来信", "现场照片"):
                        att.store_bytes(uow, ws.attachments_dir, f"%PDF-1.7 {name}{kind}".encode() * (200 + i),
                                        f"{name}{kind}.pdf", "person", person)
            ws.keyring.lock()
            window, page = settings_window(ws, authenticate(ws, "admin", PASSWORD))
            page.show_tab(page.encryption)
            tab = page.encryption
            wait_for(lambda: tab.loaded)
            dialog = tab.ask_enable()
            dialog.fields["password"].setText(PASSWORD)  # type: ignore[attr-defined]
            tab.progressed.connect(lambda _d, _t: tab.cancel(), Qt.ConnectionType.DirectConnection)
            dialog.submit()
            wait_for(lambda: tab.code_dialog is not None and tab.code_dialog.isVisible())
            code = tab.code_dialog
            assert code is not None
            QApplication.processEvents()
            code.grab().save(str(OUT / "encryption-code.png"))
            code.kept.setChecked(True)
            code.accept()
            wait_for(lambda: not tab.busy and "等待加密" in tab.state_label.text())
            QApplication.processEvents()
            window.grab().save(str(OUT / "encryption.png"))
            window.ctx.runner.wait()
            window.close()
        finally:
            ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
