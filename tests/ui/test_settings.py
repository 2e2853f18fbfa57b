"""系统设置 through the real widgets: rules stored, read-only for non-admins, users, lists, text size."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QComboBox

from app.domain.enums import Role
from app.errors import PermissionDenied
from app.machine_settings import MachineSettings
from app.services.office_settings import get_settings
from app.services.offices import office_info
from app.services.users import authenticate
from tests.conftest import PASSWORD
from ui.app import open_main_window
from ui.theme import apply_theme

WAIT = 10_000
NEW_PASSWORD = "new12345"


def settings_page(window, qtbot):
    window.show_page("settings")
    page = window.page("settings")
    qtbot.waitUntil(lambda: page.loaded, timeout=WAIT)
    return page


@pytest.fixture
def page(main_window, qtbot):
    return settings_page(main_window, qtbot)


@pytest.fixture
def receptionist_page(qtbot, qapp, ws, actors):
    apply_theme(qapp)
    window = open_main_window(ws, actors[Role.RECEPTIONIST])
    qtbot.addWidget(window)
    window.show()
    yield settings_page(window, qtbot)
    window.ctx.runner.wait()


def test_change_day_unit_is_stored(page, qtbot, ws, admin):
    rules = page.rules
    assert rules.day_unit.currentData() == "calendar" and rules.idle.value() == 15
    rules.day_unit.setCurrentIndex(rules.day_unit.findData("working"))
    rules.backlog.setValue(6)
    rules.save_button.click()
    qtbot.waitUntil(lambda: rules.status.text().startswith("已保存"), timeout=WAIT)
    assert rules.status.text() == "已保存 2 项设置。"
    with ws.read(admin) as uow:
        stored = get_settings(uow)
    assert stored["day_unit"] == "working" and stored["backlog_months"] == 6
    rules.save_button.click()
    assert rules.status.text() == "没有需要保存的改动。"


def test_bad_document_prefix_is_refused_in_place(page, qtbot):
    rules = page.rules
    rules.prefix.setText("某镇〔信")
    rules.save_button.click()
    qtbot.waitUntil(lambda: "文号机关代字" in rules.status.text(), timeout=WAIT)
    assert "括号" in rules.status.text()
    rules.prefix.setText("某镇信访")
    assert rules.prefix_example.text().startswith("受理告知书文号示例：某镇信访受〔")


def test_office_names_can_be_corrected(page, qtbot, ws, admin, main_window):
    office = page.office
    assert office.division_code.text() == "330106101000"
    office.name.setText("某某县新某镇人民政府")
    office.save_button.click()
    qtbot.waitUntil(lambda: office.status.text() == "已保存单位信息。", timeout=WAIT)
    with ws.read(admin) as uow:
        assert office_info(uow).name == "某某县新某镇人民政府"
    assert main_window.ctx.office.name == "某某县新某镇人民政府"
    assert "某某县新某镇人民政府" in main_window._status.text()


def test_non_admin_sees_everything_read_only(receptionist_page):
    page = receptionist_page
    assert page.office.name.isReadOnly() and page.office.save_button.isHidden()
    assert not page.rules.day_unit.isEnabled() and page.rules.save_button.isHidden()
    assert "只有管理员" in page.rules.status.text()
    assert page.users.new_button.isHidden() and page.users.reset_button.isHidden()
    assert not page.users.own_button.isHidden()  # everybody changes their own password
    assert page.users.model.rowCount() >= 5
    assert page.lists.villages.name.isHidden() and page.lists.villages.add_button.isHidden()
    assert page.display.text_size.isEnabled()


def test_create_user_reset_password_and_deactivate(page, qtbot, ws):
    users = page.users
    dialog = users.ask_new_user()
    dialog.fields["login"].setText("zhangsan")
    dialog.fields["name"].setText("张三")
    role = dialog.fields["role"]
    assert isinstance(role, QComboBox)
    role.setCurrentIndex(role.findData(Role.HANDLER))
    qtbot.keyClicks(dialog.fields["password"], PASSWORD)
    qtbot.keyClicks(dialog.fields["again"], "abc")
    dialog.ok_button.click()
    assert dialog.message.text() == "密码：两次输入不一致" and dialog.isVisible()
    dialog.fields["again"].setText(PASSWORD)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: users.selected_user() is not None and users.selected_user().login == "zhangsan",
                    timeout=WAIT)
    assert not dialog.isVisible() and users.status.text() == "已新建用户 zhangsan。"
    assert authenticate(ws, "zhangsan", PASSWORD).display_name == "张三"

    dialog = users.ask_reset_password()
    assert dialog is not None and "张三（zhangsan）" in dialog.windowTitle()
    dialog.fields["password"].setText("short1")
    dialog.fields["again"].setText("short1")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: "至少 8 位" in dialog.message.text(), timeout=WAIT)
    dialog.fields["password"].setText(NEW_PASSWORD)
    dialog.fields["again"].setText(NEW_PASSWORD)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: "已重置" in users.status.text(), timeout=WAIT)
    assert authenticate(ws, "zhangsan", NEW_PASSWORD).login == "zhangsan"

    qtbot.waitUntil(lambda: users.selected_user() is not None, timeout=WAIT)
    assert users.toggle_button.text() == "停用"
    users.toggle_button.click()
    qtbot.waitUntil(lambda: users.status.text() == "已停用用户 zhangsan。", timeout=WAIT)
    qtbot.waitUntil(lambda: users.selected_user() is not None and not users.selected_user().active, timeout=WAIT)
    assert users.toggle_button.text() == "启用"
    with pytest.raises(PermissionDenied):
        authenticate(ws, "zhangsan", NEW_PASSWORD)


def test_own_account_cannot_be_deactivated_from_the_list(page):
    users = page.users
    users.select("admin")
    assert users.selected_user().login == "admin"
    assert not users.toggle_button.isEnabled()


def test_change_own_password(page, qtbot, ws):
    dialog = page.users.ask_own_password()
    dialog.fields["old"].setText("wrong123")
    dialog.fields["password"].setText(NEW_PASSWORD)
    dialog.fields["again"].setText(NEW_PASSWORD)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.message.text() == "原密码：不正确", timeout=WAIT)
    dialog.fields["old"].setText(PASSWORD)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: page.users.status.text() == "已修改您的密码。", timeout=WAIT)
    assert authenticate(ws, "admin", NEW_PASSWORD).login == "admin"


def test_add_rename_and_deactivate_a_village(page, qtbot):
    villages = page.lists.villages
    villages.name.setText("向阳村")
    villages.add_button.click()
    qtbot.waitUntil(lambda: villages.current() is not None and villages.current().name == "向阳村", timeout=WAIT)
    villages.name.setText("向阳社区")
    villages.rename_button.click()
    qtbot.waitUntil(lambda: villages.current() is not None and villages.current().name == "向阳社区",
                    timeout=WAIT)
    villages.toggle_button.click()
    qtbot.waitUntil(lambda: villages.current() is not None and not villages.current().active, timeout=WAIT)
    assert villages.list.currentItem().text() == "向阳社区（已停用）"
    villages.name.setText("东风村")
    villages.add_button.click()
    qtbot.waitUntil(lambda: "已存在" in villages.status.text(), timeout=WAIT)


def test_larger_text_applies_at_once_and_stays_with_the_machine(page, qapp, ws):
    try:
        page.display.text_size.setCurrentIndex(page.display.text_size.findData(14))
        assert qapp.font().pointSize() == 14
        assert MachineSettings.load(ws.data_dir).text_size == 14
    finally:
        apply_theme(qapp)


def test_the_attachment_size_limit_is_an_office_setting(page, qtbot, ws, admin):
    rules = page.rules
    assert rules.attachment_mb.value() == 50
    rules.attachment_mb.setValue(20)
    rules.save_button.click()
    qtbot.waitUntil(lambda: rules.status.text().startswith("已保存"), timeout=WAIT)
    with ws.read(admin) as uow:
        assert get_settings(uow)["attachment_max_mb"] == 20


def test_an_office_rewords_a_notice_and_restores_the_shipped_wording(page, qtbot, ws, admin):
    from app.domain.enums import DocumentKind
    from app.services.notice_templates import get_notice_template

    wording = page.wording
    qtbot.waitUntil(lambda: wording.loaded, timeout=WAIT)
    wording.kind.setCurrentIndex(wording.kind.findData(DocumentKind.ACCEPTANCE))
    qtbot.waitUntil(lambda: wording.template is not None and wording.template.kind is DocumentKind.ACCEPTANCE,
                    timeout=WAIT)
    body = wording.edits["body"]
    body.setPlainText(body.toPlainText().replace("特此告知。", "特此告知，请予配合。"))
    wording.save()
    qtbot.waitUntil(lambda: wording.status.text().startswith("已保存"), timeout=WAIT)
    with ws.read(admin) as uow:
        stored = get_notice_template(uow, DocumentKind.ACCEPTANCE)
    assert list(stored.override) == ["body"] and "特此告知，请予配合。" in stored.effective["body"]

    body = wording.edits["body"]  # the saved wording was shown afresh
    body.setPlainText(body.toPlainText() + "{no_such_placeholder}")
    wording.save()
    qtbot.waitUntil(lambda: "占位符" in wording.status.text(), timeout=WAIT)  # refused, named in place

    wording.reset()
    qtbot.waitUntil(lambda: wording.status.text().startswith("已恢复默认"), timeout=WAIT)
    with ws.read(admin) as uow:
        assert get_notice_template(uow, DocumentKind.ACCEPTANCE).override == {}
    assert "请予配合" not in wording.edits["body"].toPlainText()


def test_assignment_report_days_is_an_office_rule(page, qtbot, ws, admin):
    rules = page.rules
    assert rules.report_days.value() == 60 and rules.report_days.maximum() == 90
    rules.report_days.setValue(30)
    rules.save_button.click()
    qtbot.waitUntil(lambda: rules.status.text().startswith("已保存"), timeout=WAIT)
    with ws.read(admin) as uow:
        assert get_settings(uow)["assignment_report_days"] == 30
