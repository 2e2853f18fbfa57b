"""一人一档: create, complete and look up petitioners' archives."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.enums import PERSON_TAGS
from app.domain.identity import Gender, parse_id_number
from app.domain.names import name_initials, name_pinyin, normalize_name
from app.domain.permissions import Permission
from app.domain.phones import normalize_phone
from app.domain.text import clean_content, clean_line
from app.errors import Conflict, NotFound, ValidationError
from app.services import audit
from app.services.context import UnitOfWork
from db.ids import new_id
from db.models import Person, PersonPhone, PersonTag, Village

MAX_PHONES = 3


@dataclass(frozen=True)
class PersonInput:
    """What a clerk types for a new petitioner; only the name is required."""

    name: str
    id_number: str = ""
    gender: Gender | None = None
    phones: tuple[str, ...] = ()
    address: str = ""
    village_id: uuid.UUID | None = None
    ethnicity: str = ""
    tags: tuple[str, ...] = ()
    follow_up_officer: str = ""
    notes: str = ""


@dataclass(frozen=True)
class PersonSummary:
    id: uuid.UUID
    name: str
    gender: Gender | None
    id_number: str | None
    birth_date: date | None
    phones: tuple[str, ...]
    village: str
    address: str
    tags: tuple[str, ...] = field(default=())

    def age(self, today: date) -> int | None:
        if self.birth_date is None:
            return None
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


def _clean(uow: UnitOfWork, data: PersonInput) -> dict[str, object]:
    values: dict[str, object] = {"name": normalize_name(data.name)}
    values["name_initials"] = name_initials(values["name"])  # type: ignore[arg-type]
    values["name_pinyin"] = name_pinyin(values["name"])  # type: ignore[arg-type]
    gender = data.gender
    if data.id_number.strip():
        info = parse_id_number(data.id_number, today=uow.today())
        if gender is not None and gender != info.gender:
            raise ValidationError("gender_mismatch", "性别：与身份证号不符", field="gender")
        values.update(id_number=info.number, birth_date=info.birth_date,
                      home_division=info.division_code)
        gender = info.gender
    values["gender"] = gender.value if gender else None
    values["address"] = clean_line(data.address, field="address", label="住址", max_length=200,
                                   required=False)
    values["ethnicity"] = clean_line(data.ethnicity, field="ethnicity", label="民族", max_length=20,
                                     required=False)
    values["follow_up_officer"] = clean_line(data.follow_up_officer, field="follow_up_officer",
                                             label="稳控责任人", max_length=50, required=False)
    values["notes"] = clean_content(data.notes, field="notes", label="备注", required=False)
    if data.village_id is not None and uow.session.get(Village, data.village_id) is None:
        raise NotFound("village", "所在村（社区）：不存在", field="village_id")
    values["village_id"] = data.village_id
    return values


def _clean_phones(phones: tuple[str, ...]) -> list[str]:
    cleaned = list(dict.fromkeys(normalize_phone(p) for p in phones if p.strip()))
    if len(cleaned) > MAX_PHONES:
        raise ValidationError("too_many_phones", f"联系电话：最多 {MAX_PHONES} 个", field="phone")
    return cleaned


def _clean_tags(tags: tuple[str, ...]) -> list[str]:
    cleaned = [clean_line(t, field="tags", label="标签", max_length=20) for t in tags]
    return sorted(set(cleaned), key=lambda t: (t not in PERSON_TAGS, t))


def _ensure_unique_id(session: Session, office_id: uuid.UUID, id_number: object,
                      except_id: uuid.UUID | None = None) -> None:
    if not id_number:
        return
    clash = session.scalars(
        select(Person).where(Person.office_id == office_id, Person.id_number == id_number,
                             Person.merged_into_id.is_(None), Person.id != except_id)
    ).first()
    if clash is not None:
        raise Conflict("duplicate_id_number",
                       f"身份证号：已有此人档案（{clash.name}），请直接选用，不要重复建档",
                       field="id_number", person_id=str(clash.id))


def create_person(uow: UnitOfWork, data: PersonInput) -> uuid.UUID:
    uow.actor.require(Permission.EDIT_PERSON)
    values = _clean(uow, data)
    _ensure_unique_id(uow.session, uow.office_id, values.get("id_number"))
    person = Person(id=new_id(), office_id=uow.office_id, **values)
    person.phones = [PersonPhone(office_id=uow.office_id, phone=p, position=i)
                     for i, p in enumerate(_clean_phones(data.phones))]
    person.tags = [PersonTag(office_id=uow.office_id, tag=t) for t in _clean_tags(data.tags)]
    uow.session.add(person)
    audit.record(uow, "create", "person", person.id, after=_snapshot(person))
    return person.id


def update_person(uow: UnitOfWork, person_id: uuid.UUID, data: PersonInput) -> None:
    """Replace the archive's identity fields (e.g. completing a missing ID number later)."""
    uow.actor.require(Permission.EDIT_PERSON)
    person = live_person(uow.session, person_id)
    before = _snapshot(person)
    values = _clean(uow, data)
    _ensure_unique_id(uow.session, uow.office_id, values.get("id_number"), except_id=person.id)
    for key, value in values.items():
        setattr(person, key, value)
    _replace_phones(uow, person, _clean_phones(data.phones))
    _replace_tags(uow, person, _clean_tags(data.tags))
    uow.session.flush()
    after = _snapshot(person)
    changed = {k for k in after if before.get(k) != after[k]}
    audit.record(uow, "update", "person", person.id,
                 before={k: before.get(k) for k in changed}, after={k: after[k] for k in changed})


