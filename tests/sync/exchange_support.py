"""Helpers for the exchange tests: a county hub on SQLite or PostgreSQL, packages carried by hand."""

from __future__ import annotations

import uuid
from pathlib import Path

from typing import Any

from sqlalchemy import func, select, text

from app.domain.enums import OfficeLevel
from app.services.offices import OfficeSetup, initialise
from app.services.workspace import Workspace
from app.sync.changes import tables_for
from app.sync.exporting import ExportResult, export_packages
from app.sync.importing import ImportReport, import_package
from db import stats_day
from db.models import Contact, ContactPerson, Person
from db.row_codec import TableCodec
from tests.conftest import PASSWORD, Clock
from tests.sync.conftest import COUNTY_CODE

# Columns whose values legitimately differ between the sender's and the receiver's copy of a row.
RECEIVER_SIDE = {"user_account": {"login", "password_hash", "active", "failed_logins", "locked_until"},
                 "attachment": {"encrypted"}}


def county_on(folder: Path, url: str | None) -> Workspace:
    ws = Workspace.open(folder, url, clock=Clock())
    initialise(ws, OfficeSetup(name="某某县信访局", division_code=COUNTY_CODE, admin_login="admin",
                               admin_name="管理员", admin_password=PASSWORD, level=OfficeLevel.COUNTY))
    return ws


def send(sender: Workspace, folder: Path, **options: object) -> list[ExportResult]:
    folder.mkdir(parents=True, exist_ok=True)
    return export_packages(sender, sender.system_actor(), folder, **options)  # type: ignore[arg-type]


def receive(receiver: Workspace, path: Path, **options: bool) -> ImportReport:
    return import_package(receiver, receiver.system_actor(), path, **options)


def count(ws: Workspace, model: object, *where: object) -> int:
    with ws.database.read() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)))  # type: ignore[arg-type]


def owned_rows(ws: Workspace, office_id: uuid.UUID) -> dict[str, dict[str, dict[str, object]]]:
    """Every synced row the office owns, JSON-encoded, by table and id (to compare two databases)."""
    found: dict[str, dict[str, dict[str, object]]] = {}
    with ws.database.read() as session:
        for table in tables_for(OfficeLevel.TOWNSHIP):
            codec = TableCodec(table)
            owner = table.c.id if table.name == "office" else table.c.office_id
            skip = RECEIVER_SIDE.get(table.name, set())
            found[table.name] = {
                str(row["id"]): {k: v for k, v in codec.encode(row).items() if k not in skip}
                for row in session.execute(select(table).where(owner == office_id)).mappings()}
    return found


DAY_TABLES = ("SELECT office_id, day, channel, big, multi, is_repeat, skip_level, leader_reception, batches, "
              "person_visits FROM stats_day_class",
              "SELECT office_id, day, dimension, key, batches, person_visits FROM stats_day_key")


def derived_exact(ws: Workspace) -> list[list[tuple[Any, ...]]]:
    """The day tables and every person's last contact equal what a fresh computation gives; returns the
    day tables (to show a package moved them)."""
    with ws.database.engine.connect() as connection, connection.begin() as transaction:
        kept = _day_tables(connection)
        stats_day.rebuild_all(connection)
        assert _day_tables(connection) == kept
        newest = (select(func.max(Contact.contact_at)).join(ContactPerson, ContactPerson.contact_id == Contact.id)
                  .where(ContactPerson.person_id == Person.id).scalar_subquery())
        wrong = connection.execute(select(Person.name, Person.last_contact_at, newest)
                                   .where(Person.last_contact_at.is_distinct_from(newest))).all()
        assert not wrong
        transaction.rollback()
    return kept


def _day_tables(connection: Any) -> list[list[tuple[Any, ...]]]:
    return [sorted((tuple(str(v) for v in row) for row in connection.execute(text(q))), key=str)
            for q in DAY_TABLES]
