"""person.last_contact_at: the newest contact of each archive, kept by triggers

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 12:00:00.000000

The person list sorts by "most recent contact". Computing it per request meant grouping every
contact of the office (24 s at 1,000,000 contacts), so the newest ``contact.contact_at`` of each
person is stored on the person and indexed. Triggers keep it exact on every write path — the
services, sync imports, raw bulk loads — when a person is named on a contact, taken off one (merges
move links), or a contact's time is corrected. Each trigger recomputes from the person's own links
(a handful of rows through ix_contact_person_person_id), so it cannot drift.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

NEWEST = ("(SELECT max(c.contact_at) FROM contact_person cp JOIN contact c ON c.id = cp.contact_id "
          "WHERE cp.person_id = {person})")
SQLITE_TRIGGERS = {
    "person_last_contact_cp_ai": "AFTER INSERT ON contact_person BEGIN "
    "UPDATE person SET last_contact_at = {new} WHERE id = new.person_id; END",
    "person_last_contact_cp_au": "AFTER UPDATE OF person_id, contact_id ON contact_person BEGIN "
    "UPDATE person SET last_contact_at = {new} WHERE id = new.person_id; "
    "UPDATE person SET last_contact_at = {old} WHERE id = old.person_id; END",
    "person_last_contact_cp_ad": "AFTER DELETE ON contact_person BEGIN "
    "UPDATE person SET last_contact_at = {old} WHERE id = old.person_id; END",
    "person_last_contact_c_au": "AFTER UPDATE OF contact_at ON contact BEGIN "
    "UPDATE person SET last_contact_at = {person_id} "
    "WHERE id IN (SELECT person_id FROM contact_person WHERE contact_id = new.id); END",
}
PG_FUNCTIONS = """
CREATE FUNCTION person_last_contact_refresh(target uuid) RETURNS void LANGUAGE sql AS $$
    UPDATE person SET last_contact_at = {newest} WHERE id = target
$$;
CREATE FUNCTION person_last_contact_links() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN PERFORM person_last_contact_refresh(NEW.person_id); END IF;
    IF TG_OP <> 'INSERT' THEN PERFORM person_last_contact_refresh(OLD.person_id); END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION person_last_contact_contact() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM person_last_contact_refresh(cp.person_id) FROM contact_person cp WHERE cp.contact_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER person_last_contact_cp AFTER INSERT OR DELETE OR UPDATE OF person_id, contact_id
    ON contact_person FOR EACH ROW EXECUTE FUNCTION person_last_contact_links();
CREATE TRIGGER person_last_contact_c AFTER UPDATE OF contact_at
    ON contact FOR EACH ROW EXECUTE FUNCTION person_last_contact_contact();
"""


def upgrade() -> None:
    op.add_column('person', sa.Column('last_contact_at', sa.DateTime(), nullable=True))
    op.execute(f"UPDATE person SET last_contact_at = {NEWEST.format(person='person.id')}")
    # Walked backwards: newest first, never-contacted (NULL) last, ties in a stable order.
    op.create_index('ix_person_last_contact', 'person', ['last_contact_at', 'id'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} " + body.format(
                new=NEWEST.format(person="new.person_id"), old=NEWEST.format(person="old.person_id"),
                person_id=NEWEST.format(person="person.id")))
    else:
        op.execute(PG_FUNCTIONS.format(newest=NEWEST.format(person="target")))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS person_last_contact_cp ON contact_person")
        op.execute("DROP TRIGGER IF EXISTS person_last_contact_c ON contact")
        for function in ("person_last_contact_contact()", "person_last_contact_links()",
                         "person_last_contact_refresh(uuid)"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.drop_index('ix_person_last_contact', table_name='person')
    op.drop_column('person', 'last_contact_at')
