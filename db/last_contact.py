"""person.last_contact_at for bulk writers: its triggers standing aside, the touched persons recomputed at once.

Revision 0004 keeps ``person.last_contact_at`` exact with row triggers on ``contact_person`` (a link
written or removed) and ``contact`` (its time corrected). On PostgreSQL each firing runs one UPDATE of
person, planned anew and touching all of person's indexes: a sync package's 16,000 links cost the county
hub seconds. ``LAST_CONTACT`` tells ``db.deferred.Deferred`` which persons the written rows can
concern, and recomputes exactly those in one statement.
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, MetaData, Table, Uuid, func, select, update

from db.deferred import Derived, index_lookups, pg_guard, sqlite_guard
from db.models import Contact, ContactPerson, Person

_LINK = ContactPerson.__table__
_CONTACT = Contact.__table__
_PERSON = Person.__table__


def _recompute(connection: Connection, touched: Table) -> None:
    """Every noted person's last contact as the triggers compute it — the newest contact_at of the
    contacts naming them — only changed values written, the row's own updated_at kept as the
    trigger keeps it. Per person a max() through the contact_person(person_id) index: proportional
    to the persons noted, not to the tables' size."""
    noted = select(touched.c.person_id).distinct().subquery()
    newest = (select(func.max(_CONTACT.c.contact_at))
              .select_from(_LINK.join(_CONTACT, _CONTACT.c.id == _LINK.c.contact_id))
              .where(_LINK.c.person_id == noted.c.person_id).scalar_subquery())
    values = select(noted.c.person_id, newest.label("newest")).subquery()
    with index_lookups(connection):
        connection.execute(update(_PERSON).where(_PERSON.c.id == values.c.person_id,
                                                 _PERSON.c.last_contact_at.is_distinct_from(values.c.newest))
                           .values(last_contact_at=values.c.newest, updated_at=_PERSON.c.updated_at))


LAST_CONTACT_FLAG = "xinfang.defer_last_contact"

# Revision 0004's row-trigger functions on PostgreSQL, standing aside while a bulk import makes the
# persons up itself (revision 0014).
PG_TRIGGER_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION person_last_contact_links() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {pg_guard(LAST_CONTACT_FLAG)}
    IF TG_OP <> 'DELETE' THEN PERFORM person_last_contact_refresh(NEW.person_id); END IF;
    IF TG_OP <> 'INSERT' THEN PERFORM person_last_contact_refresh(OLD.person_id); END IF;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION person_last_contact_contact() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {pg_guard(LAST_CONTACT_FLAG)}
    PERFORM person_last_contact_refresh(cp.person_id) FROM contact_person cp WHERE cp.contact_id = NEW.id;
    RETURN NULL;
END $$;
"""

_NEWEST = ("(SELECT max(c.contact_at) FROM contact_person cp JOIN contact c ON c.id = cp.contact_id "
           "WHERE cp.person_id = {person})")
# Revision 0004's SQLite row triggers, standing aside the same way (revision 0014).
SQLITE_TRIGGERS = {
    "person_last_contact_cp_ai": "AFTER INSERT ON contact_person WHEN {guard} BEGIN "
    "UPDATE person SET last_contact_at = {new} WHERE id = new.person_id; END",
    "person_last_contact_cp_au": "AFTER UPDATE OF person_id, contact_id ON contact_person WHEN {guard} BEGIN "
    "UPDATE person SET last_contact_at = {new} WHERE id = new.person_id; "
    "UPDATE person SET last_contact_at = {old} WHERE id = old.person_id; END",
    "person_last_contact_cp_ad": "AFTER DELETE ON contact_person WHEN {guard} BEGIN "
    "UPDATE person SET last_contact_at = {old} WHERE id = old.person_id; END",
    "person_last_contact_c_au": "AFTER UPDATE OF contact_at ON contact WHEN {guard} BEGIN "
    "UPDATE person SET last_contact_at = {person_id} "
    "WHERE id IN (SELECT person_id FROM contact_person WHERE contact_id = new.id); END",
}


def sqlite_trigger_sql() -> dict[str, str]:
    return {name: f"CREATE TRIGGER {name} " + body.format(
        guard=sqlite_guard(LAST_CONTACT_FLAG), new=_NEWEST.format(person="new.person_id"),
        old=_NEWEST.format(person="old.person_id"), person_id=_NEWEST.format(person="person.id"))
        for name, body in SQLITE_TRIGGERS.items()}


LAST_CONTACT = Derived(
    touched=Table("deferred_person", MetaData(), Column("person_id", Uuid), prefixes=["TEMPORARY"]),
    flag=LAST_CONTACT_FLAG,
    tables=frozenset({"contact_person", "contact"}),
    # A link names its person before the write (it may move to another) and after it; a contact's
    # time concerns the persons linked to it (writing contacts moves no link).
    before={"contact_person": lambda rows, _: select(_LINK.c.person_id).where(_LINK.c.id.in_(select(rows.c.id))),
            "contact": lambda rows, _: select(_LINK.c.person_id).where(_LINK.c.contact_id.in_(select(rows.c.id)))},
    after={"contact_person": lambda rows, _: select(rows.c.person_id)},
    make_up=_recompute,
)
