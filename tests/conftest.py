"""Shared fixtures: a prepared database built once per session and copied for every test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from app.domain.enums import Role
from app.services.context import Actor
from app.services.offices import OfficeSetup, initialise
from app.services.workspace import Workspace, actor_for
from db import cipher
from db.models import UserAccount

pytest_plugins = ["tests.support.pg_plugin"]

# A Monday; every test runs "now" at this moment unless it moves the clock itself.
FIXED_NOW = datetime(2026, 11, 23, 10, 0)
PASSWORD = "abc12345"
VILLAGES = ("东风村", "红旗村", "幸福社区", "团结村")
ROLE_LOGINS = {
    Role.RECEPTIONIST: "jiedai",
    Role.HANDLER: "jingban",
    Role.LEADER: "lingdao",
    Role.COUNTY_READER: "xianji",
}


class Clock:
    """A settable clock for tests: ``clock.now`` is what the services see as the local time."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _build_template(folder: Path) -> None:
    ws = Workspace.open(folder, clock=Clock())
    initialise(ws, OfficeSetup(
        name="某某县某某镇人民政府", short_name="某某镇", division_code="330106101000",
        parent_name="某某县信访局", admin_login="admin", admin_name="王管理",
        admin_password=PASSWORD, villages=VILLAGES,
    ))
    from app.services.passwords import hash_password

    office_id = ws.local_office_id()
    with ws.database.write() as session:
        for role, login in ROLE_LOGINS.items():
            session.add(UserAccount(office_id=office_id, login=login, display_name=f"{login}用户",
                                    role=role.value, password_hash=hash_password(PASSWORD)))
    ws.close()


@pytest.fixture(autouse=True)
def _keys_forgotten_after_each_test() -> Iterator[None]:
    """Database-file keys live in the process (db/cipher.py): no test sees another's."""
    yield
    cipher.forget_all_keys()


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template")
    _build_template(folder)
    return folder


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ws(template_dir: Path, tmp_path: Path, clock: Clock) -> Iterator[Workspace]:
    """A fresh initialised township database (SQLite file) for one test."""
    folder = tmp_path / "data"
    shutil.copytree(template_dir, folder)
    workspace = Workspace.open(folder, clock=clock)
    yield workspace
    workspace.close()


def _actor(ws: Workspace, login: str) -> Actor:
    from sqlalchemy import select

    with ws.database.read() as session:
        return actor_for(session.scalars(select(UserAccount).where(UserAccount.login == login)).one())


@pytest.fixture
def admin(ws: Workspace) -> Actor:
    return _actor(ws, "admin")


@pytest.fixture
def actors(ws: Workspace, admin: Actor) -> dict[Role, Actor]:
    """One actor per role (the administrator included)."""
    return {Role.ADMIN: admin} | {role: _actor(ws, login) for role, login in ROLE_LOGINS.items()}
