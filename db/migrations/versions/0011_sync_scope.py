"""Sync scope: supervision replies as their own rows, leader-work rows tracked, key rows kept home

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 15:00:00.000000

* A supervision note (督办) belongs to the office that issued it; the answer now lives in
  ``supervision_reply``, owned by the office that gives it, so a county's note travels down and the
  township's reply travels up without either office overwriting the other's row. Existing answers
  move there: one written here on another office's note (a local edit) becomes a reply of this
  office, any other one a reply of the note's owner. Its id is derived from the note's id and the
  replying office, so the township's database and the county's make the same row.
* Every row of the leader-work, screening and key-person tables (and the moved replies) that has no
  change-log row gets one with a new change number, so the next package carries it (a number at or
  below the last acknowledgement would never be sent).
* ``data_key`` and ``key_wrap`` rows of other offices are removed: they never travel any more (a
  wrap is the office's file key under a user's password) and were only ever copied in by sync.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

import db.base

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# The same (note, office) gives the same reply id in every database.
REPLY_NAMESPACE = uuid.UUID("6c1f6a52-8f0e-4d8c-9a63-3b0f3f7d2a11")
TRACKED = ("reception_schedule", "leader_reception", "leader_reception_contact", "leader_reception_matter",
           "case_ownership", "case_progress", "village_reception", "petition_proxy", "screening_round",
           "screened_conflict", "key_person", "key_person_contact", "sensitive_period", "supervision_reply")

_supervision = sa.table("supervision", sa.column("id", sa.Uuid), sa.column("office_id", sa.Uuid),
                        sa.column("replied_on", sa.Date), sa.column("reply", sa.Text))
_reply = sa.table("supervision_reply", sa.column("id", sa.Uuid), sa.column("office_id", sa.Uuid),
                  sa.column("supervision_id", sa.Uuid), sa.column("replied_on", sa.Date),
                  sa.column("reply", sa.Text), sa.column("created_at", db.base.UtcDateTime()),
                  sa.column("updated_at", db.base.UtcDateTime()))
_local_edit = sa.table("sync_local_edit", sa.column("table_name", sa.String), sa.column("row_id", sa.Uuid),
                       sa.column("field", sa.String))
_meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.String))


def reply_id(supervision_id: uuid.UUID, office_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(REPLY_NAMESPACE, f"{supervision_id}/{office_id}")


def upgrade() -> None:
    bind = op.get_bind()
    local_text = bind.execute(sa.select(_meta.c.value).where(_meta.c.key == "local_office_id")).scalar()
    local = uuid.UUID(local_text) if local_text else None
    answered = bind.execute(sa.select(_supervision).where(_supervision.c.replied_on.is_not(None))).all()
    edited_here = set(bind.execute(sa.select(_local_edit.c.row_id).where(
        _local_edit.c.table_name == "supervision", _local_edit.c.field.in_(("replied_on", "reply")))).scalars())
    # Columns dropped before the new table refers to the rebuilt one (SQLite rebuilds the table).
    with op.batch_alter_table('supervision', schema=None) as batch_op:
        batch_op.drop_column('reply')
        batch_op.drop_column('replied_on')

    op.create_table('supervision_reply',
    sa.Column('supervision_id', sa.Uuid(), nullable=False),
    sa.Column('replied_on', sa.Date(), nullable=False),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_supervision_reply_office_id_office')),
    sa.ForeignKeyConstraint(['supervision_id'], ['supervision.id'],
                            name=op.f('fk_supervision_reply_supervision_id_supervision')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_reply')),
    sa.UniqueConstraint('supervision_id', 'office_id', name=op.f('uq_supervision_reply_supervision_id_office_id'))
    )
    with op.batch_alter_table('supervision_reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_reply_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_reply_supervision_id'), ['supervision_id'], unique=False)

    now = db.base.utcnow()
    rows = []
    for note in answered:
        office = local if note.id in edited_here and local is not None else note.office_id
        rows.append({"id": reply_id(note.id, office), "office_id": office, "supervision_id": note.id,
                     "replied_on": note.replied_on, "reply": note.reply or "", "created_at": now, "updated_at": now})
    if rows:
        op.bulk_insert(_reply, rows)
    bind.execute(sa.delete(_local_edit).where(_local_edit.c.table_name == "supervision",
                                              _local_edit.c.field.in_(("replied_on", "reply"))))

    _track_untracked()
    if local is not None:
        _forget_foreign_keys(local)


def _track_untracked() -> None:
    """Rows no change-log row names get the next change number (one number for them all)."""
    op.execute("CREATE TEMPORARY TABLE sync_scope_next AS "
               "SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM sync_change")
    for table in TRACKED:
        op.execute(f"INSERT INTO sync_change (table_name, row_id, seq, deleted, office_id) "
                   f"SELECT '{table}', t.id, (SELECT seq FROM sync_scope_next), false, t.office_id FROM {table} t "
                   f"WHERE NOT EXISTS (SELECT 1 FROM sync_change c "
                   f"WHERE c.table_name = '{table}' AND c.row_id = t.id)")
    op.execute("DROP TABLE sync_scope_next")


def _forget_foreign_keys(local: uuid.UUID) -> None:
    bind = op.get_bind()
    for name in ("key_wrap", "data_key"):
        table = sa.table(name, sa.column("id", sa.Uuid), sa.column("office_id", sa.Uuid))
        change = sa.table("sync_change", sa.column("table_name", sa.String), sa.column("row_id", sa.Uuid))
        foreign = sa.select(table.c.id).where(table.c.office_id != local)
        bind.execute(sa.delete(change).where(change.c.table_name == name, change.c.row_id.in_(foreign)))
        bind.execute(sa.delete(table).where(table.c.office_id != local))


def downgrade() -> None:
    with op.batch_alter_table('supervision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replied_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('reply', sa.Text(), nullable=False, server_default=''))
    bind = op.get_bind()
    for row in bind.execute(sa.select(_reply)).all():
        bind.execute(sa.update(_supervision).where(_supervision.c.id == row.supervision_id)
                     .values(replied_on=row.replied_on, reply=row.reply))
    op.execute("DELETE FROM sync_change WHERE table_name = 'supervision_reply'")
    with op.batch_alter_table('supervision_reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_reply_supervision_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_reply_office_id'))
    op.drop_table('supervision_reply')
