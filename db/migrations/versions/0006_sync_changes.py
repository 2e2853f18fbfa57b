"""sync data: change log, per-partner sequences, import history, review queue, county assignments

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 11:46:28.581979

Rows already stored get change number 1, so the first export after the upgrade carries them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.base


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# The tables whose rows travel at this revision and the column naming each row's owner; frozen here.
SYNCED = (
    ("office", "id"), ("user_account", "office_id"), ("village", "office_id"),
    ("responsible_unit", "office_id"), ("subject", "NULL"), ("person", "office_id"),
    ("person_phone", "office_id"), ("person_tag", "office_id"), ("person_merge", "office_id"),
    ("matter", "office_id"), ("matter_petitioner", "office_id"), ("matter_event", "office_id"),
    ("matter_deadline", "office_id"), ("supervision", "office_id"), ("contact", "office_id"),
    ("contact_person", "office_id"), ("attachment", "office_id"), ("document", "office_id"),
    ("report_submission", "office_id"), ("report_correction", "office_id"), ("import_record", "office_id"),
)


def upgrade() -> None:
    op.create_table('sync_change',
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('row_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('office_id', sa.Uuid(), nullable=True),
    sa.PrimaryKeyConstraint('table_name', 'row_id', name=op.f('pk_sync_change'))
    )
    with op.batch_alter_table('sync_change', schema=None) as batch_op:
        batch_op.create_index('ix_sync_change_owner_seq', ['office_id', 'seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_sync_change_seq'), ['seq'], unique=False)

    op.create_table('sync_local_edit',
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('row_id', sa.Uuid(), nullable=False),
    sa.Column('field', sa.String(length=60), nullable=False),
    sa.Column('base_value', sa.JSON(), nullable=True),
    sa.Column('edited_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('table_name', 'row_id', 'field', name=op.f('pk_sync_local_edit'))
    )
    op.create_table('assignment',
    sa.Column('to_office_id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=400), nullable=False),
    sa.Column('matter_type', sa.String(length=30), nullable=False),
    sa.Column('subject_code', sa.String(length=20), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('assigned_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('report_required', sa.String(length=100), nullable=False),
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_assignment_office_id_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment'))
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_to_office_id'), ['to_office_id'], unique=False)

    op.create_table('sync_conflict',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('partner_id', sa.Uuid(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('row_id', sa.Uuid(), nullable=False),
    sa.Column('field', sa.String(length=60), nullable=False),
    sa.Column('local_value', sa.JSON(), nullable=True),
    sa.Column('incoming_value', sa.JSON(), nullable=True),
    sa.Column('detected_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('resolution', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['partner_id'], ['sync_partner.id'], name=op.f('fk_sync_conflict_partner_id_sync_partner')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_conflict'))
    )
    with op.batch_alter_table('sync_conflict', schema=None) as batch_op:
        batch_op.create_index('ix_sync_conflict_open', ['resolved_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sync_conflict_partner_id'), ['partner_id'], unique=False)

    op.create_table('sync_import',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('partner_id', sa.Uuid(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=400), nullable=False),
    sa.Column('imported_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('forced', sa.Boolean(), nullable=False),
    sa.Column('missing', sa.JSON(), nullable=False),
    sa.Column('superseded', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['sync_partner.id'], name=op.f('fk_sync_import_partner_id_sync_partner')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_import'))
    )
    with op.batch_alter_table('sync_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_import_partner_id'), ['partner_id'], unique=False)

    op.create_table('sync_link',
    sa.Column('partner_id', sa.Uuid(), nullable=False),
    sa.Column('last_sent_seq', sa.Integer(), nullable=False),
    sa.Column('last_acked_seq', sa.Integer(), nullable=False),
    sa.Column('last_received_seq', sa.Integer(), nullable=False),
    sa.Column('received', sa.JSON(), nullable=False),
    sa.Column('last_import_at', db.base.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['partner_id'], ['sync_partner.id'], name=op.f('fk_sync_link_partner_id_sync_partner')),
    sa.PrimaryKeyConstraint('partner_id', name=op.f('pk_sync_link'))
    )
    op.create_table('sync_sent',
    sa.Column('partner_id', sa.Uuid(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('since_change', sa.BigInteger(), nullable=False),
    sa.Column('upto_change', sa.BigInteger(), nullable=False),
    sa.Column('full', sa.Boolean(), nullable=False),
    sa.Column('file_name', sa.String(length=400), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['sync_partner.id'], name=op.f('fk_sync_sent_partner_id_sync_partner')),
    sa.PrimaryKeyConstraint('partner_id', 'sequence', name=op.f('pk_sync_sent'))
    )
    _backfill()


def _backfill() -> None:
    for table, owner in SYNCED:
        op.execute(f"INSERT INTO sync_change (table_name, row_id, seq, deleted, office_id) "
                   f"SELECT '{table}', id, 1, false, {owner} FROM {table}")


def downgrade() -> None:
    op.drop_table('sync_sent')
    op.drop_table('sync_link')
    with op.batch_alter_table('sync_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_import_partner_id'))

    op.drop_table('sync_import')
    with op.batch_alter_table('sync_conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_conflict_partner_id'))
        batch_op.drop_index('ix_sync_conflict_open')

    op.drop_table('sync_conflict')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_to_office_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_office_id'))

    op.drop_table('assignment')
    op.drop_table('sync_local_edit')
    with op.batch_alter_table('sync_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_change_seq'))
        batch_op.drop_index('ix_sync_change_owner_seq')

    op.drop_table('sync_change')
