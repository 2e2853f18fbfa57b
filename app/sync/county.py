"""County views across townships: 跨乡镇信访人, the townships' replies to the county's 督办, and figures
(the report's and leader work's) for the whole county and per township."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select

from app.domain.enums import MatterSource, OfficeLevel
from app.domain.permissions import Permission
from app.services.context import UnitOfWork
from app.statistics.compute import compute_figures, scope
from app.statistics.figures import Figures
from app.statistics.leader_work import LeaderWorkFigures, leader_work_figures
from app.statistics.periods import Period
from db.models import Assignment, Matter, MatterEvent, Office, Person, Supervision, SupervisionReply


@dataclass(frozen=True)
class CrossTownshipPerson:
    """One ID number with live archives in several townships (跨乡镇信访人)."""

    id_number: str
    names: tuple[str, ...]
    townships: tuple[str, ...]
    person_ids: tuple[uuid.UUID, ...]


def cross_township_persons(uow: UnitOfWork) -> list[CrossTownshipPerson]:
    uow.actor.require(Permission.READ)
    live = (Person.merged_into_id.is_(None), Person.id_number.is_not(None))
    shared = (select(Person.id_number).where(*live).group_by(Person.id_number)
              .having(func.count(func.distinct(Person.office_id)) > 1))
    rows = uow.session.execute(
        select(Person.id_number, Person.name, Office.short_name, Person.id)
        .join(Office, Office.id == Person.office_id)
        .where(*live, Person.id_number.in_(shared))
        .order_by(Person.id_number, Office.division_code, Person.name)).all()
    grouped: dict[str, list[tuple[str, str, uuid.UUID]]] = {}
    for id_number, name, township, person_id in rows:
        grouped.setdefault(id_number, []).append((name, township, person_id))
    return [CrossTownshipPerson(number, tuple(dict.fromkeys(n for n, _, _ in items)),
                                tuple(dict.fromkeys(t for _, t, _ in items)), tuple(p for _, _, p in items))
            for number, items in grouped.items()]


@dataclass(frozen=True)
class AssignmentProgress:
    """An assignment and the township matter registered from it (None until its package arrives)."""

    assignment_id: uuid.UUID
    title: str
    township: str
    due_on: date | None
    matter_number: str | None
    matter_state: str | None


def assignment_progress(uow: UnitOfWork) -> list[AssignmentProgress]:
    """The county's assignments and where each stands in its township."""
    from app.sync.importing import ASSIGNMENT_KEY

    uow.actor.require(Permission.READ)
    answered: dict[str, tuple[str, str]] = {}
    for data, number, state in uow.session.execute(
            select(MatterEvent.data, Matter.number, Matter.state).join(Matter, Matter.id == MatterEvent.matter_id)
            .where(MatterEvent.seq == 1, Matter.source == MatterSource.ASSIGNED_DOWN.value)):
        if isinstance(data, dict) and ASSIGNMENT_KEY in data:
            answered[data[ASSIGNMENT_KEY]] = (number, state)
    rows = uow.session.execute(select(Assignment, Office.short_name)
                               .outerjoin(Office, Office.id == Assignment.to_office_id)
                               .where(Assignment.office_id == uow.office_id).order_by(Assignment.assigned_on))
    found = []
    for assignment, township in rows:
        number, state = answered.get(str(assignment.id), (None, None))
        found.append(AssignmentProgress(assignment.id, assignment.title, township or "", assignment.due_on,
                                        number, state))
    return found


@dataclass(frozen=True)
class SupervisionAnswer:
    """A supervision note of this (county) office and the township's reply (None until it arrives)."""

    supervision_id: uuid.UUID
    township: str
    matter_number: str
    request: str
    due_on: date | None
    replied_on: date | None
    reply: str


def supervision_answers(uow: UnitOfWork) -> list[SupervisionAnswer]:
    """The county's notes on township matters, each with the reply the township's packages brought."""
    uow.actor.require(Permission.READ)
    rows = uow.session.execute(
        select(Supervision, Office.short_name, Matter.number, SupervisionReply.replied_on, SupervisionReply.reply)
        .join(Matter, Matter.id == Supervision.matter_id).join(Office, Office.id == Matter.office_id)
        .outerjoin(SupervisionReply, and_(SupervisionReply.supervision_id == Supervision.id,
                                          SupervisionReply.office_id == Matter.office_id))
        .where(Supervision.office_id == uow.office_id, Matter.office_id != uow.office_id)
        .order_by(Supervision.issued_on, Office.division_code, Matter.number)).all()
    return [SupervisionAnswer(s.id, township, number, s.request, s.due_on, replied_on, reply or "")
            for s, township, number, replied_on, reply in rows]


def _townships(uow: UnitOfWork) -> list[tuple[uuid.UUID, str]]:
    return [(i, n) for i, n in uow.session.execute(select(Office.id, Office.short_name).where(
        Office.level == OfficeLevel.TOWNSHIP.value).order_by(Office.division_code))]


def county_figures(uow: UnitOfWork, period: Period) -> dict[str, Figures]:
    """``全县`` (every township in this database) and each township by its short name."""
    uow.actor.require(Permission.READ)
    figures = {"全县": compute_figures(uow, period, office_ids=scope(uow), parallel=False)}
    for office_id, name in _townships(uow):
        figures[name] = compute_figures(uow, period, office_ids=(office_id,), parallel=False)
    return figures


def county_leader_work(uow: UnitOfWork, period: Period) -> dict[str, LeaderWorkFigures]:
    """领导接访、排查、村级接访 and sensitive-period figures: ``全县`` and each township, from the rows
    the townships' packages brought (each township's own sensitive periods apply to its contacts)."""
    uow.actor.require(Permission.READ)
    figures = {"全县": leader_work_figures(uow, period, office_ids=scope(uow))}
    for office_id, name in _townships(uow):
        figures[name] = leader_work_figures(uow, period, office_ids=(office_id,))
    return figures
