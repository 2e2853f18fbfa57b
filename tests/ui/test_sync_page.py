"""数据同步 page on real data folders: a township enrols, exports to a folder (and cancels one export);
the county sees its townships, refuses a package that skips a number, then imports both in order."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from sqlalchemy import select

from app.domain.enums import OfficeLevel, Role
from app.services.workspace import Workspace, actor_for
from app.sync.enrolment import admit_township_file, write_county_card
from app.sync.exporting import export_packages
from app.sync.import_queue import import_packages
from db.models import UserAccount
from tests.conftest import Clock
from tests.sync.conftest import COUNTY_CODE, enrol, make_office
from ui.app import open_main_window
from ui.theme import apply_theme
from ui.widgets.drives import removable_drives


@pytest.fixture
def county_ws(tmp_path: Path):
    workspace = make_office(tmp_path / "county", "某某县信访局", COUNTY_CODE, OfficeLevel.COUNTY)
    yield workspace
    workspace.close()


def sync_page(main_window, qtbot):
    main_window.show_page("sync")
    page = main_window.page("sync")
    qtbot.waitUntil(lambda: page.overview is not None, timeout=10_000)
    return page


def message_after(page, qtbot, action) -> str:
    page.last_message = ""
    action()
    qtbot.waitUntil(lambda: page.last_message != "" and not page.last_message.startswith("正在"), timeout=30_000)
    return page.last_message


def preview_rows(page) -> list[list[str]]:
    table = page.importer.preview
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_township_enrols_and_exports_to_the_chosen_folder(main_window, qtbot, ws, county_ws, tmp_path):
    page = sync_page(main_window, qtbot)
    assert "上次同步：尚无" in main_window._status.text()
    assert "某某镇" in page.identity.text()
    assert "尚未登记县信访局" in page.enrolment_hint.text()
    assert page.join_button.isVisible() and not page.admit_button.isVisible()
    assert not page.export_button.isEnabled()

    card = tmp_path / "county.json"
    with county_ws.write(county_ws.system_actor()) as uow:
        county_card = write_county_card(uow, card)
    said = message_after(page, qtbot, lambda: page.join_from(card, tmp_path / "township.json"))
    assert county_card.fingerprint in said
    qtbot.waitUntil(lambda: page.partners.rowCount() == 1 and page.export_button.isEnabled(), timeout=10_000)
    assert page.partners.item(0, 0).text() == "某某县信访局"
    assert county_card.fingerprint in page.enrolment_hint.text()
    qtbot.waitUntil(lambda: "信访人" in page.pending_label.text() or "单位" in page.pending_label.text(),
                    timeout=10_000)
    with county_ws.write(county_ws.system_actor()) as uow:
        admit_township_file(uow, tmp_path / "township.json")

    stick = tmp_path / "stick"
    stick.mkdir()
    page.set_target(stick)
    said = message_after(page, qtbot, lambda: qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton))
    (written,) = list(stick.iterdir())
    assert written.name.startswith("330106101000-000001-") and written.name in said and "已读回校验" in said
    qtbot.waitUntil(lambda: page.partners.item(0, 5).text() == "1 / 0", timeout=10_000)
    assert page.partners.item(0, 4).text().startswith("2026-")  # when it was exported
    assert not page.progress.isVisible()
    assert "上次同步：尚无" not in main_window._status.text()  # the status bar names the export's time

    # The county can read what the page wrote.
    (report,) = import_packages(county_ws, county_ws.system_actor(), [written])
    assert report.status == "imported" and report.total("new") > 0


def test_a_cancelled_export_writes_nothing(main_window, qtbot, ws, county_ws, tmp_path):
    enrol(county_ws, ws)
    page = sync_page(main_window, qtbot)
    qtbot.waitUntil(page.export_button.isEnabled, timeout=10_000)
    stick = tmp_path / "stick"
    stick.mkdir()
    page.set_target(stick)
    said = message_after(page, qtbot, lambda: (page.start_export(), page.cancel()))
    assert "已取消" in said
    assert list(stick.iterdir()) == []
    page.refresh()
    qtbot.waitUntil(lambda: page.partners.rowCount() == 1, timeout=10_000)
    assert page.partners.item(0, 5).text() == "0 / 0"  # nothing recorded as sent
    assert page.export_button.isEnabled() and not page.cancel_button.isVisible()


@pytest.fixture
def township_in(template_dir, tmp_path):
    """A township data folder beside the county's (the main window shows the county)."""
    workspace = Workspace.open(shutil.copytree(template_dir, tmp_path / "township"), clock=Clock())
    yield workspace
    workspace.close()


@pytest.fixture
def county_window(qtbot, qapp, county_ws, monkeypatch):
    apply_theme(qapp)
    monkeypatch.setattr("ui.app.show_domain_error", lambda _parent, error: None)
    with county_ws.database.read() as session:
        admin = actor_for(session.scalars(select(UserAccount).where(UserAccount.login == "admin")).one())
    window = open_main_window(county_ws, admin)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.ctx.runner.wait()


