"""矛盾纠纷排查: monthly screening rounds, the register of conflicts found, carrying unresolved ones
into the next round, and turning a conflict into a matter with one action.

Carrying over copies the item into the new round (``carried_from_id`` points back), so each round's
register stays what it was that month while the history of an item can be followed through rounds.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from app.domain.enums import MatterType
from app.domain.leader_work import (
    CONFLICT_STATUS_LABELS, RISK_LABELS, SETTABLE_CONFLICT_STATUSES, UNRESOLVED_CONFLICT, ConflictStatus, Risk,
)
from app.domain.permissions import Permission
from app.domain.text import clean_content, clean_line
from app.errors import Conflict, NotFound, ValidationError
from app.services import audit
from app.services.context import UnitOfWork
from app.services.matters import NewMatter, open_matter
from app.services.village_work import VillageReceptionInfo, village_receptions
from app.services.work_records import PickLists, not_before, not_future, pick_lists, village, village_names
from db.ids import new_id
from db.models import ScreenedConflict, ScreeningRound


@dataclass(frozen=True)
class NewConflict:
    found_on: date
    parties: str
    kind: str
    risk: Risk
    responsible: str
    village_id: uuid.UUID | None = None
    summary: str = ""
    measures: str = ""
    due_on: date | None = None


@dataclass(frozen=True)
class ConflictInfo:
    id: uuid.UUID
    round_month: date
    found_on: date
    village: str
    parties: str
    kind: str
    risk: Risk
    risk_label: str
    summary: str
    measures: str
    responsible: str
    due_on: date | None
    status: ConflictStatus
    status_label: str
    resolved_on: date | None
    matter_id: uuid.UUID | None
    carried_from_id: uuid.UUID | None


@dataclass(frozen=True)
class RoundInfo:
    id: uuid.UUID
    month: date
    opened_on: date
    carried: int  # items brought over from the round before


def month_of(day: date) -> date:
    return day.replace(day=1)


def open_round(uow: UnitOfWork, month: date) -> RoundInfo:
    """Open the round of ``month`` and carry every unresolved item of the latest earlier round into it."""
    uow.actor.require(Permission.RECORD_STABILITY_WORK)
    first = month_of(month)
    if first > month_of(uow.today()):
        raise ValidationError("future_month", "排查月份：不能晚于本月", field="month")
    if uow.session.scalar(select(ScreeningRound.id).where(
            ScreeningRound.office_id == uow.office_id, ScreeningRound.month == first)) is not None:
        raise Conflict("round_exists", f"排查月份：{first.year}年{first.month}月的排查已开启", field="month")
    later = uow.session.scalar(select(func.max(ScreeningRound.month)).where(
        ScreeningRound.office_id == uow.office_id, ScreeningRound.month > first))
    if later is not None:
        # Carrying over runs forward only: an earlier month opened now would strand its items.
        raise ValidationError("later_round", f"排查月份：已开启 {later.year}年{later.month}月的排查，不能再开启更早的月份",
                              field="month")
    previous = uow.session.scalar(select(ScreeningRound).where(
        ScreeningRound.office_id == uow.office_id, ScreeningRound.month < first)
        .order_by(ScreeningRound.month.desc()).limit(1))
    row = ScreeningRound(id=new_id(), office_id=uow.office_id, month=first, opened_on=uow.today())
    uow.session.add(row)
    carried = _carry_over(uow, previous, row) if previous is not None else []
    audit.record(uow, "open_round", "screening_round", row.id,
                 after={"month": first, "carried": [c.id for c in carried]})
    return RoundInfo(row.id, first, row.opened_on, len(carried))


def _carry_over(uow: UnitOfWork, previous: ScreeningRound, new: ScreeningRound) -> list[ScreenedConflict]:
    items = list(uow.session.scalars(select(ScreenedConflict).where(
        ScreenedConflict.round_id == previous.id,
        ScreenedConflict.status.in_([s.value for s in UNRESOLVED_CONFLICT]))))
    copies = []
    for old in items:
        copies.append(ScreenedConflict(
            id=new_id(), office_id=uow.office_id, round_id=new.id, carried_from_id=old.id,
            found_on=old.found_on, village_id=old.village_id, parties=old.parties, kind=old.kind, risk=old.risk,
            summary=old.summary, measures=old.measures, responsible=old.responsible, due_on=old.due_on,
            status=old.status, status_note=old.status_note))
        old.status = ConflictStatus.CARRIED.value
    uow.session.add_all(copies)
    return copies


def add_conflict(uow: UnitOfWork, round_id: uuid.UUID, data: NewConflict) -> uuid.UUID:
    uow.actor.require(Permission.RECORD_STABILITY_WORK)
    screening = _round(uow, round_id)
    not_future(uow, data.found_on, field="found_on", label="排查日期")
    if data.risk not in {r.value for r in Risk}:
        raise ValidationError("risk", "风险等级：请选择 高/中/低", field="risk")
    if data.due_on is not None and data.due_on < data.found_on:
        raise ValidationError("due_before_found", "化解期限：不能早于排查日期", field="due_on")
    place = village(uow, data.village_id, required=False)
    row = ScreenedConflict(
        id=new_id(), office_id=uow.office_id, round_id=screening.id, found_on=data.found_on,
        village_id=place.id if place else None,
        parties=clean_line(data.parties, field="parties", label="当事人", max_length=400),
        kind=clean_line(data.kind, field="kind", label="纠纷类型", max_length=100),
        risk=Risk(data.risk).value,
        summary=clean_content(data.summary, field="summary", label="纠纷简况", required=False),
        measures=clean_content(data.measures, field="measures", label="化解措施", required=False),
        responsible=clean_line(data.responsible, field="responsible", label="责任人", max_length=100),
        due_on=data.due_on, status=ConflictStatus.OPEN.value)
    uow.session.add(row)
    audit.record(uow, "create", "screened_conflict", row.id,
                 after={"round": screening.month, "risk": row.risk, "kind": row.kind})
    return row.id


def set_status(uow: UnitOfWork, conflict_id: uuid.UUID, status: ConflictStatus, *, on: date, note: str = "",
               measures: str | None = None) -> None:
    """Move an item between 未化解 / 化解中 / 已化解; 已化解 needs the date and what settled it."""
    uow.actor.require(Permission.RECORD_STABILITY_WORK)
    row = _live(uow, conflict_id)
    if status not in SETTABLE_CONFLICT_STATUSES:
        raise ValidationError("status", "状态：只能设为 未化解 / 化解中 / 已化解", field="status")
    not_future(uow, on, field="on", label="日期")
    not_before(on, row.found_on, field="on", label="日期", earlier_label="排查日期")
    text = clean_line(note, field="note", label="情况说明", max_length=400,
                      required=status is ConflictStatus.RESOLVED)
    before = {"status": row.status, "resolved_on": row.resolved_on}
    row.status, row.status_note = status.value, text
    row.resolved_on = on if status is ConflictStatus.RESOLVED else None
    if measures is not None:
        row.measures = clean_content(measures, field="measures", label="化解措施", required=False)
    audit.record(uow, "set_status", "screened_conflict", row.id, before=before,
                 after={"status": row.status, "resolved_on": row.resolved_on, "note": text})


def convert_to_matter(uow: UnitOfWork, conflict_id: uuid.UUID, *, title: str, subject_code: str,
                      matter_type: MatterType, petitioner_ids: tuple[uuid.UUID, ...] = ()) -> uuid.UUID:
    """Register the conflict as a matter today; the item keeps its link to it."""
    uow.actor.require(Permission.RECORD_STABILITY_WORK)
    uow.actor.require(Permission.REGISTER_CONTACT)
    row = _live(uow, conflict_id)
    matter = open_matter(uow, NewMatter(title=title, matter_type=matter_type, subject_code=subject_code,
                                        registered_on=uow.today(), petitioner_ids=petitioner_ids,
                                        problem_village_id=row.village_id))
    before = row.status
    row.status, row.matter_id = ConflictStatus.CONVERTED.value, matter.id
    audit.record(uow, "convert_to_matter", "screened_conflict", row.id, before={"status": before},
                 after={"status": row.status, "matter_id": matter.id, "number": matter.number})
    return matter.id


def rounds(uow: UnitOfWork) -> tuple[RoundInfo, ...]:
    uow.actor.require(Permission.READ)
    rows = list(uow.session.scalars(select(ScreeningRound).where(ScreeningRound.office_id == uow.office_id)
                                    .order_by(ScreeningRound.month.desc())))
    carried: dict[uuid.UUID, int] = {}
    for rid, in uow.session.execute(select(ScreenedConflict.round_id).where(
            ScreenedConflict.office_id == uow.office_id, ScreenedConflict.carried_from_id.is_not(None))):
        carried[rid] = carried.get(rid, 0) + 1
    return tuple(RoundInfo(r.id, r.month, r.opened_on, carried.get(r.id, 0)) for r in rows)


def conflict_register(uow: UnitOfWork, round_id: uuid.UUID) -> tuple[ConflictInfo, ...]:
    """A round's items: high risk first, then by date found."""
    uow.actor.require(Permission.READ)
    screening = _round(uow, round_id)
    rows = list(uow.session.scalars(select(ScreenedConflict).where(ScreenedConflict.round_id == screening.id)))
    order = list(Risk)
    rows.sort(key=lambda r: (order.index(Risk(r.risk)), r.found_on, r.parties))
    return _infos(uow, rows, {screening.id: screening.month})


