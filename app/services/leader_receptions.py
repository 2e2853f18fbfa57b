"""领导接访: the published schedule (三定一公开) and the records of receptions, 下访 and 约访.

A reception record links the contacts registered that day as received by that leader (the
registration desk marks them 领导接访 with the leader's name) and the matters they concern, so the
figures can count 批次/人次 and what became of those matters.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, select

from app.domain.leader_work import ReceptionKind
from app.domain.permissions import Permission
from app.domain.text import clean_content, clean_line
from app.errors import Conflict, NotFound, ValidationError
from app.services import audit
from app.services.context import UnitOfWork
from app.services.matters import find_by_number, load_matter
from app.services.work_records import leader_account, not_future, user_names, village, village_names
from db.ids import new_id
from db.models import (
    Contact,
    LeaderReception,
    LeaderReceptionContact,
    LeaderReceptionMatter,
    Matter,
    ReceptionSchedule,
)

MAX_SCHEDULE_DAYS = 92  # a quarter: the longest range one 公示表 covers


@dataclass(frozen=True)
class NewSlot:
    leader_id: uuid.UUID
    held_on: date
    time_slot: str
    place: str
    topics: str = ""


@dataclass(frozen=True)
class SlotInfo:
    id: uuid.UUID
    leader_id: uuid.UUID
    leader: str
    held_on: date
    time_slot: str
    place: str
    topics: str
    published_on: date | None


def add_slot(uow: UnitOfWork, data: NewSlot) -> uuid.UUID:
    """Plan a reception day; it becomes public with ``publish``."""
    uow.actor.require(Permission.RECORD_STABILITY_WORK)
    leader = leader_account(uow, data.leader_id, label="接访领导")
    if data.held_on < uow.today():
        raise ValidationError("past_date", "接访日期：不能早于今天（已过的接访请登记接访记录）", field="held_on")
    slot = clean_line(data.time_slot, field="time_slot", label="接访时间", max_length=50)
    taken = uow.session.scalar(select(ReceptionSchedule.id).where(
        ReceptionSchedule.office_id == uow.office_id, ReceptionSchedule.leader_id == leader.id,
        ReceptionSchedule.held_on == data.held_on, ReceptionSchedule.time_slot == slot))
    if taken is not None:
        raise Conflict("slot_taken", f"接访时间：{leader.display_name}在 {data.held_on.isoformat()} {slot} 已有安排",
                       field="time_slot")
    row = ReceptionSchedule(
        id=new_id(), office_id=uow.office_id, leader_id=leader.id, held_on=data.held_on, time_slot=slot,
        place=clean_line(data.place, field="place", label="接访地点", max_length=100),
        topics=clean_line(data.topics, field="topics", label="接访内容（领域）", max_length=400, required=False))
    uow.session.add(row)
    audit.record(uow, "create", "reception_schedule", row.id, after={
        "leader": leader.display_name, "held_on": data.held_on, "time_slot": slot, "place": row.place})
    return row.id


def remove_slot(uow: UnitOfWork, slot_id: uuid.UUID) -> None:
    """Withdraw a slot not yet published (a published one was promised to the public)."""
    uow.actor.require(Permission.RECORD_STABILITY_WORK)
    row = _slot(uow, slot_id)
    if row.published_on is not None:
        raise Conflict("published", "接访安排：已公示，不能删除", field="slot_id")
    uow.session.delete(row)
    audit.record(uow, "delete", "reception_schedule", row.id, before={"held_on": row.held_on})


def publish(uow: UnitOfWork, start: date, end: date) -> int:
    """Publish every unpublished slot from today on in [start, end]; returns how many."""
    uow.actor.require(Permission.RECORD_STABILITY_WORK)
    _check_range(start, end)
    rows = list(uow.session.scalars(select(ReceptionSchedule).where(
        ReceptionSchedule.office_id == uow.office_id, ReceptionSchedule.published_on.is_(None),
        ReceptionSchedule.held_on >= max(start, uow.today()), ReceptionSchedule.held_on <= end)))
    if not rows:
        raise ValidationError("nothing_to_publish", "公示范围：没有待公示的接访安排", field="start")
    for row in rows:
        row.published_on = uow.today()
    audit.record(uow, "publish", "reception_schedule", None,
                 after={"start": start, "end": end, "slots": [r.id for r in rows]})
    return len(rows)


def schedule(uow: UnitOfWork, start: date, end: date, *, published_only: bool = False) -> tuple[SlotInfo, ...]:
    uow.actor.require(Permission.READ)
    _check_range(start, end)
    stmt = select(ReceptionSchedule).where(
        ReceptionSchedule.office_id == uow.office_id, ReceptionSchedule.held_on >= start,
        ReceptionSchedule.held_on <= end).order_by(ReceptionSchedule.held_on, ReceptionSchedule.time_slot)
    if published_only:
        stmt = stmt.where(ReceptionSchedule.published_on.is_not(None))
    rows = list(uow.session.scalars(stmt))
    names = user_names(uow, (r.leader_id for r in rows))
    return tuple(SlotInfo(r.id, r.leader_id, names.get(r.leader_id, ""), r.held_on, r.time_slot, r.place,
                          r.topics, r.published_on) for r in rows)


def receiving_leader_today(uow: UnitOfWork) -> SlotInfo | None:
    """Today's published receiving leader (the earliest slot), for the registration desk."""
    today = uow.today()
    slots = schedule(uow, today, today, published_only=True)
    return slots[0] if slots else None


