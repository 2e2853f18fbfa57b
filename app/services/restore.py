"""Restore a backup into the data folder: verify everything first, keep the current data, then replace.

Nothing in the data folder changes until the backup has passed every check (manifest, database hash,
``PRAGMA integrity_check`` on a copy, an xinfang schema this program knows, every attachment's hash).
The current database is then backed up (reason 恢复前), the verified copy replaces it, and a backup
made by an older program version is upgraded to the current schema with alembic.

The caller closes its own connections to the database first (the GUI disposes its engine).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.domain.permissions import Permission
from app.errors import StorageError, ValidationError
from app.paths import ATTACHMENTS_DIR, DATABASE_FILE
from app.services.backup import (
    MANIFEST_FILE, BackupInfo, Reason, backups_dir, create_backup, read_manifest, record_file_event,
)
from app.services.backup_files import copy_hashed, fsync_dir, remove_tree, sha256_of
from app.services.context import Actor
from app.services.workspace import Workspace
from app.services.key_file import copy_key_file, key_file_path
from db import cipher, migrate
from db.engine import create_db_engine, sqlite_url

STAGING_PREFIX = ".restore-"
# Tables every xinfang database has had since the first revision.
XINFANG_TABLES = frozenset({"alembic_version", "meta", "office", "user_account", "matter", "attachment"})


@dataclass(frozen=True)
class VerifiedBackup:
    folder: Path
    revision: str
    attachments: dict[str, str]  # stored file name -> what its bytes hash to
    created_at: str


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    safety_backup: Path | None  # the data as it was before the restore
    upgraded_from: str | None  # the backup's schema revision when it had to be upgraded


def _refuse(code: str, message: str) -> ValidationError:
    return ValidationError(code, f"恢复：{message}", field="backup")


def backup_folder(source: Path) -> Path:
    """The backup a path names: the backup folder itself, or its manifest.json or xinfang.db."""
    if source.is_file() and source.name in (MANIFEST_FILE, DATABASE_FILE):
        return source.parent
    if source.is_dir():
        return source
    if not source.exists():
        raise _refuse("backup_missing", f"找不到 {source}")
    raise _refuse("backup_foreign", f"{source.name} 不是信访工作台的备份（备份是含 manifest.json 和 "
                                    f"xinfang.db 的文件夹）")


def verify_backup(source: Path, staging_db: Path, key: bytes | None = None) -> VerifiedBackup:
    """Check a backup completely, leaving a verified copy of its database at ``staging_db``; an
    encrypted one is checked with ``key`` (the data folder's, or the one unlocked from the backup)."""
    folder = backup_folder(source)
    if not (folder / MANIFEST_FILE).is_file():
        raise _refuse("backup_foreign", f"{folder} 中没有 manifest.json，不是信访工作台的备份")
    manifest = read_manifest(folder)
    database = manifest.get("database") if manifest else None
    if manifest is None or not isinstance(database, dict):
        raise _refuse("backup_manifest", f"{folder / MANIFEST_FILE} 已损坏或不是信访工作台的备份清单")
    original = folder / DATABASE_FILE
    if not original.is_file():
        raise _refuse("backup_no_database", f"{folder} 中缺少数据库文件 {DATABASE_FILE}")
    if original.stat().st_size != database.get("size"):
        raise _refuse("backup_truncated", f"备份数据库文件 {original} 大小与清单不符（文件不完整）")
    staging_db.parent.mkdir(parents=True, exist_ok=True)
    if copy_hashed(original, staging_db) != database.get("sha256"):
        raise _refuse("backup_hash", f"备份数据库文件 {original} 的校验值与清单不符（文件已损坏或被改动）")
    revision = _check_database(staging_db, key)
    attachments = manifest.get("attachments") or {}
    assert isinstance(attachments, dict)
    sealed = manifest.get("sealed_hashes") or {}
    assert isinstance(sealed, dict)
    expected = {name: str(sealed.get(name, name)) for name in attachments}
    bad = [name for name, digest in expected.items()
           if not _intact(folder / ATTACHMENTS_DIR / name[:2] / name, digest)]
    if bad:
        raise _refuse("backup_attachments",
                      f"备份中有 {len(bad)} 个附件缺失或内容与校验值不符（如 {bad[0][:12]}…）")
    return VerifiedBackup(folder, revision, expected, str(manifest.get("created_at", "")))


def _intact(path: Path, sha: str) -> bool:
    return path.is_file() and sha256_of(path) == sha


def _check_database(path: Path, key: bytes | None) -> str:
    encrypted = cipher.is_encrypted(path)
    if encrypted and key is None:
        raise _refuse("backup_locked", "备份的数据库已加密，须先解锁（命令行加 --login 登录名，"
                      "或 --recovery-code）")
    try:
        connection = cipher.connect(f"file:{path}?mode=ro", key if encrypted else None, uri=True)
        try:
            result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone() \
                if "alembic_version" in tables else None
        finally:
            connection.close()
    except cipher.errors() as exc:
        if encrypted:
            raise _refuse("backup_wrong_key", "备份的数据库已加密，用本办公室的密钥打不开（备份属于另一个"
                          "办公室，或文件已损坏）") from exc
        raise _refuse("backup_corrupt", f"备份数据库无法打开（{exc}），文件已损坏或不是 SQLite 数据库") from exc
    if result != ["ok"]:
        raise _refuse("backup_corrupt", "备份数据库未通过完整性检查：" + "；".join(result[:3]))
    if not XINFANG_TABLES <= tables or row is None:
        raise _refuse("backup_not_xinfang", "备份中的数据库不是信访工作台的数据库（缺少 "
                      + "、".join(sorted(XINFANG_TABLES - tables) or ["数据库版本"]) + "）")
    revision = str(row[0])
    if not migrate.is_known_revision(revision):
        raise _refuse("backup_newer", f"备份来自更新版本的程序（数据库版本 {revision}），请先升级本程序再恢复")
    return revision


def restore_backup(data_dir: Path, source: Path, now: datetime) -> RestoreResult:
    """Replace the data folder's database and attachments with a verified backup."""
    staging = data_dir / f"{STAGING_PREFIX}{now:%Y%m%d-%H%M%S}"
    try:
        verified = verify_backup(source, staging / DATABASE_FILE, cipher.key_for(data_dir / DATABASE_FILE))
        _copy_attachments(verified, data_dir / ATTACHMENTS_DIR)
        safety = _keep_current(data_dir, now)
        _replace_database(staging / DATABASE_FILE, data_dir / DATABASE_FILE)
        if key_file_path(verified.folder).is_file():  # the wraps that open the restored database
            copy_key_file(key_file_path(verified.folder), data_dir)
    except OSError as exc:
        raise StorageError("restore_write", f"恢复：无法写入数据文件夹 {data_dir}（{exc.strerror or exc}）") from exc
    finally:
        remove_tree(staging)
    upgraded_from = None
    if verified.revision != migrate.head_revision():
        upgraded_from = verified.revision
        engine = create_db_engine(sqlite_url(data_dir / DATABASE_FILE))
        try:
            migrate.upgrade(engine)
        except Exception as exc:
            raise StorageError("restore_upgrade",
                               f"恢复：数据已恢复，但从版本 {verified.revision} 升级失败（{exc}）；"
                               f"恢复前的数据在 {safety}") from exc
        finally:
            engine.dispose()
    return RestoreResult(verified.folder, safety, upgraded_from)


def restore_now(workspace: Workspace, actor: Actor, source: Path) -> RestoreResult:
    """恢复… from the settings page: for the administrator, as their account stands now. The
    workspace lets go of its database file, which is about to be replaced under it."""
    actor = workspace.current(actor)
    actor.require(Permission.MANAGE_SETTINGS)
    now = workspace.clock()
    workspace.database.dispose()
    result = restore_backup(workspace.data_dir, source, now)
    record_restore(workspace.data_dir, now, result, actor)
    return result


def record_restore(data_dir: Path, now: datetime, result: RestoreResult, actor: Actor | None = None) -> None:
    record_file_event(data_dir, now, "restore", actor, restored_from=str(result.restored_from),
                      safety_backup=str(result.safety_backup or ""), upgraded_from=result.upgraded_from or "")


def _copy_attachments(verified: VerifiedBackup, attachments: Path) -> None:
    """Files named by their hash: one already present with the right content is left alone."""
    for name, digest in verified.attachments.items():
        target = attachments / name[:2] / name
        if target.is_file() and sha256_of(target) == digest:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(target.name + ".restoring")
        copy_hashed(verified.folder / ATTACHMENTS_DIR / name[:2] / name, temp)
        os.replace(temp, target)


def _keep_current(data_dir: Path, now: datetime) -> Path | None:
    """Back up the data about to be replaced; a database this program cannot read (damaged, or
    encrypted and not unlocked) is moved aside whole."""
    current = data_dir / DATABASE_FILE
    if not current.is_file():
        return None
    try:
        info: BackupInfo = create_backup(data_dir, Reason.RESTORE, now).backup
        return info.path
    except StorageError as exc:
        if exc.code not in ("backup_database", "backup_locked"):  # damaged, or encrypted without its key
            raise
    aside = backups_dir(data_dir) / f"damaged-{now:%Y%m%d-%H%M%S}"
    aside.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        part = current.with_name(current.name + suffix)
        if part.exists():
            shutil.move(part, aside / part.name)
    return aside


def _replace_database(verified: Path, current: Path) -> None:
    # A WAL file left beside the new database would be replayed into it: it belongs to the old one,
    # whose content the safety backup already holds.
    for suffix in ("-wal", "-shm", "-journal"):
        current.with_name(current.name + suffix).unlink(missing_ok=True)
    os.replace(verified, current)
    fsync_dir(current.parent)