def history(uow: UnitOfWork, conflict_id: uuid.UUID) -> tuple[ConflictInfo, ...]:
    """The item as each round saw it, earliest round first."""
    uow.actor.require(Permission.READ)
    chain = [_conflict(uow, conflict_id)]
    while chain[-1].carried_from_id is not None:
        chain.append(_conflict(uow, chain[-1].carried_from_id))
    chain.reverse()
    months = dict(uow.session.execute(select(ScreeningRound.id, ScreeningRound.month).where(
        ScreeningRound.id.in_({c.round_id for c in chain}))).all())
    return _infos(uow, chain, months)


def _infos(uow: UnitOfWork, rows: list[ScreenedConflict], months: dict[uuid.UUID, date]
           ) -> tuple[ConflictInfo, ...]:
    villages = village_names(uow, (r.village_id for r in rows))
    return tuple(ConflictInfo(
        r.id, months[r.round_id], r.found_on, villages.get(r.village_id, "") if r.village_id else "", r.parties,
        r.kind, Risk(r.risk), RISK_LABELS[Risk(r.risk)], r.summary, r.measures, r.responsible, r.due_on,
        ConflictStatus(r.status), CONFLICT_STATUS_LABELS[ConflictStatus(r.status)], r.resolved_on, r.matter_id,
        r.carried_from_id) for r in rows)