def _slot(uow: UnitOfWork, slot_id: uuid.UUID) -> ReceptionSchedule:
    row = uow.session.get(ReceptionSchedule, slot_id)
    if row is None or row.office_id != uow.office_id:
        raise NotFound("reception_schedule", "接访安排：不存在", field="slot_id")
    return row


def _check_range(start: date, end: date) -> None:
    if end < start:
        raise ValidationError("range", "结束日期：不能早于开始日期", field="end")
    if (end - start).days >= MAX_SCHEDULE_DAYS:
        raise ValidationError("range", f"日期范围：最长 {MAX_SCHEDULE_DAYS} 天", field="end")


# --- records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewReception:
    kind: ReceptionKind
    held_on: date
    leader_id: uuid.UUID
    place: str = ""
    village_id: uuid.UUID | None = None
    persons: str = ""
    headcount: int = 0
    note: str = ""
    matter_ids: tuple[uuid.UUID, ...] = ()
    contact_ids: tuple[uuid.UUID, ...] = ()


@dataclass(frozen=True)
class ReceptionInfo:
    id: uuid.UUID
    kind: ReceptionKind
    held_on: date
    leader: str
    place: str
    village: str
    persons: str
    headcount: int
    batches: int  # linked contacts
    matter_ids: tuple[uuid.UUID, ...]
    note: str


@dataclass(frozen=True)
class _Checked:
    leader_id: uuid.UUID
    leader: str
    village_id: uuid.UUID | None
    place: str
    persons: str
    note: str


def _check(uow: UnitOfWork, kind: ReceptionKind, data: NewReception | ReceptionEdit) -> _Checked:
    """The rules a record meets both when it is made and when it is edited."""
    leader = leader_account(uow, data.leader_id, label="接访领导")
    not_future(uow, data.held_on, field="held_on", label="接访日期")
    place_village = village(uow, data.village_id, required=kind is ReceptionKind.VILLAGE_VISIT,
                            label="下访村（社区）")
    persons = clean_line(data.persons, field="persons", label="接谈对象", max_length=400,
                         required=kind is ReceptionKind.APPOINTMENT)
    if not 0 <= data.headcount <= 10_000:
        raise ValidationError("headcount", "接谈人数：须在 0–10000 之间", field="headcount")
    return _Checked(leader.id, leader.display_name, place_village.id if place_village else None,
                    clean_line(data.place, field="place", label="地点", max_length=100, required=False), persons,
                    clean_content(data.note, field="note", label="接访情况", required=False))


def record_reception(uow: UnitOfWork, data: NewReception) -> uuid.UUID:
    """Record a reception, 下访 or 约访. A reception picks up by itself the contacts registered that day
    as received by this leader; the matters of every linked contact are linked too."""
    uow.actor.require(Permission.RECORD_STABILITY_WORK)
    checked = _check(uow, data.kind, data)
    contacts = _contacts_for(uow, data, checked.leader)
    matter_ids = _matters_for(uow, data.matter_ids, contacts)
    row = LeaderReception(
        id=new_id(), office_id=uow.office_id, kind=data.kind.value, held_on=data.held_on,
        leader_id=checked.leader_id, schedule_id=_slot_of(uow, checked.leader_id, data.held_on),
        place=checked.place, village_id=checked.village_id, persons=checked.persons,
        headcount=data.headcount or sum(c.headcount for c in contacts), note=checked.note)
    uow.session.add(row)
    _link(uow, row.id, [c.id for c in contacts], matter_ids)
    audit.record(uow, "create", "leader_reception", row.id, after={
        "kind": data.kind.value, "held_on": data.held_on, "leader": checked.leader,
        "contacts": [c.id for c in contacts], "matters": matter_ids})
    return row.id


