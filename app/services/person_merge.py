"""Merge a duplicate archive into a survivor, and undo it.

Every link (contacts, matters, documents, phones, tags) moves to the survivor; what moved is stored
on the PersonMerge row and in the audit trail so the merge can be undone exactly.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select, update

from app.domain.permissions import Permission
from app.domain.text import clean_line
from app.errors import Conflict, IllegalTransition, NotFound, ValidationError
from app.services import audit
from app.services.context import UnitOfWork
from app.services.persons import live_person
from db.models import ContactPerson, Document, MatterPetitioner, Person, PersonMerge, PersonPhone, PersonTag

# Link tables whose rows name a person and may hold at most one row per (parent, person).
_LINKS = {
    "contact_person": (ContactPerson, ContactPerson.contact_id),
    "matter_petitioner": (MatterPetitioner, MatterPetitioner.matter_id),
    "person_phone": (PersonPhone, PersonPhone.phone),
    "person_tag": (PersonTag, PersonTag.tag),
}


def merge_persons(uow: UnitOfWork, survivor_id: uuid.UUID, merged_id: uuid.UUID, reason: str) -> uuid.UUID:
    uow.actor.require(Permission.MERGE_PERSONS)
    reason = clean_line(reason, field="reason", label="合并理由", max_length=200)
    survivor, merged = live_person(uow.session, survivor_id), live_person(uow.session, merged_id)
    if survivor.id == merged.id:
        raise ValidationError("same_person", "合并：两份档案是同一人", field="merged_id")
    if survivor.id_number and merged.id_number and survivor.id_number != merged.id_number:
        raise Conflict("different_id_numbers", "合并：两份档案的身份证号不同，不能合并", field="merged_id")
    moved: dict[str, list[str]] = {}
    for name, (model, parent) in _LINKS.items():
        taken = set(uow.session.scalars(select(parent).where(model.person_id == survivor.id)))
        for row in uow.session.scalars(select(model).where(model.person_id == merged.id)):
            # A link the survivor already has (both named on one contact) stays with the merged row.
            if getattr(row, parent.key) not in taken:
                row.person_id = survivor.id
                moved.setdefault(name, []).append(str(row.id))
    doc_ids = list(uow.session.scalars(select(Document.id).where(Document.person_id == merged.id)))
    uow.session.execute(update(Document).where(Document.id.in_(doc_ids)).values(person_id=survivor.id))
    moved["document"] = [str(d) for d in doc_ids]
    took_id_number = not survivor.id_number and bool(merged.id_number)
    merged.merged_into_id = survivor.id
    uow.session.flush()
    if took_id_number:
        survivor.id_number, survivor.birth_date = merged.id_number, merged.birth_date
        survivor.home_division, survivor.gender = merged.home_division, merged.gender
    record = PersonMerge(office_id=uow.office_id, survivor_id=survivor.id, merged_id=merged.id,
                         moved={"moved": moved, "took_id_number": took_id_number}, reason=reason,
                         actor_id=uow.actor.user_id)
    uow.session.add(record)
    uow.session.flush()
    audit.record(uow, "merge", "person", survivor.id,
                 after={"merged_id": merged.id, "merge_id": record.id, "moved": moved, "reason": reason})
    return record.id


def undo_merge(uow: UnitOfWork, merge_id: uuid.UUID) -> None:
    uow.actor.require(Permission.MERGE_PERSONS)
    record = uow.session.get(PersonMerge, merge_id)
    if record is None:
        raise NotFound("merge", "合并记录：不存在", field="merge_id")
    if record.undone_at is not None:
        raise IllegalTransition("merge_undone", "合并记录：已经撤销过", field="merge_id")
    merged = uow.session.get(Person, record.merged_id)
    survivor = uow.session.get(Person, record.survivor_id)
    assert merged is not None and survivor is not None
    if merged.merged_into_id != survivor.id:
        raise IllegalTransition("merge_changed", "合并记录：档案此后又有变动，无法撤销", field="merge_id")
    moved: dict[str, list[str]] = record.moved["moved"]
    for name, (model, _parent) in _LINKS.items():
        ids = [uuid.UUID(i) for i in moved.get(name, [])]
        if ids:
            uow.session.execute(update(model).where(model.id.in_(ids)).values(person_id=merged.id))
    doc_ids = [uuid.UUID(i) for i in moved.get("document", [])]
    if doc_ids:
        uow.session.execute(update(Document).where(Document.id.in_(doc_ids)).values(person_id=merged.id))
    if record.moved.get("took_id_number"):
        survivor.id_number = survivor.birth_date = survivor.home_division = None
        uow.session.flush()
    merged.merged_into_id = None
    record.undone_at, record.status = uow.utcnow(), "undone"
    uow.session.flush()
    audit.record(uow, "unmerge", "person", survivor.id, after={"merged_id": merged.id, "merge_id": record.id})
