"""Derived data made up after a bulk write: its PostgreSQL triggers suspended, the touched keys recomputed once.

Some data is kept exact by triggers (``person.last_contact_at``, revision 0004; the report's day
tables, revision 0013). A bulk writer such as the sync import writes tens of thousands of rows per
statement, and those triggers then cost the server more than the rows themselves (per link an UPDATE
of person; per statement a regrouping of every touched day, the same contact regrouped once for its
row and again for its link). ``Deferred`` switches such triggers off for the rest of the transaction,
notes from the rows about to be written (``before``) and written (``after``) which keys they can
concern (persons, office-days) in a temporary table per kind of data, and in ``finish`` makes each
kind up once for exactly those keys and switches the triggers on again — before the commit.

Crash safety: ``ALTER TABLE … DISABLE TRIGGER`` is transactional, so a rollback (a refused package, a
crash) undoes it together with the rows; it takes a SHARE ROW EXCLUSIVE lock, so readers go on and
other writers wait, as they already do for the write lock. Only an owner may switch a table's
triggers: where this program's role does not own the tables, or on SQLite (no way to switch a
trigger off), nothing is suspended and the triggers simply run.

Between the first ``writing`` and ``finish`` every write of a table whose triggers are off must go
through ``writing``, or its effects would not be noted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Select, Table, text

# The keys a table's staged rows can concern: a SELECT of the touched table's columns, as a Core
# statement or SQL text (``rows`` is the table holding the rows), or None.
Notes = Callable[[Table], "Select[Any] | str | None"]


@dataclass(frozen=True)
class Derived:
    """One kind of trigger-kept data: its PostgreSQL triggers per table, how the rows written there
    name the keys it must recompute, and how it recomputes the keys of ``touched``."""

    touched: Table  # a TEMPORARY table of keys
    triggers: dict[str, tuple[str, ...]]
    make_up: Callable[[Connection, Table], None]
    before: dict[str, Notes] = field(default_factory=dict)
    after: dict[str, Notes] = field(default_factory=dict)


@contextmanager
def index_lookups(connection: Connection, *, scans: bool = True) -> Iterator[None]:
    """PostgreSQL joins inside by nested loops from the noted keys through the big tables' indexes,
    and with ``scans=False`` reads no big table whole either. Tables filled minutes ago still carry
    the statistics of a small table until autovacuum analyses them: left to itself the planner hashed
    the whole contact and contact_person tables for every package, a cost growing with the hub."""
    settings = ("enable_hashjoin", "enable_mergejoin") + (() if scans else ("enable_seqscan",))
    before = [connection.execute(text(f"SELECT current_setting('{s}')")).scalar_one() for s in settings]
    for name in settings:
        connection.execute(text(f"SELECT set_config('{name}', 'off', true)"))
    yield
    for name, value in zip(settings, before):
        connection.execute(text("SELECT set_config(:name, :value, true)"), {"name": name, "value": value})


class Deferred:
    """The triggers of ``derived`` in one transaction's bulk writes, suspended and made up for in ``finish``."""

    def __init__(self, connection: Connection, derived: tuple[Derived, ...]) -> None:
        self.connection = connection
        self.derived = derived
        self.started: list[Derived] = []
        self.suspended: list[tuple[str, str]] = []
        self._owned: bool | None = None

    @contextmanager
    def writing(self, table: str, rows: Table) -> Iterator[None]:
        """Around the writes of ``table``'s ``rows`` (a table of them): the keys they concern are noted."""
        concerned = [d for d in self.derived if table in d.triggers]
        if not concerned or not self._may_suspend():
            yield
            return
        for derived in concerned:
            if derived not in self.started:
                derived.touched.create(self.connection)
                self.started.append(derived)
            for name in derived.triggers[table]:
                if (table, name) not in self.suspended:
                    self.connection.execute(text(f'ALTER TABLE "{table}" DISABLE TRIGGER "{name}"'))
                    self.suspended.append((table, name))
            self._note(derived, derived.before.get(table), rows)
        yield
        for derived in concerned:
            self._note(derived, derived.after.get(table), rows)

    def _note(self, derived: Derived, notes: Notes | None, rows: Table) -> None:
        keys = notes(rows) if notes is not None else None
        if keys is None:
            return
        # Left to the planner: forced nested loops once put the (unindexed) staged rows on the inner
        # side while contact_person still looked small — 16 s for one package.
        if isinstance(keys, str):
            columns = ", ".join(c.name for c in derived.touched.columns)
            self.connection.exec_driver_sql(f"INSERT INTO {derived.touched.name} ({columns}) {keys}")
        else:
            self.connection.execute(derived.touched.insert().from_select(list(derived.touched.c.keys()), keys))

    def finish(self) -> None:
        """Every kind made up for its noted keys, its triggers on again, its notes dropped."""
        for derived in self.started:
            derived.make_up(self.connection, derived.touched)
        for table, name in self.suspended:
            self.connection.execute(text(f'ALTER TABLE "{table}" ENABLE TRIGGER "{name}"'))
        for derived in self.started:
            derived.touched.drop(self.connection)
        self.started, self.suspended = [], []

    def _may_suspend(self) -> bool:
        """PostgreSQL, and our role owns the tables (only an owner may switch their triggers)."""
        if self._owned is None:
            tables = sorted({t for d in self.derived for t in d.triggers})
            self._owned = self.connection.dialect.name == "postgresql" and bool(self.connection.execute(text(
                "SELECT bool_and(pg_has_role(relowner, 'MEMBER')) FROM pg_class "
                "WHERE oid = ANY(CAST(:names AS regclass[]))"), {"names": tables}).scalar())
        return self._owned
