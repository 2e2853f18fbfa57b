"""Fixtures for the database-layer tests: the same test on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.audit import GENESIS, event_hash
from app.services.context import Actor
from app.services.offices import OfficeSetup, initialise
from app.services.workspace import Workspace, actor_for
from db.models import AuditEvent, UserAccount
from tests.support.pg_plugin import database_name_for
from tests.support.postgres import PostgresServer

NOW = datetime(2026, 11, 23, 10, 0)  # a Monday, local wall-clock time
PASSWORD = "abc12345"
SETUP = OfficeSetup(
    name="某某县某某镇人民政府", short_name="某某镇", division_code="330106101000",
    parent_name="某某县信访局", admin_login="admin", admin_name="王管理", admin_password=PASSWORD,
    villages=("东风村", "红旗村"),
)


def fixed_clock() -> datetime:
    return NOW


BACKENDS = [pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty database: a new SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'x.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(scope="module", params=BACKENDS)
def module_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Like ``db_url``, but one database for a whole module: for tests that only read."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('module_db') / 'x.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = database_name_for(request.module.__name__)
    url = server.create_database(name)
    try:
        yield url
    finally:
        server.drop_database(name)


def _initialise(folder: Path, url: str | None = None) -> None:
    workspace = Workspace.open(folder, url, clock=fixed_clock)
    initialise(workspace, SETUP)
    workspace.close()


@pytest.fixture(scope="session")
def sqlite_office_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("office_template")
    _initialise(folder)
    return folder


@pytest.fixture(scope="session")
def postgres_office_template(
    postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    name = database_name_for("office_template")
    url = postgres_server.create_database(name)
    _initialise(tmp_path_factory.mktemp("office_template"), url)
    yield name
    postgres_server.drop_database(name)


@pytest.fixture(params=BACKENDS)
def office_ws(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Workspace]:
    """A workspace with an initialised township office: a copy of one prepared per session."""
    folder = tmp_path / "data"
    if request.param == "sqlite":
        shutil.copytree(request.getfixturevalue("sqlite_office_template"), folder)
        workspace = Workspace.open(folder, clock=fixed_clock)
        yield workspace
        workspace.close()
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue("postgres_office_template")
    name = database_name_for(request.node.name)
    with psycopg.connect(server.conninfo(), autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(template)))
    workspace = Workspace.open(folder, server.url(name), clock=fixed_clock)
    try:
        yield workspace
    finally:
        workspace.close()
        server.drop_database(name)


def actor_named(workspace: Workspace, login: str) -> Actor:
    with workspace.database.read() as session:
        return actor_for(session.scalars(select(UserAccount).where(UserAccount.login == login)).one())


@pytest.fixture
def admin(office_ws: Workspace) -> Actor:
    return actor_named(office_ws, "admin")


def chain_breaks(session: Session) -> list[str]:
    """What is wrong with the audit hash chain (empty when it is intact), checked row by row."""
    problems: list[str] = []
    previous = GENESIS
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    if [e.seq for e in events] != list(range(1, len(events) + 1)):
        problems.append(f"seq not 1..{len(events)}: {[e.seq for e in events]}")
    for event in events:
        if event.prev_hash != previous:
            problems.append(f"seq {event.seq}: prev_hash does not link to the previous event")
        if event_hash(event) != event.hash:
            problems.append(f"seq {event.seq}: hash does not match the stored content")
        previous = event.hash
    return problems
