"""A running window whose user the administrator changes meanwhile: the next operation acts with the new
rights, the user is told once in plain words, and a deactivated account's window closes."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtWidgets import QMessageBox

from app.domain.enums import Channel, MatterType, Role
from app.domain.permissions import Permission
from app.errors import PermissionDenied
from app.services.contacts import NewContact, register_contact
from app.services.matter_dossier import load_dossier
from app.services.persons import PersonInput
from app.services.users import authenticate, set_accusation_access, set_active, set_role
from tests.conftest import PASSWORD, ROLE_LOGINS
from tests.support.matters import register
from tests.ui.test_settings import settings_page
from ui.app import open_main_window
from ui.theme import apply_theme

WAIT = 10_000


@pytest.fixture
def window_of(qtbot, qapp, ws, monkeypatch):
    """A main window logged in as the user of ``role``; domain errors are recorded, not shown."""
    apply_theme(qapp)
    errors: list[Exception] = []
    monkeypatch.setattr("ui.app.show_domain_error", lambda _parent, error: errors.append(error))
    opened = []

    def open_as(role: Role):  # type: ignore[no-untyped-def]
        window = open_main_window(ws, authenticate(ws, ROLE_LOGINS[role], PASSWORD))
        window.domain_errors = errors
        qtbot.addWidget(window)
        window.show()
        opened.append(window)
        return window

    yield open_as
    for window in opened:
        window.ctx.runner.wait()


def _notice(window) -> QMessageBox:  # type: ignore[no-untyped-def]
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    return boxes[0]


def _read_dossier(window, qtbot, matter_id):  # type: ignore[no-untyped-def]
    got = []
    window.ctx.runner.read(lambda uow: load_dossier(uow, matter_id, window.ctx.workspace.attachments_dir), got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=WAIT)
    return got[0]


def test_a_revoked_grant_masks_at_once_and_the_user_is_told(window_of, qtbot, ws, admin):
    matter_id = register(ws, admin, "检举某站站长收受红包", matter_type=MatterType.ACCUSATION, name="赵检举")
    window = window_of(Role.LEADER)
    assert not _read_dossier(window, qtbot, matter_id).masked
    with ws.write(admin) as uow:
        set_accusation_access(uow, window.ctx.actor.user_id, False)
    dossier = _read_dossier(window, qtbot, matter_id)
    assert dossier.masked and "红包" not in repr(dossier)
    qtbot.waitUntil(lambda: any(b.isVisible() for b in window.findChildren(QMessageBox)), timeout=WAIT)
    box = _notice(window)
    assert box.windowTitle() == "账号权限已调整" and "不能再查看检举控告类事项" in box.text()
    assert not window.ctx.actor.may(Permission.READ_ACCUSATION)
    # Told once: further operations with the same rights say nothing more.
    box.accept()
    _read_dossier(window, qtbot, matter_id)
    assert not any(b.isVisible() for b in window.findChildren(QMessageBox))


def test_a_role_change_is_told_and_refuses_what_the_new_role_may_not(window_of, qtbot, ws, admin):
    window = window_of(Role.RECEPTIONIST)
    with ws.write(admin) as uow:
        set_role(uow, window.ctx.actor.user_id, Role.COUNTY_READER)
    window.ctx.runner.write(lambda uow: register_in(uow), lambda _r: None)
    qtbot.waitUntil(lambda: bool(window.domain_errors), timeout=WAIT)
    assert isinstance(window.domain_errors[0], PermissionDenied)
    assert "县级查阅不能登记来访" in window.domain_errors[0].message
    box = _notice(window)
    assert "由“接待员”改为“县级查阅”" in box.text()
    assert window.ctx.actor.role is Role.COUNTY_READER and window.ctx.runner.actor.role is Role.COUNTY_READER
    window.update_status()
    assert "（县级查阅）" in window._status.text()


def register_in(uow):  # type: ignore[no-untyped-def]
    return register_contact(uow, NewContact(
        channel=Channel.VISIT, contact_at=datetime(2026, 11, 23, 9, 0), content="反映红旗村路灯不亮",
        persons=(PersonInput(name="张三"),), subject_code="0101", matter_type=MatterType.CLAIM,
        new_matter=True, new_matter_reason="测试"))


def test_a_deactivated_account_is_told_and_its_window_closes(window_of, qtbot, ws, admin):
    window = window_of(Role.RECEPTIONIST)
    with ws.write(admin) as uow:
        set_active(uow, window.ctx.actor.user_id, False)
    window.ctx.runner.write(lambda uow: register_in(uow), lambda _r: None)
    window.update_status()  # the status bar's own read is refused too, and says so only once
    qtbot.waitUntil(lambda: any(b.isVisible() for b in window.findChildren(QMessageBox)), timeout=WAIT)
    window.ctx.runner.wait()
    qtbot.wait(50)
    box = _notice(window)
    assert box.windowTitle() == "账号已停用" and "已被管理员停用" in box.text()
    assert window.domain_errors == []  # not the generic error dialog
    box.accept()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT)


def test_the_administrator_changes_a_role_from_the_users_tab(main_window, qtbot, ws):
    page = settings_page(main_window, qtbot)
    tab = page.users
    qtbot.waitUntil(lambda: tab.loaded, timeout=WAIT)
    tab.select("jiedai")
    assert tab.role_button.isEnabled()
    dialog = tab.ask_role()
    assert dialog is not None
    role = dialog.fields["role"]
    role.setCurrentIndex(role.findData(Role.HANDLER))
    dialog.submit()
    qtbot.waitUntil(lambda: "角色改为经办人" in tab.status.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: tab.selected_user() is not None and tab.selected_user().role is Role.HANDLER,
                    timeout=WAIT)
    tab.select("admin")
    assert not tab.role_button.isEnabled()  # nobody changes the role of the account they are using
