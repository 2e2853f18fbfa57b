"""领导包案: a leader owns a hard matter with the four fixes (定领导、定人员、定时限、定措施) until it is
settled (化解 / 息诉罢访); progress notes on the way; a leader's own list.

Settling needs a recorded outcome and, for a claim (申诉求决类), the petitioner's evaluation or the
reason there is none. It marks the matter resolved; the statutory road (reply, closing) is separate.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app.domain.deadlines import OFFICE_DUTIES
from app.domain.enums import MatterState, MatterType, Resolution, Satisfaction
from app.domain.permissions import Permission
from app.domain.text import clean_content, clean_line
from app.domain.workflow import STATE_LABELS
from app.errors import Conflict, NotFound, ValidationError
from app.services import audit
from app.services.context import UnitOfWork
from app.services.matter_list import is_hidden, petitioner_names, shown_petitioners
from app.services.matter_queries import MASKED, live_clock_condition
from app.services.matters import load_matter
from app.services.work_records import leader_account, not_before, not_future, user_names
from db.ids import new_id
from db.models import CaseOwnership, CaseProgress, Matter, MatterDeadline


@dataclass(frozen=True)
class NewOwnership:
    leader_id: uuid.UUID  # 定领导
    staff: str  # 定人员: who does the work
    measures: str  # 定措施
    target_on: date  # 定时限


@dataclass(frozen=True)
class Settlement:
    on: date
    outcome: str
    evaluation: Satisfaction | None = None
    no_evaluation_reason: str = ""


@dataclass(frozen=True)
class ProgressNote:
    noted_on: date
    note: str
    author: str


@dataclass(frozen=True)
class OwnedCase:
    ownership_id: uuid.UUID
    matter_id: uuid.UUID
    number: str
    title: str
    state_label: str
    leader: str
    staff: str
    measures: str
    assigned_on: date
    target_on: date
    days_left: int  # to the target date; negative when past it
    next_due_on: date | None  # nearest live statutory clock of the matter
    settled_on: date | None
    outcome: str
    progress: tuple[ProgressNote, ...]  # newest first
    petitioners: tuple[str, ...] = ()  # masked for a 检举控告 matter the actor may not read
    evaluation: Satisfaction | None = None
    no_evaluation_reason: str = ""


def active_ownership(uow: UnitOfWork, matter_id: uuid.UUID) -> CaseOwnership | None:
    return uow.session.scalar(select(CaseOwnership).where(
        CaseOwnership.matter_id == matter_id, CaseOwnership.ended_on.is_(None)))


def assign_case(uow: UnitOfWork, matter_id: uuid.UUID, data: NewOwnership) -> uuid.UUID:
    """Make a leader own the matter; an earlier owner's package ends today (handed over)."""
    uow.actor.require(Permission.OWN_MATTER)
    matter = load_matter(uow, matter_id)
    if matter.resolution == Resolution.RESOLVED.value:
        raise Conflict("resolved", "包案：该事项已化解，无需包案", field="matter_id")
    leader = leader_account(uow, data.leader_id, label="包案领导")
    staff = clean_line(data.staff, field="staff", label="包案人员", max_length=400)
    measures = clean_content(data.measures, field="measures", label="化解措施")
    if data.target_on <= uow.today():
        raise ValidationError("target_past", "化解时限：须晚于今天", field="target_on")
    previous = active_ownership(uow, matter.id)
    if previous is not None:
        previous.ended_on = uow.today()
    row = CaseOwnership(id=new_id(), office_id=uow.office_id, matter_id=matter.id, leader_id=leader.id,
                        staff=staff, measures=measures, assigned_on=uow.today(), target_on=data.target_on)
    uow.session.add(row)
    before = matter.case_leader
    matter.case_leader = leader.display_name
    audit.record(uow, "assign_case", "matter", matter.id, before={"case_leader": before}, after={
        "ownership_id": row.id, "case_leader": leader.display_name, "staff": staff, "target_on": data.target_on,
        "handed_over_from": previous.id if previous else None})
    return row.id


def add_progress(uow: UnitOfWork, ownership_id: uuid.UUID, on: date, note: str) -> uuid.UUID:
    uow.actor.require(Permission.OWN_MATTER)
    ownership = _ownership(uow, ownership_id)
    if ownership.ended_on is not None or ownership.settled_on is not None:
        raise Conflict("ownership_closed", "进展情况：该包案已结束，不能再记录", field="ownership_id")
    not_future(uow, on, field="noted_on", label="进展日期")
    not_before(on, ownership.assigned_on, field="noted_on", label="进展日期", earlier_label="包案日期")
    row = CaseProgress(id=new_id(), office_id=uow.office_id, ownership_id=ownership.id, noted_on=on,
                       note=clean_content(note, field="note", label="进展情况"), author_id=uow.actor.user_id)
    uow.session.add(row)
    audit.record(uow, "case_progress", "matter", ownership.matter_id, after={"progress_id": row.id, "on": on})
    return row.id


