"""Backups of the data folder: the database through SQLite's online backup API, plus its attachments.

Each backup is one folder under ``<data folder>/backups/`` (and optionally in a mirror folder such as
a USB stick)::

    xinfang-20261123-174502/
        xinfang.db          a consistent snapshot, journal mode DELETE (one self-contained file)
        attachments/ab/ab…  every file the snapshot refers to, named by its SHA-256
        manifest.json       program version, alembic revision, time, reason, hashes
        xinfang.keys        only for an encrypted database: the key wraps that open it

The snapshot of an encrypted database is encrypted with the same key (docs/security-at-rest.md).

A folder is built under a ``.partial-`` name and renamed when complete, so a power cut leaves either
a whole backup or a partial folder that the next backup removes. Attachments the previous backup
already holds are hard-linked instead of copied (same content, same name); new ones are copied,
fsynced and their hash verified. Old backups are rotated (app/domain/rotation.py).
"""

from __future__ import annotations

import errno
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from importlib import metadata
from pathlib import Path
from typing import Any

from app.domain.permissions import Permission
from app.domain.rotation import Tier, plan_rotation
from app.errors import AccountClosed, StorageError
from app.paths import ATTACHMENTS_DIR, DATABASE_FILE
from app.services.attachments import blob_path, stored_name
from app.services.backup_files import (
    copy_hashed, fsync_file, link_or_copy, publish, remove_tree, sha256_of, write_durably,
)
from app.services.context import Actor
from app.services.key_file import copy_key_file, key_file_path
from app.services.workspace import Workspace
from db import cipher

BACKUPS_DIR = "backups"
MANIFEST_FILE = "manifest.json"
MANIFEST_FORMAT = 1
PROGRAM = "xinfang-desk"
PARTIAL_PREFIX = ".partial-"
NAME_PREFIX = "xinfang-"
# Copies taken before an upgrade or a restore are outside the daily/weekly/monthly rotation;
# the newest few are kept so a bad upgrade or restore can always be undone.
SAFETY_KEEP = 5
BUSY_TIMEOUT_S = 15.0

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class Reason(StrEnum):
    MANUAL = "manual"
    EXIT = "exit"
    DAILY = "daily"
    MIGRATION = "migration"
    RESTORE = "restore"


REASON_LABELS = {Reason.MANUAL: "手动", Reason.EXIT: "退出时", Reason.DAILY: "每日首次启动",
                 Reason.MIGRATION: "升级前", Reason.RESTORE: "恢复前"}
SAFETY_REASONS = frozenset({Reason.MIGRATION, Reason.RESTORE})


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: datetime  # local wall-clock time of the office PC
    reason: Reason
    size: int  # bytes of the database file and the attachments it lists
    revision: str | None
    program_version: str
    tier: Tier | None = None  # the rotation tier keeping it (None for safety copies)


@dataclass(frozen=True)
class BackupResult:
    backup: BackupInfo
    missing_attachments: tuple[str, ...] = ()  # referenced by the database, absent in the data folder
    damaged_attachments: tuple[str, ...] = ()  # content no longer matches its name (hash)
    mirror: Path | None = None
    mirror_error: str | None = None
    removed: tuple[Path, ...] = field(default=())


def program_version() -> str:
    try:
        return metadata.version(PROGRAM)
    except metadata.PackageNotFoundError:
        return "unknown"


def backups_dir(data_dir: Path) -> Path:
    return data_dir / BACKUPS_DIR


