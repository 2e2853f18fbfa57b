"""An opened data folder and database: the object the CLI and the GUI hold to run use cases."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session

from app.crypto import Keyring
from app.domain.enums import Role
from app.domain.permissions import Permission, effective
from app.errors import AccountClosed, DomainError, NotFound, PermissionDenied, StorageError
from app.paths import ATTACHMENTS_DIR, DATABASE_FILE, VIEWING_DIR, default_database_url, resolve_data_dir
from app.services import audit
from app.services.context import Actor, LocalClock, UnitOfWork, system_clock
from app.services.folder_peek import KEY_FILE, LOCAL_OFFICE_KEY
from db import cipher, migrate
from db.engine import Database
from db.models import Meta, UserAccount

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
        migrations: Path | None = None,
        on_upgrade: Callable[[], None] | None = None,
    ) -> Workspace:
        """Open (creating the folder and schema if needed) and migrate to the newest schema.

        An existing database is backed up before its schema changes; a migration that fails is
        rolled back whole (it runs in one transaction) and reported, leaving the old database as it was.
        ``on_upgrade`` is told before a backup and upgrade start (they can take minutes).
        """
        folder = resolve_data_dir(data_dir)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / ATTACHMENTS_DIR).mkdir(exist_ok=True)
        except OSError as exc:
            raise StorageError("data_dir", f"数据文件夹：无法创建 {folder}（{exc.strerror}）") from exc
        try:
            database = Database(db_url or default_database_url(folder))
        except cipher.KeyMissing as exc:
            if not (folder / KEY_FILE).is_file():  # a damaged header looks like an encrypted one
                raise StorageError("db_corrupt", f"数据库文件已损坏，请从备份恢复（若它是加密的数据库，则是缺少"
                                   f"密钥文件 {KEY_FILE}：请从最近的备份文件夹复制回来）") from exc
            raise PermissionDenied("database_locked", "数据库已加密：须先用持有密钥的账号密码或恢复码解锁"
                                   "（命令行：加 --login 登录名，或 --recovery-code）", field="login") from exc
        try:
            if migrate.needs_upgrade(database.engine, migrations):
                if on_upgrade is not None:
                    on_upgrade()
                _upgrade_with_backup(database, folder, clock, migrations)
        except DatabaseError as exc:  # locked, full disk, or a file too damaged to read its version
            database.dispose()
            raise _storage_error(exc) from exc
        except DomainError:
            database.dispose()
            raise
        workspace = cls(database, folder, clock)
        workspace.clear_viewing()  # copies left by a crash
        if workspace.encrypted:
            workspace.sync_key_file()  # a cut between a commit and the file's rewrite
        return workspace

    @property
    def encrypted(self) -> bool:
        """Whether the database is the data folder's own file, encrypted with SQLCipher."""
        return self.has_local_file and cipher.is_encrypted(self.data_dir / DATABASE_FILE)

    def sync_key_file(self, *, strict: bool = False) -> None:
        """Rewrite xinfang.keys from the committed key wraps (app/services/key_file.py). A failure to
        write is left to the next open or wrap change unless ``strict``: the file in place still opens
        with the committed passwords (it holds the old wraps and the new ones)."""
        from app.services.key_file import write_key_file

        with self.database.read() as session:
            try:
                write_key_file(session, self.data_dir)
            except OSError:
                if strict:
                    raise

    @property
    def has_local_file(self) -> bool:
        """Whether the database is the data folder's own SQLite file (what backups copy)."""
        return uses_data_folder_file(self.database, self.data_dir)

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
    def write(self, actor: Actor, *, beside_imports: bool = False) -> Iterator[UnitOfWork]:
        """One use case that writes: everything it did is committed together or not at all.
        ``beside_imports``: a sync import, which may run beside other imports (db/write_locks.py)."""
        wraps_changed = False
        try:
            with self.database.write(beside_imports=beside_imports) as session:
                yield UnitOfWork(session, current_actor(session, actor), self.clock, keyring=self.keyring)
                wraps_changed = self._before_commit(session)
        except OperationalError as exc:
            raise _storage_error(exc) from exc
        if wraps_changed:
            self.sync_key_file()

    def _before_commit(self, session: Session) -> bool:
        """A unit of work that changed a key wrap of an encrypted database: write the key file with the
        old and the new wraps before the commit (either password opens it whenever a cut comes)."""
        from app.services.key_file import WRAPS_CHANGED, write_key_file

        if not session.info.get(WRAPS_CHANGED) or not self.encrypted:
            return False
        session.flush()
        try:
            write_key_file(session, self.data_dir, keep_current=True)
        except OSError as exc:  # the change is rolled back: nobody's password stops opening the file
            raise StorageError("key_file_write", f"密钥文件 {KEY_FILE} 无法写入（{exc.strerror or exc}），"
                               "本次修改未保存") from exc
        return True

    @contextmanager
    def read(self, actor: Actor) -> Iterator[UnitOfWork]:
        """A use case that only reads; what it opened or exported is audited once it has succeeded."""
        try:
            with self.database.read() as session:
                uow = UnitOfWork(session, current_actor(session, actor), self.clock, writable=False,
                                 keyring=self.keyring)
                yield uow
            if uow.accesses:
                with self.database.write() as session:
                    audit.record_accesses(UnitOfWork(session, uow.actor, self.clock, keyring=self.keyring),
                                          uow.accesses)
        except OperationalError as exc:
            raise _storage_error(exc) from exc

    def current(self, actor: Actor) -> Actor:
        """``actor`` as the stored account says now — for work outside a unit of work (a backup, a
        restore) that must not run on a session the administrator has since closed."""
        try:
            with self.database.read() as session:
                return current_actor(session, actor)
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


