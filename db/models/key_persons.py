"""重点人员 (key persons under follow-up) with their contact log, and 敏感节点 (sensitive periods)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, OfficeOwned, long, short


class KeyPerson(OfficeOwned, Base):
    """A petitioner on the key persons list; ``removed_on`` set when taken off it."""

    __tablename__ = "key_person"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    reason: Mapped[long]
    follow_up_days: Mapped[int] = mapped_column(Integer, default=30)
    listed_on: Mapped[date]
    removed_on: Mapped[date | None]


class KeyPersonContact(OfficeOwned, Base):
    """One follow-up contact (走访、电话、面谈) with a key person."""

    __tablename__ = "key_person_contact"

    key_person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("key_person.id"), index=True)
    contacted_on: Mapped[date]
    way: Mapped[short]
    note: Mapped[str] = mapped_column(Text)
    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))


class SensitivePeriod(OfficeOwned, Base):
    """敏感节点 / 特护期: a named date range (major meetings, anniversaries) set by the office."""

    __tablename__ = "sensitive_period"
    __table_args__ = (Index("ix_sensitive_period_dates", "starts_on", "ends_on"),)

    name: Mapped[short]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    note: Mapped[long] = mapped_column(default="")
