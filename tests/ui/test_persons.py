"""一人一档 driven through the real widgets: list and search, the archive, editing, attachments, merging."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from app.domain.enums import Channel, MatterType, Role
from app.services.attachments import blob_path
from app.services.contacts import NewContact, register_contact
from app.services.matter_steps import Accept
from app.services.matters import perform
from app.services.persons import PersonInput, create_person
from tests.app.test_attachments import png_bytes
from tests.support.ids import valid_id
from tests.support.matters import village_id
from ui.app import open_main_window

ZHANG_ID = valid_id("11010519491231002")
LI_ID = valid_id("33010619800101003")


@pytest.fixture
def people(ws, admin):
    """张三 twice (a visit without ID number, a later call with one), 李四 with an accepted matter, 王五."""
    dongfeng, hongqi = village_id(ws, "东风村"), village_id(ws, "红旗村")
    with ws.write(admin) as uow:
        zhang = create_person(uow, PersonInput(name="张三", phones=("13800138000",), village_id=dongfeng,
                                               tags=("重点人员",), follow_up_officer="刘干部"))
        zhang2 = create_person(uow, PersonInput(name="张三", id_number=ZHANG_ID, phones=("13900139000",)))
        li = create_person(uow, PersonInput(name="李四", id_number=LI_ID, village_id=hongqi))
        wang = create_person(uow, PersonInput(name="王五", village_id=dongfeng, tags=("困难群众",)))
        first = register_contact(uow, NewContact(
            channel=Channel.VISIT, contact_at=datetime(2026, 11, 2, 9, 0), content="征地补偿款没有到位",
            persons=(zhang,), subject_code="0101", matter_type=MatterType.CLAIM, title="征地补偿"))
        register_contact(uow, NewContact(
            channel=Channel.PHONE, contact_at=datetime(2026, 11, 9, 15, 30), content="再次询问征地补偿",
            persons=(zhang2,), subject_code="0101", matter_type=MatterType.CLAIM, matter_id=first.matter_id))
        claim = register_contact(uow, NewContact(
            channel=Channel.LETTER, contact_at=datetime(2026, 11, 10, 8, 0), content="工资被拖欠三个月",
            persons=(li,), subject_code="0201", matter_type=MatterType.CLAIM, title="拖欠工资"))
        perform(uow, claim.matter_id, Accept(on=date(2026, 11, 11)))
    return {"zhang": zhang, "zhang2": zhang2, "li": li, "wang": wang, "dongfeng": dongfeng,
            "land": first.matter_id, "wages": claim.matter_id}


def activate(window, qtbot):
    """Shortcuts (Esc, Ctrl+O) need an active window; offscreen, none is active again after a dialog."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)


@pytest.fixture
def page(main_window, qtbot, people):
    activate(main_window, qtbot)
    main_window.show_page("persons")
    page = main_window.page("persons")
    qtbot.waitUntil(lambda: page.list.model.rowCount() == 4 and not page.list.loading, timeout=10_000)
    return page


def open_archive(page, qtbot, person_id):
    page.open_item(person_id)
    view = page.archive
    qtbot.waitUntil(lambda: view.archive is not None and view.archive.requested_id == person_id, timeout=5000)
    return view


def test_the_list_searches_filters_and_sorts_in_sql(page, qtbot, people, qtmodeltester):
    lst = page.list
    assert lst.ids() == [people["li"], people["wang"], people["zhang"], people["zhang2"]] or \
        lst.ids() == [people["li"], people["wang"], people["zhang2"], people["zhang"]]  # pinyin; 张三 twice
    row = lst.ids().index(people["li"])
    cells = [lst.model.index(row, c).data() for c in range(lst.model.columnCount())]
    assert cells[:4] == ["李四", "男", "46", LI_ID] and cells[5] == "红旗村" and cells[6] == "1"
    assert lst.count.text().startswith("共 4 人")
    qtmodeltester.check(lst.model)

    lst.search.setFocus()
    qtbot.keyClicks(lst.search, "zs")  # pinyin initials (ASCII: keyClicks is safe)
    qtbot.waitUntil(lambda: set(lst.ids()) == {people["zhang"], people["zhang2"]}, timeout=5000)
    lst.search.setText("李四")  # Chinese goes in with setText: keyClicks aborts on it
    qtbot.waitUntil(lambda: lst.ids() == [people["li"]], timeout=5000)
    lst.search.setText("1390013")  # phone prefix
    qtbot.waitUntil(lambda: lst.ids() == [people["zhang2"]], timeout=5000)
    lst.search.setText(ZHANG_ID[:10])  # ID number prefix
    qtbot.waitUntil(lambda: lst.ids() == [people["zhang2"]], timeout=5000)
    assert lst.count.text().startswith("找到 1 人")

    lst.search.clear()
    qtbot.waitUntil(lambda: len(lst.ids()) == 4, timeout=5000)
    lst.village.setCurrentIndex(lst.village.findText("东风村"))
    qtbot.waitUntil(lambda: set(lst.ids()) == {people["zhang"], people["wang"]}, timeout=5000)
    lst.tag.setCurrentIndex(lst.tag.findText("困难群众"))
    qtbot.waitUntil(lambda: lst.ids() == [people["wang"]], timeout=5000)
    lst.village.setCurrentIndex(0)
    lst.tag.setCurrentIndex(0)
    lst.sort.setCurrentIndex(lst.sort.findText("最近来访在前"))
    qtbot.waitUntil(lambda: lst.ids()[:3] == [people["li"], people["zhang2"], people["zhang"]], timeout=5000)
    # Filters changed while a query runs wait for it; only the last one's answer is shown.
    for text in ("zs", "w", "李四"):
        lst.search.setText(text)
        lst.reload()
    qtbot.waitUntil(lambda: not lst.loading, timeout=5000)
    assert lst.ids() == [people["li"]] and lst.count.text().startswith("找到 1 人")


