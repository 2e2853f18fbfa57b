"""The login dialog: right password gives the actor, a wrong one a message, five wrong ones lock."""

from __future__ import annotations

import shutil

import pytest

from app.errors import DomainError
from app.paths import DATABASE_FILE
from app.services.backup import Reason, backups_dir, list_backups
from app.services.users import MAX_FAILED_LOGINS
from db.migrate import head_revision, stored_revision
from tests.cli.test_upgrade import old_folder  # noqa: F401 - fixture: a folder at revision 0001
from tests.conftest import PASSWORD
from ui.login import OPENING_TEXT, UPGRADING_TEXT, LoginDialog
from ui.theme import apply_theme
from ui.workspace_opener import WorkspaceOpener


@pytest.fixture
def dialog(qtbot, qapp, ws):
    apply_theme(qapp)
    d = LoginDialog(ws, "某某县某某镇人民政府", "admin")
    qtbot.addWidget(d)
    d.show()
    return d


def test_right_password_gives_the_actor(dialog, qtbot):
    assert dialog.login.text() == "admin"
    qtbot.keyClicks(dialog.password, PASSWORD)
    dialog.try_login()
    assert dialog.actor is not None and dialog.actor.login == "admin"
    assert dialog.result() == LoginDialog.DialogCode.Accepted


def test_wrong_password_shows_a_message_and_clears_the_field(dialog, qtbot):
    qtbot.keyClicks(dialog.password, "wrong123")
    dialog.try_login()
    assert dialog.actor is None and dialog.isVisible()
    assert dialog.message.text() == "登录失败：用户名或密码不正确"
    assert dialog.password.text() == ""


def test_unknown_user_gets_the_same_message(dialog, qtbot):
    dialog.login.setText("nobody")
    qtbot.keyClicks(dialog.password, PASSWORD)
    dialog.try_login()
    assert dialog.message.text() == "登录失败：用户名或密码不正确"


def test_empty_fields_are_asked_for_without_a_try(dialog):
    dialog.try_login()
    assert dialog.message.text() == "请输入密码"
    dialog.login.setText(" ")
    dialog.password.setText("x")
    dialog.try_login()
    assert dialog.message.text() == "请输入用户名"


def test_five_wrong_passwords_lock_the_account(dialog, qtbot):
    for _ in range(MAX_FAILED_LOGINS):
        qtbot.keyClicks(dialog.password, "wrong123")
        dialog.try_login()
    assert "已锁定" in dialog.message.text() and "10 分钟" in dialog.message.text()
    qtbot.keyClicks(dialog.password, PASSWORD)  # the right password does not help while locked
    dialog.try_login()
    assert dialog.actor is None and "已锁定" in dialog.message.text()


def test_show_password_toggles_echo(dialog):
    dialog.show_password.setChecked(True)
    assert dialog.password.echoMode() == dialog.password.EchoMode.Normal
    dialog.show_password.setChecked(False)
    assert dialog.password.echoMode() == dialog.password.EchoMode.Password


# -- the login window shown before the database is open -------------------------------------------

@pytest.fixture
def waiting(qtbot, qapp, template_dir, tmp_path):
    """A login window as the program shows it at start: no workspace yet, an opener for the copy."""
    apply_theme(qapp)
    folder = tmp_path / "data"
    shutil.copytree(template_dir, folder)
    d = LoginDialog(None, "某某县某某镇人民政府", "admin")
    opener = WorkspaceOpener(folder, None, d)
    d.wait_for(opener)
    qtbot.addWidget(d)
    d.show()
    yield d, opener
    workspace = opener.wait()
    if workspace is not None:
        workspace.close()


def test_enter_before_the_database_is_open_logs_in_once_it_is(waiting, qtbot):
    dialog, opener = waiting
    assert dialog.workspace is None and not dialog.is_ready
    assert not dialog.ok_button.isEnabled() and dialog.status.text() == OPENING_TEXT
    qtbot.keyClicks(dialog.password, PASSWORD)
    dialog.try_login()  # what Enter does: nothing is checked yet, the attempt is queued
    assert dialog.actor is None and dialog.isVisible() and "自动登录" in dialog.status.text()
    with qtbot.waitSignal(dialog.ready, timeout=60_000):
        opener.start()
    qtbot.waitUntil(lambda: dialog.actor is not None, timeout=30_000)
    assert dialog.actor.login == "admin" and dialog.result() == LoginDialog.DialogCode.Accepted
    assert dialog.ok_button.isEnabled() and not dialog.status.isVisible()


def test_a_wrong_password_typed_early_is_refused_once_the_database_is_open(waiting, qtbot):
    dialog, opener = waiting
    qtbot.keyClicks(dialog.password, "wrong123")
    dialog.try_login()
    with qtbot.waitSignal(dialog.ready, timeout=60_000):
        opener.start()
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=30_000)
    assert dialog.actor is None and dialog.message.text() == "登录失败：用户名或密码不正确"


def test_an_older_database_is_backed_up_and_upgraded_behind_the_login_which_stays_open(qtbot, qapp, old_folder):
    dialog = LoginDialog(None, "某某镇", "")
    opener = WorkspaceOpener(old_folder, None, dialog)
    dialog.wait_for(opener)
    qtbot.addWidget(dialog)
    dialog.show()
    seen: list[tuple[str, bool, str]] = []

    def try_to_leave() -> None:  # runs after the dialog's own slot has shown the message
        dialog.reject()  # 退出 while the upgrade runs
        seen.append((dialog.status.text(), dialog.isVisible(), dialog.message.text()))

    opener.upgrading.connect(try_to_leave)
    with qtbot.waitSignal(dialog.ready, timeout=120_000):
        opener.start()
    workspace = opener.wait()
    try:
        assert seen == [(UPGRADING_TEXT, True, "数据库正在升级，完成后才能退出")]
        assert dialog.ok_button.isEnabled()
        dialog.reject()  # once it is done, 退出 closes
        assert not dialog.isVisible()
        assert stored_revision(workspace.database.engine) == head_revision()
        assert [b.reason for b in list_backups(backups_dir(old_folder))] == [Reason.MIGRATION]
    finally:
        workspace.close()


def test_a_damaged_database_is_reported_and_nobody_can_log_in(qtbot, qapp, tmp_path):
    (tmp_path / DATABASE_FILE).write_bytes(b"not a database " * 100)
    dialog = LoginDialog(None, "某某镇", "admin")
    opener = WorkspaceOpener(tmp_path, None, dialog)
    dialog.wait_for(opener)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(opener.failed, timeout=60_000) as failed:
        opener.start()
    assert isinstance(failed.args[0], DomainError) and failed.args[0].code == "db_corrupt"
    assert opener.wait() is None and not dialog.ok_button.isEnabled()
