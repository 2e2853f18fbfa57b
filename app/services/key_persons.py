"""重点人员 (key persons under follow-up, with their contact log) and 敏感节点 (sensitive periods).

A key person is due for follow-up ``follow_up_days`` after the last logged contact (or after being
listed); during a sensitive period every key person due before the period ends is shown.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from app.domain.permissions import Permission
from app.domain.text import clean_content, clean_line
from app.errors import Conflict, NotFound, ValidationError
from app.services import audit
from app.services.context import UnitOfWork
from app.services.work_records import not_before, not_future, office_user, user_names, village_names
from db.ids import new_id
from db.models import KeyPerson, KeyPersonContact, Person, SensitivePeriod

FOLLOW_UP_RANGE = (1, 365)
MAX_PERIOD_DAYS = 366


@dataclass(frozen=True)
class KeyPersonInfo:
    id: uuid.UUID
    person_id: uuid.UUID
    name: str
    officer: str
    reason: str
    follow_up_days: int
    listed_on: date
    last_contact_on: date | None
    next_due_on: date
    village: str = ""
    contacts: int = 0  # follow-up contacts logged since listed


@dataclass(frozen=True)
class FollowUp:
    contacted_on: date
    way: str
    note: str
    officer: str


@dataclass(frozen=True)
class PeriodInfo:
    id: uuid.UUID
    name: str
    starts_on: date
    ends_on: date
    note: str


def list_key_person(uow: UnitOfWork, person_id: uuid.UUID, *, officer_id: uuid.UUID, reason: str,
                    follow_up_days: int = 30) -> uuid.UUID:
    uow.actor.require(Permission.RECORD_STABILITY_WORK)
    person = uow.session.get(Person, person_id)
    if person is None:
        raise NotFound("person", "信访人：不存在", field="person_id")
    if _active(uow, person_id) is not None:
        raise Conflict("already_key_person", f"重点人员：{person.name}已在重点人员名单中", field="person_id")
    officer = office_user(uow, officer_id, field="officer_id", label="稳控责任人")
    if not FOLLOW_UP_RANGE[0] <= follow_up_days <= FOLLOW_UP_RANGE[1]:
        raise ValidationError("follow_up_days", "回访周期：须在 1–365 天之间", field="follow_up_days")
    row = KeyPerson(id=new_id(), office_id=uow.office_id, person_id=person.id, officer_id=officer.id,
                    reason=clean_line(reason, field="reason", label="列为重点人员原因", max_length=400),
                    follow_up_days=follow_up_days, listed_on=uow.today())
    uow.session.add(row)
    person.follow_up_officer = officer.display_name  # the archive card shows who keeps contact
    audit.record(uow, "list_key_person", "person", person.id,
                 after={"key_person_id": row.id, "officer": officer.display_name, "reason": row.reason})
    return row.id


def remove_key_person(uow: UnitOfWork, key_person_id: uuid.UUID, reason: str) -> None:
    uow.actor.require(Permission.RECORD_STABILITY_WORK)
    row = _key_person(uow, key_person_id)
    if row.removed_on is not None:
        raise Conflict("removed", "重点人员：已移出名单", field="key_person_id")
    why = clean_line(reason, field="reason", label="移出原因", max_length=400)
    row.removed_on = uow.today()
    audit.record(uow, "remove_key_person", "person", row.person_id, after={"reason": why})


def log_follow_up(uow: UnitOfWork, key_person_id: uuid.UUID, *, on: date, way: str, note: str) -> uuid.UUID:
    """One follow-up contact by the acting user (走访、电话、面谈 ...)."""
    uow.actor.require(Permission.RECORD_STABILITY_WORK)
    row = _key_person(uow, key_person_id)
    if row.removed_on is not None:
        raise Conflict("removed", "重点人员：已移出名单，不能再记录稳控情况", field="key_person_id")
    not_future(uow, on, field="contacted_on", label="联系日期")
    not_before(on, row.listed_on, field="contacted_on", label="联系日期", earlier_label="列为重点人员日期")
    contact = KeyPersonContact(id=new_id(), office_id=uow.office_id, key_person_id=row.id, contacted_on=on,
                               way=clean_line(way, field="way", label="联系方式", max_length=50),
                               note=clean_content(note, field="note", label="稳控情况"),
                               officer_id=uow.actor.user_id)
    uow.session.add(contact)
    audit.record(uow, "key_person_follow_up", "person", row.person_id, after={"on": on, "way": contact.way})
    return contact.id


def key_persons(uow: UnitOfWork, *, due_by: date | None = None) -> tuple[KeyPersonInfo, ...]:
    """The current list, most urgent follow-up first; with ``due_by`` only those due on or before it."""
    uow.actor.require(Permission.READ)
    rows = list(uow.session.execute(
        select(KeyPerson, Person.name).join(Person, Person.id == KeyPerson.person_id)
        .where(KeyPerson.office_id == uow.office_id, KeyPerson.removed_on.is_(None))))
    infos = _infos(uow, rows)
    if due_by is not None:
        infos = [i for i in infos if i.next_due_on <= due_by]
    return tuple(sorted(infos, key=lambda i: (i.next_due_on, i.name)))


def key_person_of(uow: UnitOfWork, person_id: uuid.UUID) -> KeyPersonInfo | None:
    """The person's entry on the key persons list, for the person archive."""
    row = _active(uow, person_id)
    if row is None:
        return None
    name = uow.session.get(Person, person_id).name  # type: ignore[union-attr]
    return _infos(uow, [(row, name)])[0]


