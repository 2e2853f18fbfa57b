"""Gap-free numbers per office, series and year (matters, contacts, 文号).

The number is taken inside the caller's transaction: if the use case fails, the rollback returns it,
so no gap appears. SQLite write transactions start with BEGIN IMMEDIATE and PostgreSQL locks the
series row, so two program instances never get the same number.
"""

from __future__ import annotations

import uuid

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from db.models import NumberSeries


def next_number(session: Session, office_id: uuid.UUID, series: str, year: int) -> int:
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(NumberSeries).values(office_id=office_id, series=series, year=year, last_value=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[NumberSeries.office_id, NumberSeries.series, NumberSeries.year],
        set_={"last_value": NumberSeries.last_value + 1},
    ).returning(NumberSeries.last_value)
    return session.execute(stmt).scalar_one()


def matter_number(year: int, n: int) -> str:
    return f"SX{year}-{n:05d}"


def contact_number(year: int, n: int) -> str:
    return f"DJ{year}-{n:06d}"


def document_number(prefix: str, word: str, year: int, n: int) -> str:
    """文号 such as 某某镇信受〔2026〕12号: brackets U+3014/U+3015, no 第, no leading zeros."""
    return f"{prefix}{word}\u3014{year}\u3015{n}号"
