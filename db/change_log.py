"""Stamp every write of a synced row into ``sync_change``, and remember local edits of others' rows.

Installed once on every Session: mapper events see each inserted, updated and deleted row of a
synced table (also rows removed by cascades), bulk ``update()``/``delete()`` statements are caught
by ``do_orm_execute``. At the end of each flush the rows are stamped with the next change number
(the largest so far + 1: writers are serialised by BEGIN IMMEDIATE on SQLite and on PostgreSQL by
the write lock, or the chain lock for imports side by side — db/write_locks.py — so numbers grow in
commit order). Sync import writes with Core statements and stamps
its rows itself (``stamp``).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, Table, event, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, attributes
from sqlalchemy.orm.mapper import Mapper

from db.base import Base, Synced
from db.models.sync_state import SyncChange, SyncLocalEdit
from db.row_codec import TableCodec
from db.write_locks import lock_chain

_PENDING = "sync_changes"
_LOCAL_OFFICE = "sync_local_office"
# The Meta key naming the local office (written by app/services/workspace.py).
LOCAL_OFFICE_KEY = "local_office_id"

Change = tuple[str, uuid.UUID, bool, "uuid.UUID | None"]
# Columns that describe this PC's copy, not the owner's facts: changing them here is no local edit
# (an attachment sealed for this office's own key when it turns encryption on).
RECEIVER_SIDE = {"attachment": frozenset({"encrypted"})}


def synced_tables() -> list[Table]:
    """Every table whose rows travel, parents before children (the order rows are written in)."""
    synced = {m.local_table.name for m in Base.registry.mappers if issubclass(m.class_, Synced)}
    return [t for t in Base.metadata.sorted_tables if t.name in synced]


def _owner(target: Any) -> uuid.UUID | None:
    return getattr(target, "office_id", None) if target.__tablename__ != "office" else target.id


def _pending(session: Session) -> list[Change]:
    return session.info.setdefault(_PENDING, [])  # type: ignore[no-any-return]


def _on_write(deleted: bool) -> Any:
    def listener(_mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
        if not isinstance(target, Synced):
            return
        session = attributes.instance_state(target).session
        if session is None:
            return
        if not deleted and _unchanged(target):
            return
        _pending(session).append((target.__tablename__, target.id, deleted, _owner(target)))
    return listener


def _unchanged(target: Any) -> bool:
    state = attributes.instance_state(target)
    return not any(state.attrs[c.key].history.has_changes() for c in state.mapper.column_attrs)


def stamp(connection: Connection, changes: list[Change]) -> int:
    """Record the changes under one new change number and return it."""
    if not changes:
        return 0
    lock_chain(connection)
    seq = int(connection.execute(select(func.coalesce(func.max(SyncChange.seq), 0))).scalar_one()) + 1
    rows = {(t, r): {"table_name": t, "row_id": r, "seq": seq, "deleted": d, "office_id": o}
            for t, r, d, o in changes}
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(SyncChange)
    stmt = stmt.on_conflict_do_update(
        index_elements=[SyncChange.table_name, SyncChange.row_id],
        set_={"seq": stmt.excluded.seq, "deleted": stmt.excluded.deleted, "office_id": stmt.excluded.office_id})
    connection.execute(stmt, list(rows.values()))
    return seq


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    changes = session.info.pop(_PENDING, None)
    if changes:
        stamp(session.connection(), changes)


def _local_office(session: Session) -> uuid.UUID | None:
    if _LOCAL_OFFICE not in session.info:
        value = session.connection().execute(
            text("SELECT value FROM meta WHERE key = :key"), {"key": LOCAL_OFFICE_KEY}).scalar()
        session.info[_LOCAL_OFFICE] = uuid.UUID(value) if value else None
    return session.info[_LOCAL_OFFICE]  # type: ignore[no-any-return]


def _before_flush(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    """Keep the owner's value of each field of another office's row the first time it is edited here."""
    foreign = [o for o in session.dirty if isinstance(o, Synced) and getattr(o, "office_id", None) is not None]
    if not foreign:
        return
    local = _local_office(session)
    edits: list[dict[str, Any]] = []
    for target in foreign:
        if local is None or target.office_id == local:  # type: ignore[attr-defined]
            continue
        state = attributes.instance_state(target)
        codec = TableCodec(state.mapper.local_table)  # type: ignore[arg-type]
        ours = RECEIVER_SIDE.get(target.__tablename__, frozenset())
        for attr in state.mapper.column_attrs:
            history = state.attrs[attr.key].history
            if attr.key in ("created_at", "updated_at") or attr.key in ours or not history.has_changes() \
                    or not history.deleted:
                continue
            column = attr.columns[0].name
            edits.append({"table_name": target.__tablename__, "row_id": target.id, "field": column,
                          "base_value": codec.encode_value(column, history.deleted[0]),
                          "edited_at": datetime.now(timezone.utc)})
    if edits:
        connection = session.connection()
        insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
        # The first edit's base is the owner's value; later edits here keep it.
        connection.execute(insert(SyncLocalEdit).on_conflict_do_nothing(), edits)


def _bulk_statement(state: ORMExecuteState) -> Any:
    if not (state.is_update or state.is_delete) or not state.is_orm_statement or state.bind_mapper is None:
        return None
    mapper = state.bind_mapper
    if not issubclass(mapper.class_, Synced):
        return None
    table = mapper.local_table
    where = state.statement.whereclause  # type: ignore[attr-defined]
    owner = table.c.id if table.name == "office" else table.c.get("office_id")
    columns = [table.c.id] + ([owner] if owner is not None else [])
    found = state.session.connection().execute(select(*columns).where(where)).all()
    changes: list[Change] = [(table.name, row[0], state.is_delete, row[1] if owner is not None else None)
                             for row in found]
    result = state.invoke_statement()
    stamp(state.session.connection(), changes)
    return result


def install() -> None:
    if event.contains(Session, "after_flush", _after_flush):
        return
    event.listen(Base, "after_insert", _on_write(False), propagate=True)
    event.listen(Base, "after_update", _on_write(False), propagate=True)
    event.listen(Base, "after_delete", _on_write(True), propagate=True)
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _bulk_statement)
