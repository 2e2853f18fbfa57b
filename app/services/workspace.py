"""An opened data folder and database: the object the CLI and the GUI hold to run use cases."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app.crypto import Keyring
from app.domain.enums import Role
from app.errors import NotFound, StorageError
from app.paths import ATTACHMENTS_DIR, VIEWING_DIR, default_database_url, resolve_data_dir
from app.services.context import Actor, LocalClock, UnitOfWork, system_clock
from db import migrate
from db.engine import Database
from db.models import Meta, UserAccount

LOCAL_OFFICE_KEY = "local_office_id"
SYSTEM_LOGIN = "system"


class Workspace:
    def __init__(self, database: Database, data_dir: Path, clock: LocalClock = system_clock) -> None:
        self.database = database
        self.data_dir = data_dir
        self.clock = clock
        self.keyring = Keyring()  # unlocked at login (app/services/data_keys.py)

    @classmethod
    def open(
        cls,
        data_dir: str | Path | None = None,
        db_url: str | None = None,
        *,
        clock: LocalClock = system_clock,
    ) -> Workspace:
        """Open (creating the folder and schema if needed) and migrate to the newest schema."""
        folder = resolve_data_dir(data_dir)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / ATTACHMENTS_DIR).mkdir(exist_ok=True)
        except OSError as exc:
            raise StorageError("data_dir", f"数据文件夹：无法创建 {folder}（{exc.strerror}）") from exc
        database = Database(db_url or default_database_url(folder))
        try:
            if migrate.needs_upgrade(database.engine):
                migrate.upgrade(database.engine)
        except OperationalError as exc:
            raise _storage_error(exc) from exc
        workspace = cls(database, folder, clock)
        workspace.clear_viewing()  # copies left by a crash
        return workspace

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / ATTACHMENTS_DIR

    @property
    def viewing_dir(self) -> Path:
        return self.data_dir / VIEWING_DIR

    def clear_viewing(self) -> None:
        """Delete the decrypted copies made for viewers (a file a viewer still holds open on Windows
        stays until the next start)."""
        shutil.rmtree(self.viewing_dir, ignore_errors=True)

    def close(self) -> None:
        self.keyring.lock()
        self.clear_viewing()
        self.database.dispose()

    @contextmanager
    def write(self, actor: Actor) -> Iterator[UnitOfWork]:
        """One use case that writes: everything it did is committed together or not at all."""
        try:
            with self.database.write() as session:
                yield UnitOfWork(session, actor, self.clock, keyring=self.keyring)
        except OperationalError as exc:
            raise _storage_error(exc) from exc

    @contextmanager
    def read(self, actor: Actor) -> Iterator[UnitOfWork]:
        try:
            with self.database.read() as session:
                yield UnitOfWork(session, actor, self.clock, keyring=self.keyring)
        except OperationalError as exc:
            raise _storage_error(exc) from exc

    def local_office_id(self) -> uuid.UUID | None:
        with self.database.read() as session:
            row = session.get(Meta, LOCAL_OFFICE_KEY)
            return uuid.UUID(row.value) if row else None

    def is_initialised(self) -> bool:
        return self.local_office_id() is not None

    def system_actor(self) -> Actor:
        """The built-in account the command line acts as (it cannot log in)."""
        with self.database.read() as session:
            user = session.scalars(
                select(UserAccount).where(UserAccount.login == SYSTEM_LOGIN, UserAccount.is_system)
            ).first()
            if user is None:
                raise NotFound("not_initialised", "数据库尚未初始化：请先运行 xinfang init")
            return actor_for(user)


def actor_for(user: UserAccount) -> Actor:
    return Actor(user.id, user.login, user.display_name, Role(user.role), user.office_id)


def _storage_error(exc: OperationalError) -> StorageError:
    detail = str(exc.orig) if exc.orig is not None else str(exc)
    if "locked" in detail or "busy" in detail:
        return StorageError("db_locked", "数据库正被另一程序占用，请稍后再试")
    if "disk" in detail or "full" in detail:
        return StorageError("db_full", "磁盘空间不足，无法写入数据库")
    if "malformed" in detail or "not a database" in detail:
        return StorageError("db_corrupt", "数据库文件已损坏，请从备份恢复")
    return StorageError("db_error", f"数据库错误：{detail}")


def database_size(workspace: Workspace) -> int | None:
    """Bytes on disk of an SQLite database (with its WAL); None for a server database."""
    if not workspace.database.is_sqlite:
        return None
    db_file = Path(workspace.database.engine.url.database or "")
    return sum(p.stat().st_size for p in (db_file, db_file.with_name(db_file.name + "-wal")) if p.exists())
