"""Declarative base, naming convention and the columns every synced row carries.

Every row is identified by a global UUID (so rows from many townships can meet in one county
database without renumbering), records when it was made and last changed, and names the office
that owns it (the sync ownership rule: an office only ever overwrites its own rows).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from typing import Annotated, Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, MetaData, String, Text, TypeDecorator, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from db.ids import new_id

# Stable constraint names, so alembic migrations can refer to them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    SQLite keeps no zone, so values are normalised to UTC on the way in and marked UTC on the way
    out; PostgreSQL stores timestamptz.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored in a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


uuid_pk = Annotated[uuid.UUID, mapped_column(Uuid, primary_key=True, default=new_id)]
code = Annotated[str, mapped_column(String(30))]
"""An enumeration value (state, channel, role, ...): the app layer owns the allowed values."""
short = Annotated[str, mapped_column(String(100))]
long = Annotated[str, mapped_column(String(400))]
text = Annotated[str, mapped_column(Text)]
json_data = Annotated[dict[str, Any], mapped_column(JSON)]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime(), date: Date()}


class Synced:
    """Columns of every row that travels between offices."""

    id: Mapped[uuid_pk]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class OfficeOwned(Synced):
    """A synced row owned by one office (township or county)."""

    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("office.id"), index=True)
