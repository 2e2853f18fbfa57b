"""The administrator's audit page (filters, lazy rows, Excel export), changing one's own password from the
main window, and the forced change at the first login after an administrator's reset."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate

from app.domain.enums import Role
from app.domain.permissions import Permission
from app.services.users import authenticate, reset_password
from tests.conftest import PASSWORD
from tests.support.matters import register
from ui.app import open_main_window
from ui.login import LoginDialog
from ui.theme import apply_theme

WAIT = 10_000
NEW_PASSWORD = "new12345"


def audit_tab(window, qtbot):
    window.show_page("settings")
    page = window.page("settings")
    qtbot.waitUntil(lambda: page.audit is not None and page.audit.loaded, timeout=WAIT)
    return page.audit


def _rows(tab) -> list[tuple[str, ...]]:
    model = tab.model
    return [tuple(model.index(r, c).data() for c in range(model.columnCount())) for r in range(model.rowCount())]


def test_audit_tab_lists_filters_and_exports(main_window, qtbot, ws, admin, actors, tmp_path, qtmodeltester):
    register(ws, actors[Role.RECEPTIONIST], "反映东风村道路破损")
    authenticate(ws, "jingban", PASSWORD)
    tab = audit_tab(main_window, qtbot)
    qtmodeltester.check(tab.model)
    rows = _rows(tab)
    assert rows[0][2:4] == ("jingban", "登录") and rows[-1][3] == "初始化"
    assert [int(r[0]) for r in rows] == sorted((int(r[0]) for r in rows), reverse=True)
    assert any(r[2:5] == ("jiedai", "新建", "信访事项") and r[5].startswith("SX2026-") for r in rows)
    tab.user.setCurrentIndex(tab.user.findText("jiedai用户（jiedai）"))
    tab.run_query()
    qtbot.waitUntil(lambda: tab.search.isEnabled() and all(r[2] == "jiedai" for r in _rows(tab)), timeout=WAIT)
    assert {r[3] for r in _rows(tab)} == {"新建"} and len(_rows(tab)) == 3  # person, matter, contact
    tab.user.setCurrentIndex(0)
    tab.entity.setCurrentIndex(tab.entity.findText("用户"))
    tab.text.setText("jingban")
    tab.run_query()
    qtbot.waitUntil(lambda: tab.search.isEnabled() and len(_rows(tab)) == 1, timeout=WAIT)
    tab.text.clear()
    tab.entity.setCurrentIndex(0)
    tab.start.setDate(QDate(2030, 1, 1))
    tab.end.setDate(QDate(2030, 1, 31))
    tab.run_query()
    qtbot.waitUntil(lambda: tab.search.isEnabled() and tab.model.rowCount() == 0, timeout=WAIT)
    tab.limit_dates.setChecked(False)
    tab.export_to(tmp_path / "audit.xlsx")
    assert not tab.cancel_button.isHidden() and tab.export_button.isHidden()
    qtbot.waitUntil(lambda: tab.last_export is not None, timeout=WAIT)
    assert not tab.export_button.isHidden() and tab.progress.isHidden()
    book = load_workbook(tmp_path / "audit.xlsx", read_only=True)
    lines = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert lines[2] == ("序号", "时间", "用户", "操作", "对象类别", "对象", "内容")
    assert len(lines) - 3 == tab.last_export.rows == len(rows)
    assert "已导出" in tab.status.text()


def test_only_the_administrator_gets_the_audit_tab(qtbot, qapp, ws, actors):
    apply_theme(qapp)
    for role in (Role.LEADER, Role.COUNTY_READER):
        window = open_main_window(ws, actors[role])
        qtbot.addWidget(window)
        window.show_page("settings")
        assert window.page("settings").audit is None
        window.ctx.runner.wait()


def test_change_own_password_from_the_main_window(main_window, qtbot, ws):
    dialog = main_window.ask_own_password()
    assert main_window.password_button.text() == "修改密码"
    dialog.fields["old"].setText(PASSWORD)
    dialog.fields["password"].setText("admin")
    dialog.fields["again"].setText("admin")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: "至少 8 位" in dialog.message.text(), timeout=WAIT)
    dialog.fields["password"].setText(NEW_PASSWORD)
    dialog.fields["again"].setText(NEW_PASSWORD)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: main_window.statusBar().currentMessage() == "已修改您的密码。", timeout=WAIT)
    assert not dialog.isVisible()
    assert authenticate(ws, "admin", NEW_PASSWORD).login == "admin"


@pytest.fixture
def reset_handler(ws, admin):
    handler = authenticate(ws, "jingban", PASSWORD)  # before the write: a unit of work holds the lock from its start
    with ws.write(admin) as uow:
        reset_password(uow, handler.user_id, "reset1234")


def _login(qtbot, ws) -> LoginDialog:
    dialog = LoginDialog(ws, "某某县某某镇人民政府", "jingban")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password.setText("reset1234")
    dialog.try_login()
    return dialog


def test_first_login_after_a_reset_asks_for_a_new_password(qtbot, qapp, ws, reset_handler):
    apply_theme(qapp)
    login = _login(qtbot, ws)
    forced = login.forced_dialog
    assert forced.isVisible() and login.actor is None and login.result() != LoginDialog.DialogCode.Accepted
    forced.fields["old"].setText("reset1234")
    forced.fields["password"].setText("reset1234")
    forced.fields["again"].setText("reset1234")
    forced.ok_button.click()
    assert forced.message.text() == "新密码：不能与原密码相同"
    forced.fields["password"].setText(NEW_PASSWORD)
    forced.fields["again"].setText(NEW_PASSWORD)
    forced.ok_button.click()
    assert login.actor is not None and login.actor.login == "jingban"
    assert login.result() == LoginDialog.DialogCode.Accepted
    again = _login(qtbot, ws)  # the old reset password no longer works; the new one needs no change
    assert again.actor is None and "登录失败" in again.message.text()
    again.password.setText(NEW_PASSWORD)
    again.try_login()
    assert again.result() == LoginDialog.DialogCode.Accepted


def test_cancelling_the_forced_change_does_not_log_in(qtbot, qapp, ws, reset_handler):
    apply_theme(qapp)
    login = _login(qtbot, ws)
    login.forced_dialog.reject()
    assert login.actor is None and login.message.text() == "请先修改密码后再登录"


def test_administrator_grants_accusation_access_per_user(main_window, qtbot, ws):
    main_window.show_page("settings")
    users = main_window.page("settings").users
    qtbot.waitUntil(lambda: users.loaded, timeout=WAIT)
    users.select("jingban")
    row = users.table.selectionModel().selectedRows()[0].row()
    assert users.model.index(row, 4).data() == "不可查阅"
    dialog = users.ask_accusation_access()
    choice = dialog.fields["access"]
    assert choice.currentText() == "按角色默认"
    choice.setCurrentIndex(choice.findText("授予查阅"))
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: "已立即生效" in users.status.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: users.selected_user() is not None and users.selected_user().read_accusation,
                    timeout=WAIT)
    row = users.table.selectionModel().selectedRows()[0].row()
    assert users.model.index(row, 4).data() == "可查阅（已授予）"
    assert authenticate(ws, "jingban", PASSWORD).may(Permission.READ_ACCUSATION)
