"""How writers queue on PostgreSQL (SQLite has one writer at a time: ``BEGIN IMMEDIATE``).

An ordinary unit of work takes ``EXCLUSIVE`` on ``audit_event`` before touching any row, so two never
wait for each other's row locks in opposite orders (a deadlock PostgreSQL breaks by failing one).

The sync import of a county hub takes ``ROW SHARE`` instead: it still waits for, and keeps out,
every ordinary writer, but not another import, so the packages of different townships — rows no two
of them own in common — are written side by side on the server's cores. What those imports do share
is the end of two chains, the audit trail's hash chain and the change numbers (both "the largest so
far + 1"); ``lock_chain`` queues them for that, and only for that.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

EXCLUSIVE = "LOCK TABLE audit_event IN EXCLUSIVE MODE"
SHARED = "LOCK TABLE audit_event IN ROW SHARE MODE"
# Advisory locks pg_advisory_xact_lock(class, key), released at commit or rollback.
_CHAIN = (0x78660001, 0)
_SENDERS = 0x78660002


def lock_chain(connection: Connection) -> None:
    """Before reading the head of the audit chain or the largest change number to extend it."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:class, :key)"),
                           {"class": _CHAIN[0], "key": _CHAIN[1]})


def lock_sender(connection: Connection, sender: str) -> None:
    """One import per sending office at a time (its received sequence numbers are read, then extended)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:class, hashtext(:sender))"),
                           {"class": _SENDERS, "sender": sender})
