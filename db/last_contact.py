"""person.last_contact_at for bulk writers: its row triggers suspended, the touched persons refreshed at once.

Revision 0004 keeps ``person.last_contact_at`` exact with row triggers on ``contact_person`` (a link
written or removed) and ``contact`` (its time corrected). On PostgreSQL each firing runs one UPDATE of
person, planned anew and touching all of person's indexes: a sync package's 16,000 links cost the county
hub seconds. ``Deferred`` switches those triggers off for the rest of the transaction, notes which
persons the written rows can concern, and in ``finish`` recomputes exactly those in one statement and
switches the triggers on again, before the commit. ``ALTER TABLE … DISABLE TRIGGER`` is transactional
(a rollback undoes it) and takes a SHARE ROW EXCLUSIVE lock: readers go on, other writers wait as they
already do for the write lock. SQLite's triggers are cheap and cannot be switched off: nothing changes
there, nor where this program's role does not own the tables (then the triggers simply run).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Connection, MetaData, Select, Table, Uuid, func, select, text, update

from db.models import Contact, ContactPerson, Person

_LINK = ContactPerson.__table__
_CONTACT = Contact.__table__
_PERSON = Person.__table__
Persons = Callable[[Table], "Select[Any] | None"]


@dataclass(frozen=True)
class Trigger:
    """A table's PostgreSQL trigger (migration 0004) and the persons its rows about to be written
    (``before``) and written (``after``) can concern, given a table holding those rows."""

    name: str
    before: Persons
    after: Persons


TRIGGERS: dict[str, Trigger] = {
    # A link names its person before the write (it may move to another) and after it.
    "contact_person": Trigger("person_last_contact_cp",
                              lambda rows: select(_LINK.c.person_id).where(_LINK.c.id.in_(select(rows.c.id))),
                              lambda rows: select(rows.c.person_id)),
    # A contact's time concerns the persons linked to it; writing contacts moves no link.
    "contact": Trigger("person_last_contact_c",
                       lambda rows: select(_LINK.c.person_id).where(_LINK.c.contact_id.in_(select(rows.c.id))),
                       lambda rows: None),
}


class Deferred:
    """The last-contact triggers of one transaction's bulk writes, suspended and made up for in ``finish``."""

    TOUCHED = "sync_touched_person"

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.postgresql = connection.dialect.name == "postgresql"
        self.suspended: list[str] = []
        self._owned: bool | None = None
        self.touched = Table(self.TOUCHED, MetaData(), Column("person_id", Uuid), prefixes=["TEMPORARY"])

    @contextmanager
    def writing(self, table: str, rows: Table) -> Iterator[None]:
        """Around the writes of ``table``'s ``rows`` (a table of them): their persons are noted."""
        trigger = TRIGGERS.get(table)
        if trigger is None or not self._may_suspend():
            yield
            return
        if not self.suspended:
            self.touched.create(self.connection)
        if table not in self.suspended:
            self.connection.execute(text(f'ALTER TABLE "{table}" DISABLE TRIGGER "{trigger.name}"'))
            self.suspended.append(table)
        self._note(trigger.before(rows))
        yield
        self._note(trigger.after(rows))

    def _note(self, persons: Select[Any] | None) -> None:
        if persons is not None:
            self.connection.execute(self.touched.insert().from_select(["person_id"], persons))

    def finish(self) -> None:
        """Every noted person's last contact recomputed as the triggers do — the newest contact_at of
        the contacts naming them — only changed values written, the row's own updated_at kept as the
        trigger keeps it; triggers back on."""
        if not self.suspended:
            return
        # One grouped join, not a subquery per person: linear whatever the planner's statistics say
        # (tables filled within minutes may still look empty to it, and a per-person seq scan was quadratic).
        noted = select(self.touched.c.person_id).distinct().subquery()
        newest = (select(noted.c.person_id, func.max(_CONTACT.c.contact_at).label("newest"))
                  .select_from(noted.outerjoin(_LINK, _LINK.c.person_id == noted.c.person_id)
                               .outerjoin(_CONTACT, _CONTACT.c.id == _LINK.c.contact_id))
                  .group_by(noted.c.person_id).subquery())
        self.connection.execute(update(_PERSON).where(_PERSON.c.id == newest.c.person_id,
                                                      _PERSON.c.last_contact_at.is_distinct_from(newest.c.newest))
                                .values(last_contact_at=newest.c.newest, updated_at=_PERSON.c.updated_at))
        for table in self.suspended:
            self.connection.execute(text(f'ALTER TABLE "{table}" ENABLE TRIGGER "{TRIGGERS[table].name}"'))
        self.touched.drop(self.connection)
        self.suspended = []

    def _may_suspend(self) -> bool:
        """PostgreSQL, and our role owns the tables (only an owner may switch their triggers)."""
        if self._owned is None:
            self._owned = self.postgresql and bool(self.connection.execute(text(
                "SELECT bool_and(pg_has_role(relowner, 'MEMBER')) FROM pg_class WHERE oid = ANY(CAST(:names AS regclass[]))"),
                {"names": list(TRIGGERS)}).scalar())
        return self._owned