def permissions_of(user: UserAccount) -> frozenset[Permission]:
    """The user's role's permissions with the administrator's grant or revocation applied."""
    overrides = {} if user.read_accusation is None else {Permission.READ_ACCUSATION: user.read_accusation}
    return effective(Role(user.role), overrides)


def actor_for(user: UserAccount) -> Actor:
    return Actor(user.id, user.login, user.display_name, Role(user.role), user.office_id, permissions_of(user))


def current_actor(session: Session, actor: Actor) -> Actor:
    """``actor`` as their stored account says now, checked at the start of every unit of work (one
    primary-key read): an administrator's revocation, role change or deactivation applies to the very
    next operation of a running session, not at the next login."""
    user = session.get(UserAccount, actor.user_id)
    if user is None or not user.active:
        raise AccountClosed("account_closed", "您的账号已被管理员停用：本次操作未执行。请联系管理员。",
                            field="login")
    if Role(user.role) is actor.role and permissions_of(user) == actor.rights:
        return actor
    return actor_for(user)


def uses_data_folder_file(database: Database, folder: Path) -> bool:
    return database.is_sqlite and Path(database.engine.url.database or "").resolve() == (folder / DATABASE_FILE).resolve()


def _upgrade_with_backup(database: Database, folder: Path, clock: LocalClock, migrations: Path | None) -> None:
    from app.services.backup import Reason, create_backup

    engine = database.engine
    current = migrate.current_revision(engine)
    backup = None
    if current is not None and uses_data_folder_file(database, folder):
        backup = create_backup(folder, Reason.MIGRATION, clock()).backup.path
    try:
        migrate.upgrade(engine, location=migrations)
    except OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise
        raise _migration_failed(current, migrations, backup, exc) from exc
    except Exception as exc:  # noqa: BLE001 - any failure of a migration script is reported the same way
        raise _migration_failed(current, migrations, backup, exc) from exc


def _migration_failed(current: str | None, migrations: Path | None, backup: Path | None,
                      exc: Exception) -> StorageError:
    kept = f"升级前的备份在 {backup}。" if backup else ""
    return StorageError(
        "migration_failed",
        f"数据库升级失败（版本 {current or '空'} → {migrate.head_revision(migrations)}）：{exc}。"
        f"升级已全部撤销，原数据库未改动，可继续用旧版本程序打开。{kept}请联系技术支持。",
    )


def _storage_error(exc: DatabaseError) -> StorageError:
    detail = str(exc.orig) if exc.orig is not None else str(exc)
    if "locked" in detail or "busy" in detail:
        return StorageError("db_locked", "数据库正被另一程序占用，请稍后再试")
    if "disk" in detail or "full" in detail:
        return StorageError("db_full", "磁盘空间不足，无法写入数据库")
    if "not a database" in detail and getattr(exc, "orig", None) is not None \
            and type(exc.orig).__module__.startswith("sqlcipher3"):
        return StorageError("db_wrong_key", "数据库已加密，用这把密钥打不开：密钥文件 xinfang.keys 与数据库"
                            "不属于同一办公室，或数据库文件已损坏（请从备份恢复）")
    if "malformed" in detail or "not a database" in detail:
        return StorageError("db_corrupt", "数据库文件已损坏，请从备份恢复")
    return StorageError("db_error", f"数据库错误：{detail}")


def database_size(workspace: Workspace) -> int | None:
    """Bytes on disk of an SQLite database (with its WAL); None for a server database."""
    if not workspace.database.is_sqlite:
        return None
    db_file = Path(workspace.database.engine.url.database or "")
    return sum(p.stat().st_size for p in (db_file, db_file.with_name(db_file.name + "-wal")) if p.exists())
