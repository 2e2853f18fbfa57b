"""Write the hash-chained audit trail; every service change goes through ``record``."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.context import UnitOfWork
from db.models import AuditEvent
from db.write_locks import lock_chain

GENESIS = "0" * 64


def _jsonable(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    return value


def event_hash(event: AuditEvent) -> str:
    """SHA-256 over the previous hash and the event's content in a canonical form."""
    payload = {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "office_id": str(event.office_id) if event.office_id else None,
        "user_id": str(event.user_id) if event.user_id else None,
        "user_login": event.user_login,
        "action": event.action,
        "entity_type": event.entity_type,
        "entity_id": event.entity_id,
        "before": event.before,
        "after": event.after,
    }
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((event.prev_hash + canonical).encode("utf-8")).hexdigest()


def record(
    uow: UnitOfWork,
    action: str,
    entity_type: str,
    entity_id: uuid.UUID | str | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    if not uow.writable:
        # A change recorded in a read-only unit of work would be rolled back with it: a bug.
        raise RuntimeError(f"audit.record({action!r}) needs a write unit of work; use record_access")
    session = uow.session
    head = _chain_head(session)
    event = AuditEvent(
        seq=head[0] + 1,
        at=uow.utcnow(),
        office_id=uow.office_id,
        user_id=uow.actor.user_id,
        user_login=uow.actor.login,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id) if entity_id is not None else None,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        prev_hash=head[1],
    )
    event.hash = event_hash(event)
    session.add(event)
    session.info[_HEAD_KEY] = (session.get_transaction(), (event.seq, event.hash))
    return event


@dataclass(frozen=True)
class Access:
    """Somebody saw or took data out (opened, exported, printed) without changing anything."""

    action: str
    entity_type: str
    entity_id: str | None
    after: dict[str, Any] | None


def record_access(uow: UnitOfWork, action: str, entity_type: str, entity_id: uuid.UUID | str | None,
                  **details: Any) -> None:
    """Record an access in a write unit of work at once, in a read one when it has finished."""
    if uow.writable:
        record(uow, action, entity_type, entity_id, after=details or None)
    else:
        uow.accesses.append(Access(action, entity_type, str(entity_id) if entity_id is not None else None,
                                   _jsonable(details) if details else None))


def record_accesses(uow: UnitOfWork, accesses: list[Access]) -> None:
    for a in accesses:
        record(uow, a.action, a.entity_type, a.entity_id, after=a.after)


_HEAD_KEY = "audit_chain_head"


def _chain_head(session: Session) -> tuple[int, str]:
    """(seq, hash) of the newest event, read once per transaction.

    Writers are serialised (SQLite's BEGIN IMMEDIATE; on PostgreSQL the write lock, and for imports
    running side by side the chain lock, db/write_locks.py) until the commit, so the head cannot
    move under us and later events of this unit of work extend it.
    """
    cached = session.info.get(_HEAD_KEY)
    transaction = session.get_transaction()
    if cached is not None and cached[0] is transaction:
        return cached[1]
    lock_chain(session.connection())
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return (last.seq, last.hash) if last else (0, GENESIS)