def test_county_sees_its_townships_and_imports_in_order(county_window, qtbot, county_ws, township_in, tmp_path):
    enrol(county_ws, township_in)
    first = export_packages(township_in, township_in.system_actor(), tmp_path)[0].path
    second = export_packages(township_in, township_in.system_actor(), tmp_path)[0].path
    page = sync_page(county_window, qtbot)
    assert page.admit_button.isVisible() and page.card_button.isVisible() and not page.join_button.isVisible()
    assert page.partners.item(0, 1).text() == "330106101000"

    # The second package alone: the preview names the gap; importing without forcing is refused.
    said = message_after(page, qtbot, lambda: page.importer.import_files([second]))
    assert "请核对上表" in said and "有缺号" in said
    assert preview_rows(page)[0][7] == "缺第 1 号" and page.importer.force_gap.isVisible()
    refused = message_after(page, qtbot, lambda: qtbot.mouseClick(page.importer.confirm_button, Qt.MouseButton.LeftButton))
    assert "第 1 号尚未导入" in refused
    assert page.partners.item(0, 6).text() == "0"

    # Both, in order: the dry run counts the rows (nothing kept), then the import keeps them.
    message_after(page, qtbot, lambda: page.importer.import_files([first, second]))
    rows = preview_rows(page)
    assert [r[1] for r in rows] == ["1", "2"] and [r[7] for r in rows] == ["可导入", "可导入"]
    assert rows[0][0] == "某某县某某镇人民政府" and int(rows[0][2]) > 0  # new rows of the first package
    assert not page.importer.force_gap.isVisible()
    assert page.partners.item(0, 6).text() == "0"  # the preview kept nothing
    said = message_after(page, qtbot, lambda: qtbot.mouseClick(page.importer.confirm_button, Qt.MouseButton.LeftButton))
    assert f"{first.name}：已导入" in said and f"{second.name}：已导入" in said
    qtbot.waitUntil(lambda: page.partners.item(0, 6).text() == "2", timeout=10_000)
    assert page.partners.item(0, 8).text() == "无" and page.partners.item(0, 9).text() == "0"
    message_after(page, qtbot, lambda: page.importer.import_files([first]))
    assert preview_rows(page)[0][7] == "此前已导入"
    again = message_after(page, qtbot, page.importer.confirm_import)
    assert "此前已导入过" in again


def test_the_preview_says_when_a_newer_package_was_imported_first(county_window, qtbot, county_ws, township_in,
                                                                    tmp_path):
    enrol(county_ws, township_in)
    first = export_packages(township_in, township_in.system_actor(), tmp_path)[0].path
    second = export_packages(township_in, township_in.system_actor(), tmp_path)[0].path
    import_packages(county_ws, county_ws.system_actor(), [second], force_gap=True)
    page = sync_page(county_window, qtbot)

    said = message_after(page, qtbot, lambda: page.importer.import_files([first]))
    [row] = preview_rows(page)
    assert row[1] == "1" and row[7].startswith("较新的第 2 号同步包已导入") and "只记为已收到" in row[7]
    assert row[2:7] == ["0"] * 5 and not page.importer.force_gap.isVisible() and "有缺号" not in said
    done = message_after(page, qtbot, lambda: qtbot.mouseClick(page.importer.confirm_button, Qt.MouseButton.LeftButton))
    assert f"{first.name}：已记为已收到（较新的同步包已先导入）" in done
    qtbot.waitUntil(lambda: page.partners.item(0, 6).text() == "2", timeout=10_000)


def test_county_can_deactivate_a_township(county_window, qtbot, county_ws, township_in):
    enrol(county_ws, township_in)
    page = sync_page(county_window, qtbot)
    qtbot.waitUntil(lambda: page.partners.rowCount() == 1, timeout=10_000)
    partner = page.overview.partners[0]
    said = message_after(page, qtbot, lambda: page.deactivate(partner.id, partner.name))
    assert "已停用" in said
    qtbot.waitUntil(lambda: page.partners.item(0, 0).text().endswith("（已停用）"), timeout=10_000)
    assert page.partners.item(0, 5).text() == "—"  # no exchange with a deactivated office
    assert not page.export_button.isEnabled()  # no active township left to write to


def test_a_receptionist_sees_the_page_but_cannot_exchange(qtbot, qapp, ws, actors, county_ws):
    enrol(county_ws, ws)
    apply_theme(qapp)
    window = open_main_window(ws, actors[Role.RECEPTIONIST])
    qtbot.addWidget(window)
    window.show()
    page = sync_page(window, qtbot)
    assert page.partners.rowCount() == 1
    for button in (page.export_button, page.importer.choose_button, page.join_button, page.deactivate_button):
        assert not button.isEnabled()
    window.ctx.runner.wait()


def test_the_system_disk_is_never_offered_as_a_usb_drive(qapp):
    roots = {str(drive.root) for drive in removable_drives()}
    assert "/" not in roots and str(Path.home()) not in roots
    assert all(drive.free_bytes >= 0 and drive.text for drive in removable_drives())
