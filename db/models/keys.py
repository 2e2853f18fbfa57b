"""Keys for files encrypted at rest: the office's public key and its private key wrapped per user.

Nothing here is secret on its own: the private key is stored only wrapped (AES-GCM) under a key derived
from a user's password (or from the recovery code), which never reaches the database.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, OfficeOwned, json_data


class DataKey(OfficeOwned, Base):
    """The office's X25519 key pair for attachments: the public half in clear, so any program
    instance (the command line included) can encrypt a new file without anyone logged in."""

    __tablename__ = "data_key"

    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))


class KeyWrap(OfficeOwned, Base):
    """The private half of a DataKey, encrypted for one user (user_id) or for the recovery code (None)."""

    __tablename__ = "key_wrap"
    __table_args__ = (UniqueConstraint("data_key_id", "user_id"),)

    data_key_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("data_key.id"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    kdf: Mapped[str] = mapped_column(String(20))
    kdf_params: Mapped[json_data]
    salt: Mapped[bytes] = mapped_column(LargeBinary(32))
    nonce: Mapped[bytes] = mapped_column(LargeBinary(12))
    wrapped: Mapped[bytes] = mapped_column(LargeBinary(64))

    def params(self) -> dict[str, Any]:
        return dict(self.kdf_params)
