"""信访事项 list read model: the ordered ids for a filter (packed), and rows one page at a time.

Filters and sort run in SQL (``matter_list_ids``, on a worker thread: a full-text word of 1–2
characters scans every contact); ``matter_rows`` fetches at most one page of 100 rows in a handful
of indexed queries, fast enough for the UI thread while the list scrolls.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true

from app.domain.deadlines import OFFICE_DUTIES
from app.domain.enums import MatterState, MatterType, Resolution
from app.domain.permissions import Permission
from app.domain.workflow import FINISHED_STATES, STATE_LABELS
from app.services import content_search
from app.services.context import UnitOfWork
from app.services.dictionaries import subject_names, subject_path
from app.services.listing import packed_ids
from app.services.matter_queries import (
    CHUNK, MASKED, OpenClock, duty_clock_matters, live_clock_condition, live_clocks,
)
from db.models import Matter, MatterDeadline, MatterPetitioner, Person, ResponsibleUnit, Subject, Village

MAX_PAGE = 100
SOON_DAYS = 3
WEEK_DAYS = 7
BACKLOG_AGE_DAYS = 365  # 积案: unresolved for over a year, or flagged (assigned list)
FINISHED = [s.value for s in FINISHED_STATES]


class DueFilter(StrEnum):
    OVERDUE = "overdue"  # an office clock is past due
    SOON = "soon"  # due within 3 days (today included)
    WEEK = "week"  # due within 7 days


class MatterSort(StrEnum):
    NEWEST = "newest"  # registered latest first
    OLDEST = "oldest"
    DEADLINE = "deadline"  # nearest office deadline first; none last


@dataclass(frozen=True)
class MatterFilter:
    text: str = ""  # full text: matter title and contact content
    state: MatterState | None = None
    open_only: bool = False  # not finished (declined, routed, forwarded, returned, closed, concluded)
    matter_type: MatterType | None = None
    subject_code: str | None = None  # a first-level code takes its children too
    village_id: uuid.UUID | None = None  # where the problem is (问题属地)
    responsible_unit_id: uuid.UUID | None = None
    case_leader: str | None = None
    due: DueFilter | None = None
    backlog: bool = False
    to_review: bool = False  # imported from an old ledger without a result, not yet taken up (待核实)
    sort: MatterSort = MatterSort.NEWEST


@dataclass(frozen=True)
class MatterListRow:
    id: uuid.UUID
    number: str
    registered_on: date
    matter_type: MatterType
    subject: str
    title: str
    petitioners: tuple[str, ...]
    state: MatterState
    state_label: str
    village: str
    responsible_unit: str
    case_leader: str
    next_clock: OpenClock | None  # the nearest live office clock
    urgency: str | None  # overdue / soon / week


@dataclass(frozen=True)
class MatterFilterOptions:
    subjects: tuple[tuple[str, str, bool], ...]  # (code, name, is first level) in tree order
    villages: tuple[tuple[uuid.UUID, str], ...]
    units: tuple[tuple[uuid.UUID, str], ...]
    leaders: tuple[str, ...]


def urgency_of(days_left: int | None) -> str | None:
    if days_left is None:
        return None
    if days_left < 0:
        return "overdue"
    if days_left <= SOON_DAYS:
        return "soon"
    return "week" if days_left <= WEEK_DAYS else None


def _backlog_condition(today: date) -> ColumnElement[bool]:
    flagged = or_(Matter.is_backlog, Matter.backlog_since.is_not(None))
    old_and_open = and_(Matter.state.notin_(FINISHED),
                        Matter.registered_on <= today - timedelta(days=BACKLOG_AGE_DAYS))
    return and_(or_(flagged, old_and_open), Matter.resolution != Resolution.RESOLVED.value)


def _next_due():  # type: ignore[no-untyped-def]
    """Per matter, the nearest due date of its live office clocks: one grouped pass, then joined."""
    return (select(MatterDeadline.matter_id.label("matter_id"), func.min(MatterDeadline.due_on).label("due_on"))
            .join(Matter, Matter.id == MatterDeadline.matter_id)
            .where(live_clock_condition(), MatterDeadline.clock.in_([c.value for c in OFFICE_DUTIES]))
            .group_by(MatterDeadline.matter_id).subquery("next_due"))


def matter_list_stmt(uow: UnitOfWork, spec: MatterFilter, *, first_rows: bool = False) -> Select[tuple[uuid.UUID]]:
    """The ordered ids of ``spec``; ``first_rows`` when only the first screenful (a LIMIT) is read."""
    today = uow.today()
    stmt = select(Matter.id).where(content_search.own_office(uow))
    if spec.state is not None:
        stmt = stmt.where(Matter.state == spec.state.value)
    if spec.due is DueFilter.OVERDUE:
        stmt = stmt.where(Matter.id.in_(duty_clock_matters(MatterDeadline.due_on < today)))
    elif spec.due is not None:
        days = SOON_DAYS if spec.due is DueFilter.SOON else WEEK_DAYS
        stmt = stmt.where(Matter.id.in_(duty_clock_matters(
            MatterDeadline.due_on.between(today, today + timedelta(days=days)))))
    if spec.open_only:
        stmt = stmt.where(Matter.state.notin_(FINISHED))
    if spec.matter_type is not None:
        stmt = stmt.where(Matter.matter_type == spec.matter_type.value)
    if spec.subject_code:
        stmt = stmt.where(or_(Matter.subject_code == spec.subject_code,
                              Matter.subject_code.startswith(spec.subject_code, autoescape=True)))
    if spec.village_id is not None:
        stmt = stmt.where(Matter.problem_village_id == spec.village_id)
    if spec.responsible_unit_id is not None:
        stmt = stmt.where(Matter.responsible_unit_id == spec.responsible_unit_id)
    if spec.case_leader:
        stmt = stmt.where(Matter.case_leader == spec.case_leader)
    if spec.backlog:
        stmt = stmt.where(_backlog_condition(today))
    if spec.to_review:
        stmt = stmt.where(Matter.needs_review.is_(true()))
    if spec.text.strip():
        # NEWEST and OLDEST walk the registration-date index, so a LIMIT stops that walk early.
        walk = first_rows and spec.sort in (MatterSort.NEWEST, MatterSort.OLDEST)
        stmt = stmt.where(content_search.matter_condition(uow, spec.text, first_rows=walk))
    if spec.sort is MatterSort.OLDEST:
        return stmt.order_by(Matter.registered_on, Matter.number)
    if spec.sort is MatterSort.DEADLINE:
        next_due = _next_due()
        return (stmt.outerjoin(next_due, next_due.c.matter_id == Matter.id)
                .order_by(next_due.c.due_on.is_(None), next_due.c.due_on, Matter.registered_on, Matter.number))
    return stmt.order_by(Matter.registered_on.desc(), Matter.number.desc())


def matter_list_ids(uow: UnitOfWork, spec: MatterFilter, limit: int | None = None) -> bytes:
    """The ordered ids of this office's matters matching ``spec``, 16 bytes each.

    ``limit`` gives the first rows only: at 300,000 matters the first screenful comes back in tens
    of milliseconds while the whole list takes a second or more (the list shows both, in turn).
    """
    uow.actor.require(Permission.READ)
    stmt = matter_list_stmt(uow, spec, first_rows=limit is not None)
    if limit is not None:
        stmt = stmt.limit(limit)
    return packed_ids(uow.session, stmt)


def is_slow(uow: UnitOfWork, spec: MatterFilter) -> bool:
    """The filter scans every contact (a 1–2 character word): show progress while it runs."""
    return content_search.needs_scan(uow.session, spec.text)


def matter_rows(uow: UnitOfWork, ids: list[uuid.UUID]) -> dict[uuid.UUID, MatterListRow]:
    """One page of list rows (≤ 100 ids) in five indexed queries (a few ms at 300,000 matters).

    Accusation titles and petitioners are masked for roles that may not read them.
    """
    uow.actor.require(Permission.READ)
    if len(ids) > MAX_PAGE:
        raise ValueError(f"matter_rows takes at most {MAX_PAGE} ids")
    if not ids:
        return {}
    matters = list(uow.session.scalars(select(Matter).where(Matter.id.in_(ids))))
    villages = _names(uow, Village, {m.problem_village_id for m in matters})
    units = _names(uow, ResponsibleUnit, {m.responsible_unit_id for m in matters})
    names = petitioner_names(uow, ids)
    clocks = live_clocks(uow, ids)
    subjects = subject_names(uow.session)
    rows: dict[uuid.UUID, MatterListRow] = {}
    for m in matters:
        hidden = is_hidden(uow, m.matter_type)
        duties = [c for c in clocks.get(m.id, []) if c.office_duty]
        next_clock = duties[0] if duties else None  # live_clocks come nearest first
        state = MatterState(m.state)
        rows[m.id] = MatterListRow(
            id=m.id, number=m.number, registered_on=m.registered_on, matter_type=MatterType(m.matter_type),
            subject=subject_path(subjects, m.subject_code), title=MASKED if hidden else m.title,
            petitioners=(MASKED,) if hidden and names.get(m.id) else names.get(m.id, ()), state=state,
            state_label=STATE_LABELS[state], village=villages.get(m.problem_village_id, ""),
            responsible_unit=units.get(m.responsible_unit_id, ""), case_leader=m.case_leader,
            next_clock=next_clock, urgency=urgency_of(next_clock.days_left if next_clock else None))
    return rows


def is_hidden(uow: UnitOfWork, matter_type: str) -> bool:
    """检举控告类 title, content and petitioners are not shown to roles that may not read them."""
    return matter_type == MatterType.ACCUSATION.value and not uow.actor.may(Permission.READ_ACCUSATION)


def shown_petitioners(uow: UnitOfWork, matter_type: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """The petitioners of a matter as the actor may see them: one MASKED for a hidden 检举控告."""
    return (MASKED,) if names and is_hidden(uow, matter_type) else names


def petitioner_names(uow: UnitOfWork, ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[str, ...]]:
    found: dict[uuid.UUID, list[str]] = {}
    for start in range(0, len(ids), CHUNK):
        for matter_id, name in uow.session.execute(
                select(MatterPetitioner.matter_id, Person.name).join(Person, Person.id == MatterPetitioner.person_id)
                .where(MatterPetitioner.matter_id.in_(ids[start:start + CHUNK])).order_by(MatterPetitioner.position)):
            found.setdefault(matter_id, []).append(name)
    return {k: tuple(v) for k, v in found.items()}


def _names(uow: UnitOfWork, model: type[Village] | type[ResponsibleUnit],
           ids: set[uuid.UUID | None]) -> dict[uuid.UUID | None, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {i: n for i, n in uow.session.execute(select(model.id, model.name).where(model.id.in_(wanted)))}


def filter_options(uow: UnitOfWork) -> MatterFilterOptions:
    """What the filter boxes offer: subjects in tree order, villages, responsible units, leaders."""
    uow.actor.require(Permission.READ)
    session, office = uow.session, uow.office_id
    names = subject_names(session)
    subjects = tuple((code, names.get(code, code), parent is None) for code, parent in session.execute(
        select(Subject.code, Subject.parent_code).where(Subject.active).order_by(Subject.sort_order)))
    villages = tuple((i, n) for i, n in session.execute(select(Village.id, Village.name).where(
        Village.office_id == office, Village.active).order_by(Village.name)))
    units = tuple((i, n) for i, n in session.execute(select(ResponsibleUnit.id, ResponsibleUnit.name).where(
        ResponsibleUnit.office_id == office, ResponsibleUnit.active).order_by(ResponsibleUnit.name)))
    leaders = tuple(session.scalars(select(Matter.case_leader).where(
        Matter.office_id == office, Matter.case_leader != "").distinct().order_by(Matter.case_leader)))
    return MatterFilterOptions(subjects, villages, units, leaders)

