"""Derived data made up after a bulk write: its PostgreSQL triggers told to stand aside, the touched keys recomputed once.

Some data is kept exact by triggers (``person.last_contact_at``, revision 0004; the report's day
tables, revision 0013). A bulk writer such as the sync import writes tens of thousands of rows per
statement, and those triggers then cost the server more than the rows themselves (per link an UPDATE
of person; per statement a regrouping of every touched day, the same contact regrouped once for its
row and again for its link). ``Deferred`` sets each kind's flag (a custom setting such as
``xinfang.defer_stats_day``, revision 0014) for the rest of the transaction — its trigger functions
return at once while it is ``on`` — notes from the rows about to be written (``before``) and written
(``after``) which keys they can concern (persons, office-days) in a temporary table per kind of data,
and in ``finish`` makes each kind up once for exactly those keys and clears the flags — before the commit.

A flag, not ``ALTER TABLE … DISABLE TRIGGER``: the setting belongs to this transaction alone
(``set_config(…, true)``), so it takes no table lock — two imports of different townships write the
same tables side by side (app/sync/import_queue.py) — needs no ownership of the tables, and a
rollback (a refused package, a crash) leaves nothing switched off. SQLite has no such setting: there
the flag is a row of ``trigger_deferral`` written in the import's transaction (one writer at a time,
so no other connection ever sees it) and removed before the commit; a rollback removes it too.

Between the first ``writing`` and ``finish`` every write of a table whose triggers stand aside must go
through ``writing``, or its effects would not be noted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Select, Table, text

# The keys a table's staged rows can concern: a SELECT of the touched table's columns, as a Core
# statement or SQL text in the dialect named (``rows`` is the table holding the rows), or None.
Notes = Callable[[Table, str], "Select[Any] | str | None"]


@dataclass(frozen=True)
class Derived:
    """One kind of trigger-kept data: its PostgreSQL triggers per table, how the rows written there
    name the keys it must recompute, and how it recomputes the keys of ``touched``."""

    touched: Table  # a TEMPORARY table of keys
    flag: str  # the setting its trigger functions read (revision 0014)
    tables: frozenset[str]  # the tables whose triggers keep it
    make_up: Callable[[Connection, Table], None]
    before: dict[str, Notes] = field(default_factory=dict)
    after: dict[str, Notes] = field(default_factory=dict)


def pg_guard(flag: str) -> str:
    """The first statement of a trigger function whose work ``Deferred`` makes up later: it returns
    at once while its transaction has ``flag`` on (unset it reads NULL, so the trigger works)."""
    return f"IF current_setting('{flag}', true) = 'on' THEN RETURN NULL; END IF;"


def sqlite_guard(flag: str) -> str:
    """The WHEN condition of such a SQLite trigger: no row ``flag`` in trigger_deferral (a trigger
    of the main schema cannot read a TEMP table; the row is only ever seen inside its transaction)."""
    return f"NOT EXISTS (SELECT 1 FROM trigger_deferral WHERE flag = '{flag}')"


@contextmanager
def index_lookups(connection: Connection, *, scans: bool = True) -> Iterator[None]:
    """PostgreSQL joins inside by nested loops from the noted keys through the big tables' indexes,
    and with ``scans=False`` reads no big table whole either. Tables filled minutes ago still carry
    the statistics of a small table until autovacuum analyses them: left to itself the planner hashed
    the whole contact and contact_person tables for every package, a cost growing with the hub.
    SQLite plans by its indexes anyway."""
    if connection.dialect.name != "postgresql":
        yield
        return
    settings = ("enable_hashjoin", "enable_mergejoin") + (() if scans else ("enable_seqscan",))
    before = [connection.execute(text(f"SELECT current_setting('{s}')")).scalar_one() for s in settings]
    for name in settings:
        connection.execute(text(f"SELECT set_config('{name}', 'off', true)"))
    yield
    for name, value in zip(settings, before):
        connection.execute(text("SELECT set_config(:name, :value, true)"), {"name": name, "value": value})


class Deferred:
    """The triggers of ``derived`` in one transaction's bulk writes, standing aside until ``finish``."""

    def __init__(self, connection: Connection, derived: tuple[Derived, ...]) -> None:
        self.connection = connection
        self.derived = derived
        self.started: list[Derived] = []
        self.dialect = connection.dialect.name

    @contextmanager
    def writing(self, table: str, rows: Table) -> Iterator[None]:
        """Around the writes of ``table``'s ``rows`` (a table of them): the keys they concern are noted."""
        concerned = [d for d in self.derived if table in d.tables]
        for derived in concerned:
            if derived not in self.started:
                derived.touched.create(self.connection)
                self._flag(derived, on=True)
                self.started.append(derived)
            self._note(derived, derived.before.get(table), rows)
        yield
        for derived in concerned:
            self._note(derived, derived.after.get(table), rows)

    def _flag(self, derived: Derived, *, on: bool) -> None:
        if self.dialect == "postgresql":
            self.connection.execute(text("SELECT set_config(:flag, :value, true)"),
                                    {"flag": derived.flag, "value": "on" if on else ""})
        elif on:
            self.connection.execute(text("INSERT INTO trigger_deferral (flag) VALUES (:flag)"), {"flag": derived.flag})
        else:
            self.connection.execute(text("DELETE FROM trigger_deferral WHERE flag = :flag"), {"flag": derived.flag})

    def _note(self, derived: Derived, notes: Notes | None, rows: Table) -> None:
        keys = notes(rows, self.dialect) if notes is not None else None
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
        """Every kind made up for its noted keys, its triggers back at work, its notes dropped."""
        for derived in self.started:
            derived.make_up(self.connection, derived.touched)
            self._flag(derived, on=False)
            derived.touched.drop(self.connection)
        self.started = []
