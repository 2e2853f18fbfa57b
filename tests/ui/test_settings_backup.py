"""系统设置 › 备份与恢复 through the real widgets, plus the automatic backups of the GUI."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.domain.enums import Role
from app.machine_settings import MachineSettings
from app.paths import DATABASE_FILE
from app.services import attachments as att
from app.services.backup import Reason, backups_dir, list_backups
from app.services.persons import PersonInput, create_person
from tests.app.test_attachments import png_bytes
from tests.ui.test_settings import settings_page
from ui.app import open_main_window
from ui.auto_backup import backup_on_exit, start_daily_backup
from ui.theme import apply_theme

WAIT = 20_000


@pytest.fixture
def tab(main_window, qtbot):
    page = settings_page(main_window, qtbot)
    page.show_tab(page.backup)
    return page.backup


def _names(data_dir: Path) -> list[str]:
    connection = sqlite3.connect(data_dir / DATABASE_FILE)
    try:
        return sorted(row[0] for row in connection.execute("SELECT name FROM person"))
    finally:
        connection.close()


def _back_up(tab, qtbot) -> None:
    tab.backup_button.click()
    qtbot.waitUntil(lambda: not tab.busy and tab.status.text().startswith("已备份到"), timeout=WAIT)
    qtbot.waitUntil(lambda: tab.loaded and tab.model.rowCount() > 0, timeout=WAIT)


def test_back_up_now_lists_the_backup_and_copies_it_to_the_mirror(tab, qtbot, ws, tmp_path):
    assert tab.model.rowCount() == 0 and tab.backup_button.isEnabled()
    stick = tmp_path / "U盘"
    tab.set_mirror(stick)
    assert tab.mirror.text() == str(stick)
    assert MachineSettings.load(ws.data_dir).backup_mirror_dir == str(stick)
    _back_up(tab, qtbot)
    [made] = list_backups(backups_dir(ws.data_dir))
    assert made.reason is Reason.MANUAL
    assert tab.model.record(0).cells[0] == f"{made.created_at:%Y-%m-%d %H:%M:%S}"
    assert tab.model.record(0).cells[1:3] == ("每月", "手动")
    assert f"已复制到镜像文件夹 {stick / made.path.name}" in tab.status.text()
    assert [b.path.name for b in list_backups(stick)] == [made.path.name]

    tab.set_mirror(ws.data_dir / "inside")
    assert "不能放在数据文件夹里" in tab.status.text() and tab.mirror.text() == str(stick)
    tab.clear_button.click()
    assert tab.mirror.text() == "" and MachineSettings.load(ws.data_dir).backup_mirror_dir == ""


def test_restore_asks_first_keeps_the_current_data_and_closes_the_window(tab, qtbot, ws, admin, main_window):
    with ws.write(admin) as uow:
        create_person(uow, PersonInput(name="张三"))
    _back_up(tab, qtbot)
    with ws.write(admin) as uow:
        create_person(uow, PersonInput(name="王五"))
    tab.table.selectRow(0)
    tab.restore_button.click()
    box = tab.confirmation
    assert box is not None and box.isVisible()
    assert "恢复前会先把当前数据另存为一个备份" in box.text() and "程序将关闭" in box.text()
    box.buttons()[-1].click()  # 取消: nothing happens
    assert tab.notice is None and _names(ws.data_dir) == ["张三", "王五"]

    tab.restore_button.click()
    next(b for b in tab.confirmation.buttons() if b.text() == "恢复").click()
    qtbot.waitUntil(lambda: tab.notice is not None, timeout=WAIT)
    assert "恢复前的数据已另存到" in tab.status.text()
    assert _names(ws.data_dir) == ["张三"]
    safety = [b for b in list_backups(backups_dir(ws.data_dir)) if b.reason is Reason.RESTORE]
    assert len(safety) == 1 and _names(safety[0].path) == ["张三", "王五"]
    tab.notice.button(QMessageBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not main_window.isVisible(), timeout=WAIT)


def test_a_damaged_backup_is_refused_in_place(tab, qtbot, ws):
    _back_up(tab, qtbot)
    backup = list_backups(backups_dir(ws.data_dir))[0].path
    (backup / DATABASE_FILE).write_bytes(b"broken")
    tab.table.selectRow(0)
    tab.confirm_restore(backup, "坏的备份")
    next(b for b in tab.confirmation.buttons() if b.text() == "恢复").click()
    qtbot.waitUntil(lambda: not tab.busy, timeout=WAIT)
    assert tab.status.text() == f"恢复：备份数据库文件 {backup / DATABASE_FILE} 大小与清单不符（文件不完整）"
    assert tab.status.property("urgency") == "overdue" and tab.notice is None


def test_cancelling_a_backup_leaves_nothing_behind(tab, qtbot, ws, admin):
    with ws.write(admin) as uow:
        person = create_person(uow, PersonInput(name="张三"))
        for n in range(40):
            att.store_bytes(uow, ws.attachments_dir, png_bytes(width=n + 1), f"{n}.png", "person", person)
    tab.backup_button.click()
    assert tab.cancel_button.isVisible() and tab.progress.isVisible()
    tab.cancel_button.click()
    qtbot.waitUntil(lambda: not tab.busy, timeout=WAIT)
    assert tab.status.text() == "备份已取消，没有留下不完整的备份"
    assert list(backups_dir(ws.data_dir).iterdir()) == []


def test_other_roles_see_the_list_but_cannot_back_up_or_restore(qtbot, qapp, ws, actors):
    apply_theme(qapp)
    window = open_main_window(ws, actors[Role.LEADER])
    qtbot.addWidget(window)
    window.show()
    page = settings_page(window, qtbot)
    tab = page.backup
    assert not tab.backup_button.isEnabled() and not tab.restore_button.isEnabled()
    assert not tab.choose_button.isEnabled()
    assert tab.status.text() == "只有管理员可以备份、恢复和设置镜像文件夹。"
    window.ctx.runner.wait()


def test_daily_backup_runs_once_a_day_in_the_background_and_exit_backs_up(main_window, qtbot, ws):
    runner = main_window.ctx.runner
    start_daily_backup(main_window, runner, ws)
    qtbot.waitUntil(lambda: main_window.statusBar().currentMessage().startswith("已自动备份"), timeout=WAIT)
    start_daily_backup(main_window, runner, ws)  # the second start of the day makes none
    runner.wait()
    assert [b.reason for b in list_backups(backups_dir(ws.data_dir))] == [Reason.DAILY]
    main_window.update_status()
    assert "上次备份：11-23 10:00" in main_window._status.text()
    assert backup_on_exit(ws, runner.actor) is None
    # The rotation keeps one backup per day: the newer exit backup stands for today.
    assert [b.reason for b in list_backups(backups_dir(ws.data_dir))] == [Reason.EXIT]
    # Both are on the audit trail as the administrator who was logged in.
    connection = sqlite3.connect(ws.data_dir / DATABASE_FILE)
    try:
        events = connection.execute("SELECT user_login, json_extract(after, '$.reason') FROM audit_event "
                                    "WHERE action = 'backup' ORDER BY seq").fetchall()
    finally:
        connection.close()
    assert events == [("admin", "daily"), ("admin", "exit")]