@dataclass(frozen=True)
class ReceptionEdit:
    """A saved record as corrected: the kind stays; the links are the full lists wanted (by number)."""

    held_on: date
    leader_id: uuid.UUID
    place: str = ""
    village_id: uuid.UUID | None = None
    persons: str = ""
    headcount: int = 0  # 0: the linked contacts' 人次
    note: str = ""
    contact_numbers: tuple[str, ...] = ()
    matter_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReceptionDetail:
    """A record as the edit form shows it."""

    id: uuid.UUID
    kind: ReceptionKind
    held_on: date
    leader_id: uuid.UUID
    place: str
    village_id: uuid.UUID | None
    persons: str
    headcount: int
    note: str
    contact_numbers: tuple[str, ...]
    matter_numbers: tuple[str, ...]


def reception_detail(uow: UnitOfWork, reception_id: uuid.UUID) -> ReceptionDetail:
    uow.actor.require(Permission.READ)
    row = _reception(uow, reception_id)
    contacts, matters = _linked_numbers(uow, row.id)
    return ReceptionDetail(row.id, ReceptionKind(row.kind), row.held_on, row.leader_id, row.place, row.village_id,
                           row.persons, row.headcount, row.note, contacts, matters)


def edit_reception(uow: UnitOfWork, reception_id: uuid.UUID, data: ReceptionEdit) -> tuple[str, ...]:
    """Correct a saved record (leader, day, place, persons, links, note); the audit trail keeps the
    changed fields before and after. Returns the names of the changed fields."""
    uow.actor.require(Permission.RECORD_STABILITY_WORK)
    row = _reception(uow, reception_id)
    kind = ReceptionKind(row.kind)
    checked = _check(uow, kind, data)
    contacts = [_contact_by_number(uow, n) for n in dict.fromkeys(n.strip() for n in data.contact_numbers if n.strip())]
    chosen = tuple(find_by_number(uow, n).id for n in dict.fromkeys(
        n.strip() for n in data.matter_numbers if n.strip()))
    matter_ids = _matters_for(uow, chosen, contacts)
    before_links = _linked_numbers(uow, row.id)
    before = {"held_on": row.held_on, "leader": user_names(uow, [row.leader_id]).get(row.leader_id, ""),
              "place": row.place, "village_id": row.village_id, "persons": row.persons,
              "headcount": row.headcount, "note": row.note, "contacts": before_links[0], "matters": before_links[1]}
    row.held_on, row.leader_id, row.place = data.held_on, checked.leader_id, checked.place
    row.village_id, row.persons, row.note = checked.village_id, checked.persons, checked.note
    row.headcount = data.headcount or sum(c.headcount for c in contacts)
    row.schedule_id = _slot_of(uow, checked.leader_id, data.held_on)
    uow.session.execute(delete(LeaderReceptionContact).where(LeaderReceptionContact.reception_id == row.id))
    uow.session.execute(delete(LeaderReceptionMatter).where(LeaderReceptionMatter.reception_id == row.id))
    _link(uow, row.id, [c.id for c in contacts], matter_ids)
    uow.session.flush()
    after_links = _linked_numbers(uow, row.id)
    after = {"held_on": row.held_on, "leader": checked.leader, "place": row.place, "village_id": row.village_id,
             "persons": row.persons, "headcount": row.headcount, "note": row.note, "contacts": after_links[0],
             "matters": after_links[1]}
    changed = tuple(k for k in after if before[k] != after[k])
    if changed:
        audit.record(uow, "update", "leader_reception", row.id, before={k: before[k] for k in changed},
                     after={k: after[k] for k in changed})
    return changed


def _reception(uow: UnitOfWork, reception_id: uuid.UUID) -> LeaderReception:
    row = uow.session.get(LeaderReception, reception_id)
    if row is None or row.office_id != uow.office_id:
        raise NotFound("leader_reception", "接访记录：不存在", field="reception_id")
    return row


def _contact_by_number(uow: UnitOfWork, number: str) -> Contact:
    found = uow.session.scalar(select(Contact).where(Contact.office_id == uow.office_id, Contact.number == number))
    if found is None:
        raise NotFound("contact", f"关联来访：登记编号“{number}”不存在", field="contact_numbers")
    return found