def test_enter_in_the_search_box_opens_the_archive(page, qtbot, people, main_window):
    lst = page.list
    lst.search.setFocus()
    qtbot.keyClicks(lst.search, "ls")
    qtbot.keyClick(lst.search, Qt.Key.Key_Return)  # before the debounce ran: opens when the search answers
    view = page.archive
    qtbot.waitUntil(lambda: view.archive is not None and view.archive.person.id == people["li"], timeout=5000)
    assert page.stack.currentWidget() is view
    assert view.heading.text() == "李四　男 · 46 岁"
    assert view.card.value("id_number") == LI_ID and view.card.value("village") == "红旗村"
    assert "来访 1 次 · 事项 1 件（在办 1 件）" in view.counts.text()
    # The open matter with its next deadline, and the newest-first timeline.
    matters = view.open_matters.model_
    assert matters.rowCount() == 1 and matters.index(0, 2).data() == "已受理"
    assert matters.index(0, 3).data().endswith("2027-01-11") and matters.index(0, 4).data() == "剩 49 天"
    timeline = view.timeline.model_
    kinds = [timeline.index(r, 1).data() for r in range(timeline.rowCount())]
    assert kinds[0] == "文书" and set(kinds) == {"来访", "事项", "文书"}
    # Enter on the open matter goes to its dossier; back to the archive and Esc to the list.
    view.open_matters.setFocus()
    view.open_matters.setCurrentIndex(matters.index(0, 0))
    qtbot.keyClick(view.open_matters, Qt.Key.Key_Return)
    matters_page = main_window.page("matters")
    assert main_window.stack.currentWidget() is matters_page
    qtbot.waitUntil(lambda: matters_page.dossier.dossier is not None
                    and matters_page.dossier.dossier.id == people["wages"], timeout=5000)
    main_window.open_person(people["li"])
    assert page.stack.currentWidget() is view
    qtbot.keyClick(view.timeline, Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is lst and lst.current_id() == people["li"]


def test_completing_a_missing_id_number(page, qtbot, people, ws, admin):
    view = open_archive(page, qtbot, people["zhang"])
    assert view.card.value("id_number").startswith("未登记")
    dialog = view.edit()
    assert dialog.village.currentText() == "东风村" and dialog.officer.text() == "刘干部"
    dialog.id_number.setText(LI_ID)  # 李四's number: refused by the service, shown in the dialog
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=5000)
    assert "身份证号" in dialog.error.text() and dialog.isVisible()
    new_id = valid_id("11010519700315005")
    dialog.id_number.setText(new_id)
    assert "出生日期 1970-03-15" in dialog.id_hint.text() and not dialog.gender.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.card.value("id_number") == new_id, timeout=5000)
    assert not dialog.isVisible()
    assert view.card.value("birth_date") == "1970-03-15" and view.card.value("village") == "东风村"
    assert view.card.value("tags") == "重点人员" and view.heading.text() == "张三　男 · 56 岁"
    activate(page.window(), qtbot)
    qtbot.keyClick(view.timeline, Qt.Key.Key_Escape)  # the list behind reloads when shown again
    lst = page.list
    qtbot.waitUntil(lambda: not lst.loading and lst.current_id() == people["zhang"], timeout=5000)
    assert lst.model.index(lst.model.row_of(people["zhang"]), 3).data() == new_id


