"""Column values to JSON and back: UUIDs as strings, dates and times in ISO 8601 (UTC ones with zone).

Sync packages and the record of locally edited foreign fields store values this way, so a value
read back compares equal to the one in the database.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Date, DateTime, Table, Uuid

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