def _matters_for(uow: UnitOfWork, chosen: tuple[uuid.UUID, ...], contacts: list[Contact]) -> list[uuid.UUID]:
    return list(dict.fromkeys([*(load_matter(uow, m).id for m in chosen),
                               *(c.matter_id for c in contacts if c.matter_id is not None)]))


def _link(uow: UnitOfWork, reception_id: uuid.UUID, contact_ids: list[uuid.UUID], matter_ids: list[uuid.UUID]) -> None:
    uow.session.add_all([LeaderReceptionContact(office_id=uow.office_id, reception_id=reception_id, contact_id=c)
                         for c in contact_ids])
    uow.session.add_all([LeaderReceptionMatter(office_id=uow.office_id, reception_id=reception_id, matter_id=m)
                         for m in matter_ids])


def _linked_numbers(uow: UnitOfWork, reception_id: uuid.UUID) -> tuple[tuple[str, ...], tuple[str, ...]]:
    contacts = uow.session.scalars(select(Contact.number).join(
        LeaderReceptionContact, LeaderReceptionContact.contact_id == Contact.id)
        .where(LeaderReceptionContact.reception_id == reception_id).order_by(Contact.number))
    matters = uow.session.scalars(select(Matter.number).join(
        LeaderReceptionMatter, LeaderReceptionMatter.matter_id == Matter.id)
        .where(LeaderReceptionMatter.reception_id == reception_id).order_by(Matter.number))
    return tuple(contacts), tuple(matters)


def _contacts_for(uow: UnitOfWork, data: NewReception, leader_name: str) -> list[Contact]:
    chosen = [uow.session.get(Contact, cid) for cid in data.contact_ids]
    if any(c is None or c.office_id != uow.office_id for c in chosen):
        raise NotFound("contact", "接访登记：所选来访记录不存在", field="contact_ids")
    found: list[Contact] = [c for c in chosen if c is not None]
    if data.kind is ReceptionKind.RECEPTION:
        day = datetime.combine(data.held_on, time())
        found += uow.session.scalars(select(Contact).where(
            Contact.office_id == uow.office_id, Contact.contact_at >= day,
            Contact.contact_at < day + timedelta(days=1), Contact.leader_reception,
            Contact.leader_name == leader_name).order_by(Contact.contact_at))
    return list({c.id: c for c in found}.values())


def _slot_of(uow: UnitOfWork, leader_id: uuid.UUID, on: date) -> uuid.UUID | None:
    return uow.session.scalar(select(ReceptionSchedule.id).where(
        ReceptionSchedule.office_id == uow.office_id, ReceptionSchedule.leader_id == leader_id,
        ReceptionSchedule.held_on == on).limit(1))


def receptions(uow: UnitOfWork, start: date, end: date, *, leader_id: uuid.UUID | None = None
               ) -> tuple[ReceptionInfo, ...]:
    uow.actor.require(Permission.READ)
    stmt = select(LeaderReception).where(
        LeaderReception.office_id == uow.office_id, LeaderReception.held_on >= start,
        LeaderReception.held_on <= end).order_by(LeaderReception.held_on, LeaderReception.created_at)
    if leader_id is not None:
        stmt = stmt.where(LeaderReception.leader_id == leader_id)
    rows = list(uow.session.scalars(stmt))
    ids = [r.id for r in rows]
    batches = dict(uow.session.execute(
        select(LeaderReceptionContact.reception_id, func.count())
        .where(LeaderReceptionContact.reception_id.in_(ids)).group_by(LeaderReceptionContact.reception_id)
    ).all())
    matters: dict[uuid.UUID, list[uuid.UUID]] = {}
    for rid, mid in uow.session.execute(select(LeaderReceptionMatter.reception_id, LeaderReceptionMatter.matter_id)
                                        .where(LeaderReceptionMatter.reception_id.in_(ids))):
        matters.setdefault(rid, []).append(mid)
    leaders, villages = user_names(uow, (r.leader_id for r in rows)), village_names(uow, (r.village_id for r in rows))
    return tuple(ReceptionInfo(
        r.id, ReceptionKind(r.kind), r.held_on, leaders.get(r.leader_id, ""), r.place,
        villages.get(r.village_id, "") if r.village_id else "", r.persons, r.headcount, batches.get(r.id, 0),
        tuple(matters.get(r.id, ())), r.note) for r in rows)

