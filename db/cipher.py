"""SQLite database files encrypted whole with SQLCipher (docs/security-at-rest.md).

A plain database file starts with the 16 bytes ``SQLite format 3\\0``; an encrypted one starts with its
random salt, so the header tells them apart without a key. Plain files keep the standard library's
sqlite3; an encrypted file is opened through ``sqlcipher3`` with a raw 256-bit key (``PRAGMA key =
"x'…'"``, no passphrase derivation: the key is already the output of a KDF), applied on every
connection before anything else reads the file. WAL and rollback journals of an encrypted database
are encrypted by SQLCipher too.

The key of each database file opened in this process is kept here by the file's path (memory only):
a login, or the command line's ``--login``, unlocks it once, and every later connection — the
workspace's engine, a backup's snapshot, a restore's check and upgrade — finds it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from types import ModuleType
from typing import Any

PLAIN_HEADER = b"SQLite format 3\x00"
KEY_BYTES = 32
ENCRYPTING_SUFFIX = ".encrypting"

_keys: dict[Path, bytes] = {}


class KeyMissing(Exception):
    """An encrypted database file was to be opened and no key for it is known in this process."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"encrypted database without a key: {path}")
        self.path = path


def driver() -> ModuleType:
    """The sqlcipher3 DB-API module (imported only when an encrypted file is met)."""
    from sqlcipher3 import dbapi2

    return dbapi2


def is_encrypted(path: Path) -> bool:
    """Whether ``path`` is an SQLCipher file; a missing or empty file (a new database) is plain."""
    try:
        with open(path, "rb") as stream:
            header = stream.read(len(PLAIN_HEADER))
    except OSError:
        return False
    return len(header) == len(PLAIN_HEADER) and header != PLAIN_HEADER


def _normal(path: Path) -> Path:
    return Path(os.path.abspath(path))


def remember_key(path: Path, key: bytes) -> None:
    if len(key) != KEY_BYTES:
        raise ValueError("a database key is 32 bytes")
    _keys[_normal(path)] = key


def key_for(path: Path) -> bytes | None:
    return _keys.get(_normal(path))


def forget_key(path: Path) -> None:
    _keys.pop(_normal(path), None)


def forget_all_keys() -> None:
    """As if the process started anew (tests, and the screenshot scripts' second start)."""
    _keys.clear()


def errors() -> tuple[type[Exception], ...]:
    """The DB-API error classes of both drivers (for code that talks to a connection directly)."""
    try:
        return (sqlite3.Error, driver().Error)
    except ImportError:
        return (sqlite3.Error,)


def is_driver_error(exc: BaseException, name: str) -> bool:
    """``exc`` is the DB-API error ``name`` (e.g. "OperationalError") of either driver."""
    return isinstance(exc, errors()) and any(cls.__name__ == name for cls in type(exc).__mro__)


def apply_key(connection: Any, key: bytes) -> None:
    """First statements on a new SQLCipher connection: quiet logging, then the raw key."""
    connection.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is reported by the caller
    connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")


def connect(path: Path | str, key: bytes | None = None, **kwargs: Any) -> Any:
    """A DB-API connection to ``path``: sqlcipher3 with ``key`` applied, or sqlite3 without one."""
    if key is None:
        return sqlite3.connect(path, **kwargs)
    connection = driver().connect(str(path), **kwargs)
    try:
        apply_key(connection, key)
    except BaseException:
        connection.close()
        raise
    return connection


def open_file(path: Path, **kwargs: Any) -> Any:
    """A connection to an existing file with the key it needs (KeyMissing when none is known)."""
    key = None
    if is_encrypted(path):
        key = key_for(path)
        if key is None:
            raise KeyMissing(path)
    return connect(path, key, **kwargs)


def export_encrypted(plain: Path, target: Path, key: bytes) -> None:
    """Write an encrypted copy of the plain database ``plain`` to ``target`` (``sqlcipher_export``).

    The source's write lock is held for the whole copy, so no commit of another connection falls
    between the copy and the caller's swap. ``target`` is removed first (left by a cut-off attempt).
    """
    target.unlink(missing_ok=True)
    source = driver().connect(str(plain), timeout=15.0, isolation_level=None)
    try:
        source.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(target),))
        source.execute("BEGIN IMMEDIATE")  # the write lock of the source too: it is held to the end
        source.execute("SELECT sqlcipher_export('encrypted')")
        source.execute("COMMIT")  # writes only the copy
        source.execute("DETACH DATABASE encrypted")
    finally:
        source.close()
    fsync(target)


def fsync(path: Path) -> None:
    with open(path, "rb+") as stream:
        os.fsync(stream.fileno())
