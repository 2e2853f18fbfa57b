"""Sync keys of the local office and the offices it exchanges packages with (not synced themselves)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UtcDateTime, code, short, utcnow


class OfficeKey(Base):
    """The local office's private keys: Ed25519 to sign packages, X25519 to receive them.

    Raw 32-byte keys in the database, so they travel with the database backup (docs/sync-format.md
    says what that means for a stolen backup and for a replaced PC).
    """

    __tablename__ = "office_key"

    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("office.id"), primary_key=True)
    signing_private: Mapped[bytes] = mapped_column(LargeBinary(32))
    encryption_private: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class SyncPartner(Base):
    """An enrolled office: the county for a township, each township for the county.

    ``id`` is the partner office's global UUID (the ``office.id`` in its own database), so packages
    and rows name it the same way everywhere; the office row itself may not exist here yet.
    """

    __tablename__ = "sync_partner"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    division_code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[short]
    level: Mapped[code]
    signing_public: Mapped[bytes] = mapped_column(LargeBinary(32))
    encryption_public: Mapped[bytes] = mapped_column(LargeBinary(32))
    enrolled_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    active: Mapped[bool] = mapped_column(default=True)


__all__ = ["OfficeKey", "SyncPartner"]
