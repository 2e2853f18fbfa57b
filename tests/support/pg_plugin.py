"""pytest plugin: a throwaway PostgreSQL server for the tests that ask for one.

Registered by tests/conftest.py with ``pytest_plugins = ["tests.support.pg_plugin"]``.

Fixtures:
    postgres_server  (session)  the running tests.support.postgres.PostgresServer
    postgres_url     (function) SQLAlchemy URL of a fresh empty database, named
                                after the test and dropped after it

Tests using either fixture get the ``postgres`` marker, so ``-m "not postgres"``
deselects them.  Without PostgreSQL binaries these tests are skipped, unless
XINFANG_REQUIRE_PG=1 (scripts/test and CI set it): then they fail.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator

import pytest

from tests.support.postgres import PG_BIN_ENV, PostgresNotFound, PostgresServer, find_pg_bin

REQUIRE_PG_ENV = "XINFANG_REQUIRE_PG"
_FIXTURES = ("postgres_server", "postgres_url")


def _pg_required() -> bool:
    return os.environ.get(REQUIRE_PG_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def database_name_for(test_name: str) -> str:
    """A unique, valid database name derived from a test's name (at most 63 bytes)."""
    slug = re.sub(r"[^a-z0-9]+", "_", test_name.lower()).strip("_") or "test"
    return f"{slug[:52]}_{secrets.token_hex(4)}"


def pytest_configure(config: pytest.Config) -> None:
    if not any(line.split(":")[0].strip() == "postgres" for line in config.getini("markers")):
        config.addinivalue_line("markers", "postgres: needs the throwaway PostgreSQL server")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(name in getattr(item, "fixturenames", ()) for name in _FIXTURES):
            item.add_marker("postgres")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        bindir = find_pg_bin()
    except PostgresNotFound as exc:
        pytest.fail(str(exc), pytrace=False)
    if bindir is None:
        reason = (
            "PostgreSQL server binaries (initdb, pg_ctl) not found in "
            f"${PG_BIN_ENV}, /usr/lib/postgresql/*/bin or PATH; install the Debian "
            f"package 'postgresql' (scripts/test does) or set {PG_BIN_ENV} to "
            "PostgreSQL's bin folder"
        )
        if _pg_required():
            pytest.fail(f"{reason} ({REQUIRE_PG_ENV}=1 forbids skipping)", pytrace=False)
        pytest.skip(reason)
    with PostgresServer(bindir) as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer, request: pytest.FixtureRequest) -> Iterator[str]:
    name = database_name_for(request.node.name)
    url = postgres_server.create_database(name)
    try:
        yield url
    finally:
        postgres_server.drop_database(name)
