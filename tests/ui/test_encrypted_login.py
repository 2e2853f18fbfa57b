"""The login window of an encrypted database: painted from the key file, the typed password opens the
key, then the database, then the account."""

from __future__ import annotations

import shutil

import pytest

from app.services import data_keys
from app.services.database_encryption import encrypt_database
from app.services.folder_peek import peek_folder
from app.services.workspace import Workspace
from db import cipher
from tests.conftest import PASSWORD
from ui.app import unlock_then_open
from ui.login import ENCRYPTED_TEXT, OPENING_TEXT, LoginDialog
from ui.theme import apply_theme
from ui.workspace_opener import WorkspaceOpener


@pytest.fixture
def encrypted_folder(template_dir, tmp_path, admin_of):
    folder = tmp_path / "data"
    shutil.copytree(template_dir, folder)
    ws = Workspace.open(folder)
    admin = admin_of(ws)
    data_keys.enable(ws, admin, PASSWORD)
    encrypt_database(ws, admin, PASSWORD)
    ws.close()
    cipher.forget_all_keys()  # the program starts anew
    yield folder


@pytest.fixture
def admin_of():
    from sqlalchemy import select

    from app.services.workspace import actor_for
    from db.models import UserAccount

    def find(ws):
        with ws.database.read() as session:
            return actor_for(session.scalars(select(UserAccount).where(UserAccount.login == "admin")).one())
    return find


def test_the_password_opens_the_key_then_the_database_then_the_account(qtbot, qapp, encrypted_folder):
    apply_theme(qapp)
    peek = peek_folder(encrypted_folder)
    assert peek is not None and peek.encrypted
    dialog = LoginDialog(None, peek.office_name, "admin")
    opener = WorkspaceOpener(encrypted_folder, None, dialog)
    dialog.wait_for(opener)
    dialog.unlock_first(lambda name, password: unlock_then_open(encrypted_folder, name, password, opener))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.ok_button.isEnabled() and dialog.status.text() == ENCRYPTED_TEXT

    qtbot.keyClicks(dialog.password, "wrong123")
    dialog.try_login()
    assert dialog.message.text() == "密码：不正确（数据库已加密，须输入该账号的密码才能打开）"
    assert not opener.started and dialog.password.text() == "" and dialog.ok_button.isEnabled()
    dialog.login.setText("jiedai")  # an account without a wrap of the key
    qtbot.keyClicks(dialog.password, PASSWORD)
    dialog.try_login()
    assert "该账号没有数据库的解密密钥" in dialog.message.text() and not opener.started

    dialog.login.setText("admin")
    qtbot.keyClicks(dialog.password, PASSWORD)
    dialog.try_login()
    assert opener.started and dialog.status.text() == OPENING_TEXT and not dialog.ok_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.actor is not None, timeout=60_000)
    workspace = opener.wait()
    try:
        assert dialog.actor.login == "admin" and dialog.result() == LoginDialog.DialogCode.Accepted
        assert workspace.encrypted and workspace.keyring.unlocked
    finally:
        workspace.close()
