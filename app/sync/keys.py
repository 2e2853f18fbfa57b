"""The local office's sync keys and the enrolled partners' public keys.

Ed25519 signs packages (the receiver knows who wrote them); X25519 receives them (a package is
encrypted to its receiver's X25519 key, so a lost USB stick leaks nothing). Keys are made at set-up,
or on first use in a database created before sync existed.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import NotFound
from db.models import OfficeKey, SyncPartner


@dataclass(frozen=True)
class OfficeKeys:
    signing: Ed25519PrivateKey
    encryption: X25519PrivateKey

    @property
    def signing_public(self) -> bytes:
        return raw_public(self.signing.public_key())

    @property
    def encryption_public(self) -> bytes:
        return raw_public(self.encryption.public_key())

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.signing_public, self.encryption_public)


def raw_public(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _raw_private(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def fingerprint(signing_public: bytes, encryption_public: bytes) -> str:
    """What two clerks read to each other by phone: 80 bits of SHA-256 in five groups of four."""
    digest = hashlib.sha256(b"xfsync-enrolment\x00" + signing_public + encryption_public).hexdigest().upper()
    return "-".join(digest[i:i + 4] for i in range(0, 20, 4))


def office_keys(session: Session, office_id: uuid.UUID) -> OfficeKeys | None:
    row = session.get(OfficeKey, office_id)
    if row is None:
        return None
    return OfficeKeys(Ed25519PrivateKey.from_private_bytes(row.signing_private),
                      X25519PrivateKey.from_private_bytes(row.encryption_private))


def ensure_office_keys(session: Session, office_id: uuid.UUID) -> OfficeKeys:
    """The office's keys, made now (inside the caller's transaction) if it has none yet."""
    keys = office_keys(session, office_id)
    if keys is None:
        keys = OfficeKeys(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
        session.add(OfficeKey(office_id=office_id, signing_private=_raw_private(keys.signing),
                              encryption_private=_raw_private(keys.encryption)))
        session.flush()
    return keys


def partner_by_id(session: Session, partner_id: uuid.UUID) -> SyncPartner | None:
    return session.get(SyncPartner, partner_id)


def active_partners(session: Session) -> list[SyncPartner]:
    return list(session.scalars(select(SyncPartner).where(SyncPartner.active)
                                .order_by(SyncPartner.division_code)))


def partner_by_code(session: Session, division_code: str) -> SyncPartner:
    partner = session.scalars(select(SyncPartner).where(SyncPartner.division_code == division_code)).first()
    if partner is None or not partner.active:
        raise NotFound("partner_unknown", f"单位代码：{division_code} 不是已登记的同步单位", field="office")
    return partner
