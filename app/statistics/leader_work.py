"""Figures of leaders' petition work, dispute screening and sensitive periods for one period.

Definitions (docs/leader-work.md):
- 领导接访 批次/人次: contacts in the period registered as received by a leader (``leader_reception``),
  counted like every other 批次/人次; reception events per kind (接访/下访/约访) held in the period.
- 领导接访化解率: denominator = distinct matters linked to a reception record held in the period;
  numerator = those resolved (化解) by the cut-off.
- 排查: items first found in the period (carried copies are not counted again), per risk level; of
  those, how many were resolved or turned into a matter by the cut-off.
- 敏感节点越级访: skip-level contacts whose contact day lies inside a sensitive period.
- 领导包案: packages assigned / settled in the period; open (neither settled nor handed over) and past
  their target date at the period's last day; 包案化解率: packages not handed over by then and not settled
  before the period, numerator = settled by the cut-off.
- 重点人员: on the list at the period's last day, newly listed and follow-up contacts in the period,
  and those whose follow-up was overdue at the period's last day.
- 积案化解率 is the existing rate ``Rate.BACKLOG_RESOLUTION`` of ``compute_figures``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, func, or_, select

from app.domain.enums import Resolution
from app.domain.leader_work import ConflictStatus, ReceptionKind, Risk
from app.domain.permissions import Permission
from app.services.context import UnitOfWork
from app.statistics.compute import scope
from app.statistics.figures import Count, Ratio
from app.statistics.periods import Period, Window
from db.models import (
    CaseOwnership,
    Contact,
    KeyPerson,
    KeyPersonContact,
    LeaderReception,
    LeaderReceptionMatter,
    Matter,
    ScreenedConflict,
    SensitivePeriod,
    VillageReception,
)


@dataclass(frozen=True)
class CaseFigures:
    """领导包案 in the period and its state at the period's last day."""

    assigned: int = 0
    settled: int = 0
    open: int = 0
    overdue: int = 0  # open and past the target date
    resolution: Ratio = Ratio()  # 包案化解率


@dataclass(frozen=True)
class KeyPersonFigures:
    listed: int = 0  # on the list at the period's last day
    new: int = 0  # listed in the period
    follow_ups: int = 0  # contacts logged in the period
    overdue: int = 0  # follow-up overdue at the period's last day


@dataclass(frozen=True)
class LeaderWorkFigures:
    period: Period
    leader_contacts: Count  # 领导接访 批次/人次
    receptions: dict[ReceptionKind, int]  # events held per kind
    reception_resolution: Ratio  # 领导接访化解率
    screened: dict[Risk, int]  # items found in the period per risk
    screened_settled: Ratio  # of those, resolved or turned into a matter by the cut-off
    village_receptions: int
    sensitive_skip_level: Count  # skip-level contacts during sensitive periods
    cases: CaseFigures = CaseFigures()
    key_persons: KeyPersonFigures = KeyPersonFigures()


def leader_work_figures(uow: UnitOfWork, period: Period, *, office_ids: tuple[uuid.UUID, ...] = (),
                        cutoff: datetime | None = None) -> LeaderWorkFigures:
    uow.actor.require(Permission.READ)
    offices = scope(uow, office_ids)
    window = Window.at(period, uow.now(), cutoff)
    s = uow.session
    in_period = and_(Contact.office_id.in_(offices), Contact.contact_at >= period.begins_at,
                     Contact.contact_at < window.contacts_before)
    leader = s.execute(select(func.count(), func.coalesce(func.sum(Contact.headcount), 0))
                       .where(in_period, Contact.leader_reception)).one()
    held = and_(LeaderReception.office_id.in_(offices), LeaderReception.held_on >= period.start,
                LeaderReception.held_on <= window.upper)
    kinds = dict(s.execute(select(LeaderReception.kind, func.count()).where(held)
                           .group_by(LeaderReception.kind)).all())
    received = (select(LeaderReceptionMatter.matter_id).distinct()
                .join(LeaderReception, LeaderReception.id == LeaderReceptionMatter.reception_id).where(held))
    resolved = and_(Matter.resolution == Resolution.RESOLVED.value, Matter.resolved_on <= window.through)
    reception_matters = s.execute(select(func.count(), func.count().filter(resolved))
                                  .where(Matter.id.in_(received))).one()
    found = and_(ScreenedConflict.office_id.in_(offices), ScreenedConflict.carried_from_id.is_(None),
                 ScreenedConflict.found_on >= period.start, ScreenedConflict.found_on <= window.upper)
    risks = dict(s.execute(select(ScreenedConflict.risk, func.count()).where(found)
                           .group_by(ScreenedConflict.risk)).all())
    settled = _settled_screening(uow, found, offices, window)
    villages = s.scalar(select(func.count()).where(
        VillageReception.office_id.in_(offices), VillageReception.held_on >= period.start,
        VillageReception.held_on <= window.upper)) or 0
    during = exists().where(SensitivePeriod.office_id == Contact.office_id,
                            SensitivePeriod.starts_on <= func.date(Contact.contact_at),
                            SensitivePeriod.ends_on >= func.date(Contact.contact_at))
    skip = s.execute(select(func.count(), func.coalesce(func.sum(Contact.headcount), 0))
                     .where(in_period, Contact.skip_level.is_not(None), during)).one()
    return LeaderWorkFigures(
        period=period, leader_contacts=Count(int(leader[0]), int(leader[1])),
        receptions={k: int(kinds.get(k.value, 0)) for k in ReceptionKind},
        reception_resolution=Ratio(int(reception_matters[1]), int(reception_matters[0])),
        screened={r: int(risks.get(r.value, 0)) for r in Risk}, screened_settled=settled,
        village_receptions=int(villages), sensitive_skip_level=Count(int(skip[0]), int(skip[1])),
        cases=_case_figures(uow, offices, period, window), key_persons=_key_person_figures(uow, offices, period, window))


