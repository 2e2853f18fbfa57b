"""一人一档: petitioners, their phones and tags, and recorded merges of duplicates."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, OfficeOwned, code, long, short


class Person(OfficeOwned, Base):
    """A petitioner's archive. The ID number may be missing and completed later."""

    __tablename__ = "person"
    __table_args__ = (
        # One live archive per ID number and office; merged-away rows keep theirs for the record.
        Index(
            "uq_person_office_id_number",
            "office_id",
            "id_number",
            unique=True,
            sqlite_where=text("id_number IS NOT NULL AND merged_into_id IS NULL"),
            postgresql_where=text("id_number IS NOT NULL AND merged_into_id IS NULL"),
        ),
        Index("ix_person_name", "name"),
        Index("ix_person_name_initials", "name_initials"),
        Index("ix_person_id_number", "id_number"),
        Index("ix_person_last_contact", "last_contact_at", "id"),
    )

    name: Mapped[str] = mapped_column(String(50))
    name_initials: Mapped[str] = mapped_column(String(50), default="")
    name_pinyin: Mapped[str] = mapped_column(String(300), default="")
    gender: Mapped[str | None] = mapped_column(String(10))
    id_number: Mapped[str | None] = mapped_column(String(18))
    birth_date: Mapped[date | None]
    home_division: Mapped[str | None] = mapped_column(String(6))
    address: Mapped[long] = mapped_column(default="")
    village_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("village.id"), index=True)
    ethnicity: Mapped[str] = mapped_column(String(20), default="")
    follow_up_officer: Mapped[short] = mapped_column(default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), index=True)
    # The newest contact_at among the contacts naming this person; kept by database triggers
    # (migration 0004) on every write path, so the list can sort by it through an index.
    last_contact_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))

    phones: Mapped[list[PersonPhone]] = relationship(
        back_populates="person", order_by="PersonPhone.position", cascade="all, delete-orphan"
    )
    tags: Mapped[list[PersonTag]] = relationship(
        back_populates="person", order_by="PersonTag.tag", cascade="all, delete-orphan"
    )


class PersonPhone(OfficeOwned, Base):
    __tablename__ = "person_phone"
    __table_args__ = (UniqueConstraint("person_id", "phone"),)

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    person: Mapped[Person] = relationship(back_populates="phones")


class PersonTag(OfficeOwned, Base):
    """重点人员, 信访老户, 困难群众, ... (free tags; the app knows the usual ones)."""

    __tablename__ = "person_tag"
    __table_args__ = (UniqueConstraint("person_id", "tag"),)

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    tag: Mapped[str] = mapped_column(String(20), index=True)

    person: Mapped[Person] = relationship(back_populates="tags")


class PersonMerge(OfficeOwned, Base):
    """A merge of a duplicate archive into a survivor, with what moved, so it can be undone."""

    __tablename__ = "person_merge"

    survivor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    merged_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    moved: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[long] = mapped_column(default="")
    actor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    undone_at: Mapped[datetime | None]
    status: Mapped[code] = mapped_column(default="merged")
