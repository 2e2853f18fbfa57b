"""一人一档 read model: the person list (ids first, rows on demand) and one person's whole archive.

The list is an ordered id query (filters and sort in SQL, packed by ``listing.packed_ids``) plus a
row fetch for at most one page of ids, fast enough to run on the UI thread. The archive gathers
identity, tags, follow-up officer, open matters with their next deadline, the merge records and a
newest-first timeline of every contact, matter, document and attachment.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import ColumnElement, Select, false, func, or_, select

from app.domain.identity import Gender, id_search_prefix
from app.domain.permissions import Permission
from app.domain.phones import phone_search_prefix
from app.domain.text import fold_width
from app.domain.workflow import FINISHED_STATES
from app.services import audit
from app.services.attachments import AttachmentInfo, list_attachments
from app.services.context import UnitOfWork
from app.services.key_persons import KeyPersonInfo, key_person_of
from app.services.listing import packed_ids
from app.services.matter_queries import rows_for
from app.services.person_search import prefix_match
from app.services.person_timeline import (
    ArchiveCounts, TimelineEntry, archive_counts, contact_ids_of, documents_condition, load_timeline, matter_ids_of,
)
from app.services.persons import PersonInput, PersonSummary, live_person, summaries
from db.models import (
    Contact, ContactPerson, Document, Matter, MatterPetitioner, Person, PersonMerge, PersonPhone, PersonTag, Village,
)

MAX_PAGE = 100
FINISHED = [s.value for s in FINISHED_STATES]


class PersonSort(StrEnum):
    NAME = "name"  # pinyin order
    RECENT_CONTACT = "recent_contact"  # latest contact first; never-contacted last
    NEWEST = "newest"  # newest archives first


@dataclass(frozen=True)
class PersonFilter:
    text: str = ""
    village_id: uuid.UUID | None = None
    tag: str | None = None
    sort: PersonSort = PersonSort.NAME


@dataclass(frozen=True)
class PersonListRow:
    id: uuid.UUID
    name: str
    gender: Gender | None
    age: int | None
    id_number: str | None
    phones: tuple[str, ...]
    village: str
    tags: tuple[str, ...]
    contacts: int
    last_contact: datetime | None
    open_matters: int


@dataclass(frozen=True)
class FilterOptions:
    villages: tuple[tuple[uuid.UUID, str], ...]
    tags: tuple[str, ...]


# -- the list ---------------------------------------------------------------------------------------
def text_condition(uow: UnitOfWork, text: str) -> ColumnElement[bool]:
    """The prefix rules of ``find_persons`` (ID number, phone, initials, pinyin, name) as one condition."""
    session, query = uow.session, text.strip()
    conditions: list[ColumnElement[bool]] = []
    id_prefix = id_search_prefix(query)
    if id_prefix:
        conditions.append(prefix_match(session, Person.id_number, id_prefix))
    phone = phone_search_prefix(query)
    if phone:
        conditions.append(Person.id.in_(
            select(PersonPhone.person_id).where(prefix_match(session, PersonPhone.phone, phone))))
    folded = fold_width(query).replace(" ", "")
    if folded.isascii() and folded.isalpha():
        letters = folded.lower()
        conditions.append(prefix_match(session, Person.name_initials, letters))
        if len(letters) >= 2:
            conditions.append(prefix_match(session, Person.name_pinyin, letters))
    elif folded and not folded.isascii():
        conditions.append(prefix_match(session, Person.name, folded))
    return or_(*conditions) if conditions else false()


def person_list_stmt(uow: UnitOfWork, spec: PersonFilter) -> Select[tuple[uuid.UUID]]:
    stmt = select(Person.id).where(Person.merged_into_id.is_(None))
    if spec.text.strip():
        stmt = stmt.where(text_condition(uow, spec.text))
    if spec.village_id is not None:
        stmt = stmt.where(Person.village_id == spec.village_id)
    if spec.tag:
        stmt = stmt.where(Person.id.in_(select(PersonTag.person_id).where(PersonTag.tag == spec.tag)))
    if spec.sort is PersonSort.NEWEST:
        return stmt.order_by(Person.created_at.desc(), Person.id)
    if spec.sort is PersonSort.RECENT_CONTACT:
        # SQLite walks ix_person_last_contact backwards (NULLs, the smallest, come last) instead of
        # sorting 200,000 rows; PostgreSQL puts NULLs first on DESC unless told.
        newest = Person.last_contact_at.desc()
        if uow.session.get_bind().dialect.name != "sqlite":
            newest = newest.nulls_last()
        return stmt.order_by(newest, Person.id.desc())
    return stmt.order_by(Person.name_pinyin, Person.name, Person.id)


def person_list_ids(uow: UnitOfWork, spec: PersonFilter) -> bytes:
    """The ordered ids of the live archives matching ``spec``, 16 bytes each."""
    uow.actor.require(Permission.READ)
    return packed_ids(uow.session, person_list_stmt(uow, spec))


def person_rows(uow: UnitOfWork, ids: list[uuid.UUID]) -> dict[uuid.UUID, PersonListRow]:
    """One page of list rows (≤ 100 ids), in a handful of indexed queries."""
    uow.actor.require(Permission.READ)
    if len(ids) > MAX_PAGE:
        raise ValueError(f"person_rows takes at most {MAX_PAGE} ids")
    if not ids:
        return {}
    people = summaries(uow.session, ids)
    visits: dict[uuid.UUID, tuple[int, datetime | None]] = {
        pid: (n, last) for pid, n, last in uow.session.execute(
            select(ContactPerson.person_id, func.count(), func.max(Contact.contact_at))
            .join(Contact, Contact.id == ContactPerson.contact_id)
            .where(ContactPerson.person_id.in_(ids)).group_by(ContactPerson.person_id))
    }
    open_counts: dict[uuid.UUID, int] = {pid: n for pid, n in uow.session.execute(
        select(MatterPetitioner.person_id, func.count())
        .join(Matter, Matter.id == MatterPetitioner.matter_id)
        .where(MatterPetitioner.person_id.in_(ids), Matter.state.notin_(FINISHED))
        .group_by(MatterPetitioner.person_id))}
    today = uow.today()
    return {p.id: PersonListRow(
        id=p.id, name=p.name, gender=p.gender, age=p.age(today), id_number=p.id_number, phones=p.phones,
        village=p.village, tags=p.tags, contacts=visits.get(p.id, (0, None))[0],
        last_contact=visits.get(p.id, (0, None))[1], open_matters=open_counts.get(p.id, 0),
    ) for p in people}


def filter_options(uow: UnitOfWork) -> FilterOptions:
    """Villages and the tags in use, for the list's filter boxes."""
    uow.actor.require(Permission.READ)
    villages = tuple((vid, name) for vid, name in uow.session.execute(
        select(Village.id, Village.name).where(Village.office_id == uow.office_id, Village.active)
        .order_by(Village.name)))
    tags = tuple(uow.session.scalars(select(PersonTag.tag).distinct().order_by(PersonTag.tag)))
    return FilterOptions(villages, tags)


