"""The login dialog: right password gives the actor, a wrong one a message, five wrong ones lock."""

from __future__ import annotations

import pytest

from app.services.users import MAX_FAILED_LOGINS
from tests.conftest import PASSWORD
from ui.login import LoginDialog
from ui.theme import apply_theme


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
