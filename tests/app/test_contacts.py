"""Registering contacts: first vs repeat decided by the program, collective and anonymous contacts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from app.domain.enums import Channel, MatterType, Role, SkipLevel
from app.errors import ValidationError
from app.services.context import Actor
from app.services.contacts import MAX_REPRESENTATIVES, NewContact, RegisteredContact, register_contact
from app.services.persons import PersonInput
from app.services.workspace import Workspace
from db.models import Contact, ContactPerson, Matter, MatterPetitioner, NumberSeries

AT = datetime(2026, 11, 2, 9, 30)


def contact(*persons: uuid.UUID | PersonInput, **changes: Any) -> NewContact:
    values: dict[str, Any] = dict(
        channel=Channel.VISIT, contact_at=AT, content="反映征地补偿款未按时发放",
        persons=persons or (PersonInput(name="张三"),), subject_code="0101",
        matter_type=MatterType.CLAIM)
    return NewContact(**(values | changes))


def register(ws: Workspace, actor: Actor, data: NewContact) -> RegisteredContact:
    with ws.write(actor) as uow:
        return register_contact(uow, data)


def petitioners(ws: Workspace, matter_id: uuid.UUID) -> list[uuid.UUID]:
    with ws.database.read() as session:
        return list(session.scalars(select(MatterPetitioner.person_id)
                                    .where(MatterPetitioner.matter_id == matter_id)
                                    .order_by(MatterPetitioner.position)))


def contact_row(ws: Workspace, contact_id: uuid.UUID) -> dict[str, Any]:
    with ws.database.read() as session:
        row = session.get(Contact, contact_id)
        assert row is not None
        persons = list(session.scalars(select(ContactPerson.person_id)
                                       .where(ContactPerson.contact_id == contact_id)
                                       .order_by(ContactPerson.position)))
        return {c.key: getattr(row, c.key) for c in Contact.__table__.columns} | {"persons": persons}


def matter_count(ws: Workspace) -> int:
    with ws.database.read() as session:
        return session.scalar(select(func.count()).select_from(Matter)) or 0


# --- first vs repeat -------------------------------------------------------------------------


def test_first_contact_opens_a_matter(ws: Workspace, actors: dict[Role, Actor]) -> None:
    clerk = actors[Role.RECEPTIONIST]
    r = register(ws, clerk, contact())
    assert (r.is_repeat, r.opened_matter, r.number, r.matter_number) == (
        False, True, "DJ2026-000001", "SX2026-00001")
    row = contact_row(ws, r.contact_id)
    assert (row["is_repeat"], row["repeat_suggested"], row["matter_id"]) == (False, False, r.matter_id)
    assert (row["receiving_clerk_id"], row["headcount"], row["channel"]) == (clerk.user_id, 1, "visit")
    assert row["persons"] == list(r.person_ids)
    assert petitioners(ws, r.matter_id) == list(r.person_ids)
    with ws.database.read() as session:
        m = session.get(Matter, r.matter_id)
        assert m is not None
        assert (m.title, m.registered_on, m.subject_code, m.state) == (
            "反映征地补偿款未按时发放", AT.date(), "0101", "registered")


def test_same_person_same_subject_joins_the_matter(ws: Workspace, admin: Actor) -> None:
    first = register(ws, admin, contact())
    pid = first.person_ids[0]
    again = register(ws, admin, contact(pid, contact_at=datetime(2026, 11, 16, 9, 0),
                                        content="补偿款仍未到账", channel=Channel.PHONE))
    assert (again.is_repeat, again.opened_matter, again.matter_id) == (True, False, first.matter_id)
    row = contact_row(ws, again.contact_id)
    assert (row["is_repeat"], row["repeat_suggested"], row["repeat_override_reason"]) == (True, True, "")
    assert matter_count(ws) == 1
    assert petitioners(ws, first.matter_id) == [pid]


def test_same_person_other_subject_opens_new_matter(ws: Workspace, admin: Actor) -> None:
    first = register(ws, admin, contact())
    pid = first.person_ids[0]
    other = register(ws, admin, contact(pid, subject_code="0201", content="工资被拖欠三个月",
                                        contact_at=datetime(2026, 11, 16, 9, 0)))
    assert (other.is_repeat, other.opened_matter, other.matter_number) == (False, True, "SX2026-00002")
    assert contact_row(ws, other.contact_id)["repeat_suggested"] is False
    assert matter_count(ws) == 2


def test_repeat_joins_the_newest_matter_on_that_subject(ws: Workspace, admin: Actor) -> None:
    first = register(ws, admin, contact())
    pid = first.person_ids[0]
    second = register(ws, admin, contact(pid, contact_at=datetime(2026, 11, 9, 9, 0), new_matter=True,
                                         new_matter_reason="另一地块"))
    third = register(ws, admin, contact(pid, contact_at=datetime(2026, 11, 16, 9, 0)))
    assert third.is_repeat and third.matter_id == second.matter_id != first.matter_id


def test_repeat_by_a_co_petitioner_adds_the_others(ws: Workspace, admin: Actor) -> None:
    first = register(ws, admin, contact())
    zhang = first.person_ids[0]
    again = register(ws, admin, contact(zhang, PersonInput(name="李四"), headcount=2,
                                        contact_at=datetime(2026, 11, 16, 9, 0)))
    assert again.is_repeat and again.matter_id == first.matter_id
    assert petitioners(ws, first.matter_id) == [zhang, again.person_ids[1]]


def test_explicit_link_to_a_matter(ws: Workspace, admin: Actor) -> None:
    first = register(ws, admin, contact())
    # 李四 has no matter of his own; the clerk links his letter to 张三's matter.
    linked = register(ws, admin, contact(PersonInput(name="李四"), channel=Channel.LETTER,
                                         subject_code="0201", matter_id=first.matter_id,
                                         contact_at=datetime(2026, 11, 16, 9, 0)))
    assert (linked.is_repeat, linked.opened_matter, linked.matter_id) == (True, False, first.matter_id)
    assert petitioners(ws, first.matter_id) == [first.person_ids[0], linked.person_ids[0]]
    assert matter_count(ws) == 1


# --- collective, anonymous, skip-level ------------------------------------------------------


def test_collective_visit_five_representatives_headcount_thirty(ws: Workspace, admin: Actor) -> None:
    reps = tuple(PersonInput(name=n) for n in ("赵一", "钱二", "孙三", "李四", "周五"))
    assert len(reps) == MAX_REPRESENTATIVES
    r = register(ws, admin, contact(*reps, headcount=30, content="全组村民反映土地流转款未分配"))
    assert len(r.person_ids) == 5
    row = contact_row(ws, r.contact_id)
    assert (row["headcount"], row["persons"]) == (30, list(r.person_ids))
    assert petitioners(ws, r.matter_id) == list(r.person_ids)


def test_anonymous_letter_without_persons(ws: Workspace, admin: Actor) -> None:
    r = register(ws, admin, NewContact(channel=Channel.LETTER, contact_at=AT, content="举报某村干部侵占集体资金",
                                       anonymous=True, subject_code="0101",
                                       matter_type=MatterType.ACCUSATION))
    assert (r.person_ids, r.is_repeat, r.opened_matter) == ((), False, True)
    row = contact_row(ws, r.contact_id)
    assert (row["anonymous"], row["persons"], row["channel"]) == (True, [], "letter")
    assert petitioners(ws, r.matter_id) == []
    # Without the flag a contact must name somebody.
    with pytest.raises(ValidationError) as caught:
        register(ws, admin, NewContact(channel=Channel.LETTER, contact_at=AT, content="举报",
                                       subject_code="0101", matter_type=MatterType.ACCUSATION))
    assert caught.value.field == "persons" and "匿名" in caught.value.message


def test_skip_level_only_for_visits(ws: Workspace, admin: Actor) -> None:
    r = register(ws, admin, contact(skip_level=SkipLevel.CITY))
    assert contact_row(ws, r.contact_id)["skip_level"] == "city"
    for channel in (Channel.LETTER, Channel.PHONE, Channel.ONLINE, Channel.FAX):
        with pytest.raises(ValidationError) as caught:
            register(ws, admin, contact(skip_level=SkipLevel.BEIJING, channel=channel))
        assert caught.value.field == "skip_level" and "越级" in caught.value.message


def test_leader_reception_needs_leader_name(ws: Workspace, admin: Actor) -> None:
    with pytest.raises(ValidationError) as caught:
        register(ws, admin, contact(leader_reception=True))
    assert caught.value.field == "leader_name" and "接访领导" in caught.value.message
    r = register(ws, admin, contact(leader_reception=True, leader_name="刘镇长"))
    assert contact_row(ws, r.contact_id)["leader_name"] == "刘镇长"


# --- numbers ---------------------------------------------------------------------------------


def test_contact_numbers_gap_free(ws: Workspace, admin: Actor) -> None:
    first = register(ws, admin, contact())
    second = register(ws, admin, contact(PersonInput(name="李四")))
    with pytest.raises(ValidationError):  # refused after persons and the matter were made: rolled back
        register(ws, admin, contact(PersonInput(name="王五"), leader_reception=True))
    third = register(ws, admin, contact(PersonInput(name="王五")))
    assert [first.number, second.number, third.number] == ["DJ2026-000001", "DJ2026-000002", "DJ2026-000003"]
    assert [first.matter_number, second.matter_number, third.matter_number] == [
        "SX2026-00001", "SX2026-00002", "SX2026-00003"]
    with ws.database.read() as session:
        series = {(s, y): v for s, y, v in session.execute(
            select(NumberSeries.series, NumberSeries.year, NumberSeries.last_value))}
    assert (series[("contact", 2026)], series[("matter", 2026)]) == (3, 3)


def test_numbers_restart_each_year(ws: Workspace, admin: Actor) -> None:
    old = register(ws, admin, contact(contact_at=datetime(2025, 12, 31, 16, 0)))
    new = register(ws, admin, contact(PersonInput(name="李四"), contact_at=datetime(2026, 1, 5, 9, 0)))
    assert (old.number, old.matter_number) == ("DJ2025-000001", "SX2025-00001")
    assert (new.number, new.matter_number) == ("DJ2026-000001", "SX2026-00001")


def test_registration_flags_reach_contact_and_matter(ws, admin):
    from app.domain.enums import PendingProceeding
    from app.errors import ValidationError
    from db.models import Contact, Matter

    base = dict(channel=Channel.LETTER, contact_at=datetime(2026, 11, 2, 9, 0), content="土地纠纷已起诉",
                persons=(PersonInput(name="赵六"),), subject_code="0402", matter_type=MatterType.CLAIM)
    with ws.write(admin) as uow:
        r = register_contact(uow, NewContact(**base, problem_division_code="３３０１０６１０１２０１",
                                             pending_proceeding=PendingProceeding.COURT, threat=True))
    with ws.read(admin) as uow:
        contact = uow.session.get(Contact, r.contact_id)
        assert contact.problem_division_code == "330106101201" and contact.threat
        assert uow.session.get(Matter, r.matter_id).pending_proceeding == "court"
    with pytest.raises(ValidationError, match="问题属地"), ws.write(admin) as uow:
        register_contact(uow, NewContact(**base, problem_division_code="33010610"))
