"""到期提醒: the office's statutory clocks that are overdue, due within 3 days or within 7 days.

One entry per (matter, clock) still owed by the office (``matter_queries.live_clock_condition``
on the clocks in ``OFFICE_DUTIES``; the petitioner's own review windows are not the office's to
meet). The buckets do not overlap: overdue (before today), within 3 days (today to today + 3),
within 7 days (today + 4 to today + 7).
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, exists, func, select, true

from app.domain.deadlines import CLOCK_LABELS, OFFICE_DUTIES
from app.domain.enums import Clock, MatterState
from app.domain.permissions import Permission
from app.domain.workflow import STATE_LABELS
from app.services.context import UnitOfWork
from app.services.matter_list import is_hidden, petitioner_names
from app.services.matter_oversight import SupervisionDue, due_supervisions
from app.services.matter_queries import MASKED, live_clock_condition
from db.models import Matter, MatterDeadline

SOON_DAYS = 3
WEEK_DAYS = 7
DUTY_ORDER = tuple(c for c in Clock if c in OFFICE_DUTIES)  # statutory order


class Bucket(StrEnum):
    OVERDUE = "overdue"  # 已超期
    SOON = "soon"  # 3 日内到期
    WEEK = "week"  # 7 日内到期 (4 to 7 days)


@dataclass(frozen=True)
class BoardEntry:
    matter_id: uuid.UUID
    number: str
    title: str
    petitioners: tuple[str, ...]
    state: MatterState
    state_label: str
    clock: Clock
    clock_label: str
    due_on: date
    days_left: int  # negative: days overdue
    bucket: Bucket


@dataclass(frozen=True)
class Board:
    today: date
    entries: tuple[BoardEntry, ...]  # most urgent first
    # 督办: unanswered supervision overdue or due within 7 days (not a statutory clock, shown beside them)
    supervisions: tuple[SupervisionDue, ...] = ()
    # Matters imported from an old ledger without a result: no clock runs, the clerk has to look at them.
    to_review: int = 0

    def count(self, bucket: Bucket, clock: Clock | None = None) -> int:
        return sum(1 for e in self.entries if e.bucket is bucket and (clock is None or e.clock is clock))

    def counts(self) -> dict[Clock, Counter[Bucket]]:
        """Per clock (those with any entry, in statutory order): entries per bucket."""
        table: dict[Clock, Counter[Bucket]] = {}
        for clock in DUTY_ORDER:
            counter = Counter(e.bucket for e in self.entries if e.clock is clock)
            if counter:
                table[clock] = counter
        return table

    @property
    def empty(self) -> bool:
        return not self.entries and not self.supervisions and not self.to_review

    @property
    def overdue_supervisions(self) -> tuple[SupervisionDue, ...]:
        return tuple(s for s in self.supervisions if s.days_left < 0)


def bucket_of(days_left: int) -> Bucket | None:
    if days_left < 0:
        return Bucket.OVERDUE
    if days_left <= SOON_DAYS:
        return Bucket.SOON
    return Bucket.WEEK if days_left <= WEEK_DAYS else None


def _attention(uow: UnitOfWork) -> ColumnElement[bool]:
    return and_(
        MatterDeadline.office_id == uow.office_id, MatterDeadline.matter_id == Matter.id,
        live_clock_condition(), MatterDeadline.clock.in_([c.value for c in OFFICE_DUTIES]),
        MatterDeadline.due_on <= uow.today() + timedelta(days=WEEK_DAYS))


def _to_review(uow: UnitOfWork) -> ColumnElement[bool]:
    return and_(Matter.office_id == uow.office_id, Matter.needs_review.is_(true()))


def needs_attention(uow: UnitOfWork) -> bool:
    """Anything on the board? One indexed EXISTS query: cheap enough to ask right after login."""
    uow.actor.require(Permission.READ)
    return bool(uow.session.scalar(select(exists().where(_attention(uow))))) or bool(
        due_supervisions(uow, WEEK_DAYS)) or bool(uow.session.scalar(select(exists().where(_to_review(uow)))))


def load_board(uow: UnitOfWork) -> Board:
    uow.actor.require(Permission.READ)
    today = uow.today()
    rows = uow.session.execute(
        select(MatterDeadline.matter_id, MatterDeadline.clock, MatterDeadline.due_on, Matter.number, Matter.title,
               Matter.state, Matter.matter_type)
        .join(Matter, Matter.id == MatterDeadline.matter_id).where(_attention(uow))).all()
    names = petitioner_names(uow, list({r.matter_id for r in rows}))
    entries = []
    for matter_id, clock_value, due_on, number, title, state_value, matter_type in rows:
        clock, state, days_left = Clock(clock_value), MatterState(state_value), (due_on - today).days
        hidden = is_hidden(uow, matter_type)
        entries.append(BoardEntry(
            matter_id=matter_id, number=number, title=MASKED if hidden else title,
            petitioners=(MASKED,) if hidden and names.get(matter_id) else names.get(matter_id, ()),
            state=state, state_label=STATE_LABELS[state], clock=clock, clock_label=CLOCK_LABELS[clock],
            due_on=due_on, days_left=days_left, bucket=bucket_of(days_left)))  # type: ignore[arg-type]
    entries.sort(key=lambda e: (e.due_on, DUTY_ORDER.index(e.clock), e.number))
    to_review = uow.session.scalar(select(func.count()).select_from(Matter).where(_to_review(uow))) or 0
    return Board(today, tuple(entries), due_supervisions(uow, WEEK_DAYS), to_review)