def _case_figures(uow: UnitOfWork, offices: tuple[uuid.UUID, ...], period: Period, window: Window) -> CaseFigures:
    last = window.upper
    o = CaseOwnership
    mine = and_(o.office_id.in_(offices), o.assigned_on <= last)
    kept = or_(o.ended_on.is_(None), o.ended_on > last)  # not handed over to another leader by then
    unsettled = or_(o.settled_on.is_(None), o.settled_on > last)
    live = and_(kept, or_(o.settled_on.is_(None), o.settled_on >= period.start))
    settled_by_cutoff = and_(o.settled_on.is_not(None), o.settled_on <= window.through)
    row = uow.session.execute(select(
        func.count().filter(o.assigned_on >= period.start),
        func.count().filter(o.settled_on >= period.start, o.settled_on <= last),
        func.count().filter(kept, unsettled),
        func.count().filter(kept, unsettled, o.target_on < last),
        func.count().filter(live),
        func.count().filter(live, settled_by_cutoff)).where(mine)).one()
    return CaseFigures(int(row[0]), int(row[1]), int(row[2]), int(row[3]), Ratio(int(row[5]), int(row[4])))


def _key_person_figures(uow: UnitOfWork, offices: tuple[uuid.UUID, ...], period: Period,
                        window: Window) -> KeyPersonFigures:
    last = window.upper
    k = KeyPerson
    on_list = list(uow.session.execute(select(k.id, k.listed_on, k.follow_up_days).where(
        k.office_id.in_(offices), k.listed_on <= last, or_(k.removed_on.is_(None), k.removed_on > last))))
    latest = dict(uow.session.execute(
        select(KeyPersonContact.key_person_id, func.max(KeyPersonContact.contacted_on))
        .where(KeyPersonContact.office_id.in_(offices), KeyPersonContact.contacted_on <= last)
        .group_by(KeyPersonContact.key_person_id)).all())
    overdue = sum(1 for id_, listed_on, days in on_list
                  if (latest.get(id_) or listed_on) + timedelta(days=days) < last)
    follow_ups = uow.session.scalar(select(func.count()).where(
        KeyPersonContact.office_id.in_(offices), KeyPersonContact.contacted_on >= period.start,
        KeyPersonContact.contacted_on <= last)) or 0
    new = uow.session.scalar(select(func.count()).where(
        k.office_id.in_(offices), k.listed_on >= period.start, k.listed_on <= last)) or 0
    return KeyPersonFigures(len(on_list), int(new), int(follow_ups), overdue)


def _settled_screening(uow: UnitOfWork, found: ColumnElement[bool], offices: tuple[uuid.UUID, ...],
                       window: Window) -> Ratio:
    """Follow each item found in the period to its latest copy: settled if that copy was resolved by the
    cut-off or turned into a matter."""
    items = list(uow.session.scalars(select(ScreenedConflict.id).where(found)))
    rows = {r.id: r for r in uow.session.execute(
        select(ScreenedConflict.id, ScreenedConflict.carried_from_id, ScreenedConflict.status,
               ScreenedConflict.resolved_on).where(ScreenedConflict.office_id.in_(offices))).all()}
    children = {r.carried_from_id: r.id for r in rows.values() if r.carried_from_id is not None}
    done = 0
    for origin in items:
        current = origin
        while current in children:
            current = children[current]
        row = rows[current]
        if row.status == ConflictStatus.CONVERTED.value or (
                row.status == ConflictStatus.RESOLVED.value and row.resolved_on is not None
                and row.resolved_on <= window.through):
            done += 1
    return Ratio(done, len(items))