def create_backup(
    data_dir: Path, reason: Reason, now: datetime, *, target: Path | None = None,
    mirror: Path | None = None, rotate: bool = True, progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> BackupResult:
    """Back up the data folder's database and attachments into ``target`` (default: its backups folder),
    rotate the backups there (unless told not to), and copy the new one to ``mirror`` when given."""
    database = data_dir / DATABASE_FILE
    if not database.is_file():
        raise StorageError("backup_no_database", f"备份：数据文件夹中没有数据库文件 {database}")
    root = target or backups_dir(data_dir)
    try:
        root.mkdir(parents=True, exist_ok=True)
        _remove_partials(root)
        info, missing, damaged = _write_backup(database, data_dir / ATTACHMENTS_DIR, root, reason, now,
                                               progress, cancelled)
        removed = rotate_backups(root) if rotate else []
    except OSError as exc:
        raise StorageError("backup_write", f"备份：无法写入 {root}（{exc.strerror or exc}）") from exc
    except cipher.KeyMissing as exc:
        raise StorageError("backup_locked", "备份：数据库已加密，须先解锁（命令行加 --login 登录名）") from exc
    except cipher.errors() as exc:
        raise StorageError("backup_database", f"备份：无法读取数据库（{exc}），请运行 xinfang check") from exc
    mirrored, mirror_error = None, None
    if mirror is not None:
        try:
            mirrored = mirror_backup(info.path, mirror)
        except OSError as exc:
            # The local backup is complete; a missing USB stick must not make it look failed.
            mirror_error = f"镜像文件夹 {mirror} 无法写入（{exc.strerror or exc}）"
    return BackupResult(info, missing, damaged, mirrored, mirror_error, tuple(removed))


def backup_now(workspace: Workspace, actor: Actor, *, mirror: Path | None = None,
               progress: Progress | None = None, cancelled: Cancelled | None = None) -> BackupResult:
    """立即备份 from the settings page: for the administrator, as their account stands now."""
    actor = workspace.current(actor)
    actor.require(Permission.MANAGE_SETTINGS)
    now = workspace.clock()
    result = create_backup(workspace.data_dir, Reason.MANUAL, now, mirror=mirror, progress=progress,
                           cancelled=cancelled)
    record_file_event(workspace.data_dir, now, "backup", actor, **backup_details(result))
    return result


def backup_details(result: BackupResult) -> dict[str, object]:
    """What the audit trail says about a backup: where it went, how big, why."""
    details: dict[str, object] = {"folder": str(result.backup.path), "size": result.backup.size,
                                  "reason": result.backup.reason.value}
    if result.mirror is not None:
        details["mirror"] = str(result.mirror)
    return details


def record_file_event(data_dir: Path, now: datetime, action: str, actor: Actor | None = None,
                      **details: object) -> None:
    """Put a backup or a restore on the audit trail of the database now in the folder: both work on
    files, outside any unit of work (a restore even replaces the trail it would have written to)."""
    from app.services import audit

    workspace = Workspace.open(data_dir, clock=lambda: now)
    try:
        with workspace.write(actor or workspace.system_actor()) as uow:
            audit.record(uow, action, "office", uow.office_id, after=details)
    finally:
        workspace.close()


def automatic_backup(workspace: Workspace, reason: Reason, actor: Actor | None = None) -> BackupResult | None:
    """The program's own backups (每日首次启动, 退出时) of a local SQLite data folder, mirrored when set.

    The daily one is skipped when any backup was already made today; a county server database is
    left to the server's own tools. Each one is audited like a manual backup, as ``actor`` (the user
    logged in) or the built-in system account. The event is written in its own short transaction
    after the backup folder is published: the snapshot never waits on it, and a power cut in between
    leaves a complete backup without its event, never an event for a backup that does not exist.
    """
    from app.machine_settings import MachineSettings

    if not workspace.has_local_file:
        return None
    now = workspace.clock()
    if reason is Reason.DAILY and backed_up_today(backups_dir(workspace.data_dir), now):
        return None
    mirror_dir = MachineSettings.load(workspace.data_dir).backup_mirror_dir
    result = create_backup(workspace.data_dir, reason, now, mirror=Path(mirror_dir) if mirror_dir else None)
    _record_backup(workspace, actor, result)
    return result


def _record_backup(workspace: Workspace, actor: Actor | None, result: BackupResult) -> None:
    from app.services import audit

    try:
        with workspace.write(actor or workspace.system_actor()) as uow:
            audit.record(uow, "backup", "office", uow.office_id, after=backup_details(result))
    except AccountClosed:
        # Deactivated while logged in: the program's own backup on exit is still recorded, as the system.
        _record_backup(workspace, None, result)


def _write_backup(database: Path, attachments: Path, root: Path, reason: Reason, now: datetime,
                  progress: Progress | None, cancelled: Cancelled | None,
                  ) -> tuple[BackupInfo, tuple[str, ...], tuple[str, ...]]:
    name = _free_name(root, now)
    partial = root / f"{PARTIAL_PREFIX}{name}"
    partial.mkdir()
    try:
        copy = partial / DATABASE_FILE
        revision, shas = _snapshot(database, copy)
        encrypted = cipher.is_encrypted(copy)
        if encrypted:  # without it the copy opens with no password or recovery code
            copy_key_file(key_file_path(database.parent), partial)
        db_hash, db_size = sha256_of(copy), copy.stat().st_size
        previous = newest_backup(root)
        stored: dict[str, int] = {}
        missing: list[str] = []
        damaged: list[str] = []
        sealed_hashes: dict[str, str] = {}
        for done, (sha, sealed) in enumerate(shas, start=1):
            file_name = stored_name(sha, sealed)
            source = blob_path(attachments, sha, sealed)
            target = blob_path(partial / ATTACHMENTS_DIR, sha, sealed)
            earlier = blob_path(previous / ATTACHMENTS_DIR, sha, sealed) if previous else None
            if not source.is_file():
                missing.append(file_name)
            elif sealed:
                # A sealed file's name is the hash of its plain content: record what its stored bytes
                # hash to, so restore and the mirror can verify the copy without the key.
                sealed_hashes[file_name] = copy_hashed(source, target)
                stored[file_name] = target.stat().st_size
            elif earlier is not None and earlier.is_file() and earlier.stat().st_size == source.stat().st_size:
                link_or_copy(earlier, target)
                stored[file_name] = source.stat().st_size
            elif copy_hashed(source, target) == sha:
                stored[file_name] = target.stat().st_size
            else:
                target.unlink()
                damaged.append(file_name)
            if progress is not None:
                progress(done, len(shas))
            if cancelled is not None and cancelled():
                raise StorageError("backup_cancelled", "备份已取消，没有留下不完整的备份")
        manifest = {
            "format": MANIFEST_FORMAT, "program": PROGRAM, "program_version": program_version(),
            "created_at": now.isoformat(timespec="seconds"), "reason": reason.value,
            "alembic_revision": revision, "encrypted": encrypted,
            "database": {"file": DATABASE_FILE, "sha256": db_hash, "size": db_size},
            "attachments": stored, "sealed_hashes": sealed_hashes,
            "missing_attachments": missing, "damaged_attachments": damaged,
        }
        write_durably(partial / MANIFEST_FILE,
                      json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
        final = root / name
        publish(partial, final)
    except BaseException:
        remove_tree(partial)
        raise
    info = BackupInfo(final, now, reason, db_size + sum(stored.values()), revision, manifest["program_version"])
    return info, tuple(missing), tuple(damaged)


def _stored_files(connection: Any) -> list[tuple[str, bool]]:
    """(hash, sealed) of every stored file; databases from before revision 0009 have no sealed ones."""
    columns = {row[1] for row in connection.execute("PRAGMA table_info(attachment)")}
    sealed = "encrypted" if "encrypted" in columns else "0"
    return [(sha, bool(flag)) for sha, flag in connection.execute(
        f"SELECT DISTINCT sha256, {sealed} FROM attachment ORDER BY 1, 2")]


def _snapshot(database: Path, copy: Path) -> tuple[str | None, list[tuple[str, bool]]]:
    """A consistent copy while the program may be writing (WAL readers never block writers)."""
    source = cipher.open_file(database, timeout=BUSY_TIMEOUT_S)
    # An encrypted database's copy is encrypted with the same key (SQLCipher's backup copies pages).
    target = cipher.connect(copy, cipher.key_for(database) if cipher.is_encrypted(database) else None)
    try:
        source.backup(target)
        # The copy inherits WAL mode; a backup must be one file that opens anywhere, read-only too.
        target.execute("PRAGMA journal_mode = DELETE")
        revision = _scalar(target, "SELECT version_num FROM alembic_version")
        try:
            shas = _stored_files(target)
        except cipher.errors() as exc:  # a database from before its first migration has no tables
            if not cipher.is_driver_error(exc, "OperationalError"):
                raise
            shas = []
    finally:
        target.close()
        source.close()
    fsync_file(copy)
    return revision, shas


def _scalar(connection: Any, sql: str) -> str | None:
    try:
        row = connection.execute(sql).fetchone()
    except cipher.errors() as exc:
        if not cipher.is_driver_error(exc, "OperationalError"):
            raise
        return None
    return row[0] if row else None


def _free_name(root: Path, now: datetime) -> str:
    base = f"{NAME_PREFIX}{now:%Y%m%d-%H%M%S}"
    name, n = base, 1
    while (root / name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _remove_partials(root: Path) -> None:
    """Left by a power cut or a full disk in the middle of an earlier backup."""
    for leftover in root.glob(f"{PARTIAL_PREFIX}*"):
        remove_tree(leftover)


def read_manifest(folder: Path) -> dict[str, object] | None:
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("program") != PROGRAM:
        return None
    return manifest


def _info(folder: Path, manifest: dict[str, object]) -> BackupInfo | None:
    try:
        database = manifest["database"]
        attachments = manifest.get("attachments") or {}
        assert isinstance(database, dict) and isinstance(attachments, dict)
        return BackupInfo(
            folder, datetime.fromisoformat(str(manifest["created_at"])), Reason(str(manifest["reason"])),
            int(database["size"]) + sum(int(v) for v in attachments.values()),
            manifest.get("alembic_revision"),  # type: ignore[arg-type]
            str(manifest.get("program_version", "")),
        )
    except (KeyError, ValueError, TypeError, AssertionError):
        return None


def list_backups(root: Path) -> list[BackupInfo]:
    """Complete backups in ``root``, newest first, each with the rotation tier that keeps it."""
    found: list[BackupInfo] = []
    if root.is_dir():
        for folder in root.iterdir():
            if folder.is_dir() and folder.name.startswith(NAME_PREFIX):
                manifest = read_manifest(folder)
                info = _info(folder, manifest) if manifest else None
                if info is not None:
                    found.append(info)
    # Oldest first by time and name, so of two backups in the same second the later one counts as newer.
    found.sort(key=lambda b: (b.created_at, b.path.name))
    tiers = plan_rotation((b.path, b.created_at) for b in found if b.reason not in SAFETY_REASONS)
    found = [BackupInfo(b.path, b.created_at, b.reason, b.size, b.revision, b.program_version,
                        tiers.get(b.path)) for b in found]
    return sorted(found, key=lambda b: (b.created_at, b.path.name), reverse=True)


def newest_backup(root: Path) -> Path | None:
    backups = list_backups(root)
    return backups[0].path if backups else None


def rotate_backups(root: Path) -> list[Path]:
    """Delete the backups the rotation no longer keeps; returns what was deleted."""
    backups = list_backups(root)
    safety = [b for b in backups if b.reason in SAFETY_REASONS]
    doomed = [b.path for b in backups if b.reason not in SAFETY_REASONS and b.tier is None]
    doomed += [b.path for b in safety[SAFETY_KEEP:]]
    for path in doomed:
        remove_tree(path)
    return doomed


def last_backup_time(data_dir: Path) -> datetime | None:
    backups = list_backups(backups_dir(data_dir))
    return backups[0].created_at if backups else None


def backed_up_today(root: Path, now: datetime) -> bool:
    """Whether any backup was made today: the first start of a day makes one otherwise."""
    return any(b.created_at.date() == now.date() for b in list_backups(root))


def _expected_hashes(backup: Path) -> dict[Path, str]:
    """What each file of a backup must hash to: the manifest's database hash, attachments by name."""
    manifest = read_manifest(backup) or {}
    sealed = manifest.get("sealed_hashes") or {}
    expected = {Path(ATTACHMENTS_DIR) / name[:2] / name: sealed.get(name, name)  # type: ignore[union-attr]
                for name in manifest.get("attachments", {})}  # type: ignore[union-attr]
    database = manifest.get("database")
    if isinstance(database, dict):
        expected[Path(DATABASE_FILE)] = str(database.get("sha256"))
    return expected


def mirror_backup(backup: Path, mirror: Path) -> Path:
    """Copy a finished backup into the mirror folder: written under a temporary name, fsynced, renamed."""
    mirror.mkdir(parents=True, exist_ok=True)
    _remove_partials(mirror)
    previous = newest_backup(mirror)
    partial = mirror / f"{PARTIAL_PREFIX}{backup.name}"
    expected = _expected_hashes(backup)
    try:
        for source in sorted(p for p in backup.rglob("*") if p.is_file()):
            relative = source.relative_to(backup)
            target = partial / relative
            earlier = previous / relative if previous else None
            if relative.parts[0] == ATTACHMENTS_DIR and earlier is not None and earlier.is_file():
                link_or_copy(earlier, target)
            else:
                written = copy_hashed(source, target)
                if relative in expected and written != expected[relative]:
                    raise OSError(errno.EIO, f"复制后校验值不符：{relative}")
        final = mirror / backup.name
        remove_tree(final)
        publish(partial, final)
    except BaseException:
        remove_tree(partial)
        raise
    rotate_backups(mirror)
    return final
