"""What sync knows: the change log, per-partner sequences, import history, review queue, assignments.

None of these rows travel except ``Assignment`` (上级交办, owned by the county that made it).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, OfficeOwned, UtcDateTime, code, long, short, utcnow
from db.ids import new_id


class SyncChange(Base):
    """The latest change of every synced row: ``seq`` grows with every write in this database.

    One row per synced row (not per write), so an export of "everything since sequence N" reads
    only what changed, and a deleted row leaves a tombstone here that travels as such.
    """

    __tablename__ = "sync_change"
    __table_args__ = (Index("ix_sync_change_owner_seq", "office_id", "seq"),)

    table_name: Mapped[str] = mapped_column(String(40), primary_key=True)
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    deleted: Mapped[bool] = mapped_column(default=False)
    # The owning office (None for shared dictionaries): exports send only what the sender owns.
    office_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class SyncLocalEdit(Base):
    """A field of another office's row changed here, with the owner's value before that change.

    The next package from the owner is compared against ``base_value``: a field the owner changed
    too is a conflict, a different field a parallel change.
    """

    __tablename__ = "sync_local_edit"

    table_name: Mapped[str] = mapped_column(String(40), primary_key=True)
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    field: Mapped[str] = mapped_column(String(60), primary_key=True)
    base_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    edited_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class SyncLink(Base):
    """Package sequences exchanged with one enrolled partner, in both directions."""

    __tablename__ = "sync_link"

    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sync_partner.id"), primary_key=True)
    last_sent_seq: Mapped[int] = mapped_column(Integer, default=0)
    # Highest package of ours the partner has confirmed with every earlier one.
    last_acked_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_received_seq: Mapped[int] = mapped_column(Integer, default=0)
    received: Mapped[list[int]] = mapped_column(JSON, default=list)
    last_import_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class SyncSent(Base):
    """One package written for a partner, with the change-log position it covered up to."""

    __tablename__ = "sync_sent"

    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sync_partner.id"), primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, primary_key=True)
    since_change: Mapped[int] = mapped_column(BigInteger)
    upto_change: Mapped[int] = mapped_column(BigInteger)
    full: Mapped[bool] = mapped_column(default=False)
    file_name: Mapped[long]
    rows: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class SyncImport(Base):
    """One package imported from a partner (a refused one leaves no row: nothing was imported)."""

    __tablename__ = "sync_import"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sync_partner.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[long]
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    rows: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Imported although earlier packages were missing (their numbers), at the user's request.
    forced: Mapped[bool] = mapped_column(default=False)
    missing: Mapped[list[int]] = mapped_column(JSON, default=list)
    # An older package arriving after a newer one: recorded, its rows already superseded.
    superseded: Mapped[bool] = mapped_column(default=False)


class SyncConflict(Base):
    """The review queue: a field changed here and by its owner since the last exchange."""

    __tablename__ = "sync_conflict"
    __table_args__ = (Index("ix_sync_conflict_open", "resolved_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sync_partner.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    kind: Mapped[code]  # "conflict" (same field) or "parallel" (different fields, both kept)
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    field: Mapped[str] = mapped_column(String(60))
    local_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    incoming_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    detected_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolution: Mapped[str | None] = mapped_column(String(20))


class Assignment(OfficeOwned, Base):
    """上级交办: a matter the county hands down to a township, with the result it must report.

    Owned by the county; the township registers its own matter from it (id derived from this id, so
    importing the same assignment twice registers one matter).
    """

    __tablename__ = "assignment"

    to_office_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    title: Mapped[long]
    matter_type: Mapped[code]
    subject_code: Mapped[str] = mapped_column(String(20))
    content: Mapped[str] = mapped_column(Text, default="")
    assigned_on: Mapped[date]
    due_on: Mapped[date | None]
    report_required: Mapped[short] = mapped_column(default="")


__all__ = ["Assignment", "SyncChange", "SyncConflict", "SyncImport", "SyncLink", "SyncLocalEdit", "SyncSent"]
