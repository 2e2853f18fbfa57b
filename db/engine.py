"""Engine and session set-up for SQLite (the township PC) and PostgreSQL (the county hub).

SQLite runs in WAL mode with foreign keys on and a busy timeout. Write units of work begin with
``BEGIN IMMEDIATE`` so two program instances queue for the write lock instead of failing when a read
transaction tries to turn into a write (SQLite refuses that upgrade without waiting). On PostgreSQL
they likewise queue on one lock before touching any row (db/write_locks.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from db import change_log, cipher, write_locks

BUSY_TIMEOUT_MS = 15_000
WAL_ATTEMPTS = 100


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _prepare_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's "begin" event below (pysqlite's own is wrong for us).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        _enable_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def _enable_wal(cursor: Any) -> None:
    """Two programs opening a new, empty file at once both try to turn it into WAL: SQLite fails one
    at once ("database is locked", without waiting for busy_timeout); on a retry it finds WAL set."""
    for attempt in range(WAL_ATTEMPTS):
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except cipher.errors() as exc:
            if not cipher.is_driver_error(exc, "OperationalError") or "locked" not in str(exc) \
                    or attempt == WAL_ATTEMPTS - 1:
                raise
            time.sleep(0.02)


def create_db_engine(url: str) -> Engine:
    """An engine for ``url``; an SQLCipher file is opened with the key this process holds for it
    (db/cipher.py; ``cipher.KeyMissing`` when there is none)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        if parsed.database and cipher.is_encrypted(path):
            engine = _encrypted_engine(url, path)
        else:
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _prepare_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _encrypted_engine(url: str, path: Path) -> Engine:
    key = cipher.key_for(path)
    if key is None:
        raise cipher.KeyMissing(path)
    module = cipher.driver()
    # SQLAlchemy's SQLite dialect over the sqlcipher3 module (same DB-API as sqlite3, so its errors are
    # wrapped as usual); the creator applies the key before the dialect's first statement.
    return create_engine(url, module=module,
                         creator=lambda: cipher.connect(path, key, timeout=BUSY_TIMEOUT_MS / 1000,
                                                        check_same_thread=False))


class Database:
    """One database: hands out sessions for reading and for one unit of work that writes."""

    def __init__(self, url: str) -> None:
        self.url = url
        change_log.install()
        self.engine = create_db_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        writer = self.engine.execution_options(sqlite_begin="IMMEDIATE") if self.is_sqlite else self.engine
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(writer, expire_on_commit=False)

    @contextmanager
    def write(self, *, beside_imports: bool = False) -> Iterator[Session]:
        """A unit of work: commits at the end, rolls back everything on any exception. With
        ``beside_imports`` (a sync import), it may run beside other imports on PostgreSQL (db/write_locks.py)."""
        with self._write() as session, session.begin():
            if not self.is_sqlite:
                session.execute(text(write_locks.SHARED if beside_imports else write_locks.EXCLUSIVE))
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session:
            try:
                yield session
            finally:
                session.rollback()

    def dispose(self) -> None:
        self.engine.dispose()
