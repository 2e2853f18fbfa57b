"""Turn the data folder's database into an SQLCipher file (docs/security-at-rest.md).

The database key is a subkey of the office's data key (app/services/key_file.py), so only an
administrator holding that key (attachment encryption on, logged in with a wrap) can do it, and every
user with a wrap opens the encrypted database with their own password, or anyone with the recovery
code. The conversion writes an encrypted copy beside the database while holding its write lock,
checks the copy (integrity check and the row count of every table, with the key), then swaps it in
with one rename. The backups in the data folder are then encrypted one by one the same way (their
manifests updated), so no plain copy of the data stays in the folder; mirror copies made earlier (a
USB stick) are not reachable and stay plain.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.domain.permissions import Permission
from app.errors import StorageError, ValidationError
from app.paths import DATABASE_FILE
from app.services import audit, data_keys
from app.services.backup import MANIFEST_FILE, backups_dir, list_backups, read_manifest
from app.services.backup_files import fsync_dir, sha256_of, write_durably
from app.services.context import Actor
from app.services.key_file import copy_key_file, database_key, key_file_path
from app.services.passwords import verify_password
from app.services.workspace import Workspace
from db import cipher
from db.engine import Database
from db.models import UserAccount

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DatabaseEncryption:
    converted: bool  # False: the database was encrypted already (a run to finish the backups)
    backups_encrypted: int


def encrypt_database(workspace: Workspace, actor: Actor, password: str, *,
                     progress: Progress | None = None) -> DatabaseEncryption:
    """Encrypt the database file and the data folder's backups; run again after a cut, it finishes.
    ``password`` is the administrator's own: the step changes how everybody opens the program."""
    key = _database_key(workspace, actor, password)
    database = workspace.data_dir / DATABASE_FILE
    converted = not workspace.encrypted
    plain_backups = [b.path for b in list_backups(backups_dir(workspace.data_dir))
                     if not cipher.is_encrypted(b.path / DATABASE_FILE)]
    total = int(converted) + len(plain_backups)
    if converted:
        workspace.sync_key_file(strict=True)  # the wraps must be readable before the database is not
        workspace.database.dispose()
        try:
            _convert(database, key)
        finally:
            workspace.database = Database(workspace.database.url)
        if progress is not None:
            progress(1, total)
    for done, folder in enumerate(plain_backups, start=int(converted) + 1):
        encrypt_backup(folder, key, key_file_path(workspace.data_dir))
        if progress is not None:
            progress(done, total)
    with workspace.write(actor) as uow:
        audit.record(uow, "encrypt_database", "office", uow.office_id,
                     after={"converted": converted, "backups_encrypted": len(plain_backups)})
    return DatabaseEncryption(converted, len(plain_backups))


def _database_key(workspace: Workspace, actor: Actor, password: str) -> bytes:
    with workspace.read(actor) as uow:
        uow.actor.require(Permission.MANAGE_SETTINGS)
        user = uow.session.get(UserAccount, uow.actor.user_id)
        if user is None or not verify_password(user.password_hash, password):
            raise ValidationError("wrong_password", "密码：不正确（加密数据库须输入当前账号的密码）", field="password")
        if not workspace.has_local_file:
            raise ValidationError("server_database", "数据库加密：只用于本机数据文件夹中的数据库"
                                  "（县级服务器的数据库由服务器自身保护）", field="encryption")
        data_key = data_keys.office_key(uow.session, uow.office_id)
        if data_key is None:
            raise ValidationError("encryption_off", "数据库加密：须先开启附件加密（生成办公室密钥和恢复码）",
                                  field="encryption")
        private = data_keys.require_key(workspace.keyring)
        return database_key(private, data_key.id)


def _convert(database: Path, key: bytes, failed: str = "数据库加密失败（{}），原数据库未改动") -> None:
    """Encrypted copy, checked, renamed over the plain file; the plain file stays if anything fails
    (``failed`` is the message then, ``{}`` the driver's reason)."""
    copy = database.with_name(database.name + cipher.ENCRYPTING_SUFFIX)
    try:
        cipher.export_encrypted(database, copy, key)
        _same_content(database, copy, key)
    except cipher.errors() as exc:
        copy.unlink(missing_ok=True)
        raise StorageError("encrypt_database", failed.format(exc)) from exc
    except BaseException:
        copy.unlink(missing_ok=True)
        raise
    # Every connection is closed, so the plain file's WAL was checkpointed into it and removed; one
    # left by a crashed program belongs to the plain file and must not be replayed into the new one.
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    os.replace(copy, database)
    fsync_dir(database.parent)
    cipher.remember_key(database, key)


def _same_content(plain: Path, encrypted: Path, key: bytes) -> None:
    """The copy opens with the key, passes the integrity check and has every table's rows."""
    expected = _table_counts(cipher.connect(plain))
    copy = cipher.connect(encrypted, key)
    try:
        check = [row[0] for row in copy.execute("PRAGMA integrity_check")]
    finally:
        copy.close()
    found = _table_counts(cipher.connect(encrypted, key))
    if check != ["ok"] or found != expected:
        raise StorageError("encrypt_database_check", "数据库加密失败：加密后的副本未通过检查，原数据库未改动")


def _table_counts(connection: Any) -> dict[str, int]:
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}
    finally:
        connection.close()


def encrypt_backup(folder: Path, key: bytes, key_file: Path) -> None:
    """Encrypt one backup's database in place (its manifest's hash and size follow) and put the key
    file beside it, as every backup of an encrypted database has."""
    database = folder / DATABASE_FILE
    _convert(database, key, f"数据库已加密，但备份 {folder.name} 加密失败（{{}}），该备份未改动：腾出磁盘空间后"
                            "再运行一次 xinfang encrypt-database（加 --login 登录名）即可完成其余备份")
    manifest = read_manifest(folder)
    if manifest is not None and isinstance(manifest.get("database"), dict):
        manifest["database"] = {**manifest["database"],  # type: ignore[dict-item]
                                "sha256": sha256_of(database), "size": database.stat().st_size}
        manifest["encrypted"] = True
        write_durably(folder / MANIFEST_FILE, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    if key_file.is_file():
        copy_key_file(key_file, folder)
