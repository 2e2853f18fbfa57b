"""系统设置 › 数据加密 › 加密数据库文件: from plain attachments and a plain database to both encrypted in one
step, the recovery code shown first, the program closed at the end; the folder then opens only with a
password."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from PySide6.QtCore import Qt

from app.paths import DATABASE_FILE
from app.services import attachments as att, key_file
from app.services.backup import Reason, backups_dir, create_backup, list_backups
from app.services.persons import PersonInput, create_person
from app.services.workspace import Workspace
from db import cipher
from db.models import Person
from tests.conftest import FIXED_NOW, PASSWORD
from tests.ui.test_settings_encryption import encryption_tab

WAIT = 60_000
ID_NUMBER = "330106198001010013"


@pytest.fixture
def filled(ws, admin):
    with ws.write(admin) as uow:
        person = create_person(uow, PersonInput(name="张三", id_number=ID_NUMBER))
        att.store_bytes(uow, ws.attachments_dir, b"%PDF-1.7 scan " * 50, "身份证.pdf", "person", person)
    return create_backup(ws.data_dir, Reason.MANUAL, FIXED_NOW).backup.path


def test_one_step_encrypts_attachments_and_the_database_then_closes(main_window, qtbot, ws, filled):
    tab = encryption_tab(main_window, qtbot)
    assert "数据库文件：未加密" in tab.database_label.text()
    assert tab.database_button.isVisible() and tab.database_button.isEnabled()
    dialog = tab.ask_encrypt_database()
    shown = dialog.findChildren(type(tab.database_label))
    [note] = [label.text() for label in shown if "镜像文件夹的备份仍是明文" in label.text()]
    assert "附件加密尚未开启" in note
    # The accounts that will not open the program any more are named (not the administrator doing it).
    assert "加密后将无法打开程序：jiedai用户（jiedai）" in note and "（admin）" not in note
    dialog.fields["password"].setText("wrong-password-1")
    dialog.submit()
    qtbot.waitUntil(lambda: "密码：不正确" in dialog.message.text(), timeout=WAIT)
    assert not cipher.is_encrypted(ws.data_dir / DATABASE_FILE)

    dialog.fields["password"].setText(PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: tab.code_dialog is not None and tab.code_dialog.isVisible(), timeout=WAIT)
    code = tab.code_dialog.code_label.text()
    qtbot.waitUntil(lambda: not tab.busy, timeout=WAIT)
    assert cipher.is_encrypted(ws.data_dir / DATABASE_FILE) and "数据库文件已加密" in tab.status.text()
    assert tab.notice is None  # not before the recovery code is kept
    tab.code_dialog.kept.setChecked(True)
    qtbot.mouseClick(tab.code_dialog.done_button, Qt.MouseButton.LeftButton)
    assert tab.notice is not None and tab.notice.isVisible() and "程序将关闭" in tab.notice.text()

    assert ID_NUMBER.encode() not in (ws.data_dir / DATABASE_FILE).read_bytes()
    [backup] = [b.path for b in list_backups(backups_dir(ws.data_dir)) if b.path == filled]
    assert cipher.is_encrypted(backup / DATABASE_FILE) and ID_NUMBER.encode() not in (backup / DATABASE_FILE).read_bytes()
    assert list(ws.attachments_dir.rglob(f"*{att.SEALED_SUFFIX}")) and not [
        p for p in ws.attachments_dir.rglob("*") if p.is_file() and p.suffix != att.SEALED_SUFFIX]
    tab.notice.accept()
    qtbot.waitUntil(lambda: not main_window.isVisible(), timeout=WAIT)

    cipher.forget_all_keys()  # the next start
    key_file.unlock_with_code(ws.data_dir, code)
    again = Workspace.open(ws.data_dir)
    try:
        with again.read(again.system_actor()) as uow:
            assert uow.session.scalars(select(Person.id_number)).all() == [ID_NUMBER]
    finally:
        again.close()
