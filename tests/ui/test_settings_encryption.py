"""系统设置 › 数据加密: turning attachment encryption on from the program, the recovery code shown once
(and printed to a real PDF), sealing in the background with cancel and 继续加密, and recovery with the
code for an administrator whose key was lost."""

from __future__ import annotations

from datetime import datetime

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from app import crypto
from app.domain.enums import Role
from app.services import attachments as att, data_keys
from app.services.persons import PersonInput, create_person
from app.services.users import authenticate, create_user, reset_password
from app.services.workspace import Workspace
from tests.conftest import PASSWORD
from tests.ui.test_settings import settings_page
from ui.app import open_main_window
from ui.widgets.settings_encryption import paint_recovery_sheet

WAIT = 20_000
SCAN = b"%PDF-1.7\n" + "身份证号 110105194912310025".encode() * 100


@pytest.fixture
def scans(ws, admin):
    with ws.write(admin) as uow:
        person = create_person(uow, PersonInput(name="张三"))
        return [att.store_bytes(uow, ws.attachments_dir, SCAN + bytes([i]), f"扫描{i}.pdf", "person", person)
                for i in range(3)]


def encryption_tab(window, qtbot):
    page = settings_page(window, qtbot)
    page.show_tab(page.encryption)
    qtbot.waitUntil(lambda: page.encryption.loaded, timeout=WAIT)
    return page.encryption


def _sealed_on_disk(ws: Workspace) -> int:
    return sum(1 for p in ws.attachments_dir.rglob(f"*{att.SEALED_SUFFIX}"))


def test_turn_on_shows_the_code_once_prints_it_and_seals_in_the_background(main_window, qtbot, ws, scans, tmp_path):
    tab = encryption_tab(main_window, qtbot)
    assert "未开启" in tab.state_label.text() and "3 个附件以明文保存" in tab.state_label.text()
    assert tab.enable_button.isVisible() and tab.enable_button.isEnabled() and not tab.recover_button.isVisible()

    dialog = tab.ask_enable()
    dialog.fields["password"].setText("wrong-password-1")
    dialog.submit()
    qtbot.waitUntil(lambda: "密码：不正确" in dialog.message.text(), timeout=WAIT)
    assert _sealed_on_disk(ws) == 0
    dialog.fields["password"].setText(PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: tab.code_dialog is not None and tab.code_dialog.isVisible(), timeout=WAIT)
    shown = tab.code_dialog
    code = shown.code_label.text()
    assert len(code) == 39 and "只显示这一次" in shown.windowTitle()
    # The code shown is the one that opens the key.
    with ws.database.read() as session:
        data_keys.unlock_with_recovery_code(session, crypto.Keyring(), main_window.ctx.office.id, code)
    # It cannot be dismissed before the administrator says it is kept.
    assert not shown.done_button.isEnabled()
    shown.reject()
    assert shown.isVisible()
    pdf = tmp_path / "恢复码.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(pdf))
    paint_recovery_sheet(printer, main_window.ctx.office.name, code, datetime(2026, 11, 23, 10, 0))
    text = PdfReader(pdf).pages[0].extract_text()
    assert code in text.replace(" ", "")
    shown.kept.setChecked(True)
    qtbot.mouseClick(shown.done_button, Qt.MouseButton.LeftButton)
    assert not shown.isVisible()

    qtbot.waitUntil(lambda: not tab.busy and "已加密 3 个附件" in tab.status.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: "全部附件均已加密" in tab.state_label.text(), timeout=WAIT)
    assert "已持有解密密钥" in tab.state_label.text() and _sealed_on_disk(ws) == 3
    assert tab.recover_button.isVisible() and not tab.enable_button.isVisible()


def test_sealing_cancelled_midway_is_finished_with_continue(main_window, qtbot, ws, scans, monkeypatch):
    monkeypatch.setattr(data_keys, "BATCH_FILES", 1)
    tab = encryption_tab(main_window, qtbot)
    data_keys.enable(ws, main_window.ctx.actor, PASSWORD)
    # Cancel from the worker's first progress report, as a clerk pressing 取消 mid-way would.
    tab.progressed.connect(lambda _d, _t: tab.cancel(), Qt.ConnectionType.DirectConnection)
    tab.start_sealing()
    assert tab.cancel_button.isVisible()
    qtbot.waitUntil(lambda: not tab.busy, timeout=WAIT)
    assert "已加密 1 个附件" in tab.status.text() and "还有 2 个附件未加密" in tab.status.text()
    qtbot.waitUntil(lambda: "还有 2 个等待加密" in tab.state_label.text(), timeout=WAIT)
    assert tab.continue_button.isVisible() and tab.continue_button.isEnabled()
    tab.progressed.disconnect()
    tab.progressed.connect(tab._show_progress)
    qtbot.mouseClick(tab.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.busy and "全部附件均已加密" in tab.state_label.text(), timeout=WAIT)
    assert _sealed_on_disk(ws) == 3 and not tab.continue_button.isVisible()
    with ws.read(main_window.ctx.actor) as uow:
        assert [att.attachment_bytes(uow, ws.attachments_dir, s.id) for s in scans] == [
            SCAN + bytes([i]) for i in range(3)]


def test_an_administrator_without_the_key_recovers_it_with_the_code(qtbot, qapp, ws, admin, scans, monkeypatch):
    monkeypatch.setattr("ui.app.show_domain_error", lambda _parent, error: None)
    code = data_keys.turn_on(ws, admin, PASSWORD).recovery_code
    with ws.write(admin) as uow:
        create_user(uow, "admin2", "第二管理员", Role.ADMIN, PASSWORD)
    other_session = Workspace.open(ws.data_dir, clock=ws.clock)
    other = authenticate(other_session, "admin2", PASSWORD)
    other_session.keyring.lock()  # this administrator's session holds no key
    with other_session.write(other) as uow:
        reset_password(uow, admin.user_id, "forgot-it-7")
    other_session.close()
    ws.keyring.lock()
    me = authenticate(ws, "admin", "forgot-it-7")
    window = open_main_window(ws, me)
    qtbot.addWidget(window)
    window.show()
    tab = encryption_tab(window, qtbot)
    assert "没有解密密钥，打不开加密附件" in tab.state_label.text() and "王管理（admin）" in tab.state_label.text()
    dialog = tab.ask_recover()
    dialog.fields["recovery_code"].setText("AAAA-" * 8)
    dialog.fields["password"].setText("forgot-it-7")
    dialog.submit()
    qtbot.waitUntil(lambda: "恢复码：不正确" in dialog.message.text(), timeout=WAIT)
    dialog.fields["recovery_code"].setText(code.lower().replace("-", " "))
    dialog.submit()
    qtbot.waitUntil(lambda: "已用恢复码恢复密钥" in tab.status.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: "已持有解密密钥" in tab.state_label.text(), timeout=WAIT)
    assert "王管理" not in tab.state_label.text()
    with ws.read(me) as uow:
        assert att.attachment_bytes(uow, ws.attachments_dir, scans[0].id) == SCAN + bytes([0])
    window.ctx.runner.wait()
