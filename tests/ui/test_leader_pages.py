"""领导包案与接访 and 矛盾纠纷排查 pages on a real workspace: what they show matches the services, the
dialogs write through them, a refusal names the field; the desk pre-selects today's receiving leader."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import select

from app.domain.enums import Resolution, Role
from app.domain.leader_work import ConflictStatus, Risk
from app.services import backlog, case_ownership as co, key_persons as kp, leader_receptions as lr, screening as sc
from app.services.person_archive import load_archive
from app.services.persons import PersonInput, create_person
from db.models import Matter, ScreenedConflict
from tests.support.matters import register

D = date.fromisoformat
TODAY = D("2026-11-23")


@pytest.fixture
def refusals(monkeypatch):
    found: list[Exception] = []
    monkeypatch.setattr("ui.dialogs.oversight_dialogs.show_domain_error", lambda _parent, error: found.append(error))
    return found


def seed(ws, actors, admin, clock):
    leader, clerk = actors[Role.LEADER], actors[Role.RECEPTIONIST]
    matter = register(ws, admin, "反映征地补偿款未到位", on=D("2026-11-02"), name="张三")
    old = register(ws, admin, "县交办积案：土地承包纠纷", on=D("2026-03-02"), name="李四")
    with ws.write(clerk) as uow:
        lr.add_slot(uow, lr.NewSlot(leader.user_id, TODAY, "上午 8:30—11:30", "镇信访接待室", "征地拆迁"))
        lr.add_slot(uow, lr.NewSlot(leader.user_id, D("2026-11-30"), "上午 8:30—11:30", "东风村村委会"))
        lr.publish(uow, TODAY, TODAY)
        person = create_person(uow, PersonInput(name="王五"))
    with ws.write(leader) as uow:
        ownership = co.assign_case(uow, matter, co.NewOwnership(leader.user_id, "经办人李某", "约谈村委会",
                                                                D("2026-12-20")))
        co.add_progress(uow, ownership, TODAY, "补偿款下周拨付")
        backlog.flag_backlog(uow, old, D("2026-04-01"), "县信访局积案清单")
    with ws.write(clerk) as uow:
        kp.list_key_person(uow, person, officer_id=clerk.user_id, reason="多次越级访", follow_up_days=3)
        kp.save_period(uow, name="县人代会", starts_on=D("2026-11-22"), ends_on=D("2026-11-28"))
    return matter, ownership


def leader_page(main_window, qtbot):
    main_window.show_page("leader")
    page = main_window.page("leader")
    qtbot.waitUntil(lambda: page.desk is not None, timeout=10_000)
    return page


def test_leader_page_shows_packages_schedule_backlog_and_banner(main_window, qtbot, ws, actors, admin, clock):
    matter, _ownership = seed(ws, actors, admin, clock)
    page = leader_page(main_window, qtbot)
    cases = page.cases.model
    assert cases.rowCount() == 1
    assert [cases.record(0).cells[i] for i in (3, 5, 6, 8)] == [
        actors[Role.LEADER].display_name, "2026-12-20", "剩 27 天", "补偿款下周拨付"]
    assert [page.slots.model.record(r).cells[5] for r in range(2)] == ["2026-11-23", "未公示"]
    assert page.backlog.model.rowCount() == 1
    assert page.banner.isVisible() and "县人代会" in page.banner.text() and "王五" in page.banner.text()
    assert "在包事项 1 件" in page.summary.text()
    page.cases.table.selectRow(0)
    page.cases.table.activated.emit(page.cases.model.index(0, 0))
    assert main_window.stack.currentWidget() is main_window.page("matters")


def test_settle_dialog_names_the_missing_evaluation_then_settles(main_window, qtbot, ws, actors, admin, clock,
                                                                refusals):
    matter, _ownership = seed(ws, actors, admin, clock)
    page = leader_page(main_window, qtbot)
    page.cases.table.selectRow(0)
    qtbot.mouseClick(page.findChild(QPushButton, "settleCase"), Qt.MouseButton.LeftButton)
    dialog = page.dialog
    outcome = dialog.form.itemAt(1, dialog.form.ItemRole.FieldRole).widget()
    reason = dialog.form.itemAt(3, dialog.form.ItemRole.FieldRole).widget()
    outcome.setPlainText("补偿款已到位，信访人息诉罢访")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(refusals), timeout=10_000)
    assert refusals[0].field == "evaluation" and dialog.isVisible()
    reason.setText("信访人外出务工")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: page.cases.model.rowCount() == 0, timeout=10_000)
    with ws.read(admin) as uow:
        assert uow.session.get(Matter, matter).resolution == Resolution.RESOLVED.value


def test_the_desk_preselects_todays_receiving_leader(main_window, qtbot, ws, actors, admin, clock):
    seed(ws, actors, admin, clock)
    main_window.show_page("desk")
    desk = main_window.page("desk")
    qtbot.waitUntil(lambda: desk.lists is not None, timeout=10_000)
    desk.reset()
    qtbot.waitUntil(lambda: desk.fields.leader_name.currentText() != "", timeout=10_000)
    assert desk.lists.receiving_leader == actors[Role.LEADER].display_name
    assert desk.fields.leader_name.currentText() == actors[Role.LEADER].display_name


def test_screening_page_opens_a_round_registers_and_converts(main_window, qtbot, ws, actors, admin, refusals):
    main_window.show_page("screening")
    page = main_window.page("screening")
    qtbot.waitUntil(lambda: page.view is not None, timeout=10_000)
    assert page.view.current is None and "尚未开启" in page.counts.text()
    qtbot.mouseClick(page.findChild(QPushButton, "openRound"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.view.current is not None, timeout=10_000)
    with ws.write(admin) as uow:
        sc.add_conflict(uow, page.view.current.id, sc.NewConflict(D("2026-11-20"), "张三、李四", "邻里纠纷",
                                                                   Risk.HIGH, "调解主任"))
        sc.add_conflict(uow, page.view.current.id, sc.NewConflict(D("2026-11-21"), "王五、赵六", "用水纠纷",
                                                                   Risk.LOW, "调解主任"))
    page.reload(page.view.current.id)
    qtbot.waitUntil(lambda: page.register.model.rowCount() == 2, timeout=10_000)
    assert "高风险 1 件（未化解 1）" in page.counts.text()
    page.register.table.selectRow(0)
    qtbot.mouseClick(page.findChild(QPushButton, "convert"), Qt.MouseButton.LeftButton)
    dialog = page.dialog
    subject = dialog.form.itemAt(1, dialog.form.ItemRole.FieldRole).widget()
    subject.setText("0101")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: page.register.model.record(0).cells[8] == "已转信访事项", timeout=10_000)
    with ws.read(admin) as uow:
        converted = uow.session.scalars(select(ScreenedConflict).where(ScreenedConflict.parties == "张三、李四")).one()
        assert converted.status == ConflictStatus.CONVERTED.value
        assert uow.session.get(Matter, converted.matter_id).title == "张三、李四邻里纠纷"
    assert not refusals


def test_the_archive_card_names_the_key_person_follow_up(ws, actors, admin, clock):
    from ui.widgets.archive_card import field_values

    seed(ws, actors, admin, clock)
    with ws.read(admin) as uow:
        (entry,) = kp.key_persons(uow)
        archive = load_archive(uow, entry.person_id, ws.attachments_dir)
    assert field_values(archive)["officer"] == (
        f"{actors[Role.RECEPTIONIST].display_name}（重点人员：多次越级访；2026-11-26 前回访）")


def test_key_person_follow_up_is_logged_from_the_page(main_window, qtbot, ws, actors, admin, clock, refusals):
    seed(ws, actors, admin, clock)
    page = leader_page(main_window, qtbot)
    assert page.keys.model.rowCount() == 1 and page.keys.model.record(0).cells[5] == "2026-11-26"
    assert "县人代会（2026-11-22 至 2026-11-28）" in page.periods_note.text()
    page.tabs.setCurrentWidget(page.keys)
    page.keys.table.selectRow(0)
    qtbot.mouseClick(page.findChild(QPushButton, "logFollowUp"), Qt.MouseButton.LeftButton)
    dialog = page.dialog
    dialog.form.itemAt(2, dialog.form.ItemRole.FieldRole).widget().setPlainText("情绪稳定")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.keys.model.record(0).cells[4] == "2026-11-23", timeout=10_000)
    assert page.keys.model.record(0).cells[5] == "2026-11-26"  # 3-day period from today
    assert not refusals


def test_village_reception_is_registered_from_the_screening_page(main_window, qtbot, ws, refusals):
    main_window.show_page("screening")
    page = main_window.page("screening")
    qtbot.waitUntil(lambda: page.view is not None, timeout=10_000)
    qtbot.mouseClick(page.findChild(QPushButton, "addVillageReception"), Qt.MouseButton.LeftButton)
    dialog = page.dialog
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)  # no officials: refused, names the field
    qtbot.waitUntil(lambda: bool(refusals), timeout=10_000)
    assert refusals[0].field == "officials"
    dialog.form.itemAt(2, dialog.form.ItemRole.FieldRole).widget().setText("包村干部李某")
    dialog.form.itemAt(3, dialog.form.ItemRole.FieldRole).widget().setValue(2)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.villages.model.rowCount() == 1, timeout=10_000)
    assert page.villages.model.record(0).cells[2:4] == ("包村干部李某", "2")


def test_the_dossier_card_shows_the_package_and_the_proxy(qtbot, ws, actors, admin, clock):
    from PySide6.QtWidgets import QLabel

    from app.services import village_work as vw
    from app.services.matter_dossier import load_dossier
    from ui.widgets.dossier_sections import oversight_card

    matter, _ownership = seed(ws, actors, admin, clock)
    with ws.write(admin) as uow:
        vw.order_proxy(uow, matter, on=D("2026-11-03"), request="代为办理补偿款领取")
    with ws.read(admin) as uow:
        dossier = load_dossier(uow, matter, ws.attachments_dir)
    card = oversight_card(dossier)
    qtbot.addWidget(card)
    texts = " ".join(w.text() for w in card.findChildren(QLabel))
    assert "包案人员：经办人李某；化解时限：2026-12-20" in texts and "补偿款下周拨付" in texts
    assert "信访代办：已点单（2026-11-03 点单）：代为办理补偿款领取" in texts


def test_opening_the_page_applies_the_backlog_rule(main_window, qtbot, ws, admin, clock):
    from datetime import datetime

    clock.now = datetime(2025, 6, 2, 9, 0)
    old = register(ws, admin, "反映林权纠纷", on=D("2025-06-02"), name="赵六")
    clock.now = datetime(2026, 11, 23, 10, 0)
    page = leader_page(main_window, qtbot)
    qtbot.waitUntil(lambda: page.backlog.model.rowCount() == 1, timeout=10_000)
    assert page.backlog.model.record(0).payload.matter_id == old
    assert page.backlog.model.record(0).cells[4] == "2026-06-02"


def test_the_deadline_board_lists_supervision_due(main_window, qtbot, ws, admin):
    from app.services import matter_oversight as ov

    matter = register(ws, admin, "反映道路损毁", on=D("2026-11-02"))
    with ws.write(admin) as uow:
        ov.add_supervision(uow, matter, ov.NewSupervision("upper", "某某县信访局", "请报送化解进展", D("2026-11-10"),
                                                          D("2026-11-20")))
    main_window.show_page("deadlines")
    page = main_window.page("deadlines")
    page.reload()
    qtbot.waitUntil(lambda: page.board is not None and bool(page.board.supervisions), timeout=10_000)
    text = page.supervision_note.text()
    assert page.supervision_note.isVisible()
    assert text.startswith("督办事项 1 件待反馈，其中已逾期 1 件")
    assert "上级督办（某某县信访局）：请报送化解进展　2026-11-20 前反馈（已超期 3 天）" in text


def test_the_proxy_runs_its_four_steps_from_the_dossier(main_window, qtbot, ws, admin, actors, refusals):
    matter = register(ws, admin, "反映养老保险转移", on=D("2026-11-02"))
    main_window.open_matter(matter)
    view = main_window.page("matters").dossier
    qtbot.waitUntil(lambda: view.dossier is not None and view.dossier.id == matter, timeout=10_000)

    def step(fill) -> None:  # type: ignore[no-untyped-def]
        before = view.dossier
        qtbot.mouseClick(view.findChild(QPushButton, "oversight_proxy"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: getattr(view, "dialog", None) is not None and view.dialog.isVisible(), timeout=10_000)
        fill(view.dialog)
        qtbot.mouseClick(view.dialog.ok, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: view.dossier is not before and not view.dialog.isVisible(), timeout=10_000)

    def field(dialog, row):  # type: ignore[no-untyped-def]
        return dialog.form.itemAt(row, dialog.form.ItemRole.FieldRole).widget()

    step(lambda d: field(d, 1).setPlainText("行动不便，请代为办理"))
    assert view.dossier.proxies[-1].stage_label == "已点单"
    handler = actors[Role.HANDLER]
    def choose_handler(dialog) -> None:  # type: ignore[no-untyped-def]
        box = field(dialog, 1)
        box.setCurrentIndex(next(i for i in range(box.count()) if box.itemData(i) == handler.user_id))

    step(choose_handler)
    assert (view.dossier.proxies[-1].stage_label, view.dossier.proxies[-1].proxy) == ("已派单", handler.display_name)
    step(lambda d: None)
    step(lambda d: None)  # 满意 is the first choice
    assert view.dossier.proxies[-1].stage_label == "已评单"
    assert not refusals


def test_a_leader_sees_their_own_packages_first(qtbot, qapp, ws, actors, admin, clock, monkeypatch):
    from ui.app import open_main_window

    seed(ws, actors, admin, clock)
    monkeypatch.setattr("ui.app.show_domain_error", lambda _parent, error: None)
    window = open_main_window(ws, actors[Role.LEADER])
    qtbot.addWidget(window)
    page = leader_page(window, qtbot)
    assert page.leader.currentText() == actors[Role.LEADER].display_name
    assert page.cases.model.rowCount() == 1
    window.ctx.runner.wait()


def test_a_person_is_listed_and_removed_as_key_person_from_the_archive(main_window, qtbot, ws, admin, refusals):
    with ws.write(admin) as uow:
        person = create_person(uow, PersonInput(name="王五"))
    main_window.open_person(person)
    view = main_window.page("persons").archive
    qtbot.waitUntil(lambda: view.archive is not None and view.archive.person.id == person, timeout=10_000)

    def open_dialog():  # type: ignore[no-untyped-def]
        view.dialog = None
        qtbot.mouseClick(view.findChild(QPushButton, "keyPerson"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible(), timeout=10_000)
        return view.dialog

    dialog = open_dialog()
    dialog.form.itemAt(1, dialog.form.ItemRole.FieldRole).widget().setText("扬言到县集访")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.archive.key_person is not None, timeout=10_000)
    assert "重点人员：扬言到县集访；2026-12-23 前回访" in view.card.values["officer"].text()
    dialog = open_dialog()
    dialog.form.itemAt(0, dialog.form.ItemRole.FieldRole).widget().setText("已息诉罢访")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.archive.key_person is None, timeout=10_000)
    assert not refusals


def test_a_reception_record_is_edited_in_a_dialog(main_window, qtbot, ws, actors, admin, clock, refusals):
    from app.domain.leader_work import ReceptionKind

    seed(ws, actors, admin, clock)
    second = register(ws, admin, "反映村道破损", on=D("2026-11-20"), name="钱七")
    with ws.write(actors[Role.RECEPTIONIST]) as uow:
        rid = lr.record_reception(uow, lr.NewReception(ReceptionKind.APPOINTMENT, D("2026-11-20"),
                                                       actors[Role.LEADER].user_id, persons="张三", place="接待室"))
        number = uow.session.get(Matter, second).number
    page = leader_page(main_window, qtbot)
    page.tabs.setCurrentWidget(page.receptions)
    assert page.receptions.model.record(0).cells[3] == "接待室"
    page.receptions.table.selectRow(0)
    qtbot.mouseClick(page.findChild(QPushButton, "editReception"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible(), timeout=10_000)
    dialog = page.dialog
    field = lambda row: dialog.form.itemAt(row, dialog.form.ItemRole.FieldRole).widget()  # noqa: E731
    assert (field(2).text(), field(4).text()) == ("接待室", "张三")  # the saved values are filled in
    field(4).setText("")  # 约访 needs the persons met: refused, the dialog stays
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(refusals), timeout=10_000)
    assert refusals[0].field == "persons" and dialog.isVisible()
    field(4).setText("张三、钱七")
    field(2).setText("东风村村委会")
    field(7).setText(number)
    field(8).setPlainText("约谈两人，答复村道修复计划")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: page.receptions.model.record(0).cells[3] == "东风村村委会", timeout=10_000)
    assert page.receptions.model.record(0).cells[4] == "张三、钱七"
    assert page.receptions.model.record(0).cells[7] == "1"
    with ws.read(admin) as uow:
        detail = lr.reception_detail(uow, rid)
    assert (detail.matter_numbers, detail.note) == ((number,), "约谈两人，答复村道修复计划")
