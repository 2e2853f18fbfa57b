"""Column values to JSON and back: UUIDs as strings, dates and times in ISO 8601 (UTC ones with zone).

Sync packages and the record of locally edited foreign fields store values this way, so a value
read back compares equal to the one in the database.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Integer, Table, Uuid

from db.base import UtcDateTime

Codec = tuple[Callable[[Any], Any], Callable[[Any], Any]]


def _same(value: Any) -> Any:
    return value


def _guard(function: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else function(value)


_UUID: Codec = (_guard(str), _guard(uuid.UUID))
_DATE: Codec = (_guard(date.isoformat), _guard(date.fromisoformat))
_DATETIME: Codec = (_guard(datetime.isoformat), _guard(datetime.fromisoformat))
_PLAIN: Codec = (_same, _same)


def column_codec(column: Column[Any]) -> Codec:
    kind = column.type
    if isinstance(kind, Uuid):
        return _UUID
    if isinstance(kind, (UtcDateTime, DateTime)):
        return _DATETIME
    if isinstance(kind, Date):
        return _DATE
    if isinstance(kind, (JSON, Boolean, Integer)):
        return _PLAIN
    return _PLAIN


class TableCodec:
    """Encode a table's row (a mapping of column name to value) to JSON-safe values and back."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.columns = [c.name for c in table.columns]
        self._codecs = {c.name: column_codec(c) for c in table.columns}

    def encode(self, row: Any) -> dict[str, Any]:
        return {name: self._codecs[name][0](row[name]) for name in self.columns}

    def encode_value(self, column: str, value: Any) -> Any:
        return self._codecs[column][0](value)

    def decode(self, data: dict[str, Any]) -> dict[str, Any]:
        """Only the table's columns; a column the sender lacks keeps the database default."""
        return {name: self._codecs[name][1](data[name]) for name in self.columns if name in data}
