"""person.last_contact_at for bulk writers: its triggers suspended, the touched persons recomputed at once.

Revision 0004 keeps ``person.last_contact_at`` exact with row triggers on ``contact_person`` (a link
written or removed) and ``contact`` (its time corrected). On PostgreSQL each firing runs one UPDATE of
person, planned anew and touching all of person's indexes: a sync package's 16,000 links cost the county
hub seconds. ``LAST_CONTACT`` tells ``db.deferred.Deferred`` which persons the written rows can
concern, and recomputes exactly those in one statement.
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, MetaData, Table, Uuid, func, select, update

from db.deferred import Derived, index_lookups
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


LAST_CONTACT = Derived(
    touched=Table("deferred_person", MetaData(), Column("person_id", Uuid), prefixes=["TEMPORARY"]),
    triggers={"contact_person": ("person_last_contact_cp",), "contact": ("person_last_contact_c",)},
    # A link names its person before the write (it may move to another) and after it; a contact's
    # time concerns the persons linked to it (writing contacts moves no link).
    before={"contact_person": lambda rows: select(_LINK.c.person_id).where(_LINK.c.id.in_(select(rows.c.id))),
            "contact": lambda rows: select(_LINK.c.person_id).where(_LINK.c.contact_id.in_(select(rows.c.id)))},
    after={"contact_person": lambda rows: select(rows.c.person_id)},
    make_up=_recompute,
)