# -- one archive --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OpenMatter:
    id: uuid.UUID
    number: str
    title: str
    state_label: str
    registered_on: date
    next_clock: str  # label of the nearest clock still owed, "" when none
    next_due_on: date | None
    days_left: int | None


@dataclass(frozen=True)
class MergeRecord:
    id: uuid.UUID
    merged_id: uuid.UUID
    merged_name: str
    merged_id_number: str | None
    merged_at: datetime  # UTC
    reason: str


@dataclass(frozen=True)
class PersonArchive:
    person: PersonSummary
    requested_id: uuid.UUID  # differs from person.id when the asked-for archive was merged away
    age: int | None
    village_id: uuid.UUID | None
    ethnicity: str
    follow_up_officer: str
    notes: str
    created_at: datetime
    counts: ArchiveCounts
    open_matters: tuple[OpenMatter, ...]
    timeline: tuple[TimelineEntry, ...]
    truncated: bool  # the timeline shows only the newest entries
    attachments: tuple[AttachmentInfo, ...]
    merges: tuple[MergeRecord, ...]
    key_person: KeyPersonInfo | None = None  # 重点人员: reason, follow-up officer, next follow-up

    def as_input(self) -> PersonInput:
        """The identity as the edit dialog's starting values."""
        p = self.person
        return PersonInput(name=p.name, id_number=p.id_number or "", gender=p.gender, phones=p.phones,
                           address=p.address, village_id=self.village_id, ethnicity=self.ethnicity,
                           tags=p.tags, follow_up_officer=self.follow_up_officer, notes=self.notes)


def merged_ids(uow: UnitOfWork, person_id: uuid.UUID) -> list[uuid.UUID]:
    """Archives merged (directly or in a chain) into this one."""
    found: list[uuid.UUID] = []
    frontier = [person_id]
    while frontier:
        frontier = list(uow.session.scalars(select(Person.id).where(Person.merged_into_id.in_(frontier))))
        found += frontier
    return found


