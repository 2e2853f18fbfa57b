"""Screenshots of encrypting the database file (docs/security-at-rest.md), all real states:

* encryption-database.png — 系统设置 › 数据加密 with attachment encryption and the database plain;
* encryption-database-dialog.png — the 加密数据库文件 dialog (its warnings);
* encryption-database-done.png and encryption-database-notice.png — the tab after the step, and the
  notice that closes the program;
* login-encrypted.png — the next start: the login window of the encrypted folder (office name from
  xinfang.keys), after a wrong password.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/shoot_database_encryption.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.domain.enums import Role  # noqa: E402
from app.services import attachments as att  # noqa: E402
from app.services.folder_peek import peek_folder  # noqa: E402
from app.services.persons import PersonInput, create_person  # noqa: E402
from app.services.users import authenticate, create_user  # noqa: E402
from ui.app import unlock_then_open  # noqa: E402
from ui.login import LoginDialog  # noqa: E402
from ui.workspace_opener import WorkspaceOpener  # noqa: E402
from _shots import OUT, PASSWORD, settings_window, themed_app, township, wait_for  # noqa: E402


def shoot_settings(folder: Path) -> None:
    ws = township(folder, villages=("东风村", "红旗村"))
    try:
        admin = authenticate(ws, "admin", PASSWORD)
        with ws.write(admin) as uow:
            create_user(uow, "jingban", "李经办", Role.HANDLER, PASSWORD)  # no key yet: named in the dialog
            person = create_person(uow, PersonInput(name="张三", id_number="330106198001010013"))
            att.store_bytes(uow, ws.attachments_dir, b"%PDF-1.7 scan " * 50, "身份证.pdf", "person", person)
        window, page = settings_window(ws, admin)
        page.show_tab(page.encryption)
        tab = page.encryption
        wait_for(lambda: tab.loaded)
        dialog = tab.ask_encrypt_database()
        QApplication.processEvents()
        window.grab().save(str(OUT / "encryption-database.png"))
        dialog.grab().save(str(OUT / "encryption-database-dialog.png"))
        dialog.fields["password"].setText(PASSWORD)  # type: ignore[attr-defined]
        dialog.submit()
        wait_for(lambda: tab.code_dialog is not None and tab.code_dialog.isVisible())
        wait_for(lambda: not tab.busy)
        code = tab.code_dialog
        assert code is not None
        code.kept.setChecked(True)
        code.accept()
        wait_for(lambda: tab.notice is not None and tab.notice.isVisible())
        wait_for(lambda: "已加密" in tab.database_label.text() and not window.ctx.runner._live)
        QApplication.processEvents()
        window.grab().save(str(OUT / "encryption-database-done.png"))
        tab.notice.grab().save(str(OUT / "encryption-database-notice.png"))  # type: ignore[union-attr]
        window.ctx.runner.wait()
        window.close()
    finally:
        ws.close()


def shoot_login(folder: Path) -> None:
    peek = peek_folder(folder)
    assert peek is not None and peek.encrypted
    login = LoginDialog(None, peek.office_name, "admin")
    opener = WorkspaceOpener(folder, None, login)
    login.wait_for(opener)
    login.unlock_first(lambda name, password: unlock_then_open(folder, name, password, opener))
    login.show()
    login.password.setText("wrong-password")
    login.try_login()
    QApplication.processEvents()
    login.grab().save(str(OUT / "login-encrypted.png"))
    login.close()


def main() -> int:
    themed_app()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        shoot_settings(folder)
        from db import cipher

        cipher.forget_all_keys()  # the next start of the program
        shoot_login(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
