"""Shared set-up for the 来访登记 tests: seeded persons, the desk page, and input helpers."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import func, select

from app.domain.enums import Channel, MatterType
from app.services.contacts import NewContact, register_contact
from app.services.persons import PersonInput, create_person
from db.models import Contact, ContactPerson
from tests.support.ids import make_id
from ui.pages.desk import DeskPage

ZHANG_ID = make_id("330106", "19700312", "031")
WAIT = 10_000


# --- set-up ---------------------------------------------------------------------------------------


def add_person(ws, actor, name: str, id_number: str = "", phone: str = "") -> uuid.UUID:
    with ws.write(actor) as uow:
        return create_person(uow, PersonInput(name=name, id_number=id_number, phones=(phone,) if phone else ()))


def earlier_contact(ws, actor, person_id: uuid.UUID, content: str, subject: str = "0101",
                    at: datetime = datetime(2026, 10, 12, 9, 0)):
    with ws.write(actor) as uow:
        return register_contact(uow, NewContact(
            channel=Channel.VISIT, contact_at=at, content=content, persons=(person_id,),
            subject_code=subject, matter_type=MatterType.CLAIM))


@pytest.fixture
def returning(ws, admin):
    """张三 came a month ago about his land compensation; two other people share his initials."""
    zhang = add_person(ws, admin, "张三", ZHANG_ID, "13905710001")
    add_person(ws, admin, "赵上")
    add_person(ws, admin, "周帅", make_id("330106", "19850101", "012"))
    first = earlier_contact(ws, admin, zhang, "反映东风村征地补偿款至今未发放到位")
    return zhang, first


@pytest.fixture
def crashes(monkeypatch):
    """An unexpected error fails the test (with its traceback) instead of opening the crash dialog."""
    seen: list[BaseException] = []
    monkeypatch.setattr("ui.app.show_crash", lambda _parent, _dir, exc: seen.append(exc))
    yield seen
    if seen:
        raise seen[0]


@pytest.fixture
def desk(main_window, qtbot, crashes) -> DeskPage:
    main_window.show_page("desk")
    page = main_window.page("desk")
    assert isinstance(page, DeskPage)
    main_window.activateWindow()
    qtbot.waitUntil(lambda: page.lists is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: page.picker.edit.hasFocus(), timeout=WAIT)
    return page


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def pick(qtbot, desk: DeskPage, typed: str, name: str) -> None:
    """Search by ASCII keys (initials, ID digits, phone) and pick ``name`` from the results."""
    desk.picker.edit.setFocus()
    qtbot.keyClicks(desk.picker.edit, typed)
    qtbot.waitUntil(lambda: not desk.picker.is_searching() and desk.picker.popup.is_open(), timeout=WAIT)
    names = [h.person.name for h in desk.picker.hits()]
    for _ in range(names.index(name)):
        qtbot.keyClick(desk.picker.edit, Qt.Key.Key_Down)
    before = len(desk.persons.people())
    qtbot.keyClick(desk.picker.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(desk.persons.people()) == before + 1, timeout=WAIT)


def pick_chinese(qtbot, desk: DeskPage, name: str) -> None:
    """Chinese goes in through insert() (as an input method commits it); QTest types ASCII only."""
    desk.picker.edit.setFocus()
    desk.picker.edit.insert(name)
    qtbot.waitUntil(lambda: not desk.picker.is_searching() and bool(desk.picker.hits()), timeout=WAIT)
    before = len(desk.persons.people())
    qtbot.keyClick(desk.picker.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(desk.persons.people()) == before + 1, timeout=WAIT)


def new_person(qtbot, desk: DeskPage, name: str, id_number: str = "", phone: str = "") -> None:
    desk.picker.edit.setFocus()
    qtbot.keyClick(desk.picker.edit, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    panel = desk.new_person
    assert panel.isVisible()
    panel.name.setText(name)
    panel.id_number.setText(id_number)
    panel.phone.setText(phone)
    panel.add_button.click()


def save(qtbot, desk: DeskPage) -> None:
    qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: desk.stack.currentWidget() is desk.next_panel, timeout=WAIT)


def fill_subject_and_content(desk: DeskPage, subject: str, content: str) -> None:
    desk.fields.subject.choose(subject)
    desk.fields.content.setPlainText(content)


def db_count(ws, model, *where) -> int:
    with ws.database.read() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def contact_of(ws, number: str) -> tuple[Contact, list[uuid.UUID]]:
    with ws.database.read() as session:
        contact = session.scalars(select(Contact).where(Contact.number == number)).one()
        persons = list(session.scalars(select(ContactPerson.person_id)
                                       .where(ContactPerson.contact_id == contact.id)
                                       .order_by(ContactPerson.position)))
        session.expunge(contact)
        return contact, persons