def follow_ups(uow: UnitOfWork, key_person_id: uuid.UUID) -> tuple[FollowUp, ...]:
    uow.actor.require(Permission.READ)
    rows = list(uow.session.scalars(select(KeyPersonContact).where(KeyPersonContact.key_person_id == key_person_id)
                                    .order_by(KeyPersonContact.contacted_on.desc())))
    names = user_names(uow, (r.officer_id for r in rows))
    return tuple(FollowUp(r.contacted_on, r.way, r.note, names.get(r.officer_id, "")) for r in rows)


def _infos(uow: UnitOfWork, rows: list[tuple[KeyPerson, str]]) -> list[KeyPersonInfo]:
    contacts = {key: (last, count) for key, last, count in uow.session.execute(
        select(KeyPersonContact.key_person_id, func.max(KeyPersonContact.contacted_on), func.count())
        .where(KeyPersonContact.key_person_id.in_([k.id for k, _n in rows]))
        .group_by(KeyPersonContact.key_person_id)).all()}
    officers = user_names(uow, (k.officer_id for k, _n in rows))
    homes = dict(uow.session.execute(select(Person.id, Person.village_id)
                                     .where(Person.id.in_([k.person_id for k, _n in rows]))).all())
    villages = village_names(uow, homes.values())
    infos = []
    for k, name in rows:
        last, count = contacts.get(k.id, (None, 0))
        infos.append(KeyPersonInfo(k.id, k.person_id, name, officers.get(k.officer_id, ""), k.reason,
                                   k.follow_up_days, k.listed_on, last,
                                   (last or k.listed_on) + timedelta(days=k.follow_up_days),
                                   villages.get(homes.get(k.person_id), ""), count))  # type: ignore[arg-type]
    return infos


def _active(uow: UnitOfWork, person_id: uuid.UUID) -> KeyPerson | None:
    return uow.session.scalar(select(KeyPerson).where(
        KeyPerson.office_id == uow.office_id, KeyPerson.person_id == person_id, KeyPerson.removed_on.is_(None)))


def _key_person(uow: UnitOfWork, key_person_id: uuid.UUID) -> KeyPerson:
    row = uow.session.get(KeyPerson, key_person_id)
    if row is None or row.office_id != uow.office_id:
        raise NotFound("key_person", "重点人员：不存在", field="key_person_id")
    return row


# --- sensitive periods -------------------------------------------------------------------------


def save_period(uow: UnitOfWork, *, name: str, starts_on: date, ends_on: date, note: str = "",
                period_id: uuid.UUID | None = None) -> uuid.UUID:
    """Add a sensitive period, or change one (``period_id``)."""
    uow.actor.require(Permission.RECORD_STABILITY_WORK)
    clean = clean_line(name, field="name", label="敏感节点名称", max_length=100)
    if ends_on < starts_on:
        raise ValidationError("range", "结束日期：不能早于开始日期", field="ends_on")
    if (ends_on - starts_on).days >= MAX_PERIOD_DAYS:
        raise ValidationError("range", "敏感节点：最长一年", field="ends_on")
    text = clean_line(note, field="note", label="说明", max_length=400, required=False)
    if period_id is None:
        row = SensitivePeriod(id=new_id(), office_id=uow.office_id, name=clean, starts_on=starts_on,
                              ends_on=ends_on, note=text)
        uow.session.add(row)
        audit.record(uow, "create", "sensitive_period", row.id,
                     after={"name": clean, "starts_on": starts_on, "ends_on": ends_on})
        return row.id
    row = _period(uow, period_id)
    before = {"name": row.name, "starts_on": row.starts_on, "ends_on": row.ends_on}
    row.name, row.starts_on, row.ends_on, row.note = clean, starts_on, ends_on, text
    audit.record(uow, "update", "sensitive_period", row.id, before=before,
                 after={"name": clean, "starts_on": starts_on, "ends_on": ends_on})
    return row.id


def delete_period(uow: UnitOfWork, period_id: uuid.UUID) -> None:
    uow.actor.require(Permission.RECORD_STABILITY_WORK)
    row = _period(uow, period_id)
    uow.session.delete(row)
    audit.record(uow, "delete", "sensitive_period", row.id, before={"name": row.name})


def periods(uow: UnitOfWork, start: date, end: date) -> tuple[PeriodInfo, ...]:
    """Periods overlapping [start, end], earliest first."""
    uow.actor.require(Permission.READ)
    rows = uow.session.scalars(select(SensitivePeriod).where(
        SensitivePeriod.office_id == uow.office_id, SensitivePeriod.starts_on <= end,
        SensitivePeriod.ends_on >= start).order_by(SensitivePeriod.starts_on, SensitivePeriod.name))
    return tuple(PeriodInfo(r.id, r.name, r.starts_on, r.ends_on, r.note) for r in rows)


def active_period(uow: UnitOfWork, today: date | None = None) -> PeriodInfo | None:
    """The period ``today`` (default: the office's today) lies in; of several, the one ending first."""
    day = today or uow.today()
    found = sorted(periods(uow, day, day), key=lambda p: (p.ends_on, p.name))
    return found[0] if found else None


@dataclass(frozen=True)
class PeriodWatch:
    period: PeriodInfo
    due: tuple[KeyPersonInfo, ...]  # key persons whose follow-up falls due before the period ends


def period_watch(uow: UnitOfWork) -> PeriodWatch | None:
    """For the banner: today's sensitive period and the key persons to contact during it."""
    period = active_period(uow)
    if period is None:
        return None
    return PeriodWatch(period, key_persons(uow, due_by=period.ends_on))


def _period(uow: UnitOfWork, period_id: uuid.UUID) -> SensitivePeriod:
    row = uow.session.get(SensitivePeriod, period_id)
    if row is None or row.office_id != uow.office_id:
        raise NotFound("sensitive_period", "敏感节点：不存在", field="period_id")
    return row
