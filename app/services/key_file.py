"""``xinfang.keys``: the wraps of the office key kept beside an encrypted database (docs/security-at-rest.md).

An encrypted database cannot be read before its key is known, and the key is the office's data key
(app/services/data_keys.py), wrapped per user under their password and once under the recovery code —
rows *inside* the database. This file carries copies of those wraps (and the office's name for the
login window), so a password or the recovery code opens the key first and the database second.

It holds nothing that is not already in the rows (wrapped keys, salts, logins, the public key). It is
rewritten atomically after every commit that changed a wrap, and refreshed from the rows each time the
workspace opens (after a crash between a commit and the rewrite). Before such a commit it is written
with the old wraps *and* the new ones, so a cut at any moment leaves a file that opens with either
password; the next rewrite drops the old one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import crypto
from app.crypto import SealError
from app.errors import PermissionDenied, StorageError, ValidationError
from app.paths import DATABASE_FILE
from app.services.folder_peek import KEY_FILE, LOCAL_OFFICE_KEY
from db import cipher
from db.models import DataKey, KeyWrap, Meta, Office, UserAccount

FORMAT = 1
PROGRAM = "xinfang-desk"
DATABASE_KEY_LABEL = b"xinfang database file v1"
WRAPS_CHANGED = "key_wraps_changed"  # session.info flag set by every change of a key_wrap row


@dataclass(frozen=True)
class StoredWrap:
    user_id: uuid.UUID | None  # None: the recovery code's wrap
    login: str | None
    row: KeyWrap  # transient: what data_keys unwraps


@dataclass(frozen=True)
class KeyFile:
    office_id: uuid.UUID
    office_name: str
    data_key: DataKey  # transient: id and public key
    wraps: tuple[StoredWrap, ...]


def database_key(private: bytes, data_key_id: uuid.UUID) -> bytes:
    """The SQLCipher key of the office's database: its own subkey of the office's private key, so one
    unlock (password or recovery code) opens the attachments and the database."""
    return crypto.derive_subkey(private, data_key_id.bytes, DATABASE_KEY_LABEL)


def key_file_path(folder: Path) -> Path:
    return folder / KEY_FILE


def copy_key_file(source: Path, folder: Path) -> None:
    """Put a copy of the key file ``source`` into ``folder`` (a backup, a restored data folder)."""
    temp = key_file_path(folder).with_name(KEY_FILE + ".tmp")
    shutil.copyfile(source, temp)
    os.replace(temp, key_file_path(folder))


def mark_wraps_changed(session: Session) -> None:
    session.info[WRAPS_CHANGED] = True


# --- writing ------------------------------------------------------------------------------------

def _rows(session: Session) -> tuple[uuid.UUID, str, DataKey, list[StoredWrap]] | None:
    meta = session.get(Meta, LOCAL_OFFICE_KEY)
    if meta is None:
        return None
    office_id = uuid.UUID(meta.value)
    data_key = session.scalars(select(DataKey).where(DataKey.office_id == office_id)).first()
    office = session.get(Office, office_id)
    if data_key is None or office is None:
        return None
    # The recovery code's wrap and those of active accounts: a deactivated account's password must not
    # open the database file either (its wrap stays in the database for a reactivation).
    wraps = [StoredWrap(row.user_id, login, row) for row, login in session.execute(
        select(KeyWrap, UserAccount.login).outerjoin(UserAccount, UserAccount.id == KeyWrap.user_id)
        .where(KeyWrap.data_key_id == data_key.id, KeyWrap.user_id.is_(None) | UserAccount.active))]
    return office_id, office.name, data_key, wraps


def write_key_file(session: Session, folder: Path, *, keep_current: bool = False) -> bool:
    """Write the file from the rows ``session`` sees; with ``keep_current`` the wraps the file
    already holds are kept too (before a commit). False when the office has no data key."""
    found = _rows(session)
    if found is None:
        return False
    office_id, office_name, data_key, wraps = found
    entries = [_entry(w.user_id, w.login, w.row) for w in wraps]
    if keep_current:
        current = read_key_file(folder)
        if current is not None and current.data_key.id == data_key.id:
            entries += [_entry(w.user_id, w.login, w.row) for w in current.wraps]
    unique = list({(e["user_id"], e["salt"]): e for e in entries}.values())
    document = {"format": FORMAT, "program": PROGRAM, "office_id": str(office_id), "office_name": office_name,
                "data_key_id": str(data_key.id), "public_key": data_key.public_key.hex(), "wraps": unique}
    _replace(key_file_path(folder), json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))
    return True


def _replace(path: Path, data: bytes) -> None:
    """Atomically, under a temporary name of this writer's own (two programs may sync at once); an
    unchanged file is left alone."""
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _entry(user_id: uuid.UUID | None, login: str | None, row: KeyWrap) -> dict[str, object]:
    return {"user_id": str(user_id) if user_id else None, "login": login, "kdf": row.kdf,
            "kdf_params": dict(row.kdf_params), "salt": row.salt.hex(), "nonce": row.nonce.hex(),
            "wrapped": row.wrapped.hex()}


# --- reading and unlocking -------------------------------------------------------------------------

def read_key_file(folder: Path) -> KeyFile | None:
    """The file in ``folder``; None when there is none or it is not one of ours."""
    try:
        document = json.loads(key_file_path(folder).read_text(encoding="utf-8"))
        if document.get("program") != PROGRAM or document.get("format") != FORMAT:
            return None
        office_id = uuid.UUID(document["office_id"])
        data_key = DataKey(id=uuid.UUID(document["data_key_id"]), office_id=office_id,
                           public_key=bytes.fromhex(document["public_key"]))
        wraps = tuple(_stored(data_key, entry) for entry in document["wraps"])
        return KeyFile(office_id, str(document["office_name"]), data_key, wraps)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _stored(data_key: DataKey, entry: dict[str, object]) -> StoredWrap:
    user_id = uuid.UUID(str(entry["user_id"])) if entry["user_id"] else None
    row = KeyWrap(office_id=data_key.office_id, data_key_id=data_key.id, user_id=user_id, kdf=str(entry["kdf"]),
                  kdf_params=dict(entry["kdf_params"]),  # type: ignore[call-overload]
                  salt=bytes.fromhex(str(entry["salt"])), nonce=bytes.fromhex(str(entry["nonce"])),
                  wrapped=bytes.fromhex(str(entry["wrapped"])))
    return StoredWrap(user_id, str(entry["login"]) if entry["login"] else None, row)


@dataclass(frozen=True)
class Unlocked:
    private: bytes  # the office's private key (for the workspace's keyring)
    holder: object  # the user id whose password opened it, or "recovery"


def _key_file_or_error(folder: Path) -> KeyFile:
    found = read_key_file(folder)
    if found is None:
        raise StorageError("key_file_missing",
                           f"数据库已加密，但文件夹 {folder} 中缺少或损坏了密钥文件 {KEY_FILE}："
                           f"请从最近的备份文件夹中把 {KEY_FILE} 复制回来")
    return found


def unlock_with_password(folder: Path, login: str, password: str, database: Path | None = None,
                         now: datetime | None = None) -> Unlocked:
    """Open the key with a user's password (the file in ``folder``) and remember the database key for
    ``database`` (default: the folder's own database). Five wrong passwords lock the login for ten
    minutes, as at a plain database's login (app/services/unlock_attempts.py)."""
    from app.services import unlock_attempts
    from app.services.data_keys import _unwrap

    now = now or datetime.now(timezone.utc)
    found = _key_file_or_error(folder)
    mine = [w for w in found.wraps if w.login == login and w.user_id is not None]
    if not mine:
        raise ValidationError("no_database_key", f"登录名“{login}”：该账号没有数据库的解密密钥，请用持有密钥的"
                              f"管理员账号登录，或用恢复码解锁", field="login")
    unlock_attempts.refuse_if_locked(folder, login, now)
    for wrap in mine:
        try:
            private = _unwrap(found.data_key, wrap.row, password)
        except SealError:
            continue
        unlock_attempts.succeeded(folder, login)
        return _remember(found, private, wrap.user_id, database or folder / DATABASE_FILE)
    if unlock_attempts.failed(folder, login, now):
        raise PermissionDenied("locked", f"密码连续错误 {unlock_attempts.MAX_FAILED_LOGINS} 次，账号已锁定，请 "
                               f"{int(unlock_attempts.LOCKOUT.total_seconds() // 60)} 分钟后再试", field="login")
    raise ValidationError("wrong_password", "密码：不正确（数据库已加密，须输入该账号的密码才能打开）",
                          field="password")


def unlock_with_code(folder: Path, typed: str, database: Path | None = None) -> Unlocked:
    """Open the key with the printed recovery code (every password lost)."""
    from app.services.data_keys import _unwrap

    found = _key_file_or_error(folder)
    code = crypto.normalise_recovery_code(typed)
    for wrap in (w for w in found.wraps if w.user_id is None):
        try:
            private = _unwrap(found.data_key, wrap.row, code)
        except SealError:
            continue
        return _remember(found, private, "recovery", database or folder / DATABASE_FILE)
    raise ValidationError("wrong_recovery_code", "恢复码：不正确", field="recovery_code")


def _remember(found: KeyFile, private: bytes, holder: object, database: Path) -> Unlocked:
    cipher.remember_key(database, database_key(private, found.data_key.id))
    return Unlocked(private, holder)


def office_name(folder: Path) -> str | None:
    """The office's name for the login window of an encrypted database (None: no usable file)."""
    found = read_key_file(folder)
    return found.office_name if found else None
