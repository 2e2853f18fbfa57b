"""What the 领导包案/接访 page shows in one read: a leader's packages, the schedule ahead, recent
receptions, the backlog, and today's sensitive period with the key persons due during it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from app.domain.permissions import Permission
from app.services.backlog import BacklogItem, backlog_list
from app.services.case_ownership import OwnedCase, leader_cases
from app.services.context import UnitOfWork
from app.services.key_persons import KeyPersonInfo, PeriodInfo, PeriodWatch, key_persons, period_watch, periods
from app.services.leader_receptions import ReceptionInfo, SlotInfo, receptions, schedule
from app.services.work_records import PickLists, pick_lists

SCHEDULE_AHEAD_DAYS = 31
RECEPTIONS_BACK_DAYS = 90
PERIODS_AHEAD_DAYS = 366


@dataclass(frozen=True)
class LeaderDesk:
    lists: PickLists
    leader_id: uuid.UUID | None  # whose packages are shown; None: every leader's
    cases: tuple[OwnedCase, ...]
    schedule: tuple[SlotInfo, ...]
    receptions: tuple[ReceptionInfo, ...]
    backlog: tuple[BacklogItem, ...]
    watch: PeriodWatch | None
    key_persons: tuple[KeyPersonInfo, ...]
    periods: tuple[PeriodInfo, ...]  # sensitive periods from today on, for the year ahead


def leader_desk(uow: UnitOfWork, leader_id: uuid.UUID | None = None) -> LeaderDesk:
    uow.actor.require(Permission.READ)
    today = uow.today()
    return LeaderDesk(
        lists=pick_lists(uow), leader_id=leader_id, cases=leader_cases(uow, leader_id),
        schedule=schedule(uow, today, today + timedelta(days=SCHEDULE_AHEAD_DAYS)),
        receptions=receptions(uow, today - timedelta(days=RECEPTIONS_BACK_DAYS), today, leader_id=leader_id),
        backlog=backlog_list(uow), watch=period_watch(uow), key_persons=key_persons(uow),
        periods=periods(uow, today, today + timedelta(days=PERIODS_AHEAD_DAYS)))
