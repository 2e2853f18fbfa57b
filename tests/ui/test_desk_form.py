"""来访登记: the form's fields and keys, collective visits, the next-step panel, and the models."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from app.domain.enums import Channel, MatterState
from app.services.persons import PersonInput, create_person
from db.models import Matter
from tests.support.ids import make_id
from tests.ui.desk_helpers import (  # noqa: F401 - fixtures
    WAIT, add_person, contact_of, crashes, desk, fill_subject_and_content, focused, new_person, pick,
    pick_chinese, returning, save,
)
from ui.widgets.chosen_persons import ChosenPerson
from ui.widgets.person_picker import PersonHitModel


def test_every_field_of_the_form_reaches_the_contact(desk, qtbot, ws):
    village = next(v for v in desk.lists.villages if v.name == "红旗村")
    with ws.write(desk.ctx.actor) as uow:
        create_person(uow, PersonInput(name="孙丽", phones=("13911112222",), village_id=village.id))
    pick(qtbot, desk, "13911112222", "孙丽")
    assert desk.fields.village.key() == village.id  # the petitioner's village, prefilled
    fields = desk.fields
    fields.skip_level.setCurrentIndex(fields.skip_level.findText("赴县"))
    fields.leader_reception.setChecked(True)
    assert fields.leader_name.isEnabled()
    fields.leader_name.setCurrentText("李镇长")
    fields.threat.setChecked(True)
    assert fields.threat_warning.isVisible()
    fields.confidential.setChecked(True)
    fill_subject_and_content(desk, "0301", "反映承包地被邻居侵占")
    fields.matter_type.setCurrentIndex(fields.matter_type.findText("检举控告类"))
    save(qtbot, desk)
    assert "扬言" in desk.next_panel.summary.text()
    contact, _persons = contact_of(ws, "DJ2026-000001")
    assert (contact.channel, contact.skip_level, contact.leader_reception, contact.leader_name) == (
        "visit", "county", True, "李镇长")
    assert (contact.threat, contact.confidential, contact.anonymous) == (True, True, False)
    assert contact.problem_village_id == village.id
    with ws.database.read() as session:
        assert session.get(Matter, contact.matter_id).matter_type == "accusation"


def test_tab_goes_down_the_form_in_reading_order(desk, qtbot):
    f = desk.fields
    expected = [desk.picker.new_button, f.subject, f.matter_type, f.village, f.skip_level, f.leader_reception,
                f.anonymous, f.threat, f.confidential, f.content, desk.save_button, desk.clear_button]
    seen = []
    for _ in expected:
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        seen.append(focused())
    assert seen == expected


def test_skip_level_is_only_for_visits(desk):
    fields = desk.fields
    fields.skip_level.setCurrentIndex(2)
    fields.channel.setCurrentIndex(fields.channel.findText("来信"))
    assert not fields.skip_level.isEnabled() and fields.values()["skip_level"] is None
    assert fields.values()["channel"] is Channel.LETTER


# --- collective visits ----------------------------------------------------------------------------


def test_collective_visit_with_five_representatives_and_a_sixth_refused(desk, qtbot, ws):
    people = [("张一", "13900000001"), ("张二", "13900000002"), ("张四", "13900000003"),
              ("李五", "13900000004"), ("王六", "13900000005"), ("赵七", "13900000006")]
    for name, phone in people:
        add_person(ws, desk.ctx.actor, name, phone=phone)
    desk.fields.collective.setChecked(True)
    assert desk.fields.headcount.value() == 5
    for _name, phone in people[:4]:
        pick(qtbot, desk, phone, _name)
        assert desk.picker.edit.hasFocus()  # ready for the next representative
    new_person(qtbot, desk, "钱八", make_id("330106", "19660606", "041"))
    qtbot.waitUntil(lambda: len(desk.persons.people()) == 5, timeout=WAIT)
    assert desk.persons.item(4).text().startswith("代表 5：钱八")

    desk.picker.edit.setFocus()
    qtbot.keyClicks(desk.picker.edit, people[5][1])
    qtbot.waitUntil(lambda: not desk.picker.is_searching() and bool(desk.picker.hits()), timeout=WAIT)
    qtbot.keyClick(desk.picker.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.refusal.isVisible(), timeout=WAIT)
    assert "集体访最多推选 5 名代表" in desk.refusal.text()
    assert len(desk.persons.people()) == 5
    qtbot.keyClick(desk.picker.edit, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert not desk.new_person.isVisible()  # no sixth by "new person" either

    desk.fields.headcount.setValue(32)
    fill_subject_and_content(desk, "0101", "东风村 32 户村民反映征地补偿标准过低")
    save(qtbot, desk)
    contact, persons = contact_of(ws, "DJ2026-000001")
    assert contact.headcount == 32 and len(persons) == 5


# --- after saving: the next statutory step --------------------------------------------------------


def test_accepting_from_the_next_step_panel_issues_the_notice(desk, qtbot, ws, returning):
    pick_chinese(qtbot, desk, "周帅")
    fill_subject_and_content(desk, "0201", "反映在县城务工被拖欠工资")
    save(qtbot, desk)
    panel = desk.next_panel
    enabled = {a.value for a, b in panel.buttons.items() if b.isEnabled()}
    assert enabled == {"accept", "decline", "route_legal", "forward", "assign"}
    assert "受理告知期限" in panel.state.text()
    assert not panel.print_button.isEnabled()  # nothing issued yet
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog.isVisible(), timeout=WAIT)
    panel.dialog.ok.click()
    qtbot.waitUntil(lambda: panel.brief().state is MatterState.ACCEPTED, timeout=WAIT)
    assert "已受理" in panel.state.text() and "受理告知书" in panel.documents.text()
    assert not any(b.isEnabled() for b in panel.buttons.values())
    with ws.database.read() as session:
        assert session.get(Matter, panel.brief().id).state == "accepted"
    opened: list[Path] = []
    panel.printer.opener = opened.append
    assert panel.print_button.isEnabled()
    panel.print_button.click()  # the acceptance notice as a PDF, for the viewer to print
    qtbot.waitUntil(lambda: bool(opened), timeout=30_000)
    assert opened[0].name.startswith("受理告知书") and opened[0].read_bytes().startswith(b"%PDF")
    qtbot.keyClick(focused(), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # 登记下一位
    assert desk.stack.currentWidget() is desk.form_page
    qtbot.waitUntil(lambda: desk.picker.edit.hasFocus(), timeout=WAIT)
    assert desk.persons.people() == [] and desk.fields.content.toPlainText() == ""


def test_a_refused_save_names_the_field_and_keeps_the_form(desk, qtbot, returning):
    pick_chinese(qtbot, desk, "周帅")
    desk.fields.content.setPlainText("反映问题")
    qtbot.keyClick(focused(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: desk.message.isVisible(), timeout=WAIT)
    assert desk.message.text().startswith("问题分类")
    assert desk.stack.currentWidget() is desk.form_page and len(desk.persons.people()) == 1
    assert desk.fields.subject.hasFocus()


# --- models ---------------------------------------------------------------------------------------


def test_models_pass_the_model_tester(desk, qtbot, qtmodeltester, returning):
    pick(qtbot, desk, "zs", "张三")
    qtbot.waitUntil(lambda: desk.earlier.model.rowCount() == 1, timeout=WAIT)
    qtmodeltester.check(desk.earlier.model)
    hits = PersonHitModel()
    desk.picker.edit.setFocus()
    qtbot.keyClicks(desk.picker.edit, "zs")
    qtbot.waitUntil(lambda: not desk.picker.is_searching() and bool(desk.picker.hits()), timeout=WAIT)
    hits.set_hits(desk.picker.hits())
    qtmodeltester.check(hits)
    qtmodeltester.check(desk.picker.model)
    desk.fields.subject.setFocus()
    qtbot.keyClicks(desk.fields.subject, "cx")
    qtmodeltester.check(desk.fields.subject.model)


def test_chosen_person_refs_are_what_register_contact_takes(returning):
    data = PersonInput(name="王五")
    assert ChosenPerson(new=data).ref is data