def _drop(widget, paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPoint(widget.width() // 2, widget.height() // 2)
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(pos.toPointF(), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QDropEvent(pos.toPointF(), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    assert drop.isAccepted()


def test_attach_a_photo_by_drop_and_a_pdf_by_file_dialog(page, qtbot, people, ws, tmp_path, monkeypatch):
    view = open_archive(page, qtbot, people["wang"])
    area = view.attachments
    assert area.hint.isVisible() and area.list.count() == 0
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(png_bytes(120, 90))
    _drop(area, [photo])
    qtbot.waitUntil(lambda: area.list.count() == 1 and area.thumbnail_count() == 1, timeout=5000)
    info = view.archive.attachments[0]
    assert info.name == "现场照片.png" and info.mime == "image/png"
    assert blob_path(ws.attachments_dir, info.sha256).read_bytes() == photo.read_bytes()  # stored by hash
    assert area.list.item(0).text().startswith("现场照片.png")
    assert view.timeline.model_.index(0, 1).data() == "附件"

    scan = tmp_path / "信访件扫描.pdf"
    scan.write_bytes(b"%PDF-1.4\n%test\n" + b"0" * 3000)
    bad = tmp_path / "setup.exe"
    bad.write_bytes(b"MZ" + b"0" * 100)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(scan), str(bad)], ""))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text, *a: warnings.append(text))
    qtbot.keyClick(view.timeline, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: area.list.count() == 2 and area.thumbnail_count() == 1, timeout=5000)
    assert len(warnings) == 1 and "setup.exe" in warnings[0]  # refused; the PDF went in all the same
    pdf = area.list.item(0)
    assert pdf.text() == "信访件扫描.pdf\n3 KB"  # PDFs: an icon with name and size (Essentials has no QtPdf)
    assert area.list.item(1).icon().pixmap(88, 88).height() == 66  # the photo: a 120×90 picture scaled

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    area.list.itemActivated.emit(pdf)
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=5000)
    assert opened[0].endswith("信访件扫描.pdf") and open(opened[0], "rb").read() == scan.read_bytes()


def test_merge_side_by_side_and_undo_from_the_archive(page, qtbot, people, monkeypatch):
    view = open_archive(page, qtbot, people["zhang"])
    dialog = view.start_merge()
    dialog.search.setText("张三")
    qtbot.waitUntil(lambda: dialog.results.count() == 1, timeout=5000)  # the other 张三, not this one
    dialog.results.setCurrentRow(0)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=5000)
    assert "保留此档案" in dialog.left.text() and "13800138000" in dialog.left.text()
    assert ZHANG_ID in dialog.right.text() and "来访 1 次" in dialog.right.text()
    assert dialog.moving.text().startswith("将移入保留档案：来访 1 次、事项 0 件")  # the matter is shared
    assert not dialog.confirm.isEnabled()  # a reason is required
    dialog.reason.setText("同一人，第一次来访时未登记身份证号")
    assert dialog.confirm.isEnabled()
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.merges.isVisible() and view.card.value("id_number") == ZHANG_ID, timeout=5000)
    assert not dialog.isVisible()
    assert "来访 2 次" in view.counts.text() and view.card.value("phones") == "13800138000、13900139000"


    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    (button,) = view.merges.buttons.values()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.merges.isVisible(), timeout=5000)
    assert view.card.value("id_number").startswith("未登记") and "来访 1 次" in view.counts.text()
    activate(page.window(), qtbot)
    qtbot.keyClick(view.timeline, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: len(page.list.ids()) == 4, timeout=5000)


def test_merging_two_rows_selected_in_the_list(page, qtbot, people):
    lst = page.list
    lst.search.setText("张三")
    qtbot.waitUntil(lambda: len(lst.ids()) == 2, timeout=5000)
    lst.table.selectAll()
    assert lst.merge.isEnabled()
    qtbot.mouseClick(lst.merge, Qt.MouseButton.LeftButton)
    dialog = page.merge_dialog
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=5000)
    if dialog.preview.survivor.person.id_number is None:
        dialog.swap.click()  # keep the archive that has the ID number
    qtbot.waitUntil(lambda: dialog.preview is not None and dialog.preview.survivor.person.id_number == ZHANG_ID,
                    timeout=5000)
    dialog.reason.setText("重复建档")
    dialog.confirm.click()
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.archive and page.archive.archive is not None
                    and len(page.archive.archive.merges) == 1, timeout=5000)


def test_the_archive_tables_pass_the_model_tester(page, qtbot, people, qtmodeltester):
    view = open_archive(page, qtbot, people["li"])
    qtmodeltester.check(view.timeline.model_)
    qtmodeltester.check(view.open_matters.model_)


def test_a_county_reader_sees_the_archive_but_cannot_change_it(ws, actors, people, qtbot, tmp_path):
    window = open_main_window(ws, actors[Role.COUNTY_READER])
    qtbot.addWidget(window)
    window.show()
    page = window.page("persons")
    window.open_person(people["zhang"])
    view = page.archive
    qtbot.waitUntil(lambda: view.archive is not None, timeout=5000)
    assert not (view.edit_button.isVisible() or view.attach_button.isVisible() or view.merge_button.isVisible())
    assert view.edit() is None and view.start_merge() is None and not page.list.merge.isVisible()
    photo = tmp_path / "照片.png"
    photo.write_bytes(png_bytes())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo))])
    enter = QDragEnterEvent(QPoint(5, 5).toPointF(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view, enter)
    assert not enter.isAccepted()  # the drop is refused before the service would refuse it
    window.ctx.runner.wait()


def test_ctrl_p_writes_the_archive_cover_into_the_data_folder_and_opens_it(page, qtbot, people, ws):
    view = open_archive(page, qtbot, people["zhang"])
    opened: list[Path] = []
    view.opener = opened.append
    assert view.cover_button.isVisible()
    qtbot.keyClick(view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
    assert opened[0].parent == ws.data_dir / "viewing"
    assert opened[0].read_bytes().startswith(b"%PDF-")
