"""Migration 0012 on data written at revision 0010: notice rounds numbered by event order, and
matters an earlier ledger import opened flagged for review instead of running a decision clock."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

from db.migrate import upgrade
from tests.db.test_migrations import (
    AT, CONTACT, FIRST_REVISION, MATTER, OFFICE, SYSTEM, _column_type, _owned, engine, fill_at_first_revision,
)

__all__ = ["engine"]  # the fixture, parametrised over the back ends
LIVE_MATTER, LIVE_CONTACT = uuid.uuid4(), uuid.uuid4()


def _insert(connection: sa.Connection, name: str, values: dict[str, Any]) -> None:
    values = {k: v for k, v in values.items() if v is not None}  # PostgreSQL will not cast a NULL string
    table = sa.table(name, *(sa.column(k, _column_type(v)) for k, v in values.items()))
    connection.execute(table.insert().values(**values))


def _event(matter_id: uuid.UUID, seq: int, action: str, at: datetime) -> dict[str, Any]:
    row = _owned(matter_id=matter_id, seq=seq, action=action, from_state=None, to_state="registered",
                 occurred_on=date(2026, 3, 2), actor_id=SYSTEM, note="", data={})
    return row | {"created_at": at, "updated_at": at}


def test_ledger_matters_flagged_and_notices_numbered_by_event(engine: Engine) -> None:
    upgrade(engine, FIRST_REVISION)
    fill_at_first_revision(engine)  # MATTER, opened by CONTACT on 2 Mar 2026
    upgrade(engine, "0010")
    later = AT + timedelta(minutes=5)
    with engine.begin() as connection:
        # MATTER's contact came from a ledger import; LIVE_MATTER was registered at the desk.
        _insert(connection, "import_record", _owned(fingerprint="f" * 64, contact_id=CONTACT, source_name="台账.xlsx",
                                                    source_sha256="0" * 64, sheet="来访", row_number=6,
                                                    batch_id=uuid.uuid4()))
        _insert(connection, "matter", _owned(LIVE_MATTER, number="SX2026-00002", title="路灯不亮", matter_type="claim",
                                             subject_code="0101", state="registered", source="contact",
                                             simplified=False, confidential=False, case_leader="",
                                             registered_on=date(2026, 3, 2), assigned_by="", decision_reason="",
                                             referred_to="", no_notice_reason="", extension_reason="",
                                             resolution="unresolved", is_backlog=False))
        for matter_id in (MATTER, LIVE_MATTER):
            _insert(connection, "matter_event", _event(matter_id, 1, "register", AT))
            _insert(connection, "matter_deadline", _owned(matter_id=matter_id, clock="decision",
                                                          starts_on=date(2026, 3, 2), days=15, unit="calendar",
                                                          due_on=date(2026, 3, 17), met_on=None))
        _insert(connection, "matter_event", _event(LIVE_MATTER, 2, "decline", later))
        _insert(connection, "matter_event", _event(LIVE_MATTER, 3, "reopen", later + timedelta(minutes=5)))
        for name, at in (("before", later), ("after", later + timedelta(minutes=9))):
            _insert(connection, "document", _owned(kind="decline", number=name, issued_on=date(2026, 3, 2),
                                                   matter_id=LIVE_MATTER, issued_by_id=SYSTEM,
                                                   delivery_receiver="", delivery_note="")
                    | {"created_at": at, "updated_at": at})
    upgrade(engine)
    with engine.connect() as connection:
        flags = {uuid.UUID(str(r[0])): (bool(r[1]), bool(r[2])) for r in connection.execute(sa.text(
            "SELECT id, historical, needs_review FROM matter"))}
        clocks = {uuid.UUID(str(r[0])) for r in connection.execute(sa.text(
            "SELECT matter_id FROM matter_deadline WHERE clock = 'decision'"))}
        seqs = dict(connection.execute(sa.text("SELECT number, matter_event_seq FROM document")).all())
    assert flags == {MATTER: (True, True), LIVE_MATTER: (False, False)}
    assert clocks == {LIVE_MATTER}  # the ledger matter's false decision clock is gone
    # Numbered as the old timestamp comparison read them: the notice written with the decline (before
    # the reopening, event 3) falls before it, the later one after it.
    assert seqs == {"before": 1, "after": 3}
