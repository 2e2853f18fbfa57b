from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from app.domain.enums import Channel, MatterType, Role
from app.errors import Conflict, IllegalTransition, PermissionDenied, ValidationError
from app.services.contacts import NewContact, register_contact
from app.services.person_merge import merge_persons, undo_merge
from app.services.person_search import find_persons
from app.services.persons import PersonInput, create_person
from db.models import AuditEvent, ContactPerson, MatterPetitioner, Person, PersonPhone
from tests.support.ids import valid_id

ID = valid_id("11010519491231002")


@pytest.fixture
def duplicates(ws, admin):
    """张三 registered twice: once with his ID number, once (at a later visit) with only a phone."""
    with ws.write(admin) as uow:
        a = register_contact(uow, NewContact(
            channel=Channel.VISIT, contact_at=datetime(2026, 11, 2, 9, 0), content="征地补偿",
            persons=(PersonInput(name="张三", id_number=ID),), subject_code="0101",
            matter_type=MatterType.CLAIM))
        b = register_contact(uow, NewContact(
            channel=Channel.PHONE, contact_at=datetime(2026, 11, 9, 9, 0), content="工资被拖欠",
            persons=(PersonInput(name="张三", phones=("13800138000",)),), subject_code="0201",
            matter_type=MatterType.CLAIM))
    return a.person_ids[0], b.person_ids[0], a, b


def _links(ws, admin, person_id):
    with ws.read(admin) as uow:
        s = uow.session
        return (
            sorted(str(x) for x in s.scalars(select(ContactPerson.contact_id).where(ContactPerson.person_id == person_id))),
            sorted(str(x) for x in s.scalars(select(MatterPetitioner.matter_id).where(MatterPetitioner.person_id == person_id))),
            sorted(s.scalars(select(PersonPhone.phone).where(PersonPhone.person_id == person_id))),
        )


def test_merge_moves_every_link_and_undo_restores_them(ws, admin, duplicates):
    survivor, merged, a, b = duplicates
    before = (_links(ws, admin, survivor), _links(ws, admin, merged))
    with ws.write(admin) as uow:
        merge_id = merge_persons(uow, survivor, merged, "同一人，第二次来电时未登记身份证号")
    contacts, matters_, phones = _links(ws, admin, survivor)
    assert contacts == sorted([str(a.contact_id), str(b.contact_id)])
    assert matters_ == sorted([str(a.matter_id), str(b.matter_id)])
    assert phones == ["13800138000"]
    with ws.read(admin) as uow:
        hits = find_persons(uow, "张三")
        assert [h.person.id for h in hits] == [survivor]
        assert len(hits[0].open_matters) == 2
        assert uow.session.get(Person, merged).merged_into_id == survivor
        actions = list(uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
        assert actions[-1] == "merge"
    with ws.write(admin) as uow:
        undo_merge(uow, merge_id)
    assert (_links(ws, admin, survivor), _links(ws, admin, merged)) == before
    with ws.write(admin) as uow, pytest.raises(IllegalTransition):
        undo_merge(uow, merge_id)


def test_survivor_without_id_number_takes_it_and_gives_it_back(ws, admin, duplicates):
    with_id, without_id, *_ = duplicates
    with ws.write(admin) as uow:
        merge_id = merge_persons(uow, without_id, with_id, "同一人")
    with ws.read(admin) as uow:
        assert uow.session.get(Person, without_id).id_number == ID
    with ws.write(admin) as uow:
        undo_merge(uow, merge_id)
    with ws.read(admin) as uow:
        assert uow.session.get(Person, without_id).id_number is None
        assert uow.session.get(Person, with_id).id_number == ID


def test_refusals(ws, admin, actors, duplicates):
    survivor, merged, *_ = duplicates
    with ws.write(admin) as uow:
        other = create_person(uow, PersonInput(name="张三", id_number=valid_id("11010519800101123")))
    cases = [
        (admin, survivor, survivor, "同一人", ValidationError),
        (admin, survivor, other, "同一人", Conflict),
        (admin, survivor, merged, "", ValidationError),
        (actors[Role.RECEPTIONIST], survivor, merged, "同一人", PermissionDenied),
    ]
    for actor, keep, drop, reason, error in cases:
        with pytest.raises(error):
            with ws.write(actor) as uow:
                merge_persons(uow, keep, drop, reason)
