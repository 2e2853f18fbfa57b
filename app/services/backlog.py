"""积案: matters flagged as backlog by the office's rule (unresolved and open longer than the
``backlog_months`` setting) or by hand (e.g. on a list the county assigned), and the backlog list
with the resolution progress of each."""

from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.domain.enums import MatterState, Resolution
from app.domain.permissions import Permission
from app.domain.text import clean_line
from app.domain.workflow import FINISHED_STATES, STATE_LABELS
from app.errors import Conflict, ValidationError
from app.services import audit
from app.services.case_ownership import leader_cases
from app.services.context import UnitOfWork
from app.services.matter_list import is_hidden
from app.services.matter_queries import MASKED
from app.services.matters import load_matter
from app.services.work_records import not_before, not_future
from db.models import Matter


def months_later(day: date, months: int) -> date:
    """The same day ``months`` later (earlier when negative; the month's last day when it has no such day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def rule_cutoff(uow: UnitOfWork) -> date:
    """Matters registered on or before this day are old enough for the rule."""
    return months_later(uow.today(), -int(uow.setting("backlog_months")))


def apply_backlog_rule(uow: UnitOfWork) -> int:
    """Flag every unresolved, unfinished matter older than the office's rule; returns how many were new.
    ``backlog_since`` is the day the matter crossed the line, so the 积案化解率 period logic holds."""
    uow.actor.require(Permission.RECORD_STABILITY_WORK)
    months = int(uow.setting("backlog_months"))
    rows = list(uow.session.scalars(select(Matter).where(
        Matter.office_id == uow.office_id, Matter.is_backlog.is_(False),
        Matter.resolution != Resolution.RESOLVED.value, Matter.state.notin_([s.value for s in FINISHED_STATES]),
        Matter.registered_on <= rule_cutoff(uow))))
    for m in rows:
        m.is_backlog, m.backlog_since = True, months_later(m.registered_on, months)
    if rows:
        audit.record(uow, "backlog_rule", "matter", None,
                     after={"months": months, "matters": [m.id for m in rows]})
    return len(rows)


def flag_backlog(uow: UnitOfWork, matter_id: uuid.UUID, since: date, reason: str) -> None:
    """Put a matter on the backlog by hand (an assigned list, a leader's decision), saying why."""
    uow.actor.require(Permission.OWN_MATTER)
    matter = load_matter(uow, matter_id)
    if matter.is_backlog:
        raise Conflict("already_backlog", "积案：该事项已列为积案", field="matter_id")
    if matter.resolution == Resolution.RESOLVED.value:
        raise Conflict("resolved", "积案：该事项已化解，不能列为积案", field="matter_id")
    not_future(uow, since, field="backlog_since", label="列为积案日期")
    not_before(since, matter.registered_on, field="backlog_since", label="列为积案日期",
               earlier_label="事项登记日期")
    why = clean_line(reason, field="reason", label="列为积案原因", max_length=200)
    matter.is_backlog, matter.backlog_since = True, since
    audit.record(uow, "flag_backlog", "matter", matter.id, after={"backlog_since": since, "reason": why})


def unflag_backlog(uow: UnitOfWork, matter_id: uuid.UUID, reason: str) -> None:
    """Take a matter flagged by mistake off the backlog (a resolved one stays on it: it counts)."""
    uow.actor.require(Permission.OWN_MATTER)
    matter = load_matter(uow, matter_id)
    if not matter.is_backlog:
        raise ValidationError("not_backlog", "积案：该事项不是积案", field="matter_id")
    why = clean_line(reason, field="reason", label="撤销积案原因", max_length=200)
    before = matter.backlog_since
    matter.is_backlog, matter.backlog_since = False, None
    audit.record(uow, "unflag_backlog", "matter", matter.id, before={"backlog_since": before},
                 after={"reason": why})


@dataclass(frozen=True)
class BacklogItem:
    matter_id: uuid.UUID
    number: str
    title: str
    state_label: str
    registered_on: date
    backlog_since: date | None
    months_open: int
    case_leader: str
    target_on: date | None
    last_progress: str
    resolved_on: date | None


def backlog_list(uow: UnitOfWork, *, include_resolved: bool = True) -> tuple[BacklogItem, ...]:
    """Every backlog matter, unresolved first, oldest first."""
    uow.actor.require(Permission.READ)
    stmt = select(Matter).where(Matter.office_id == uow.office_id, Matter.is_backlog)
    if not include_resolved:
        stmt = stmt.where(Matter.resolution != Resolution.RESOLVED.value)
    matters = list(uow.session.scalars(stmt))
    cases = {c.matter_id: c for c in leader_cases(uow, include_settled=True)}
    today = uow.today()
    items = []
    for m in matters:
        case = cases.get(m.id)
        end = m.resolved_on or today
        items.append(BacklogItem(
            m.id, m.number, MASKED if is_hidden(uow, m.matter_type) else m.title,
            STATE_LABELS[MatterState(m.state)], m.registered_on, m.backlog_since,
            (end.year - m.registered_on.year) * 12 + end.month - m.registered_on.month, m.case_leader,
            case.target_on if case else None, case.progress[0].note if case and case.progress else "",
            m.resolved_on if m.resolution == Resolution.RESOLVED.value else None))
    items.sort(key=lambda i: (i.resolved_on is not None, i.registered_on, i.number))
    return tuple(items)
