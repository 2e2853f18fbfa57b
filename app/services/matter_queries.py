"""Read matters for lists, scripts and the deadline board: state, petitioners, open clocks.

A clock is *live* while the matter still owes it: unmet, and the matter not finished — except the
petitioner's review window, which stays live on a closed matter until it runs out or is used.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, and_, or_, select

from app.domain.deadlines import CLOCK_LABELS, OFFICE_DUTIES, PETITIONER_WINDOWS
from app.domain.enums import Clock, MatterState, MatterType
from app.domain.permissions import Permission
from app.domain.workflow import FINISHED_STATES, STATE_LABELS
from app.services.context import UnitOfWork
from app.services.dictionaries import subject_names, subject_path
from db.models import Matter, MatterDeadline, MatterPetitioner, Person

MASKED = "（检举人信息保密）"
CHUNK = 500


@dataclass(frozen=True)
class OpenClock:
    clock: Clock
    label: str
    due_on: date
    days_left: int
    office_duty: bool


@dataclass(frozen=True)
class MatterRow:
    id: uuid.UUID
    number: str
    state: MatterState
    state_label: str
    matter_type: MatterType
    subject_code: str | None
    subject: str
    title: str
    registered_on: date
    petitioners: tuple[str, ...]
    open_clocks: tuple[OpenClock, ...]


def live_clock_condition():  # type: ignore[no-untyped-def]
    """SQL condition on MatterDeadline joined to Matter: the clock is still owed."""
    finished = [s.value for s in FINISHED_STATES]
    return and_(
        MatterDeadline.met_on.is_(None),
        or_(
            Matter.state.notin_(finished),
            and_(Matter.state == MatterState.CLOSED.value,
                 MatterDeadline.clock.in_([c.value for c in PETITIONER_WINDOWS])),
        ),
    )


def duty_clock_matters(condition):  # type: ignore[no-untyped-def]
    """Select of the ids of matters with a live office clock meeting ``condition`` (on MatterDeadline).

    Use it as ``Matter.id.in_(...)``: SQLite answers the IN list once from the (met_on, due_on)
    index, where a correlated EXISTS got that index probed once per matter (quadratic on big offices).
    """
    return (select(MatterDeadline.matter_id).join(Matter, Matter.id == MatterDeadline.matter_id)
            .where(live_clock_condition(), MatterDeadline.clock.in_([c.value for c in OFFICE_DUTIES]), condition)
            .correlate(None))


def live_clocks(uow: UnitOfWork, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[OpenClock]]:
    """The live clocks of these matters, nearest first, found through the (matter_id, clock) index.

    Liveness is computed as a column, not filtered on: in WHERE, SQLite prefers the (met_on, due_on)
    index for ``met_on IS NULL`` and walks every unmet clock of the office for each call.
    """
    result: dict[uuid.UUID, list[OpenClock]] = {}
    if not ids:
        return result
    today = uow.today()
    rows = uow.session.execute(
        select(MatterDeadline.matter_id, MatterDeadline.clock, MatterDeadline.due_on, live_clock_condition().label("live"))
        .join(Matter, Matter.id == MatterDeadline.matter_id)
        .where(MatterDeadline.matter_id.in_(ids)).order_by(MatterDeadline.due_on))
    for matter_id, clock_value, due_on, live in rows:
        if live:
            clock = Clock(clock_value)
            result.setdefault(matter_id, []).append(OpenClock(
                clock, CLOCK_LABELS[clock], due_on, (due_on - today).days, clock in OFFICE_DUTIES))
    return result


def matter_filter(
    uow: UnitOfWork, *, state: MatterState | None = None, overdue: bool = False,
    due_within: int | None = None,
) -> Select[tuple[Matter]]:
    today = uow.today()
    stmt = select(Matter).where(Matter.office_id == uow.office_id)
    if state is not None:
        stmt = stmt.where(Matter.state == state.value)
    if overdue:
        stmt = stmt.where(Matter.id.in_(duty_clock_matters(MatterDeadline.due_on < today)))
    if due_within is not None:
        stmt = stmt.where(Matter.id.in_(duty_clock_matters(MatterDeadline.due_on.between(
            today, today + timedelta(days=due_within)))))
    return stmt


def list_matters(
    uow: UnitOfWork, *, state: MatterState | None = None, overdue: bool = False,
    due_within: int | None = None, limit: int | None = None, offset: int = 0,
) -> list[MatterRow]:
    uow.actor.require(Permission.READ)
    stmt = matter_filter(uow, state=state, overdue=overdue, due_within=due_within)
    stmt = stmt.order_by(Matter.registered_on.desc(), Matter.number.desc()).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    matters = list(uow.session.scalars(stmt))
    # Chunked so the IN lists stay far below the backends' bound-parameter limits.
    return [row for i in range(0, len(matters), CHUNK) for row in rows_for(uow, matters[i:i + CHUNK])]


def rows_for(uow: UnitOfWork, matters: list[Matter]) -> list[MatterRow]:
    ids = [m.id for m in matters]
    names = _petitioner_names(uow, ids)
    clocks = live_clocks(uow, ids)
    subjects = subject_names(uow.session)
    see_accusers = uow.actor.may(Permission.READ_ACCUSATION)
    rows = []
    for m in matters:
        hidden = m.matter_type == MatterType.ACCUSATION.value and not see_accusers
        rows.append(MatterRow(
            id=m.id, number=m.number, state=MatterState(m.state),
            state_label=STATE_LABELS[MatterState(m.state)], matter_type=MatterType(m.matter_type),
            subject_code=m.subject_code, subject=subject_path(subjects, m.subject_code),
            title=MASKED if hidden else m.title, registered_on=m.registered_on,
            petitioners=(MASKED,) if hidden and names.get(m.id) else tuple(names.get(m.id, [])),
            open_clocks=tuple(clocks.get(m.id, [])),
        ))
    return rows


def _petitioner_names(uow: UnitOfWork, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    result: dict[uuid.UUID, list[str]] = {}
    if not ids:
        return result
    rows = uow.session.execute(
        select(MatterPetitioner.matter_id, Person.name)
        .join(Person, Person.id == MatterPetitioner.person_id)
        .where(MatterPetitioner.matter_id.in_(ids)).order_by(MatterPetitioner.position))
    for matter_id, name in rows:
        result.setdefault(matter_id, []).append(name)
    return result
