"""Figures of leaders' petition work, dispute screening and sensitive periods for one period.

Definitions (docs/leader-work.md):
- 领导接访 批次/人次: contacts in the period registered as received by a leader (``leader_reception``),
  counted like every other 批次/人次; reception events per kind (接访/下访/约访) held in the period.
- 领导接访化解率: denominator = distinct matters linked to a reception record held in the period;
  numerator = those resolved (化解) by the cut-off.
- 排查: items first found in the period (carried copies are not counted again), per risk level; of
  those, how many were resolved or turned into a matter by the cut-off.
- 敏感节点越级访: skip-level contacts whose contact day lies inside a sensitive period.
- 积案化解率 is the existing rate ``Rate.BACKLOG_RESOLUTION`` of ``compute_figures``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, func, select

from app.domain.enums import Resolution
from app.domain.leader_work import ConflictStatus, ReceptionKind, Risk
from app.domain.permissions import Permission
from app.services.context import UnitOfWork
from app.statistics.compute import scope
from app.statistics.figures import Count, Ratio
from app.statistics.periods import Period, Window
from db.models import (
    Contact,
    LeaderReception,
    LeaderReceptionMatter,
    Matter,
    ScreenedConflict,
    SensitivePeriod,
    VillageReception,
)


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
        village_receptions=int(villages), sensitive_skip_level=Count(int(skip[0]), int(skip[1])))


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
