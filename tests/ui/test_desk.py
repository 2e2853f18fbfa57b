"""来访登记 driven through the real widgets: the key-count walkthrough for a returning petitioner,
finding and creating persons, and repeat contacts.
"""

from __future__ import annotations

import time
from datetime import datetime

from PySide6.QtCore import Qt

from db.models import Person
from tests.support.ids import make_id
from tests.ui.desk_helpers import (  # noqa: F401 - fixtures
    WAIT, ZHANG_ID, contact_of, crashes, db_count, desk, earlier_contact, fill_subject_and_content, focused,
    new_person, pick, pick_chinese, returning, save,
)


# --- the walkthrough ------------------------------------------------------------------------------


class Keys:
    """Sends keys to whatever has the focus, counting each key press and each shortcut as one."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot
        self.count = 0

    def type(self, text: str) -> None:
        self.qtbot.keyClicks(focused(), text)
        self.count += len(text)

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        self.qtbot.keyClick(focused(), key, modifier)
        self.count += 1


def test_walkthrough_returning_petitioner_in_at_most_15_keys(desk, qtbot, ws, returning, capsys):
    zhang, first = returning
    keys = Keys(qtbot)
    started = time.perf_counter()
    keys.type("zs")  # pinyin initials of 张三 (赵上 and 周帅 match too)
    qtbot.waitUntil(lambda: not desk.picker.is_searching(), timeout=WAIT)
    names = [h.person.name for h in desk.picker.hits()]
    assert set(names) == {"张三", "赵上", "周帅"}
    for _ in range(names.index("张三")):
        keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Return)  # pick: the form moves on to the subject
    qtbot.waitUntil(lambda: desk.persons.person_ids() == [zhang], timeout=WAIT)
    assert desk.fields.subject.hasFocus()
    keys.type("zdcq")  # 征地拆迁 by its initials
    keys.press(Qt.Key.Key_Return)
    assert desk.fields.subject.key() == "0101" and desk.fields.content.hasFocus()
    keys.press(Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # saved phrase "再次反映…"
    qtbot.waitUntil(lambda: desk.earlier.model.rowCount() == 1, timeout=WAIT)
    assert desk.earlier.model.matter(0).number == first.matter_number
    keys.press(Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)  # link to the earlier matter
    assert desk.earlier.linked() is not None and desk.earlier.linked().id == first.matter_id
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # save
    qtbot.waitUntil(lambda: desk.stack.currentWidget() is desk.next_panel, timeout=WAIT)
    seconds = time.perf_counter() - started

    contact, persons = contact_of(ws, "DJ2026-000002")
    assert persons == [zhang] and contact.is_repeat and contact.matter_id == first.matter_id
    assert contact.content.startswith("再次反映原事项")
    assert keys.count <= 15
    with capsys.disabled():
        print(f"\n[desk walkthrough] returning petitioner: {keys.count} key presses "
              f"(content by saved phrase Ctrl+1), {seconds:.2f} s wall time in the test")


def test_walkthrough_linking_first_takes_the_subject_from_the_matter(desk, qtbot, ws, returning, capsys):
    zhang, first = returning
    keys = Keys(qtbot)
    started = time.perf_counter()
    keys.type("zs")
    qtbot.waitUntil(lambda: not desk.picker.is_searching(), timeout=WAIT)
    for _ in range([h.person.name for h in desk.picker.hits()].index("张三")):
        keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.earlier.model.rowCount() == 1, timeout=WAIT)
    keys.press(Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)  # link: subject and type come with it
    assert desk.fields.subject.key() == "0101" and desk.fields.content.hasFocus()
    keys.press(Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # saved phrase "询问进度"
    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: desk.stack.currentWidget() is desk.next_panel, timeout=WAIT)
    seconds = time.perf_counter() - started
    contact, persons = contact_of(ws, "DJ2026-000002")
    assert persons == [zhang] and contact.matter_id == first.matter_id
    assert keys.count <= 8
    with capsys.disabled():
        print(f"\n[desk walkthrough] link first (no subject typing): {keys.count} key presses, {seconds:.2f} s")


# --- persons --------------------------------------------------------------------------------------


def test_registering_a_new_person_creates_the_archive_with_the_contact(desk, qtbot, ws):
    number = make_id("330106", "19800505", "022")
    new_person(qtbot, desk, "王五", number, "13800000000")
    qtbot.waitUntil(lambda: len(desk.persons.people()) == 1, timeout=WAIT)
    assert desk.persons.people()[0].new is not None
    assert "新建档案" in desk.persons.item(0).text()
    assert db_count(ws, Person, Person.id_number == number) == 0  # not before the contact is saved
    fill_subject_and_content(desk, "0201", "反映在建筑工地打工被拖欠工资八千元")
    save(qtbot, desk)
    assert db_count(ws, Person, Person.id_number == number) == 1
    contact, persons = contact_of(ws, "DJ2026-000001")
    assert not contact.is_repeat and len(persons) == 1
    assert "初信初访" in desk.next_panel.summary.text()


def test_a_bad_id_number_is_refused_in_the_form_naming_the_field(desk, qtbot):
    new_person(qtbot, desk, "王五", "330106198005050221")
    qtbot.waitUntil(lambda: desk.new_person.message.isVisible(), timeout=WAIT)
    assert "身份证号" in desk.new_person.message.text()
    assert desk.persons.people() == []


def test_an_id_number_that_has_an_archive_is_never_created_twice(desk, qtbot, ws, returning):
    zhang, _first = returning
    new_person(qtbot, desk, "张叁", ZHANG_ID.lower())
    panel = desk.new_person
    qtbot.waitUntil(lambda: panel.use_existing.isVisible(), timeout=WAIT)
    assert "已有档案" in panel.message.text() and "张三" in panel.message.text()
    assert desk.persons.people() == []
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # "选用已有档案"
    qtbot.waitUntil(lambda: desk.persons.person_ids() == [zhang], timeout=WAIT)
    assert not panel.isVisible()
    fill_subject_and_content(desk, "0201", "反映拖欠工资")
    save(qtbot, desk)
    assert db_count(ws, Person, Person.id_number == ZHANG_ID) == 1


def test_a_returning_person_found_by_id_number_joins_the_same_subject_matter(desk, qtbot, ws, returning):
    zhang, first = returning
    pick(qtbot, desk, ZHANG_ID[:10], "张三")
    qtbot.waitUntil(lambda: desk.earlier.model.rowCount() == 1, timeout=WAIT)
    row = desk.earlier.model.matter(0)
    assert row.number == first.matter_number and not row.auto_join
    desk.fields.subject.choose("0101")
    qtbot.waitUntil(lambda: desk.earlier.auto_join() is not None, timeout=WAIT)
    assert "自动作为重复信访并入" in desk.earlier.notice.text()
    assert desk.earlier.model.index(0, 4).data() == "很像重复" and "同一问题分类" in desk.earlier.detail.text()
    desk.fields.content.setPlainText("补偿款还是没有发放")
    save(qtbot, desk)
    contact, _persons = contact_of(ws, "DJ2026-000002")
    assert contact.is_repeat and contact.matter_id == first.matter_id
    assert "重复信访，已并入原事项" in desk.next_panel.summary.text()


def test_a_new_matter_against_the_rule_needs_a_reason(desk, qtbot, ws, returning):
    zhang, first = returning
    pick_chinese(qtbot, desk, "张三")
    fill_subject_and_content(desk, "0101", "反映另一块承包地被征收未补偿")
    qtbot.waitUntil(lambda: desk.earlier.auto_join() is not None, timeout=WAIT)
    assert desk.earlier.override.isVisible()
    desk.earlier.new_matter.setChecked(True)
    qtbot.keyClick(focused(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: desk.message.isVisible(), timeout=WAIT)
    assert "另立新事项的理由" in desk.message.text() and desk.earlier.reason.hasFocus()
    desk.earlier.reason.setText("另一地块，与原事项无关")
    save(qtbot, desk)
    contact, _persons = contact_of(ws, "DJ2026-000002")
    assert not contact.is_repeat and contact.repeat_suggested and contact.matter_id != first.matter_id
    assert contact.repeat_override_reason == "另一地块，与原事项无关"


def test_a_repeat_contact_is_linked_to_its_matter_with_one_key(desk, qtbot, ws, returning):
    zhang, first = returning
    other = earlier_contact(ws, desk.ctx.actor, zhang, "反映拖欠工资", subject="0201",
                            at=datetime(2026, 11, 2, 9, 0))
    pick_chinese(qtbot, desk, "张三")
    qtbot.waitUntil(lambda: desk.earlier.model.rowCount() == 2, timeout=WAIT)
    desk.fields.content.setPlainText("征地补偿款仍未到位")
    qtbot.waitUntil(lambda: desk.earlier.model.matter(0).id == first.matter_id, timeout=WAIT)  # closest first
    qtbot.keyClick(focused(), Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert desk.earlier.linked().id == first.matter_id
    assert desk.fields.subject.key() == "0101" and not desk.fields.subject.isEnabled()
    qtbot.keyClick(focused(), Qt.Key.Key_0, Qt.KeyboardModifier.AltModifier)  # unlink, link the other
    assert desk.earlier.linked() is None and desk.fields.subject.isEnabled()
    qtbot.keyClick(focused(), Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert desk.earlier.linked().id == other.matter_id
    save(qtbot, desk)
    contact, _persons = contact_of(ws, "DJ2026-000003")
    assert contact.is_repeat and contact.matter_id == other.matter_id