def _replace_phones(uow: UnitOfWork, person: Person, phones: list[str]) -> None:
    """Keep the rows of phones that stay: re-inserting one would hit (person_id, phone) before the delete."""
    kept = {row.phone: row for row in person.phones}
    rows = []
    for position, phone in enumerate(phones):
        row = kept.get(phone) or PersonPhone(office_id=uow.office_id, phone=phone)
        row.position = position
        rows.append(row)
    person.phones = rows


def _replace_tags(uow: UnitOfWork, person: Person, tags: list[str]) -> None:
    kept = {row.tag: row for row in person.tags}
    person.tags = [kept.get(tag) or PersonTag(office_id=uow.office_id, tag=tag) for tag in tags]


def live_person(session: Session, person_id: uuid.UUID) -> Person:
    """The person's archive, following merges to the surviving archive."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("person", "信访人：档案不存在", field="person_id")
    while person.merged_into_id is not None:
        person = session.get(Person, person.merged_into_id)  # type: ignore[assignment]
    return person


def _snapshot(person: Person) -> dict[str, object]:
    return {
        "name": person.name, "id_number": person.id_number, "gender": person.gender,
        "address": person.address, "village_id": person.village_id,
        "phones": [p.phone for p in person.phones], "tags": [t.tag for t in person.tags],
        "follow_up_officer": person.follow_up_officer,
    }


def summaries(session: Session, ids: list[uuid.UUID]) -> list[PersonSummary]:
    """PersonSummary rows for ``ids`` in that order, with phones, tags and village in 3 queries."""
    if not ids:
        return []
    rows = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}
    phones: dict[uuid.UUID, list[str]] = {}
    for pid, phone in session.execute(
        select(PersonPhone.person_id, PersonPhone.phone)
        .where(PersonPhone.person_id.in_(ids)).order_by(PersonPhone.position)
    ):
        phones.setdefault(pid, []).append(phone)
    tags: dict[uuid.UUID, list[str]] = {}
    for pid, tag in session.execute(select(PersonTag.person_id, PersonTag.tag)
                                    .where(PersonTag.person_id.in_(ids))):
        tags.setdefault(pid, []).append(tag)
    village_ids = {p.village_id for p in rows.values() if p.village_id}
    villages = {vid: name for vid, name in session.execute(
        select(Village.id, Village.name).where(Village.id.in_(village_ids)))} if village_ids else {}
    return [
        PersonSummary(
            id=p.id, name=p.name, gender=Gender(p.gender) if p.gender else None,
            id_number=p.id_number, birth_date=p.birth_date, phones=tuple(phones.get(p.id, [])),
            village=villages.get(p.village_id, "") if p.village_id else "", address=p.address,
            tags=tuple(tags.get(p.id, [])),
        )
        for p in (rows[i] for i in ids if i in rows)
    ]


def count_persons(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Person)
                          .where(Person.merged_into_id.is_(None))) or 0
