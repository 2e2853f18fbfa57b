"""Register a contact (来访/来信/来电/网上/传真), with its persons and its matter.

The program decides first vs repeat: a contact about a subject on which the same persons already
have a matter joins that matter (a repeat contact). The clerk may instead open a new matter, but
must then say why, and the program's suggestion is kept beside the decision.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from app.domain.enums import Channel, MatterSource, MatterType, PendingProceeding, SkipLevel
from app.domain.permissions import Permission
from app.domain.text import clean_content, clean_line, fold_width
from app.errors import ValidationError
from app.services import audit, persons
from app.services.context import UnitOfWork
from app.services.matters import NewMatter, load_matter, open_matter
from app.services.numbering import contact_number, next_number
from db.ids import new_id
from db.models import Contact, ContactPerson, Matter, MatterPetitioner, Village

MAX_REPRESENTATIVES = 5  # 《信访工作条例》第二十条
MAX_HEADCOUNT = 10_000
EARLIEST_CONTACT = datetime(2000, 1, 1)
# A contact "now" typed on a PC whose clock runs slightly behind the clerk's watch is still fine.
FUTURE_TOLERANCE = timedelta(minutes=10)


@dataclass(frozen=True)
class NewContact:
    channel: Channel
    contact_at: datetime
    content: str
    # Existing archives (UUID) or new ones (PersonInput); the first is the main petitioner.
    persons: tuple[uuid.UUID | persons.PersonInput, ...] = ()
    headcount: int = 1
    subject_code: str | None = None
    matter_type: MatterType | None = None
    title: str = ""
    # None: let the program decide; a UUID: join that matter; NEW_MATTER: open a new one.
    matter_id: uuid.UUID | None = None
    new_matter: bool = False
    new_matter_reason: str = ""
    skip_level: SkipLevel | None = None
    leader_reception: bool = False
    leader_name: str = ""
    problem_village_id: uuid.UUID | None = None
    anonymous: bool = False
    threat: bool = False
    confidential: bool = False
    simplified: bool = False
    purpose: str = ""
    # 问题属地: the 12-digit statistical division code of where the problem is, when outside our villages.
    problem_division_code: str = ""
    pending_proceeding: PendingProceeding | None = None


@dataclass(frozen=True)
class RegisteredContact:
    contact_id: uuid.UUID
    number: str
    matter_id: uuid.UUID
    matter_number: str
    is_repeat: bool
    opened_matter: bool
    person_ids: tuple[uuid.UUID, ...] = field(default=())


def register_contact(uow: UnitOfWork, data: NewContact) -> RegisteredContact:
    uow.actor.require(Permission.REGISTER_CONTACT)
    _check_counts(data)
    contact_at = _check_time(uow, data.contact_at)
    content = clean_content(data.content)
    if data.problem_village_id is not None and uow.session.get(Village, data.problem_village_id) is None:
        raise ValidationError("village", "问题属地：所选村（社区）不存在", field="problem_village_id")
    person_ids = tuple(_resolve_person(uow, p) for p in data.persons)
    if len(set(person_ids)) != len(person_ids):
        raise ValidationError("duplicate_person", "信访人：同一人不能重复列出", field="persons")

    suggested = _repeat_candidate(uow, person_ids, data.subject_code)
    matter, is_repeat = _choose_matter(uow, data, person_ids, content, suggested)
    if is_repeat and contact_at.date() < matter.registered_on:
        raise ValidationError(
            "before_matter", f"来访时间：早于所关联事项的登记日期 {matter.registered_on.isoformat()}",
            field="contact_at")
    year = contact_at.year
    contact = Contact(
        id=new_id(), office_id=uow.office_id,
        number=contact_number(year, next_number(uow.session, uow.office_id, "contact", year)),
        channel=data.channel.value, contact_at=contact_at, headcount=data.headcount,
        skip_level=data.skip_level.value if data.skip_level else None, is_repeat=is_repeat,
        repeat_suggested=suggested is not None,
        repeat_override_reason=data.new_matter_reason.strip() if suggested and not is_repeat else "",
        receiving_clerk_id=uow.actor.user_id, leader_reception=data.leader_reception,
        leader_name=clean_line(data.leader_name, field="leader_name", label="接访领导", max_length=50,
                               required=data.leader_reception),
        content=content, problem_village_id=data.problem_village_id or matter.problem_village_id,
        problem_division_code=_division_code(data.problem_division_code),
        matter_id=matter.id, anonymous=data.anonymous, threat=data.threat,
        confidential=data.confidential,
        purpose=clean_line(data.purpose, field="purpose", label="信访目的", max_length=100, required=False),
    )
    contact.persons = [ContactPerson(office_id=uow.office_id, person_id=pid, position=i)
                       for i, pid in enumerate(person_ids)]
    uow.session.add(contact)
    if is_repeat:
        _add_petitioners(uow, matter, person_ids)
    audit.record(uow, "create", "contact", contact.id, after={
        "number": contact.number, "channel": data.channel.value, "matter": matter.number,
        "is_repeat": is_repeat, "headcount": data.headcount, "persons": list(person_ids)})
    return RegisteredContact(contact.id, contact.number, matter.id, matter.number, is_repeat,
                             not is_repeat, person_ids)


def _check_counts(data: NewContact) -> None:
    if len(data.persons) > MAX_REPRESENTATIVES:
        raise ValidationError(
            "too_many_representatives",
            f"代表人数：集体访最多推选 {MAX_REPRESENTATIVES} 名代表，现为 {len(data.persons)} 名",
            field="persons")
    if not data.persons and not data.anonymous:
        raise ValidationError("no_person", "信访人：请选择或新建信访人（匿名来信请勾选“匿名”）",
                              field="persons")
    if not 1 <= data.headcount <= MAX_HEADCOUNT:
        raise ValidationError("headcount", f"来访人数：须在 1 至 {MAX_HEADCOUNT} 之间", field="headcount")
    if data.headcount < len(data.persons):
        raise ValidationError(
            "headcount_below_persons",
            f"来访人数：{data.headcount} 人少于所列信访人（代表）{len(data.persons)} 人", field="headcount")
    if data.skip_level is not None and data.channel is not Channel.VISIT:
        raise ValidationError("skip_level_channel", "越级情形：只适用于走访", field="skip_level")


def _check_time(uow: UnitOfWork, value: datetime) -> datetime:
    if value.tzinfo is not None:
        raise ValueError("contact_at is the office's local wall-clock time (naive)")
    if value > uow.now() + FUTURE_TOLERANCE:
        raise ValidationError("future_date", "来访时间：不能晚于当前时间", field="contact_at")
    if value < EARLIEST_CONTACT:
        raise ValidationError("too_old", "来访时间：不能早于 2000 年", field="contact_at")
    return value.replace(second=0, microsecond=0)


def _resolve_person(uow: UnitOfWork, ref: uuid.UUID | persons.PersonInput) -> uuid.UUID:
    if isinstance(ref, uuid.UUID):
        return persons.live_person(uow.session, ref).id
    return persons.create_person(uow, ref)


def _repeat_candidate(uow: UnitOfWork, person_ids: tuple[uuid.UUID, ...],
                      subject_code: str | None) -> Matter | None:
    """The newest matter of any of these persons on the same subject, if there is one."""
    if not person_ids or not subject_code:
        return None
    return uow.session.scalars(
        select(Matter).join(MatterPetitioner, MatterPetitioner.matter_id == Matter.id)
        .where(MatterPetitioner.person_id.in_(person_ids), Matter.subject_code == subject_code)
        .order_by(Matter.registered_on.desc(), Matter.number.desc()).limit(1)
    ).first()


def _choose_matter(uow: UnitOfWork, data: NewContact, person_ids: tuple[uuid.UUID, ...],
                   content: str, suggested: Matter | None) -> tuple[Matter, bool]:
    if data.matter_id is not None:
        return load_matter(uow, data.matter_id), True
    if suggested is not None and not data.new_matter:
        return suggested, True
    if suggested is not None:
        clean_line(data.new_matter_reason, field="new_matter_reason",
                   label=f"另立新事项的理由（此人已有同类事项 {suggested.number}）", max_length=200)
    if data.matter_type is None:
        raise ValidationError("matter_type", "事项类别：请选择", field="matter_type")
    if not data.subject_code:
        raise ValidationError("subject", "问题分类：请选择", field="subject_code")
    matter = open_matter(uow, NewMatter(
        title=data.title.strip() or _title_from(content), matter_type=data.matter_type,
        subject_code=data.subject_code, registered_on=data.contact_at.date(),
        petitioner_ids=person_ids, problem_village_id=data.problem_village_id,
        simplified=data.simplified, confidential=data.confidential, source=MatterSource.CONTACT,
        pending_proceeding=data.pending_proceeding.value if data.pending_proceeding else None,
    ))
    return matter, False


def _division_code(raw: str) -> str | None:
    code = fold_width(raw).replace(" ", "")
    if not code:
        return None
    if not (code.isdigit() and len(code) == 12):
        raise ValidationError("division_code", "问题属地：区划代码须为 12 位数字", field="problem_division_code")
    return code


def _title_from(content: str) -> str:
    first_line = content.splitlines()[0]
    return first_line if len(first_line) <= 40 else first_line[:39] + "…"


def _add_petitioners(uow: UnitOfWork, matter: Matter, person_ids: tuple[uuid.UUID, ...]) -> None:
    known = {p.person_id for p in matter.petitioners}
    position = len(known)
    for pid in person_ids:
        if pid not in known:
            matter.petitioners.append(MatterPetitioner(office_id=uow.office_id, person_id=pid,
                                                       position=position))
            position += 1