def load_archive(uow: UnitOfWork, person_id: uuid.UUID, attachments_dir: Path,
                 limit: int = 2000) -> PersonArchive:
    uow.actor.require(Permission.READ)
    person = live_person(uow.session, person_id)
    summary = summaries(uow.session, [person.id])[0]
    see_accusers = uow.actor.may(Permission.READ_ACCUSATION)
    audit.record_access(uow, "open", "person", person.id)
    owners = [("person", pid) for pid in [person.id, *merged_ids(uow, person.id)]]
    files = list_attachments(uow, attachments_dir, owners + _record_owners(uow, person.id))
    timeline, truncated = load_timeline(uow, person.id, files, see_accusers, limit)
    return PersonArchive(
        person=summary, requested_id=person_id, age=summary.age(uow.today()), village_id=person.village_id,
        ethnicity=person.ethnicity, follow_up_officer=person.follow_up_officer, notes=person.notes,
        created_at=person.created_at, counts=archive_counts(uow, person.id, len(files)),
        open_matters=tuple(_open_matters(uow, person.id)), timeline=tuple(timeline), truncated=truncated,
        attachments=tuple(files), merges=tuple(_merges(uow, person.id)),
        key_person=key_person_of(uow, person.id),
    )


def _record_owners(uow: UnitOfWork, person_id: uuid.UUID) -> list[tuple[str, uuid.UUID]]:
    contacts = uow.session.scalars(select(ContactPerson.contact_id).where(ContactPerson.person_id == person_id))
    matters = uow.session.scalars(select(MatterPetitioner.matter_id).where(MatterPetitioner.person_id == person_id))
    return [("contact", c) for c in contacts] + [("matter", m) for m in matters]


def _open_matters(uow: UnitOfWork, person_id: uuid.UUID) -> list[OpenMatter]:
    matters = list(uow.session.scalars(
        select(Matter).join(MatterPetitioner, MatterPetitioner.matter_id == Matter.id)
        .where(MatterPetitioner.person_id == person_id, Matter.state.notin_(FINISHED))
        .order_by(Matter.registered_on.desc(), Matter.number.desc())))
    result = []
    for row in rows_for(uow, matters):
        duties = [c for c in row.open_clocks if c.office_duty] or list(row.open_clocks)
        nxt = min(duties, key=lambda c: c.due_on) if duties else None
        result.append(OpenMatter(
            row.id, row.number, row.title, row.state_label, row.registered_on,
            nxt.label if nxt else "", nxt.due_on if nxt else None, nxt.days_left if nxt else None))
    return result


def _merges(uow: UnitOfWork, person_id: uuid.UUID) -> list[MergeRecord]:
    rows = uow.session.execute(
        select(PersonMerge, Person.name, Person.id_number).join(Person, Person.id == PersonMerge.merged_id)
        .where(PersonMerge.survivor_id == person_id, PersonMerge.undone_at.is_(None))
        .order_by(PersonMerge.created_at.desc()))
    return [MergeRecord(m.id, m.merged_id, name, number, m.created_at, m.reason) for m, name, number in rows]


# -- merging two archives -----------------------------------------------------------------------------
@dataclass(frozen=True)
class MergeSide:
    person: PersonSummary
    follow_up_officer: str
    counts: ArchiveCounts


@dataclass(frozen=True)
class MergePreview:
    """Both archives side by side, what would move to the survivor, and why it cannot be done ("")."""

    survivor: MergeSide
    merged: MergeSide
    moving: ArchiveCounts
    problem: str


def merge_preview(uow: UnitOfWork, survivor_id: uuid.UUID, merged_id: uuid.UUID,
                  attachments_dir: Path) -> MergePreview:
    uow.actor.require(Permission.READ)
    survivor, merged = live_person(uow.session, survivor_id), live_person(uow.session, merged_id)
    sides = []
    for person in (survivor, merged):
        files = list_attachments(uow, attachments_dir, [("person", person.id)])
        sides.append(MergeSide(summaries(uow.session, [person.id])[0], person.follow_up_officer,
                               archive_counts(uow, person.id, len(files))))
    problem = ""
    if survivor.id == merged.id:
        problem = "两份档案是同一人，无需合并"
    elif survivor.id_number and merged.id_number and survivor.id_number != merged.id_number:
        problem = "两份档案的身份证号不同，不是同一人，不能合并"
    return MergePreview(sides[0], sides[1], _moving(uow, survivor.id, merged.id, sides[1].counts), problem)


def _moving(uow: UnitOfWork, survivor_id: uuid.UUID, merged_id: uuid.UUID, merged: ArchiveCounts) -> ArchiveCounts:
    s = uow.session
    contacts = s.scalar(select(func.count()).where(
        ContactPerson.person_id == merged_id, ContactPerson.contact_id.notin_(contact_ids_of(survivor_id))))
    matters = s.scalar(select(func.count()).where(
        MatterPetitioner.person_id == merged_id, MatterPetitioner.matter_id.notin_(matter_ids_of(survivor_id))))
    documents = s.scalar(select(func.count()).select_from(Document).where(
        documents_condition(merged_id), Document.id.notin_(select(Document.id).where(documents_condition(survivor_id)))))
    return ArchiveCounts(contacts or 0, matters or 0, documents or 0, merged.attachments)