def _round(uow: UnitOfWork, round_id: uuid.UUID) -> ScreeningRound:
    row = uow.session.get(ScreeningRound, round_id)
    if row is None or row.office_id != uow.office_id:
        raise NotFound("screening_round", "排查轮次：不存在", field="round_id")
    return row


def _conflict(uow: UnitOfWork, conflict_id: uuid.UUID) -> ScreenedConflict:
    row = uow.session.get(ScreenedConflict, conflict_id)
    if row is None or row.office_id != uow.office_id:
        raise NotFound("screened_conflict", "排查事项：不存在", field="conflict_id")
    return row


def _live(uow: UnitOfWork, conflict_id: uuid.UUID) -> ScreenedConflict:
    """An item that can still change: not carried into a later round, not turned into a matter."""
    row = _conflict(uow, conflict_id)
    if row.status == ConflictStatus.CARRIED.value:
        raise Conflict("carried", "排查事项：已结转到下一轮，请在最新一轮中办理", field="conflict_id")
    if row.status == ConflictStatus.CONVERTED.value:
        raise Conflict("converted", "排查事项：已转为信访事项，请在事项中办理", field="conflict_id")
    return row


@dataclass(frozen=True)
class ScreeningView:
    lists: PickLists
    rounds: tuple[RoundInfo, ...]  # newest first
    current: RoundInfo | None  # the round shown
    items: tuple[ConflictInfo, ...]
    village_receptions: tuple[VillageReceptionInfo, ...]  # of the round's month

    def count(self, risk: Risk, *, unresolved: bool = False) -> int:
        return sum(1 for i in self.items if i.risk is risk and (not unresolved or i.status in UNRESOLVED_CONFLICT))


def screening_view(uow: UnitOfWork, round_id: uuid.UUID | None = None) -> ScreeningView:
    """The register page: every round, and the items of ``round_id`` (default: the newest round)."""
    all_rounds = rounds(uow)
    current = next((r for r in all_rounds if r.id == round_id), all_rounds[0] if all_rounds else None)
    items = conflict_register(uow, current.id) if current else ()
    month = current.month if current else month_of(uow.today())
    end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return ScreeningView(pick_lists(uow), all_rounds, current, items, village_receptions(uow, month, end))
