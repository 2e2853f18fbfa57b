"""The idle lock: after the idle time the window's content hides behind an unlock dialog that only
the logged-in user's password opens; input in time keeps the program open."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.services.office_settings import set_setting
from app.services.users import change_password
from tests.conftest import PASSWORD
from ui.idle_lock import IdleLock, install_idle_lock

OWN_PASSWORD = "own12345"


@pytest.fixture
def exits() -> list[bool]:
    return []


@pytest.fixture
def lock(main_window, ws, admin, exits):
    idle = IdleLock(main_window, ws, admin, timeout_ms=300, on_exit=lambda: exits.append(True))
    yield idle
    idle.uninstall()


def test_lock_appears_wrong_password_keeps_it_right_password_unlocks(lock, main_window, qtbot, ws, admin):
    # The other accounts of the fixture office share PASSWORD: give the admin an own one first.
    with ws.write(admin) as uow:
        change_password(uow, PASSWORD, OWN_PASSWORD)
    central = main_window.centralWidget()
    qtbot.waitUntil(lambda: lock.locked, timeout=5_000)
    assert central.isHidden() and main_window.statusBar().isHidden()
    dialog = lock.dialog
    assert dialog is not None and dialog.isVisible()
    assert "王管理（admin）" in dialog.findChild(type(dialog.message), "pageTitle").text()
    qtbot.keyClicks(dialog.password, PASSWORD)  # another user's password does not open it
    dialog.try_unlock()
    assert lock.locked and dialog.message.text() == "密码不正确，请重新输入"
    assert central.isHidden()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc does not open it either
    assert lock.locked and dialog.isVisible()
    qtbot.keyClicks(dialog.password, OWN_PASSWORD)
    dialog.try_unlock()
    assert not lock.locked
    assert central.isVisible() and main_window.statusBar().isVisible()


def test_input_keeps_the_program_unlocked(lock, main_window, qtbot):
    lock.set_timeout_ms(800)  # margin for a busy machine; input comes every 100 ms
    lock.touch()
    for _ in range(10):
        qtbot.wait(100)
        qtbot.keyClick(main_window.statusBar(), Qt.Key.Key_Shift)
    assert not lock.locked
    for _ in range(4):
        qtbot.wait(100)
        qtbot.mouseClick(main_window.statusBar(), Qt.MouseButton.LeftButton)
    assert not lock.locked
    qtbot.waitUntil(lambda: lock.locked, timeout=5_000)


def test_exit_is_the_only_other_way_out(lock, qtbot, exits):
    qtbot.waitUntil(lambda: lock.locked, timeout=5_000)
    lock.dialog.exit_button.click()
    assert exits == [True]


def test_open_dialogs_are_concealed_too(lock, main_window, qtbot):
    from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout

    other = QDialog(main_window)
    label = QLabel("张三 330106197003120311", other)
    QVBoxLayout(other).addWidget(label)
    other.show()
    qtbot.waitUntil(lambda: lock.locked, timeout=5_000)
    assert other.isVisible() and label.isHidden()
    lock.unlock()
    assert label.isVisible()


def test_timeout_comes_from_the_office_setting(main_window, ws, admin, qtbot):
    with ws.write(admin) as uow:
        set_setting(uow, "idle_lock_minutes", 7)
    idle = install_idle_lock(main_window, ws, admin)
    try:
        assert idle.timeout_ms == 7 * 60_000 and not idle.locked
        with ws.write(admin) as uow:
            set_setting(uow, "idle_lock_minutes", 3)
        main_window.ctx.runner.changes.changed.emit(frozenset({"settings"}))
        assert idle.timeout_ms == 3 * 60_000
    finally:
        idle.uninstall()
