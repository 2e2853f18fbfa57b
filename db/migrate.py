"""Bring a database to the newest schema with alembic, called by the program (never by hand)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Key of the PostgreSQL advisory lock that queues programs upgrading the same database at once.
UPGRADE_LOCK_KEY = 0x78696E66


def alembic_config(location: Path | None = None) -> Config:
    """``location``: another copy of the migrations folder (tests add a failing revision to one)."""
    config = Config()
    config.set_main_option("script_location", str(location or MIGRATIONS_DIR))
    return config


def head_revision(location: Path | None = None) -> str:
    head = ScriptDirectory.from_config(alembic_config(location)).get_current_head()
    assert head is not None
    return head


def is_known_revision(revision: str, location: Path | None = None) -> bool:
    """Whether this program's migrations know ``revision`` (a newer program's database is unknown)."""
    try:
        return ScriptDirectory.from_config(alembic_config(location)).get_revision(revision) is not None
    except Exception:  # noqa: BLE001 - alembic raises several kinds for an unknown id
        return False


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def needs_upgrade(engine: Engine, location: Path | None = None) -> bool:
    return current_revision(engine) != head_revision(location)


def upgrade(engine: Engine, revision: str = "head", *, location: Path | None = None) -> None:
    """Migrate in one transaction that holds the write lock, so a second program starting at the
    same moment waits and then finds the schema already at ``revision``.

    SQLite's batch mode rebuilds a table by dropping it, which enforced foreign keys refuse while
    other tables refer to it: they are off during the migration (the pragma is ignored inside a
    transaction) and every reference is checked before the commit instead. For the same rebuild,
    ``legacy_alter_table`` is on: the final RENAME of the new table would otherwise re-check every
    trigger naming the table (those of revision 0004 on contact_person name person) while the old
    table is already gone, and fail.
    """
    config = alembic_config(location)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _set_foreign_keys(connection, "OFF")
            _driver_pragma(connection, "legacy_alter_table = ON")
        try:
            with connection.execution_options(sqlite_begin="IMMEDIATE").begin():
                if not sqlite:
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                       {"key": UPGRADE_LOCK_KEY})
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite:
                    _check_foreign_keys(connection)
        finally:
            if sqlite:
                _driver_pragma(connection, "legacy_alter_table = OFF")
                _set_foreign_keys(connection, "ON")


def _set_foreign_keys(connection: Connection, state: str) -> None:
    _driver_pragma(connection, f"foreign_keys = {state}")


def _driver_pragma(connection: Connection, pragma: str) -> None:
    # On the driver connection: through SQLAlchemy the statement would open a transaction first.
    driver = connection.connection.driver_connection
    driver.execute(f"PRAGMA {pragma}")  # type: ignore[union-attr]


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"migration left {len(broken)} broken references, e.g. {tuple(broken[0])}")
