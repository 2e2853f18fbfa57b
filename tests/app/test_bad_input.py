"""Bad input through the real services: refused (or normalised) with the field named, nothing written."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from app.domain.enums import Channel, MatterSource, MatterType
from app.errors import Conflict, DomainError, IllegalTransition, ValidationError
from app.services import matter_steps as st, matters
from app.services.context import Actor
from app.services.contacts import NewContact, RegisteredContact, register_contact
from app.services.persons import PersonInput
from app.services.workspace import Workspace
from db.models import AuditEvent, Contact, Document, Matter, MatterEvent, NumberSeries, Person
from tests.support.ids import make_id

D = date.fromisoformat
AT = datetime(2026, 11, 2, 9, 30)
ID_ZHANG = make_id("360426", "19910101", "007")  # 360426199101010071, male
ID_WANG = make_id("110105", "19491231", "002")  # 11010519491231002X, female


def counts(ws: Workspace) -> dict[str, Any]:
    """Rows of every table a registration or a step writes, and the number series."""
    with ws.database.read() as session:
        rows: dict[str, Any] = {
            m.__tablename__: session.scalar(select(func.count()).select_from(m))
            for m in (Person, Contact, Matter, MatterEvent, Document, AuditEvent)}
        rows["series"] = sorted(tuple(r) for r in session.execute(
            select(NumberSeries.series, NumberSeries.year, NumberSeries.last_value)))
        return rows


@contextmanager
def refused(ws: Workspace, error: type[DomainError], field: str, label: str) -> Iterator[None]:
    """The block raises ``error`` for ``field`` with a message naming ``label``; nothing is written."""
    before = counts(ws)
    with pytest.raises(error) as caught:
        yield
    assert caught.value.field == field, caught.value.message
    assert label in caught.value.message, caught.value.message
    assert counts(ws) == before


def contact(*persons: uuid.UUID | PersonInput, **changes: Any) -> NewContact:
    values: dict[str, Any] = dict(
        channel=Channel.VISIT, contact_at=AT, content="反映征地补偿款未按时发放",
        persons=persons or (PersonInput(name="张三"),), subject_code="0101",
        matter_type=MatterType.CLAIM)
    return NewContact(**(values | changes))


def register(ws: Workspace, actor: Actor, data: NewContact) -> RegisteredContact:
    with ws.write(actor) as uow:
        return register_contact(uow, data)


def stored_id(ws: Workspace, person_id: uuid.UUID) -> tuple[str | None, date | None, str | None]:
    with ws.database.read() as session:
        person = session.get(Person, person_id)
        assert person is not None
        return person.id_number, person.birth_date, person.gender


# --- ID numbers ------------------------------------------------------------------------------


def test_invalid_id_checksum(ws: Workspace, admin: Actor) -> None:
    wrong = ID_ZHANG[:-1] + ("2" if ID_ZHANG[-1] != "2" else "3")
    with refused(ws, ValidationError, "id_number", "身份证号"):
        register(ws, admin, contact(PersonInput(name="张三", id_number=wrong)))


def test_impossible_birth_date(ws: Workspace, admin: Actor) -> None:
    with refused(ws, ValidationError, "id_number", "身份证号"):
        register(ws, admin, contact(PersonInput(name="张三", id_number=make_id("360426", "19910230", "007"))))


def test_fifteen_digit_id_accepted_and_upgraded(ws: Workspace, admin: Actor) -> None:
    r = register(ws, admin, contact(PersonInput(name="张三", id_number="360426910101007")))
    assert stored_id(ws, r.person_ids[0]) == (ID_ZHANG, D("1991-01-01"), "male")


def test_lowercase_x_normalised(ws: Workspace, admin: Actor) -> None:
    assert ID_WANG.endswith("X")
    r = register(ws, admin, contact(PersonInput(name="王芳", id_number=ID_WANG.lower())))
    assert stored_id(ws, r.person_ids[0]) == (ID_WANG, D("1949-12-31"), "female")


def test_full_width_digits_and_spaces_normalised(ws: Workspace, admin: Actor) -> None:
    typed = "３６０４２６\u3000１９９１０１０１ ００７１"
    r = register(ws, admin, contact(PersonInput(name="张三", id_number=typed)))
    assert stored_id(ws, r.person_ids[0])[0] == ID_ZHANG


def test_duplicate_id_number_for_new_person(ws: Workspace, admin: Actor) -> None:
    register(ws, admin, contact(PersonInput(name="张三", id_number=ID_ZHANG)))
    for typed in (ID_ZHANG, "360426910101007"):  # the old 15-digit form is the same person
        with refused(ws, Conflict, "id_number", "身份证号"):
            register(ws, admin, contact(PersonInput(name="张三丰", id_number=typed), subject_code="0201"))


# --- names, content, persons and counts ------------------------------------------------------


@pytest.mark.parametrize("name", ["", "   ", "\u3000"])
def test_empty_name(ws: Workspace, admin: Actor, name: str) -> None:
    with refused(ws, ValidationError, "name", "姓名"):
        register(ws, admin, contact(PersonInput(name=name)))


def test_content_of_twenty_thousand_characters(ws: Workspace, admin: Actor) -> None:
    with refused(ws, ValidationError, "content", "反映内容"):
        register(ws, admin, contact(content="补" * 20_000))


def test_empty_content(ws: Workspace, admin: Actor) -> None:
    with refused(ws, ValidationError, "content", "反映内容"):
        register(ws, admin, contact(content=" \n "))


def test_more_than_five_representatives(ws: Workspace, admin: Actor) -> None:
    six = tuple(PersonInput(name=n) for n in ("张一", "张二", "张三", "张四", "张五", "张六"))
    with refused(ws, ValidationError, "persons", "代表"):
        register(ws, admin, contact(*six, headcount=30))


def test_headcount_below_representatives(ws: Workspace, admin: Actor) -> None:
    three = tuple(PersonInput(name=n) for n in ("张一", "张二", "张三"))
    with refused(ws, ValidationError, "headcount", "来访人数"):
        register(ws, admin, contact(*three, headcount=2))


@pytest.mark.parametrize("headcount", [0, -3])
def test_headcount_below_one(ws: Workspace, admin: Actor, headcount: int) -> None:
    with refused(ws, ValidationError, "headcount", "来访人数"):
        register(ws, admin, contact(headcount=headcount))


def test_same_person_listed_twice(ws: Workspace, admin: Actor) -> None:
    pid = register(ws, admin, contact()).person_ids[0]
    with refused(ws, ValidationError, "persons", "信访人"):
        register(ws, admin, contact(pid, pid, headcount=2, subject_code="0201"))


# --- dates -----------------------------------------------------------------------------------


def test_contact_time_in_the_future(ws: Workspace, admin: Actor) -> None:
    # The clock stands at Mon 23 Nov 2026 10:00; a PC a few minutes slow is tolerated.
    with refused(ws, ValidationError, "contact_at", "来访时间"):
        register(ws, admin, contact(contact_at=datetime(2026, 11, 23, 11, 0)))
    with refused(ws, ValidationError, "contact_at", "来访时间"):
        register(ws, admin, contact(contact_at=datetime(2026, 11, 24, 9, 0)))
    register(ws, admin, contact(contact_at=datetime(2026, 11, 23, 10, 5)))


def _matter(ws: Workspace, actor: Actor) -> uuid.UUID:
    return register(ws, actor, contact()).matter_id  # registered Mon 2 Nov 2026


def _state(ws: Workspace, matter_id: uuid.UUID) -> str:
    with ws.database.read() as session:
        return session.get(Matter, matter_id).state  # type: ignore[union-attr]


def perform(ws: Workspace, actor: Actor, matter_id: uuid.UUID, step: st.Step) -> None:
    with ws.write(actor) as uow:
        matters.perform(uow, matter_id, step)


def test_step_dated_before_registration(ws: Workspace, admin: Actor) -> None:
    mid = _matter(ws, admin)
    with refused(ws, ValidationError, "occurred_on", "日期"):
        perform(ws, admin, mid, st.Accept(on=D("2026-11-01")))
    assert _state(ws, mid) == "registered"


def test_step_dated_before_previous_step(ws: Workspace, admin: Actor) -> None:
    mid = _matter(ws, admin)
    perform(ws, admin, mid, st.Accept(on=D("2026-11-10")))
    with refused(ws, ValidationError, "occurred_on", "2026-11-10"):
        perform(ws, admin, mid, st.Reply(on=D("2026-11-09"), summary="已答复"))
    assert _state(ws, mid) == "accepted"
    perform(ws, admin, mid, st.Reply(on=D("2026-11-10"), summary="已答复"))  # the same day is fine


def test_step_dated_in_the_future(ws: Workspace, admin: Actor) -> None:
    mid = _matter(ws, admin)
    with refused(ws, ValidationError, "occurred_on", "日期"):
        perform(ws, admin, mid, st.Accept(on=D("2026-11-24")))


def test_transition_out_of_order(ws: Workspace, admin: Actor) -> None:
    mid = _matter(ws, admin)
    with refused(ws, IllegalTransition, "state", "事项状态"):
        perform(ws, admin, mid, st.Reply(on=D("2026-11-10"), summary="已答复"))
    assert _state(ws, mid) == "registered"


def test_required_step_text(ws: Workspace, admin: Actor) -> None:
    mid = _matter(ws, admin)
    with refused(ws, ValidationError, "reason", "不予受理理由"):
        perform(ws, admin, mid, st.Decline(on=D("2026-11-10"), reason="  "))
    with refused(ws, ValidationError, "to", "转送"):
        perform(ws, admin, mid, st.Forward(on=D("2026-11-10")))
    with refused(ws, ValidationError, "body", "受理机关"):
        perform(ws, admin, mid, st.RouteLegal(on=D("2026-11-10")))


# --- repeat contacts and matters -------------------------------------------------------------


def test_repeat_contact_dated_before_matter_registration(ws: Workspace, admin: Actor) -> None:
    first = register(ws, admin, contact(contact_at=datetime(2026, 11, 10, 9, 0)))
    pid = first.person_ids[0]
    early = datetime(2026, 11, 5, 9, 0)
    # Linked explicitly, and joined by the program's repeat decision: both refused.
    with refused(ws, ValidationError, "contact_at", "来访时间"):
        register(ws, admin, contact(pid, contact_at=early, matter_id=first.matter_id))
    with refused(ws, ValidationError, "contact_at", "2026-11-10"):
        register(ws, admin, contact(pid, contact_at=early))


def test_link_to_unknown_matter(ws: Workspace, admin: Actor) -> None:
    with refused(ws, DomainError, "matter_id", "信访事项"):
        register(ws, admin, contact(matter_id=uuid.uuid4()))


def test_new_matter_on_same_subject_needs_reason(ws: Workspace, admin: Actor) -> None:
    first = register(ws, admin, contact())
    pid = first.person_ids[0]
    later = datetime(2026, 11, 20, 9, 0)
    with refused(ws, ValidationError, "new_matter_reason", "另立新事项的理由"):
        register(ws, admin, contact(pid, contact_at=later, new_matter=True))
    with refused(ws, ValidationError, "new_matter_reason", first.matter_number):
        register(ws, admin, contact(pid, contact_at=later, new_matter=True, new_matter_reason=" "))

    r = register(ws, admin, contact(pid, contact_at=later, new_matter=True,
                                    new_matter_reason="另一地块的补偿，与前一事项无关"))
    assert (r.is_repeat, r.opened_matter) == (False, True)
    assert r.matter_id != first.matter_id
    with ws.database.read() as session:
        row = session.get(Contact, r.contact_id)
        assert row is not None
        assert (row.is_repeat, row.repeat_suggested, row.repeat_override_reason) == (
            False, True, "另一地块的补偿，与前一事项无关")


def test_unknown_subject_and_missing_type(ws: Workspace, admin: Actor) -> None:
    with refused(ws, ValidationError, "subject_code", "问题分类"):
        register(ws, admin, contact(subject_code="9999"))
    with refused(ws, ValidationError, "subject_code", "问题分类"):
        register(ws, admin, contact(subject_code=None))
    with refused(ws, ValidationError, "matter_type", "事项类别"):
        register(ws, admin, contact(matter_type=None))


def test_assigned_down_matter_dated_in_the_future(ws: Workspace, admin: Actor) -> None:
    def open_assigned(registered_on: date, assigned_by: str = "某某县信访局") -> None:
        with ws.write(admin) as uow:
            matters.open_matter(uow, matters.NewMatter(
                title="某村道路硬化问题", matter_type=MatterType.CLAIM, subject_code="0107",
                registered_on=registered_on, source=MatterSource.ASSIGNED_DOWN,
                assigned_by=assigned_by))

    with refused(ws, ValidationError, "registered_on", "登记日期"):
        open_assigned(D("2026-11-24"))
    with refused(ws, ValidationError, "assigned_by", "交办单位"):
        open_assigned(D("2026-11-23"), assigned_by="")
    open_assigned(D("2026-11-23"))


def test_contact_before_2000_and_unknown_village(ws: Workspace, admin: Actor) -> None:
    with refused(ws, ValidationError, "contact_at", "来访时间"):
        register(ws, admin, contact(contact_at=datetime(1999, 12, 31, 9, 0)))
    with refused(ws, ValidationError, "problem_village_id", "问题属地"):
        register(ws, admin, contact(problem_village_id=uuid.uuid4()))


def test_dispatch_needs_a_known_unit_or_handler(ws: Workspace, admin: Actor) -> None:
    mid = _matter(ws, admin)
    perform(ws, admin, mid, st.Accept(on=D("2026-11-03")))
    with refused(ws, ValidationError, "responsible_unit_id", "责任单位"):
        perform(ws, admin, mid, st.Dispatch(on=D("2026-11-04")))
    with refused(ws, DomainError, "responsible_unit_id", "责任单位"):
        perform(ws, admin, mid, st.Dispatch(on=D("2026-11-04"), responsible_unit_id=uuid.uuid4()))
    with refused(ws, DomainError, "handler_id", "经办人"):
        perform(ws, admin, mid, st.Dispatch(on=D("2026-11-04"), handler_id=uuid.uuid4()))
    perform(ws, admin, mid, st.Dispatch(on=D("2026-11-04"), handler_id=admin.user_id))
    assert _state(ws, mid) == "in_handling"


@pytest.mark.parametrize("hearing_days", [-1, 366])
def test_hearing_days_out_of_range(ws: Workspace, admin: Actor, hearing_days: int) -> None:
    mid = _matter(ws, admin)
    for step in (st.Accept(on=D("2026-11-03")), st.Reply(on=D("2026-11-04"), summary="答复"),
                 st.DeliverReply(on=D("2026-11-05"), receiver="张三"),
                 st.RequestReview(on=D("2026-11-06"), body="县政府"),
                 st.DecideReview(on=D("2026-11-10"), outcome="维持"),
                 st.RequestRereview(on=D("2026-11-12"), body="市政府")):
        perform(ws, admin, mid, step)
    with refused(ws, ValidationError, "hearing_days", "听证天数"):
        perform(ws, admin, mid, st.DecideRereview(on=D("2026-11-20"), outcome="维持",
                                                  hearing_days=hearing_days))
    assert _state(ws, mid) == "under_rereview"


def test_direct_delivery_needs_receiver(ws: Workspace, admin: Actor) -> None:
    mid = _matter(ws, admin)
    perform(ws, admin, mid, st.Accept(on=D("2026-11-03")))
    perform(ws, admin, mid, st.Reply(on=D("2026-11-04"), summary="答复"))
    with refused(ws, ValidationError, "delivery_receiver", "签收人"):
        perform(ws, admin, mid, st.DeliverReply(on=D("2026-11-05")))
    assert _state(ws, mid) == "replied"
