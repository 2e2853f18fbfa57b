"""A person's timeline (every contact, matter, document and attachment, newest first) and record counts.

Entries carry codes (channel, state, document kind, MIME type), not display text: the UI labels them.
Accusation matters (检举控告类) show neither title nor content to roles that may not read them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from sqlalchemy import ColumnElement, func, or_, select

from app.domain.enums import MatterType
from app.services.attachments import AttachmentInfo
from app.services.context import UnitOfWork
from db.models import Contact, ContactPerson, Document, Matter, MatterPetitioner

MASKED = "（检举控告内容保密）"
EXCERPT = 160
KIND_ORDER = {"document": 0, "attachment": 1, "matter": 2, "contact": 3}


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # contact | matter | document | attachment
    at: datetime  # local wall-clock time; for date-only records the end of that day
    has_time: bool  # False: only the date is known
    ref_id: uuid.UUID
    matter_id: uuid.UUID | None
    number: str  # contact / matter number, 文号, or "" (attachments)
    code: str  # channel / matter state / document kind / MIME type
    text: str  # content excerpt / matter title / "" / original file name
    flags: tuple[str, ...] = ()  # contact: repeat, skip:<level>, leader, collective; attachment: missing


@dataclass(frozen=True)
class ArchiveCounts:
    contacts: int
    matters: int
    documents: int
    attachments: int


def contact_ids_of(person_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return select(ContactPerson.contact_id).where(ContactPerson.person_id == person_id)


def matter_ids_of(person_id: uuid.UUID):  # type: ignore[no-untyped-def]
    return select(MatterPetitioner.matter_id).where(MatterPetitioner.person_id == person_id)


def documents_condition(person_id: uuid.UUID) -> ColumnElement[bool]:
    """Notices naming the person, or issued on one of the person's matters or contacts."""
    return or_(Document.person_id == person_id, Document.matter_id.in_(matter_ids_of(person_id)),
               Document.contact_id.in_(contact_ids_of(person_id)))


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59))


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone().replace(tzinfo=None)


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[:EXCERPT - 1] + "…"


def _contacts(uow: UnitOfWork, person_id: uuid.UUID, see_accusers: bool, limit: int) -> list[TimelineEntry]:
    rows = uow.session.execute(
        select(Contact, Matter.matter_type).outerjoin(Matter, Matter.id == Contact.matter_id)
        .where(Contact.id.in_(contact_ids_of(person_id)))
        .order_by(Contact.contact_at.desc()).limit(limit))
    entries = []
    for c, matter_type in rows:
        hidden = matter_type == MatterType.ACCUSATION.value and not see_accusers
        flags = [f for f, on in (("repeat", c.is_repeat), ("leader", c.leader_reception),
                                 ("collective", c.headcount >= 5)) if on]
        if c.skip_level:
            flags.append(f"skip:{c.skip_level}")
        entries.append(TimelineEntry("contact", c.contact_at, True, c.id, c.matter_id, c.number, c.channel,
                                     MASKED if hidden else _excerpt(c.content), tuple(flags)))
    return entries


def _matters(uow: UnitOfWork, person_id: uuid.UUID, see_accusers: bool, limit: int) -> list[TimelineEntry]:
    rows = uow.session.scalars(
        select(Matter).where(Matter.id.in_(matter_ids_of(person_id)))
        .order_by(Matter.registered_on.desc()).limit(limit))
    return [TimelineEntry("matter", _end_of(m.registered_on), False, m.id, m.id, m.number, m.state,
                          MASKED if m.matter_type == MatterType.ACCUSATION.value and not see_accusers
                          else m.title)
            for m in rows]


def _documents(uow: UnitOfWork, person_id: uuid.UUID, limit: int) -> list[TimelineEntry]:
    rows = uow.session.scalars(
        select(Document).where(documents_condition(person_id)).order_by(Document.issued_on.desc()).limit(limit))
    return [TimelineEntry("document", _end_of(d.issued_on), False, d.id, d.matter_id, d.number or "", d.kind,
                          "", ("delivered",) if d.delivered_on else ())
            for d in rows]


def _attachments(files: list[AttachmentInfo]) -> list[TimelineEntry]:
    return [TimelineEntry("attachment", _local(f.added_at), True, f.id,
                          f.entity_id if f.entity_type == "matter" else None, "", f.mime, f.name,
                          () if f.present else ("missing",))
            for f in files]


def load_timeline(uow: UnitOfWork, person_id: uuid.UUID, files: list[AttachmentInfo], see_accusers: bool,
                  limit: int) -> tuple[list[TimelineEntry], bool]:
    """The newest ``limit`` entries, and whether older ones were left out."""
    entries = (_contacts(uow, person_id, see_accusers, limit + 1)
               + _matters(uow, person_id, see_accusers, limit + 1)
               + _documents(uow, person_id, limit + 1) + _attachments(files))
    entries.sort(key=lambda e: (e.at, -KIND_ORDER[e.kind]), reverse=True)
    return entries[:limit], len(entries) > limit


def archive_counts(uow: UnitOfWork, person_id: uuid.UUID, attachments: int) -> ArchiveCounts:
    s = uow.session
    return ArchiveCounts(
        contacts=s.scalar(select(func.count()).where(ContactPerson.person_id == person_id)) or 0,
        matters=s.scalar(select(func.count()).where(MatterPetitioner.person_id == person_id)) or 0,
        documents=s.scalar(select(func.count()).select_from(Document).where(documents_condition(person_id))) or 0,
        attachments=attachments,
    )
