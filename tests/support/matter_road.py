"""Drive matters through the real services on a fresh workspace and read back what they stored:
events, clocks, notices, audit (shared by the tests/app/test_matter_*.py files)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select

from app.domain.enums import Channel, MatterType
from app.services import audit, matter_steps as st, matters
from app.services.context import Actor
from app.services.contacts import NewContact, RegisteredContact, register_contact
from app.services.persons import PersonInput
from app.services.workspace import Workspace
from db.models import (
    AuditEvent,
    Contact,
    Document,
    Matter,
    MatterDeadline,
    MatterEvent,
    NumberSeries,
    Person,
    ResponsibleUnit,
)

D = date.fromisoformat
PREFIX = "某某镇信"


def register(ws: Workspace, actor: Actor, *, at: datetime = datetime(2026, 6, 1, 9, 0),
             name: str = "张三", subject: str = "0101") -> RegisteredContact:
    with ws.write(actor) as uow:
        return register_contact(uow, NewContact(
            channel=Channel.VISIT, contact_at=at, content="反映征地补偿款未按时发放",
            persons=(PersonInput(name=name),), subject_code=subject, matter_type=MatterType.CLAIM))


def do(ws: Workspace, actor: Actor, matter_id: uuid.UUID, step: st.Step) -> str:
    with ws.write(actor) as uow:
        return matters.perform(uow, matter_id, step).state


def matter_row(ws: Workspace, matter_id: uuid.UUID) -> SimpleNamespace:
    """The matter's stored columns (a plain snapshot: the read session expires ORM objects)."""
    with ws.database.read() as session:
        matter = session.get(Matter, matter_id)
        assert matter is not None
        return SimpleNamespace(**{c.key: getattr(matter, c.key) for c in Matter.__table__.columns})


def events(ws: Workspace, matter_id: uuid.UUID) -> list[tuple[int, str, str | None, str, date]]:
    with ws.database.read() as session:
        rows = session.scalars(select(MatterEvent).where(MatterEvent.matter_id == matter_id)
                               .order_by(MatterEvent.seq))
        return [(e.seq, e.action, e.from_state, e.to_state, e.occurred_on) for e in rows]


def clocks(ws: Workspace, matter_id: uuid.UUID) -> dict[str, tuple[date, int, str, date, date | None]]:
    with ws.database.read() as session:
        rows = session.scalars(select(MatterDeadline).where(MatterDeadline.matter_id == matter_id))
        return {d.clock: (d.starts_on, d.days, d.unit, d.due_on, d.met_on) for d in rows}


def docs(ws: Workspace, matter_id: uuid.UUID) -> list[tuple[str, str | None, date]]:
    with ws.database.read() as session:
        rows = session.scalars(select(Document).where(Document.matter_id == matter_id)
                               .order_by(Document.created_at))
        return [(d.kind, d.number, d.issued_on) for d in rows]


COUNTED = (Person, Contact, Matter, MatterEvent, MatterDeadline, Document, AuditEvent)


def counts(ws: Workspace) -> dict[str, Any]:
    with ws.database.read() as session:
        rows: dict[str, Any] = {m.__tablename__: session.scalar(select(func.count()).select_from(m))
                                for m in COUNTED}
        rows["series"] = sorted(tuple(row) for row in session.execute(
            select(NumberSeries.series, NumberSeries.year, NumberSeries.last_value)))
        return rows


def assert_audit_chain_intact(ws: Workspace) -> int:
    with ws.database.read() as session:
        rows = list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        previous = audit.GENESIS
        for n, row in enumerate(rows, 1):
            assert row.seq == n
            assert row.prev_hash == previous, f"chain broken before seq {row.seq}"
            assert audit.event_hash(row) == row.hash, f"audit event {row.seq} altered"
            previous = row.hash
        return len(rows)


def audit_actions(ws: Workspace, entity_id: uuid.UUID) -> list[str]:
    with ws.database.read() as session:
        return list(session.scalars(select(AuditEvent.action).where(
            AuditEvent.entity_id == str(entity_id)).order_by(AuditEvent.seq)))


def unit_id(ws: Workspace, name: str = "城建办") -> uuid.UUID:
    with ws.database.read() as session:
        return session.scalars(select(ResponsibleUnit.id).where(ResponsibleUnit.name == name)).one()
