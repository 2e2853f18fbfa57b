"""Filters for "the contacts or matters behind a number", accepted by the ledgers and lists.

Every breakdown of the statistics is written here once, as a SQL expression (``DIMENSIONS``); the
counts group by it and the drill-down filters on it, so a figure and its list always agree.
A filter value of ``NONE`` asks for the rows where the thing was not recorded.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import ColumnElement

from app.domain.enums import Channel, MatterState
from app.domain.permissions import Permission
from app.services.context import UnitOfWork
from app.statistics import rates
from app.statistics.periods import Window
from db.models import Contact, ContactPerson, Matter, MatterPetitioner, Person

NONE: Literal["none"] = "none"
COLLECTIVE_HEADCOUNT = 5  # 集体访: a visit of 5 or more people
MAIN_PERSON = aliased(ContactPerson, name="main_person")
RESIDENT = aliased(Person, name="resident")

Ref = uuid.UUID | Literal["none"] | None


def is_collective() -> ColumnElement[bool]:
    return and_(Contact.channel == Channel.VISIT.value, Contact.headcount >= COLLECTIVE_HEADCOUNT)


def is_joint_letter() -> ColumnElement[bool]:
    return and_(Contact.channel == Channel.LETTER.value, Contact.headcount > 1)


@dataclass(frozen=True)
class ContactFilter:
    """Contacts by date range and breakdown values; None means "any"."""

    start: date | None = None
    end: date | None = None
    before: datetime | None = None  # contact time strictly before (a report's cut-off)
    office_ids: tuple[uuid.UUID, ...] = ()  # empty: the acting user's office
    channel: str | None = None
    collective: bool | None = None
    joint_letter: bool | None = None
    repeat: bool | None = None
    skip_level: str | None = None  # a target, or "any"
    leader_reception: bool | None = None
    matter_type: str | None = None  # or NONE: contacts without a matter
    subject_prefix: str | None = None  # level-1 code: the code and its children
    subject_code: str | None = None  # exact code, or NONE
    problem_village_id: Ref = None
    residence_village_id: Ref = None  # the main petitioner's village
    responsible_unit_id: Ref = None
    person_id: uuid.UUID | None = None
    matter_id: uuid.UUID | None = None

    def narrowed(self, **values: Any) -> ContactFilter:
        return replace(self, **values)

    @classmethod
    def for_window(cls, window: Window, office_ids: tuple[uuid.UUID, ...] = ()) -> ContactFilter:
        return cls(start=window.period.start, end=window.period.end, before=window.contacts_before,
                   office_ids=office_ids)


def _ref(column: ColumnElement, value: Ref) -> ColumnElement[bool]:
    return column.is_(None) if value == NONE else column == value


def _needs_matter(f: ContactFilter) -> bool:
    return any(v is not None for v in (f.matter_type, f.subject_prefix, f.subject_code,
                                       f.responsible_unit_id))


def offices_of(uow: UnitOfWork, office_ids: tuple[uuid.UUID, ...]) -> tuple[uuid.UUID, ...]:
    return office_ids or (uow.office_id,)


def contact_conditions(uow: UnitOfWork, f: ContactFilter) -> list[ColumnElement[bool]]:
    c: list[ColumnElement[bool]] = [Contact.office_id.in_(offices_of(uow, f.office_ids))]
    if f.start is not None:
        c.append(Contact.contact_at >= datetime.combine(f.start, time()))
    if f.end is not None:
        c.append(Contact.contact_at < datetime.combine(f.end + timedelta(days=1), time()))
    if f.before is not None:
        c.append(Contact.contact_at < f.before)
    if f.channel is not None:
        c.append(Contact.channel == f.channel)
    if f.collective is not None:
        c.append(is_collective() if f.collective else ~is_collective())
    if f.joint_letter is not None:
        c.append(is_joint_letter() if f.joint_letter else ~is_joint_letter())
    if f.repeat is not None:
        c.append(Contact.is_repeat == f.repeat)
    if f.skip_level is not None:
        c.append(Contact.skip_level.is_not(None) if f.skip_level == "any"
                 else Contact.skip_level == f.skip_level)
    if f.leader_reception is not None:
        c.append(Contact.leader_reception == f.leader_reception)
    if f.matter_type is not None:
        c.append(Contact.matter_id.is_(None) if f.matter_type == NONE
                 else Matter.matter_type == f.matter_type)
    if f.subject_prefix is not None:
        c.append(func.substr(Matter.subject_code, 1, 2) == f.subject_prefix)
    if f.subject_code is not None:
        c.append(_ref(Matter.subject_code, f.subject_code))  # type: ignore[arg-type]
    if f.problem_village_id is not None:
        c.append(_ref(Contact.problem_village_id, f.problem_village_id))
    if f.residence_village_id is not None:
        c.append(_ref(RESIDENT.village_id, f.residence_village_id))
    if f.responsible_unit_id is not None:
        c.append(_ref(Matter.responsible_unit_id, f.responsible_unit_id))
    if f.person_id is not None:
        c.append(Contact.id.in_(select(ContactPerson.contact_id)
                                .where(ContactPerson.person_id == f.person_id).correlate(None)))
    if f.matter_id is not None:
        c.append(Contact.matter_id == f.matter_id)
    return c


def with_joins(stmt: Select[Any], *, matter: bool = False, residence: bool = False) -> Select[Any]:
    if matter:
        stmt = stmt.outerjoin(Matter, Matter.id == Contact.matter_id)
    if residence:
        stmt = stmt.outerjoin(MAIN_PERSON, and_(MAIN_PERSON.contact_id == Contact.id,
                                                MAIN_PERSON.position == 0))
        stmt = stmt.outerjoin(RESIDENT, RESIDENT.id == MAIN_PERSON.person_id)
    return stmt


def contact_select(uow: UnitOfWork, f: ContactFilter, *columns: Any, join_matter: bool = False,
                   join_residence: bool = False) -> Select[Any]:
    """SELECT ``columns`` (default: Contact) of the contacts matching ``f``, with the joins it needs.

    The matter is outer-joined as ``Matter`` and the main petitioner as ``RESIDENT``.
    """
    uow.actor.require(Permission.READ)
    stmt = select(*(columns or (Contact,))).select_from(Contact)
    stmt = with_joins(stmt, matter=join_matter or _needs_matter(f),
                      residence=join_residence or f.residence_village_id is not None)
    return stmt.where(*contact_conditions(uow, f))


def count_contacts(uow: UnitOfWork, f: ContactFilter) -> tuple[int, int]:
    """(批次, 人次) of the contacts matching ``f``."""
    stmt = contact_select(uow, f, func.count(), func.coalesce(func.sum(Contact.headcount), 0))
    batches, person_visits = uow.session.execute(stmt).one()
    return int(batches), int(person_visits)


# --- matters ---------------------------------------------------------------------------------

RatePart = Literal["denominator", "numerator"]


@dataclass(frozen=True)
class MatterFilter:
    """Matters by registration date and attributes, or the matters behind a rate of a report."""

    registered_from: date | None = None
    registered_to: date | None = None
    office_ids: tuple[uuid.UUID, ...] = ()
    states: tuple[MatterState, ...] = ()
    matter_type: str | None = None
    subject_prefix: str | None = None
    subject_code: str | None = None
    responsible_unit_id: Ref = None
    problem_village_id: Ref = None
    backlog_on: date | None = None  # 积案 on that day and not resolved before it
    rate: rates.Rate | Literal["average_days"] | None = None
    rate_part: RatePart = "denominator"
    window: Window | None = None
    person_id: uuid.UUID | None = None

    def narrowed(self, **values: Any) -> MatterFilter:
        return replace(self, **values)


def rate_settings(uow: UnitOfWork, office_ids: tuple[uuid.UUID, ...] = ()) -> rates.RateSettings:
    """The office settings of the acting user's office (a county report uses the county's)."""
    del office_ids
    basically = bool(uow.setting("satisfaction_counts_basically"))
    return rates.RateSettings(
        evaluation_window_days=int(uow.setting("evaluation_window_days")),
        satisfaction_variant=(rates.SatisfactionVariant.SATISFIED_OR_BASICALLY if basically
                              else rates.SatisfactionVariant.SATISFIED),
    )


def matter_select(uow: UnitOfWork, f: MatterFilter) -> Select[tuple[Matter]]:
    uow.actor.require(Permission.READ)
    offices = offices_of(uow, f.office_ids)
    if f.rate is not None:
        if f.window is None:
            raise ValueError("a rate drill-down needs the report's window")
        if f.rate == "average_days":
            stmt = rates.average_days_matters(f.window, offices)
        else:
            spec = rates.SPECS[rates.Rate(f.rate)](f.window, offices, rate_settings(uow))
            stmt = rates.matters_in(spec, f.rate_part, f.window, offices)
    else:
        stmt = select(Matter).where(Matter.office_id.in_(offices))
    return stmt.where(*matter_conditions(f))


def matter_conditions(f: MatterFilter) -> list[ColumnElement[bool]]:
    c: list[ColumnElement[bool]] = []
    if f.registered_from is not None:
        c.append(Matter.registered_on >= f.registered_from)
    if f.registered_to is not None:
        c.append(Matter.registered_on <= f.registered_to)
    if f.states:
        c.append(Matter.state.in_([s.value for s in f.states]))
    if f.matter_type is not None:
        c.append(Matter.matter_type == f.matter_type)
    if f.subject_prefix is not None:
        c.append(func.substr(Matter.subject_code, 1, 2) == f.subject_prefix)
    if f.subject_code is not None:
        c.append(_ref(Matter.subject_code, f.subject_code))  # type: ignore[arg-type]
    if f.responsible_unit_id is not None:
        c.append(_ref(Matter.responsible_unit_id, f.responsible_unit_id))
    if f.problem_village_id is not None:
        c.append(_ref(Matter.problem_village_id, f.problem_village_id))
    if f.backlog_on is not None:
        start = rates.backlog_start()
        c.append(and_(start.is_not(None), start <= f.backlog_on))
        c.append(~and_(Matter.resolution == "resolved", Matter.resolved_on.is_not(None),
                       Matter.resolved_on < f.backlog_on))
    if f.person_id is not None:
        c.append(Matter.id.in_(select(MatterPetitioner.matter_id)
                               .where(MatterPetitioner.person_id == f.person_id).correlate(None)))
    return c


def count_matters(uow: UnitOfWork, f: MatterFilter) -> int:
    sub = matter_select(uow, f).with_only_columns(Matter.id).subquery()
    return int(uow.session.scalar(select(func.count()).select_from(sub)) or 0)


__all__ = ["NONE", "ContactFilter", "MatterFilter", "contact_select", "count_contacts",
           "count_matters", "matter_select"]
