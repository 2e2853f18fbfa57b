"""Notices issued (文书) with their delivery records, and attached files kept by hash."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, OfficeOwned, code, long, short


class Document(OfficeOwned, Base):
    """A notice issued. Its 文号 is allocated once; a re-print shows the same number."""

    __tablename__ = "document"
    __table_args__ = (
        UniqueConstraint("office_id", "kind", "series_year", "series_seq"),
        Index("ix_document_matter_id", "matter_id"),
    )

    kind: Mapped[code]
    number: Mapped[str | None] = mapped_column(String(60))
    series_year: Mapped[int | None] = mapped_column(Integer)
    series_seq: Mapped[int | None] = mapped_column(Integer)
    issued_on: Mapped[date]
    matter_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("matter.id"))
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), index=True)
    contact_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contact.id"), index=True)
    file_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("attachment.id"))
    issued_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    delivery_method: Mapped[str | None] = mapped_column(String(20))
    delivered_on: Mapped[date | None]
    delivery_receiver: Mapped[short] = mapped_column(default="")
    delivery_note: Mapped[long] = mapped_column(default="")
    # The seq of the matter's newest event when the notice was issued: orders notices against the
    # matter's steps (a reopening starts a new round of notices) without comparing timestamps.
    matter_event_seq: Mapped[int | None] = mapped_column(Integer)


class Attachment(OfficeOwned, Base):
    """A file under ``attachments/`` named by its SHA-256, linked to one record."""

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_entity", "entity_type", "entity_id"),)

    sha256: Mapped[str] = mapped_column(String(64), index=True)
    original_name: Mapped[long]
    size: Mapped[int] = mapped_column(BigInteger)
    mime: Mapped[str] = mapped_column(String(100))
    entity_type: Mapped[code]
    entity_id: Mapped[uuid.UUID]
    note: Mapped[short] = mapped_column(default="")
    # Stored encrypted for the office's DataKey (file ``<sha256>.xfe``) rather than as plain bytes.
    encrypted: Mapped[bool] = mapped_column(default=False, server_default=false())
