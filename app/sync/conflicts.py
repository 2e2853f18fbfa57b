"""Rows changed on both sides since the last exchange: parallel changes and conflicts.

Only fields of another office's row edited here are recorded as local edits (db/change_log.py),
with the owner's value before the edit. When the owner's next version arrives:

- fields the owner changed and we did not: taken;
- fields we changed and the owner did not: ours kept (a *parallel change*, both kept);
- a field both changed to different values: ours kept and the pair queued for review (a *conflict*).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, select
from sqlalchemy.orm import Session

from app.domain.permissions import Permission
from app.errors import IllegalTransition, NotFound
from app.services import audit
from app.services.context import UnitOfWork
from db.models import SyncConflict, SyncLocalEdit
from db.row_codec import TableCodec

_IGNORED = frozenset({"created_at", "updated_at"})


@dataclass
class Merged:
    """The row to write and what the comparison found."""

    values: dict[str, Any]
    conflicts: list[str] = field(default_factory=list)
    parallel: list[str] = field(default_factory=list)


def local_edits(session: Session, table: str, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    """Per row, the fields edited here with the owner's value before the edit (encoded)."""
    found: dict[uuid.UUID, dict[str, Any]] = {}
    id_list = list(ids)
    if not id_list:
        return found
    rows = session.execute(select(SyncLocalEdit.row_id, SyncLocalEdit.field, SyncLocalEdit.base_value)
                           .where(SyncLocalEdit.table_name == table, SyncLocalEdit.row_id.in_(id_list)))
    for row_id, name, base in rows:
        found.setdefault(row_id, {})[name] = base
    return found


def edited_ids(connection: Connection, table: Table, incoming: ColumnElement[Any]) -> list[uuid.UUID]:
    """Ids among ``incoming`` (a staged id column) of rows stored here with local edits: found in SQL,
    so only those rows are compared field by field."""
    query = (select(SyncLocalEdit.row_id).distinct()
             .where(SyncLocalEdit.table_name == table.name, SyncLocalEdit.row_id.in_(select(incoming)),
                    SyncLocalEdit.row_id.in_(select(table.c.id))))
    return list(connection.execute(query).scalars())


def merge(codec: TableCodec, incoming: dict[str, Any], current: dict[str, Any], bases: dict[str, Any]) -> Merged:
    """Combine the owner's row with ours; ``bases`` are the encoded owner values our edits started from."""
    values = dict(incoming)
    result = Merged(values)
    for name, encoded_base in bases.items():
        if name not in incoming:
            continue
        base = codec.decode({name: encoded_base})[name]
        owner_changed = incoming[name] != base
        values[name] = current[name]
        if owner_changed and incoming[name] != current[name]:
            result.conflicts.append(name)
        elif not owner_changed and current[name] != incoming[name]:
            result.parallel.append(name)
    return result


def record(session: Session, codec: TableCodec, partner_id: uuid.UUID, sequence: int, row_id: uuid.UUID,
           merged: Merged, incoming: dict[str, Any], now: datetime) -> None:
    """Queue conflicts, note parallel changes (settled: both kept), move our edits' bases to the owner's value."""
    table = codec.table.name
    for kind, names in (("conflict", merged.conflicts), ("parallel", merged.parallel)):
        for name in names:
            session.add(SyncConflict(
                partner_id=partner_id, sequence=sequence, kind=kind, table_name=table, row_id=row_id, field=name,
                local_value=codec.encode_value(name, merged.values[name]),
                incoming_value=codec.encode_value(name, incoming[name]), detected_at=now,
                resolved_at=now if kind == "parallel" else None, resolution="both_kept" if kind == "parallel" else None))
    for name in merged.conflicts + merged.parallel:
        edit = session.get(SyncLocalEdit, (table, row_id, name))
        if edit is not None:
            edit.base_value = codec.encode_value(name, incoming[name])


@dataclass(frozen=True)
class ConflictView:
    id: uuid.UUID
    kind: str
    table: str
    row_id: uuid.UUID
    field: str
    local_value: Any
    incoming_value: Any
    detected_at: datetime


def open_conflicts(uow: UnitOfWork) -> list[ConflictView]:
    """The review queue: conflicts not yet settled, oldest first."""
    rows = uow.session.scalars(select(SyncConflict).where(SyncConflict.kind == "conflict",
                                                          SyncConflict.resolved_at.is_(None))
                               .order_by(SyncConflict.detected_at))
    return [ConflictView(r.id, r.kind, r.table_name, r.row_id, r.field, r.local_value, r.incoming_value,
                         r.detected_at) for r in rows]


def resolve(uow: UnitOfWork, conflict_id: uuid.UUID, *, take_incoming: bool) -> None:
    """Settle a conflict: keep our value, or take the owner's (then our edit of that field is dropped)."""
    uow.actor.require(Permission.MANAGE_SETTINGS)
    row = uow.session.get(SyncConflict, conflict_id)
    if row is None:
        raise NotFound("conflict", "同步冲突：不存在", field="conflict_id")
    if row.resolved_at is not None:
        raise IllegalTransition("conflict_resolved", "同步冲突：已经处理过", field="conflict_id")
    if take_incoming:
        from db.change_log import synced_tables

        table = next(t for t in synced_tables() if t.name == row.table_name)
        codec = TableCodec(table)
        value = codec.decode({row.field: row.incoming_value})[row.field]
        uow.session.execute(table.update().where(table.c.id == row.row_id).values({row.field: value}))
        edit = uow.session.get(SyncLocalEdit, (row.table_name, row.row_id, row.field))
        if edit is not None:
            uow.session.delete(edit)
    row.resolved_at, row.resolution = uow.utcnow(), "incoming" if take_incoming else "local"
    audit.record(uow, "sync_conflict_resolve", row.table_name, row.row_id,
                 after={"field": row.field, "resolution": row.resolution})
