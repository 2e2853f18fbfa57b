"""Bring a database to the newest schema with alembic, called by the program (never by hand).

alembic is imported only when a database really needs upgrading: at an everyday start, the
revision stored in the database is compared with the newest revision file without it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Key of the PostgreSQL advisory lock that queues programs upgrading the same database at once.
UPGRADE_LOCK_KEY = 0x78696E66


def alembic_config(location: Path | None = None) -> Config:
    """``location``: another copy of the migrations folder (tests add a failing revision to one)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(location or MIGRATIONS_DIR))
    return config


def head_revision(location: Path | None = None) -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(location)).get_current_head()
    assert head is not None
    return head


def is_known_revision(revision: str, location: Path | None = None) -> bool:
    """Whether this program's migrations know ``revision`` (a newer program's database is unknown)."""
    from alembic.script import ScriptDirectory

    try:
        return ScriptDirectory.from_config(alembic_config(location)).get_revision(revision) is not None
    except Exception:  # noqa: BLE001 - alembic raises several kinds for an unknown id
        return False


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


_REVISION_LINE = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*['\"]?(\w+)['\"]?", re.MULTILINE)


def newest_revision_file(location: Path | None = None) -> str | None:
    """The head of a straight chain of revision files, read without alembic; None when the chain
    is not straight (then alembic decides)."""
    revisions, parents = set(), set()
    for script in ((location or MIGRATIONS_DIR) / "versions").glob("*.py"):
        found = dict((m.group(1), m.group(2)) for m in _REVISION_LINE.finditer(script.read_text("utf-8")))
        revisions.add(found.get("revision"))
        parents.add(found.get("down_revision"))
    heads = revisions - parents - {None}
    return heads.pop() if len(heads) == 1 else None


def stored_revision(engine: Engine) -> str | None:
    """The revision recorded in the database, read with plain SQL (no alembic import)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows[0] if len(rows) == 1 else None


def needs_upgrade(engine: Engine, location: Path | None = None) -> bool:
    newest = newest_revision_file(location)
    stored = stored_revision(engine)
    if newest is not None and stored is not None:
        return stored != newest
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
    from alembic import command

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
