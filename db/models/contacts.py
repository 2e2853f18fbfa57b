"""Contacts: one registered letter, visit, call, online petition or fax, and who came."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, OfficeOwned, code, long, short


class Contact(OfficeOwned, Base):
    """A registered contact. ``contact_at`` is the office's local wall-clock time (statistics are local)."""

    __tablename__ = "contact"
    __table_args__ = (
        UniqueConstraint("office_id", "number"),
        Index("ix_contact_contact_at", "contact_at"),
        Index("ix_contact_matter_id", "matter_id"),
    )

    number: Mapped[str] = mapped_column(String(20))
    channel: Mapped[code]
    contact_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    skip_level: Mapped[str | None] = mapped_column(String(20))
    is_repeat: Mapped[bool] = mapped_column(default=False)
    # What the program decided; differs from is_repeat only when the clerk overrode it (with a reason).
    repeat_suggested: Mapped[bool] = mapped_column(default=False)
    repeat_override_reason: Mapped[long] = mapped_column(default="")
    receiving_clerk_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    leader_reception: Mapped[bool] = mapped_column(default=False)
    leader_name: Mapped[short] = mapped_column(default="")
    content: Mapped[str] = mapped_column(Text)
    problem_village_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("village.id"), index=True)
    problem_division_code: Mapped[str | None] = mapped_column(String(12))
    matter_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("matter.id"))
    anonymous: Mapped[bool] = mapped_column(default=False)
    threat: Mapped[bool] = mapped_column(default=False)
    confidential: Mapped[bool] = mapped_column(default=False)
    purpose: Mapped[short] = mapped_column(default="")

    persons: Mapped[list[ContactPerson]] = relationship(
        back_populates="contact", order_by="ContactPerson.position", cascade="all, delete-orphan"
    )


class ContactPerson(OfficeOwned, Base):
    """A person named on a contact: the petitioner, or one of at most 5 representatives."""

    __tablename__ = "contact_person"
    __table_args__ = (UniqueConstraint("contact_id", "person_id"),)

    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contact.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    contact: Mapped[Contact] = relationship(back_populates="persons")
