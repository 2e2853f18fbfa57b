"""The office's own lists: villages (村/社区) and responsible units (责任单位): add, rename, deactivate.

Entries are never deleted: old contacts and matters keep pointing at them. A deactivated entry is no
longer offered for new records. Changes need MANAGE_SETTINGS and are audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from app.domain.permissions import Permission
from app.domain.text import clean_line
from app.errors import Conflict, NotFound
from app.services import audit
from app.services.context import UnitOfWork
from db.ids import new_id
from db.models import ResponsibleUnit, Village


class DictionaryKind(StrEnum):
    VILLAGE = "village"
    RESPONSIBLE_UNIT = "responsible_unit"


_MODELS: dict[DictionaryKind, type[Village] | type[ResponsibleUnit]] = {
    DictionaryKind.VILLAGE: Village,
    DictionaryKind.RESPONSIBLE_UNIT: ResponsibleUnit,
}
_LABELS = {DictionaryKind.VILLAGE: "村（社区）", DictionaryKind.RESPONSIBLE_UNIT: "责任单位"}


@dataclass(frozen=True)
class DictionaryEntry:
    id: uuid.UUID
    name: str
    active: bool


def list_entries(uow: UnitOfWork, kind: DictionaryKind, *, include_inactive: bool = True) -> list[DictionaryEntry]:
    """Active entries first, each group by name."""
    uow.actor.require(Permission.READ)
    model = _MODELS[DictionaryKind(kind)]
    query = select(model).where(model.office_id == uow.office_id)
    if not include_inactive:
        query = query.where(model.active)
    rows = uow.session.scalars(query.order_by(model.active.desc(), model.name))
    return [DictionaryEntry(r.id, r.name, r.active) for r in rows]


def _clean_name(uow: UnitOfWork, kind: DictionaryKind, name: str, exclude: uuid.UUID | None = None) -> str:
    label = _LABELS[kind]
    clean = clean_line(name, field="name", label=f"{label}名称", max_length=100)
    model = _MODELS[kind]
    query = select(model.id).where(model.office_id == uow.office_id, model.name == clean)
    if exclude is not None:
        query = query.where(model.id != exclude)
    if uow.session.scalars(query).first() is not None:
        raise Conflict("name_taken", f"{label}名称：“{clean}”已存在（停用的也算在内，可重新启用）",
                       field="name")
    return clean


def _entry(uow: UnitOfWork, kind: DictionaryKind, entry_id: uuid.UUID) -> Village | ResponsibleUnit:
    row = uow.session.get(_MODELS[kind], entry_id)
    if row is None or row.office_id != uow.office_id:
        raise NotFound("entry_not_found", f"{_LABELS[kind]}：找不到该条目", field="name")
    return row


def add_entry(uow: UnitOfWork, kind: DictionaryKind, name: str) -> DictionaryEntry:
    uow.actor.require(Permission.MANAGE_SETTINGS)
    kind = DictionaryKind(kind)
    clean = _clean_name(uow, kind, name)
    row = _MODELS[kind](id=new_id(), office_id=uow.office_id, name=clean)
    uow.session.add(row)
    uow.session.flush()
    audit.record(uow, "create", kind.value, row.id, after={"name": clean})
    return DictionaryEntry(row.id, row.name, row.active)


def rename_entry(uow: UnitOfWork, kind: DictionaryKind, entry_id: uuid.UUID, name: str) -> DictionaryEntry:
    uow.actor.require(Permission.MANAGE_SETTINGS)
    kind = DictionaryKind(kind)
    row = _entry(uow, kind, entry_id)
    clean = _clean_name(uow, kind, name, exclude=row.id)
    if clean != row.name:
        before, row.name = row.name, clean
        uow.session.flush()
        audit.record(uow, "update", kind.value, row.id, before={"name": before}, after={"name": clean})
    return DictionaryEntry(row.id, row.name, row.active)


def set_entry_active(uow: UnitOfWork, kind: DictionaryKind, entry_id: uuid.UUID, active: bool) -> DictionaryEntry:
    uow.actor.require(Permission.MANAGE_SETTINGS)
    kind = DictionaryKind(kind)
    row = _entry(uow, kind, entry_id)
    if row.active != active:
        row.active = active
        uow.session.flush()
        audit.record(uow, "activate" if active else "deactivate", kind.value, row.id,
                     before={"active": not active}, after={"active": active})
    return DictionaryEntry(row.id, row.name, row.active)
