"""A township database from before revision 0011 upgrades and its next package carries what it
could not before: leader-work rows the change log never saw, and a reply written on the county's note."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from sqlalchemy import select

from app.services.matter_oversight import NewSupervision, add_supervision
from app.services.workspace import Workspace
from db.migrate import alembic_config, current_revision, head_revision
from db.models import DataKey, KeyWrap, SupervisionReply, SyncChange, SyncLink, SyncLocalEdit, SyncSent
from tests.conftest import Clock
from tests.support.matters import register
from tests.sync.exchange_support import count, owned_rows, receive, send
from tests.sync.stability_work import do_stability_work
from tests.sync.test_leader_work_sync import LEADER_TABLES

REPLY_NAMESPACE = uuid.UUID("6c1f6a52-8f0e-4d8c-9a63-3b0f3f7d2a11")  # as in the revision


def _downgrade_to_0010(ws: Workspace) -> None:
    """Back to the schema before this revision, the way db.migrate runs revisions on SQLite."""
    config = alembic_config()
    with ws.database.engine.connect() as connection:
        driver = connection.connection.driver_connection  # outside a transaction, where pragmas apply
        driver.execute("PRAGMA foreign_keys = OFF")
        driver.execute("PRAGMA legacy_alter_table = ON")
        with connection.begin():
            config.attributes["connection"] = connection
            command.downgrade(config, "0010")


def _reopen(ws: Workspace) -> Workspace:
    folder = ws.data_dir
    ws.close()
    return Workspace.open(folder, clock=Clock())


def test_an_old_township_database_upgrades_and_sends_what_it_held_back(enrolled, tmp_path: Path):
    county, township = enrolled
    matter = register(township, township.system_actor(), "反映拖欠工资")
    receive(county, send(township, tmp_path / "s1")[0].path)
    with county.write(county.system_actor()) as uow:
        note = add_supervision(uow, matter, NewSupervision(source="upper", supervisor="县信访局", request="请加快办理",
                                                           issued_on=date(2026, 11, 21)))
    receive(township, send(county, tmp_path / "back")[0].path)  # acknowledges package 1
    do_stability_work(township, 1)

    # The database as an older program left it: the reply written into the county's row (a local edit),
    # leader-work rows the change log never saw.
    _downgrade_to_0010(township)
    with township.database.engine.begin() as connection:
        connection.execute(sa.text("UPDATE supervision SET replied_on = '2026-11-23', reply = '已约谈' "
                                   "WHERE id = :id"), {"id": note.hex})
        connection.execute(sa.insert(SyncLocalEdit.__table__), [
            {"table_name": "supervision", "row_id": note, "field": "reply", "base_value": "",
             "edited_at": Clock()().astimezone()},
            {"table_name": "supervision", "row_id": note, "field": "replied_on", "base_value": None,
             "edited_at": Clock()().astimezone()}])
        connection.execute(sa.delete(SyncChange.__table__).where(SyncChange.table_name.in_(LEADER_TABLES)))
    township = _reopen(township)
    assert current_revision(township.database.engine) == head_revision()

    township_id = township.local_office_id()
    with township.database.read() as session:
        reply = session.scalars(select(SupervisionReply)).one()
        assert (reply.id, reply.office_id, reply.reply) == (
            uuid.uuid5(REPLY_NAMESPACE, f"{note}/{township_id}"), township_id, "已约谈")
        assert session.scalars(select(SyncLocalEdit)).all() == []
        acked = session.get(SyncSent, (county.local_office_id(), 1)).upto_change
        assert session.get(SyncLink, county.local_office_id()).last_acked_seq == 1
        tracked = session.scalars(select(SyncChange.seq).where(SyncChange.table_name.in_(LEADER_TABLES))).all()
        assert len(tracked) == 13 and min(tracked) > acked  # the next package carries them

    [package] = send(township, tmp_path / "s2")
    assert package.rows["supervision_reply"] == 1 and package.rows["case_ownership"] == 1
    receive(county, package.path)
    assert owned_rows(county, township_id) == owned_rows(township, township_id)
    township.close()


def test_a_county_database_forgets_the_key_rows_older_packages_brought(enrolled, tmp_path: Path):
    county, township = enrolled
    receive(county, send(township, tmp_path / "s1")[0].path)
    township_id = township.local_office_id()
    _downgrade_to_0010(county)
    with county.database.engine.begin() as connection:  # what a version-1 import stored
        key = uuid.uuid4()
        connection.execute(sa.insert(DataKey.__table__).values(
            id=key, office_id=township_id, public_key=bytes(32), created_at=Clock()().astimezone(),
            updated_at=Clock()().astimezone()))
        connection.execute(sa.insert(KeyWrap.__table__).values(
            id=uuid.uuid4(), office_id=township_id, data_key_id=key, user_id=None, kdf="argon2id", kdf_params={},
            salt=bytes(32), nonce=bytes(12), wrapped=bytes(48), created_at=Clock()().astimezone(),
            updated_at=Clock()().astimezone()))
    county = _reopen(county)
    assert count(county, DataKey) == 0 and count(county, KeyWrap) == 0
    county.close()
