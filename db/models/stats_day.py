"""Contacts counted per office and day for the reports, kept by triggers (see db/stats_day.py).

Derived data: never written by the program, never synced; a database rebuilds its own.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Boolean, Date, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class StatsDayClass(Base):
    """批次 and 人次 of one office's contacts of one day with the same classifying columns."""

    __tablename__ = "stats_day_class"
    __table_args__ = (Index("ix_stats_day_class_day", "office_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    office_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    day: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(30))
    big: Mapped[bool] = mapped_column(Boolean)  # headcount ≥ 5
    multi: Mapped[bool] = mapped_column(Boolean)  # headcount > 1
    is_repeat: Mapped[bool] = mapped_column(Boolean)
    skip_level: Mapped[str | None] = mapped_column(String(20))
    leader_reception: Mapped[bool] = mapped_column(Boolean)
    batches: Mapped[int] = mapped_column(Integer)
    person_visits: Mapped[int] = mapped_column(Integer)


class StatsDayKey(Base):
    """批次 and 人次 of one office's contacts of one day under one key of one breakdown."""

    __tablename__ = "stats_day_key"
    # Covering: a period's rows are one index range, read without the table.
    __table_args__ = (Index("ix_stats_day_key_day", "office_id", "day", "dimension", "key", "batches",
                            "person_visits"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    office_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    day: Mapped[date] = mapped_column(Date)
    dimension: Mapped[str] = mapped_column(String(30))
    key: Mapped[str | None] = mapped_column(String(40))  # code or id as text; NULL: not recorded
    batches: Mapped[int] = mapped_column(Integer)
    person_visits: Mapped[int] = mapped_column(Integer)
