"""Which rows a package carries: what the sender owns and changed since the receiver's acknowledgement.

A township sends every row it owns (its office, users without passwords, villages, units, persons,
contacts, matters with their events, clocks and documents, attachments, merges; its leader work:
reception schedule and records with their contact and matter links, 领导包案 with progress, village
receptions, 信访代办, screening rounds and conflicts, key persons with their follow-ups, its sensitive
periods; and its replies to supervision notes). The county sends a township only what concerns it:
the county's office row, assignments to that township, supervision notes on that township's matters,
and the dictionaries (subject tree, the county's responsible units). Each row belongs to the office
named by ``office_id`` and only that office's packages ever write it at the receiver.
Deleted rows travel as tombstones ``{"id": ..., "_deleted": true}``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, and_, case, func, or_, select, true, type_coerce
from sqlalchemy.orm import Session

from app.domain.enums import OfficeLevel
from db.change_log import synced_tables
from db.models import Assignment, Matter, Supervision, SyncChange
from db.row_codec import stored_encoder

TOMBSTONE = "_deleted"
BATCH = 5_000
# Columns never sent: a user row travels so records can name who acted, never to log in with; an
# attachment's file travels unsealed inside the (encrypted) package, the receiver seals it for itself.
_BLANKED: dict[str, dict[str, Any]] = {
    "user_account": {"password_hash": None, "failed_logins": 0, "locked_until": None},
    "attachment": {"encrypted": False},
}
# What the county sends down, per table (a township sends every table it owns rows of).
_COUNTY_TABLES = ("office", "subject", "responsible_unit", "assignment", "supervision")
# Tables only the county writes: a township never sends them.
_COUNTY_ONLY = ("subject", "assignment")
# Rows that never leave their office: the key that seals its files at rest and its per-user wraps
# (a wrap sent away could be attacked offline by guessing the user's password). A receiver drops
# them from packages of older programs, which still sent them.
LOCAL_ONLY = ("data_key", "key_wrap")
# Tables a version-1 reader does not know or reads with other columns (docs/sync-format.md).
VERSION_2_TABLES = ("supervision", "supervision_reply")


@dataclass(frozen=True)
class Scope:
    """Who sends to whom: the change-log range and the receiver the rows are meant for."""

    local_office_id: uuid.UUID
    local_level: OfficeLevel
    receiver_id: uuid.UUID
    since: int
    upto: int


def current_change(session: Session) -> int:
    return int(session.execute(select(func.coalesce(func.max(SyncChange.seq), 0))).scalar_one())


def tables_for(level: OfficeLevel) -> list[Table]:
    """The tables an office of this level sends, parents first."""
    tables = [t for t in synced_tables() if t.name not in LOCAL_ONLY]
    if level is OfficeLevel.COUNTY:
        return [t for t in tables if t.name in _COUNTY_TABLES]
    return [t for t in tables if t.name not in _COUNTY_ONLY]


def _receiver_filter(table: Table, scope: Scope) -> ColumnElement[bool]:
    """The county sends a township only rows that concern it."""
    if scope.local_level is not OfficeLevel.COUNTY:
        return true()
    if table.name == "assignment":
        return Assignment.__table__.c.to_office_id == scope.receiver_id
    if table.name == "supervision":
        return Supervision.__table__.c.matter_id.in_(
            select(Matter.id).where(Matter.office_id == scope.receiver_id))
    return true()


def _owner_filter(table: Table, scope: Scope) -> ColumnElement[bool]:
    if table.name == "subject":  # shared dictionary: the county is its keeper
        return SyncChange.office_id.is_(None)
    return SyncChange.office_id == scope.local_office_id


def _changed(table: Table, scope: Scope) -> ColumnElement[bool]:
    return and_(SyncChange.table_name == table.name, SyncChange.seq > scope.since, SyncChange.seq <= scope.upto,
                _owner_filter(table, scope))


def live_rows_query(table: Table, scope: Scope) -> Select[Any]:
    return (select(table).join(SyncChange, and_(SyncChange.row_id == table.c.id, _changed(table, scope)))
            .where(~SyncChange.deleted, _receiver_filter(table, scope)).order_by(SyncChange.seq, table.c.id))


def count_changes(session: Session, scope: Scope) -> dict[str, int]:
    """Rows per table a package for ``scope`` would carry, tombstones included (the 数据同步 page)."""
    counts: dict[str, int] = {}
    changed = changed_tables(session, scope)
    for table in tables_for(scope.local_level):
        dead = changed.get(table.name, (0, 0))[1]
        live = session.execute(select(func.count()).select_from(live_rows_query(table, scope).subquery())).scalar_one() \
            if table.name in changed else 0
        if live or dead:
            counts[table.name] = int(live) + int(dead)
    return counts


def changed_tables(session: Session, scope: Scope) -> dict[str, tuple[int, int]]:
    """(changed, deleted) change-log rows per table in the range: one grouped pass over the log, so
    tables without changes cost no query of their own."""
    names = [t.name for t in tables_for(scope.local_level)]
    owner = or_(and_(SyncChange.table_name != "subject", SyncChange.office_id == scope.local_office_id),
                and_(SyncChange.table_name == "subject", SyncChange.office_id.is_(None)))
    query = (select(SyncChange.table_name, func.count(), func.sum(case((SyncChange.deleted, 1), else_=0)))
             .where(SyncChange.seq > scope.since, SyncChange.seq <= scope.upto, owner,
                    SyncChange.table_name.in_(names))
             .group_by(SyncChange.table_name))
    return {name: (int(total), int(dead or 0)) for name, total, dead in session.execute(query)}


def iter_table(session: Session, table: Table, scope: Scope,
               changed: dict[str, tuple[int, int]] | None = None) -> Iterator[dict[str, Any]]:
    """The table's changed rows as JSON-safe dicts, then its tombstones.

    ``changed`` (from ``changed_tables``) lets a table without changes skip its queries."""
    if changed is not None and table.name not in changed:
        return
    connection = session.connection()
    encode = stored_encoder(table, connection.dialect.name)
    blanked = _BLANKED.get(table.name, {})
    # Core rows in the form the database stores them, in batches: no ORM and no UUID or datetime
    # objects for what is only copied out (see db/row_codec.py).
    columns = [type_coerce(c, encode.column_type(c)).label(c.name) for c in table.columns]
    query = live_rows_query(table, scope).with_only_columns(*columns)
    result = connection.execute(query.execution_options(stream_results=True, max_row_buffer=BATCH))
    for batch in result.partitions(BATCH):
        for row in batch:
            data = encode(row)
            if blanked:
                data.update(blanked)
            yield data
    if changed is not None and not changed[table.name][1]:
        return
    dead = connection.execute(select(SyncChange.row_id).where(_changed(table, scope), SyncChange.deleted)
                              .order_by(SyncChange.seq))
    for (row_id,) in dead:
        yield {"id": str(row_id), TOMBSTONE: True}


def attachment_hashes(session: Session, scope: Scope) -> list[str]:
    """The files behind the attachment rows the package carries."""
    table = next((t for t in tables_for(scope.local_level) if t.name == "attachment"), None)
    if table is None:
        return []
    query = live_rows_query(table, scope).with_only_columns(table.c.sha256).distinct().order_by(None)
    return sorted(session.scalars(query))


def format_version(session: Session, scope: Scope, changed: dict[str, tuple[int, int]]) -> int:
    """The lowest format version that describes the package: 2 only when it carries rows whose
    shape version 1 does not know, so offices not yet upgraded keep reading everything else."""
    for table in tables_for(scope.local_level):
        if table.name not in VERSION_2_TABLES or table.name not in changed:
            continue
        if changed[table.name][1] or session.scalar(select(live_rows_query(table, scope).exists())):
            return 2
    return 1
