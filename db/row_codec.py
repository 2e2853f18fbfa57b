"""Column values to JSON and back: UUIDs as strings, dates and times in ISO 8601 (UTC ones with zone).

Sync packages and the record of locally edited foreign fields store values this way, so a value
read back compares equal to the one in the database.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Column, Date, DateTime, String, Table, Uuid

from db.base import UtcDateTime

Convert = Callable[[Any], Any]


def column_codec(column: Column[Any]) -> tuple[Convert, Convert] | None:
    """(to JSON, from JSON) for a column whose values JSON cannot hold as they are; None if it can."""
    kind = column.type
    if isinstance(kind, Uuid):
        return str, uuid.UUID
    if isinstance(kind, (UtcDateTime, DateTime)):
        return datetime.isoformat, datetime.fromisoformat
    if isinstance(kind, Date):
        return date.isoformat, date.fromisoformat
    return None


class TableCodec:
    """Encode a table's row (a mapping of column name to value) to JSON-safe values and back."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.columns = [c.name for c in table.columns]
        codecs = {c.name: column_codec(c) for c in table.columns}
        self._to = [(name, pair[0]) for name, pair in codecs.items() if pair is not None]
        self._from = [(name, pair[1]) for name, pair in codecs.items() if pair is not None]
        self._by_name = codecs

    def encode(self, row: Any) -> dict[str, Any]:
        data = {name: row[name] for name in self.columns}
        for name, convert in self._to:
            value = data[name]
            if value is not None:
                data[name] = convert(value)
        return data

    def encode_value(self, column: str, value: Any) -> Any:
        pair = self._by_name[column]
        return value if pair is None or value is None else pair[0](value)

    def decode(self, data: dict[str, Any]) -> dict[str, Any]:
        """Only the table's columns; a column the sender lacks keeps the database default."""
        row = {name: data[name] for name in self.columns if name in data}
        for name, convert in self._from:
            value = row.get(name)
            if value is not None:
                row[name] = convert(value)
        return row


def _uuid_text(stored: str) -> str:
    if len(stored) == 32:  # SQLite keeps a UUID as 32 hex digits
        return f"{stored[:8]}-{stored[8:12]}-{stored[12:16]}-{stored[16:20]}-{stored[20:]}"
    return str(uuid.UUID(stored))


def _stored_datetime(zone: str) -> Convert:
    """SQLite's 'YYYY-MM-DD HH:MM:SS.ffffff' to what ``isoformat`` gives (no fraction when it is zero)."""
    def convert(stored: str) -> str:
        if len(stored) == 26 and stored[10] == " ":
            fraction = "" if stored.endswith("000000") else stored[19:]
            return f"{stored[:10]}T{stored[11:19]}{fraction}{zone}"
        value = datetime.fromisoformat(stored)
        return (value.replace(tzinfo=timezone.utc) if zone else value).isoformat()
    return convert


def _stored_date(stored: str) -> str:
    return stored if len(stored) == 10 else date.fromisoformat(stored[:10]).isoformat()


class StoredEncoder:
    """Rows selected in the form SQLite stores them (UUIDs, dates and times as text) to the values
    ``TableCodec.encode`` gives, without making UUID and datetime objects only to print them again.
    Other databases hand over typed values: those go through ``TableCodec``."""

    def __init__(self, table: Table) -> None:
        self.columns = [c.name for c in table.columns]
        self._to: list[tuple[str, Convert]] = []
        for column in table.columns:
            convert = _stored_converter(column)
            if convert is not None:
                self._to.append((column.name, convert))

    @staticmethod
    def column_type(column: Column[Any]) -> Any:
        return String() if _stored_converter(column) is not None else column.type

    def __call__(self, row: Any) -> dict[str, Any]:
        data = dict(zip(self.columns, row))
        for name, convert in self._to:
            value = data[name]
            if value is not None:
                data[name] = convert(value)
        return data


class _TypedEncoder:
    def __init__(self, table: Table) -> None:
        self.encode = TableCodec(table).encode

    @staticmethod
    def column_type(column: Column[Any]) -> Any:
        return column.type

    def __call__(self, row: Any) -> dict[str, Any]:
        return self.encode(row._mapping)


def _stored_converter(column: Column[Any]) -> Convert | None:
    kind = column.type
    if isinstance(kind, Uuid):
        return _uuid_text
    if isinstance(kind, UtcDateTime):
        return _stored_datetime("+00:00")
    if isinstance(kind, DateTime):
        return _stored_datetime("")
    if isinstance(kind, Date):
        return _stored_date
    return None


def stored_encoder(table: Table, dialect: str) -> StoredEncoder | _TypedEncoder:
    """How to select ``table``'s columns (``column_type``) and turn a selected row into JSON-safe values."""
    return StoredEncoder(table) if dialect == "sqlite" else _TypedEncoder(table)
