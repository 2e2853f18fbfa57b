"""Encryption at rest: sealed attachment files and password-wrapped private keys.

* A file is sealed for the office's X25519 public key: a fresh ephemeral key pair per file, the shared
  secret through HKDF-SHA256 gives a one-file AES-256-GCM key, and the content is encrypted in 1 MiB
  chunks whose nonces carry the chunk number and a last-chunk flag (so chunks cannot be reordered,
  dropped or the file cut short without the tag check failing). Sealing needs only the public key.
* The private key is stored wrapped with AES-256-GCM under a key derived from a password (or the
  recovery code) with argon2id; the wrap is bound to its owner (associated data), so a wrap copied onto
  another user's row does not open.

Format of a sealed file: ``XFE1`` | ephemeral public key (32) | chunk₀ … chunkₙ, each plaintext + 16.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

MAGIC = b"XFE1"
PUBLIC_KEY_BYTES = 32
HEADER_BYTES = len(MAGIC) + PUBLIC_KEY_BYTES
CHUNK = 1024 * 1024
TAG = 16
# RFC 9106's second recommendation scaled to an office PC: 64 MiB, 3 passes, 1 lane (~0.1–0.3 s).
KDF = "argon2id"
KDF_PARAMS: dict[str, int] = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 1}
RECOVERY_GROUPS = 8
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: it is read off paper


class SealError(Exception):
    """A sealed file or wrapped key does not open: wrong key, or the bytes were changed or cut."""


def _aesgcm(key: bytes) -> Any:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def _file_key(shared: bytes, ephemeral_public: bytes, office_public: bytes) -> bytes:
    return derive_subkey(shared, ephemeral_public + office_public, b"xinfang attachment v1")


def derive_subkey(secret: bytes, salt: bytes, label: bytes) -> bytes:
    """A 32-byte key for one purpose (``label``) from a high-entropy secret (HKDF-SHA256)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(hashes.SHA256(), 32, salt=salt, info=label).derive(secret)


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def new_key_pair() -> tuple[bytes, bytes]:
    """(private, public) raw X25519 keys."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    private = X25519PrivateKey.generate()
    return _raw_private(private), private.public_key().public_bytes_raw()


def _raw_private(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())


def public_of(private: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    return X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()


class SealingWriter:
    """Writes a sealed file to ``out``; ``write`` plaintext chunks of any size, then ``close``."""

    def __init__(self, out: BinaryIO, office_public: bytes) -> None:
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

        ephemeral = X25519PrivateKey.generate()
        ephemeral_public = ephemeral.public_key().public_bytes_raw()
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(office_public))
        self._aead = _aesgcm(_file_key(shared, ephemeral_public, office_public))
        self._aad = MAGIC + ephemeral_public
        self._out = out
        self._pending = b""
        self._index = 0
        out.write(self._aad)

    def write(self, data: bytes) -> None:
        self._pending += data
        # Keep at least one full chunk back: only at close is it known which chunk is the last.
        while len(self._pending) > CHUNK:
            self._emit(self._pending[:CHUNK], last=False)
            self._pending = self._pending[CHUNK:]

    def close(self) -> None:
        self._emit(self._pending, last=True)
        self._pending = b""

    def _emit(self, chunk: bytes, *, last: bool) -> None:
        self._out.write(self._aead.encrypt(_nonce(self._index, last), chunk, self._aad))
        self._index += 1


def sealed_size(plain_size: int) -> int:
    """Bytes on disk of a sealed file of ``plain_size`` bytes (checked without the key)."""
    chunks = max(1, -(-plain_size // CHUNK))
    return HEADER_BYTES + plain_size + chunks * TAG


def open_sealed(stream: BinaryIO, private: bytes) -> Iterator[bytes]:
    """The plaintext of a sealed file, chunk by chunk; SealError when it does not open whole."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

    header = stream.read(HEADER_BYTES)
    if len(header) != HEADER_BYTES or not header.startswith(MAGIC):
        raise SealError("not a sealed file")
    ephemeral_public = header[len(MAGIC):]
    key = X25519PrivateKey.from_private_bytes(private)
    shared = key.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    aead = _aesgcm(_file_key(shared, ephemeral_public, key.public_key().public_bytes_raw()))
    index, current = 0, stream.read(CHUNK + TAG)
    while True:
        following = stream.read(CHUNK + TAG)
        try:
            yield aead.decrypt(_nonce(index, not following), current, header)
        except InvalidTag:
            raise SealError(f"chunk {index} does not open") from None
        if not following:
            return
        index, current = index + 1, following


def derive_kek(secret: str, salt: bytes, params: dict[str, int]) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(secret.encode("utf-8"), salt, hash_len=32, type=Type.ID, **params)


@dataclass(frozen=True)
class Wrapped:
    salt: bytes
    nonce: bytes
    wrapped: bytes


def wrap(private: bytes, secret: str, owner: bytes) -> Wrapped:
    salt, nonce = os.urandom(16), os.urandom(12)
    return Wrapped(salt, nonce, _aesgcm(derive_kek(secret, salt, KDF_PARAMS)).encrypt(nonce, private, owner))


def unwrap(stored: Wrapped, secret: str, owner: bytes, params: dict[str, int]) -> bytes:
    from cryptography.exceptions import InvalidTag

    try:
        return _aesgcm(derive_kek(secret, stored.salt, params)).decrypt(stored.nonce, stored.wrapped, owner)
    except InvalidTag:
        raise SealError("wrong password or damaged key") from None


def new_recovery_code() -> str:
    """Eight groups of four characters (160 bits), printed once for the office's safe."""
    chars = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUPS * 4))
    return "-".join(chars[i:i + 4] for i in range(0, len(chars), 4))


def normalise_recovery_code(typed: str) -> str:
    chars = "".join(ch for ch in typed.upper() if ch.isalnum())
    return "-".join(chars[i:i + 4] for i in range(0, len(chars), 4))


class Keyring:
    """The office's private key, held in memory while a user with a wrap of it is logged in."""

    def __init__(self) -> None:
        self._private: bytes | None = None
        self.holder: object = None  # who unlocked it (a user id, or "recovery")

    @property
    def unlocked(self) -> bool:
        return self._private is not None

    def unlock(self, private: bytes, holder: object) -> None:
        self._private, self.holder = private, holder

    def lock(self) -> None:
        self._private, self.holder = None, None

    def private(self) -> bytes:
        if self._private is None:
            raise SealError("locked")
        return self._private