def settle_case(uow: UnitOfWork, ownership_id: uuid.UUID, data: Settlement) -> None:
    """化解 / 息诉罢访: record the outcome and mark the matter resolved."""
    uow.actor.require(Permission.OWN_MATTER)
    ownership = _ownership(uow, ownership_id)
    if ownership.ended_on is not None or ownership.settled_on is not None:
        raise Conflict("ownership_closed", "化解：该包案已结束", field="ownership_id")
    matter = load_matter(uow, ownership.matter_id)
    not_future(uow, data.on, field="settled_on", label="化解日期")
    not_before(data.on, ownership.assigned_on, field="settled_on", label="化解日期", earlier_label="包案日期")
    outcome = clean_content(data.outcome, field="outcome", label="化解结果")
    reason = clean_line(data.no_evaluation_reason, field="no_evaluation_reason", label="未评价原因",
                        max_length=400, required=False)
    if matter.matter_type == MatterType.CLAIM.value and data.evaluation is None and not reason:
        raise ValidationError("evaluation_required",
                              "信访人评价：申诉求决类事项化解须记录信访人评价，或写明未评价原因",
                              field="evaluation")
    ownership.settled_on, ownership.outcome = data.on, outcome
    ownership.evaluation = data.evaluation.value if data.evaluation else None
    ownership.no_evaluation_reason = "" if data.evaluation else reason
    matter.resolution, matter.resolved_on = Resolution.RESOLVED.value, data.on
    audit.record(uow, "settle_case", "matter", matter.id, before={"resolution": Resolution.UNRESOLVED.value},
                 after={"resolution": Resolution.RESOLVED.value, "resolved_on": data.on,
                        "evaluation": ownership.evaluation, "no_evaluation_reason": ownership.no_evaluation_reason})


def leader_cases(uow: UnitOfWork, leader_id: uuid.UUID | None = None, *, include_settled: bool = False,
                 matter_id: uuid.UUID | None = None) -> tuple[OwnedCase, ...]:
    """The packages of one leader (all leaders when None; of one matter), nearest target date first."""
    uow.actor.require(Permission.READ)
    stmt = (select(CaseOwnership, Matter).join(Matter, Matter.id == CaseOwnership.matter_id)
            .where(CaseOwnership.office_id == uow.office_id, CaseOwnership.ended_on.is_(None))
            .order_by(CaseOwnership.target_on, Matter.number))
    if leader_id is not None:
        stmt = stmt.where(CaseOwnership.leader_id == leader_id)
    if matter_id is not None:
        stmt = stmt.where(CaseOwnership.matter_id == matter_id)
    if not include_settled:
        stmt = stmt.where(CaseOwnership.settled_on.is_(None))
    rows = uow.session.execute(stmt).all()
    notes = _progress(uow, [o.id for o, _m in rows])
    due = dict(uow.session.execute(
        select(MatterDeadline.matter_id, func.min(MatterDeadline.due_on))
        .join(Matter, Matter.id == MatterDeadline.matter_id)
        .where(MatterDeadline.matter_id.in_([m.id for _o, m in rows]), live_clock_condition(),
               MatterDeadline.clock.in_([c.value for c in OFFICE_DUTIES]))
        .group_by(MatterDeadline.matter_id)).all())
    names = user_names(uow, (o.leader_id for o, _m in rows))
    petitioners = petitioner_names(uow, [m.id for _o, m in rows])
    today = uow.today()
    return tuple(_owned_case(uow, o, m, names.get(o.leader_id, ""), due.get(m.id), notes.get(o.id, ()),
                             petitioners.get(m.id, ()), today) for o, m in rows)


def _owned_case(uow: UnitOfWork, o: CaseOwnership, m: Matter, leader: str, next_due_on: date | None,
                notes: tuple[ProgressNote, ...], petitioners: tuple[str, ...], today: date) -> OwnedCase:
    """A 检举控告 matter the actor may not read keeps its number, leader and dates; the measures, outcome
    and notes, which tell what was reported, are masked like its title."""
    hidden = is_hidden(uow, m.matter_type)
    if hidden:
        notes = tuple(ProgressNote(n.noted_on, MASKED, n.author) for n in notes)
    return OwnedCase(
        o.id, m.id, m.number, MASKED if hidden else m.title, STATE_LABELS[MatterState(m.state)], leader, o.staff,
        MASKED if hidden else o.measures, o.assigned_on, o.target_on, (o.target_on - today).days, next_due_on,
        o.settled_on, MASKED if hidden and o.outcome else o.outcome, notes,
        shown_petitioners(uow, m.matter_type, petitioners), Satisfaction(o.evaluation) if o.evaluation else None,
        MASKED if hidden and o.no_evaluation_reason else o.no_evaluation_reason)


def _progress(uow: UnitOfWork, ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[ProgressNote, ...]]:
    rows = list(uow.session.scalars(select(CaseProgress).where(CaseProgress.ownership_id.in_(ids))
                                    .order_by(CaseProgress.noted_on.desc(), CaseProgress.created_at.desc())))
    authors = user_names(uow, (r.author_id for r in rows))
    found: dict[uuid.UUID, list[ProgressNote]] = {}
    for r in rows:
        found.setdefault(r.ownership_id, []).append(ProgressNote(r.noted_on, r.note, authors.get(r.author_id, "")))
    return {k: tuple(v) for k, v in found.items()}


def _ownership(uow: UnitOfWork, ownership_id: uuid.UUID) -> CaseOwnership:
    row = uow.session.get(CaseOwnership, ownership_id)
    if row is None or row.office_id != uow.office_id:
        raise NotFound("case_ownership", "包案记录：不存在", field="ownership_id")
    return row
